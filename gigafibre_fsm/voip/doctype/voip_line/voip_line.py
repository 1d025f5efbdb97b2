"""A phone line: its DID, SIP account, voicemail, 911 registration and ATA.

The SIP account's user name and password live on one equipment (the IP phone, or a legacy
ONT with phone ports): the line names that equipment and repeats its user name, so the ACS and
the PBX find the account, and never holds the password.
"""

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.exceptions import CustomerMismatchError, DuplicateActiveLineError, InvalidDIDError
from gigafibre_fsm.rules.phone import format_phone, normalize_phone
from gigafibre_fsm.validation import (
	check_location_belongs_to_customer,
	check_status_transition,
	normalize_mac_field,
	normalize_postal_code_field,
	raise_unique_violation,
)

ACTIVE, CANCELLED = "Active", "Cancelled"
PENDING_911 = "Pending 911"
# A line waiting for its 911 address holds its number as an active one does.
HOLDS_DID = (ACTIVE, PENDING_911)
# A change to any of these must be registered again with the 911 provider.
E911_ADDRESS_FIELDS = (
	"e911_civic_number",
	"e911_civic_suffix",
	"e911_apartment",
	"e911_street",
	"e911_city",
	"e911_province",
	"e911_postal_code",
	"e911_cauca_code",
	"e911_class",
)


class VoIPLine(Document):
	def validate(self):
		self.normalize_phone()
		check_location_belongs_to_customer(self)
		check_status_transition(self)
		self.check_one_active_line()
		normalize_mac_field(self, "ata_mac")
		normalize_postal_code_field(self, "e911_postal_code")
		self.mark_911_address_changed()

	def normalize_phone(self):
		did = normalize_phone(self.did)
		if not did:
			frappe.throw(
				_("{0} is not a valid North-American phone number (10 digits, e.g. 418-555-1234)").format(
					frappe.bold(self.did)
				),
				InvalidDIDError,
			)
		self.did = did

	def check_one_active_line(self, find_other=None):
		"""One active line per DID; the unique ``active_did`` column makes the database agree.

		``find_other()``: another active line's name, when the caller holds an index.
		"""
		self.active_did = self.did if self.status in HOLDS_DID else None
		if self.active_did and (other := (find_other or self.other_active_line)()):
			self.throw_duplicate_line(other)

	def before_save(self):
		# Reads the equipment: a save and the legacy import's writer both run it here.
		self.set_sip_account()
		self.check_911_address()

	def check_911_address(self):
		"""The 911 address compared with the location's (stored on the line), and no line put in
		service without a matching one (voip/e911_lines.py)."""
		from gigafibre_fsm.voip import e911_lines

		e911_lines.set_match(self)
		e911_lines.check_can_enter_service(self)

	def set_sip_account(self):
		"""The user name is the equipment's; the equipment is at the line's location and carries
		one line in service (an equipment holds one SIP account)."""
		if not self.equipment:
			return
		equipment = frappe.db.get_value(
			"Service Equipment", self.equipment, ["service_location", "sip_username"], as_dict=True
		)
		if not equipment:
			frappe.throw(
				_("Service Equipment {0} not found").format(self.equipment), frappe.LinkValidationError
			)
		if self.service_location and equipment.service_location != self.service_location:
			frappe.throw(
				_("Service Equipment {0} is not at Service Location {1}").format(
					self.equipment, self.service_location
				),
				CustomerMismatchError,
			)
		self.sip_username = equipment.sip_username or self.sip_username
		if self.status == CANCELLED:
			return
		other = frappe.db.get_value(
			"VoIP Line",
			{"equipment": self.equipment, "status": ("!=", CANCELLED), "name": ("!=", self.name or "")},
			"name",
		)
		if other:
			frappe.throw(
				_("Service Equipment {0} already carries VoIP Line {1}").format(self.equipment, other),
				DuplicateActiveLineError,
			)

	def other_active_line(self) -> str | None:
		return frappe.db.get_value(
			"VoIP Line", {"active_did": self.did, "name": ("!=", self.name or "")}, "name"
		)

	def throw_duplicate_line(self, other: str | None = None):
		frappe.throw(
			_("{0} already has an active line: {1}").format(
				format_phone(self.did), other or _("another line")
			),
			DuplicateActiveLineError,
		)

	def show_unique_validation_message(self, e):
		raise_unique_violation(self, e, {"active_did": lambda: self.throw_duplicate_line()})
		super().show_unique_validation_message(e)

	def mark_911_address_changed(self):
		"""A changed 911 address must be registered again with the 911 provider."""
		for fieldname in E911_ADDRESS_FIELDS:
			if isinstance(self.get(fieldname), str):
				self.set(fieldname, self.get(fieldname).strip() or None)
		if self.is_new() or self.flags.e911_registering:
			return
		if any(self.has_value_changed(f) for f in E911_ADDRESS_FIELDS):
			self.e911_synced = 0
