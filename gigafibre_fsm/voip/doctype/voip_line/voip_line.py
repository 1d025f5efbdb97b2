import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.exceptions import DuplicateActiveLineError, InvalidDIDError
from gigafibre_fsm.validation import (
	check_location_belongs_to_customer,
	check_status_transition,
	normalize_mac_field,
	normalize_postal_code_field,
)
from gigafibre_fsm.voip.did import format_did, normalize_did


class VoIPLine(Document):
	def validate(self):
		self.normalize_did()
		self.check_one_active_line()
		check_location_belongs_to_customer(self)
		check_status_transition(self)
		normalize_mac_field(self, "ata_mac")
		normalize_postal_code_field(self, "e911_postal_code")
		self.mark_911_address_changed()

	def normalize_did(self):
		did = normalize_did(self.did)
		if not did:
			frappe.throw(
				_("{0} is not a valid North-American phone number (10 digits, e.g. 418-555-1234)").format(
					frappe.bold(self.did)
				),
				InvalidDIDError,
			)
		self.did = did

	def check_one_active_line(self):
		if self.status != "Active":
			return
		other = frappe.db.get_value(
			"VoIP Line", {"did": self.did, "status": "Active", "name": ("!=", self.name or "")}, "name"
		)
		if other:
			frappe.throw(
				_("{0} already has an active line: {1}").format(format_did(self.did), other),
				DuplicateActiveLineError,
			)

	def mark_911_address_changed(self):
		"""A changed 911 address must be registered again with the 911 provider."""
		if self.is_new():
			return
		fields = [df.fieldname for df in self.meta.fields if df.fieldname.startswith("e911_")]
		fields = [f for f in fields if f not in ("e911_synced", "e911_synced_on")]
		if any(self.has_value_changed(f) for f in fields):
			self.e911_synced = 0
