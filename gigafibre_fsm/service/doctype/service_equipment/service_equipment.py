import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.exceptions import DuplicateSerialError, InvalidSerialError
from gigafibre_fsm.service.identifiers import normalize_serial
from gigafibre_fsm.validation import (
	check_location_belongs_to_customer,
	check_non_negative,
	check_status_transition,
	normalize_mac_field,
)

SERIAL_FIELDS = ("serial_number", "cwmp_serial", "gpon_serial")


class ServiceEquipment(Document):
	def validate(self):
		self.normalize_serials()
		normalize_mac_field(self, "mac_address")
		self.check_serial_unique()
		check_non_negative(self, "frame", "slot", "port", "ont_id", "line_profile", "service_profile")
		check_location_belongs_to_customer(self)
		check_status_transition(self)
		self.check_active_has_serial()

	def normalize_serials(self):
		for fieldname in SERIAL_FIELDS:
			value = (self.get(fieldname) or "").strip()
			if not value:
				self.set(fieldname, None)
				continue
			serial = normalize_serial(value)
			if not serial:
				frappe.throw(
					_("{0}: {1} is not a serial number (letters, digits, - _ / . only)").format(
						_(self.meta.get_label(fieldname)), frappe.bold(value)
					),
					InvalidSerialError,
				)
			self.set(fieldname, serial)

	def check_serial_unique(self):
		"""A serial or MAC names one device: the ACS finds equipment by it on every boot."""
		for fieldname in ("serial_number", "mac_address"):
			value = self.get(fieldname)
			if not value:
				continue
			other = frappe.db.get_value(
				"Service Equipment", {fieldname: value, "name": ("!=", self.name or "")}, "name"
			)
			if other:
				frappe.throw(
					_("{0} {1} is already equipment {2}").format(
						_(self.meta.get_label(fieldname)), frappe.bold(value), other
					),
					DuplicateSerialError,
				)

	def check_active_has_serial(self):
		if self.status == "Actif" and not self.serial_number:
			frappe.throw(_("Scan the serial number before marking the equipment Actif"))
