"""A device at a customer's premises (ONT, router, TV box, IP phone) and what the ACS pushes to it."""

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.exceptions import DuplicateSerialError, InvalidSerialError
from gigafibre_fsm.network import drop_claims
from gigafibre_fsm.service.identifiers import normalize_serial
from gigafibre_fsm.validation import (
	check_location_belongs_to_customer,
	check_status_transition,
	normalize_mac_field,
	normalize_port_fields,
	raise_unique_violation,
)

SERIAL_FIELDS = ("serial_number", "cwmp_serial", "gpon_serial")
# Each names one device: the ACS finds equipment by them on every boot.
UNIQUE_IDENTIFIERS = ("serial_number", "mac_address", "cwmp_serial")
ACTIVE = "Active"


class ServiceEquipment(Document):
	def validate(self):
		self.normalize_serials()
		normalize_mac_field(self, "mac_address")
		self.check_identifiers_unique()
		normalize_port_fields(self, "frame", "slot", "port", "ont_id")
		check_location_belongs_to_customer(self)
		check_status_transition(self)
		self.check_active_has_serial()

	def on_update(self):
		self.record_ont_on_drop()

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

	def check_identifiers_unique(self, find_other=None):
		"""``find_other(fieldname, value)``: another equipment's name, when the caller holds an index."""
		for fieldname in UNIQUE_IDENTIFIERS:
			value = self.get(fieldname)
			if not value:
				continue
			if find_other:
				other = find_other(fieldname, value)
			else:
				other = frappe.db.get_value(
					"Service Equipment", {fieldname: value, "name": ("!=", self.name or "")}, "name"
				)
			if other:
				self.throw_duplicate(fieldname, other)

	def throw_duplicate(self, fieldname: str, other: str | None = None):
		frappe.throw(
			_("{0} {1} is already equipment {2}").format(
				_(self.meta.get_label(fieldname)), frappe.bold(self.get(fieldname)), other or ""
			),
			DuplicateSerialError,
		)

	def show_unique_validation_message(self, e):
		raise_unique_violation(
			self, e, {f: (lambda f=f: self.throw_duplicate(f)) for f in UNIQUE_IDENTIFIERS}
		)
		super().show_unique_validation_message(e)

	def check_active_has_serial(self):
		if self.status == ACTIVE and not self.serial_number:
			frappe.throw(
				_("Scan the serial number before marking the equipment {0}").format(_(ACTIVE)),
				InvalidSerialError,
			)

	def record_ont_on_drop(self):
		"""The installed ONT's serial is what marks the drop's port as occupied."""
		if self.equipment_type != "ONT" or not self.service_location:
			return
		if self.status == ACTIVE:
			drop_claims.set_ont(self.service_location, self.serial_number)
		elif self.has_value_changed("status") and self.status == "Returned":
			drop_claims.set_ont(self.service_location, None)


def record_device_event(
	equipment: str,
	at=None,
	ip: str | None = None,
	firmware: str | None = None,
	event: str | None = None,
	seen: bool = True,
) -> None:
	"""What the ACS reports on each boot: written straight to the row, without a Version and
	without touching ``modified``, so a modem rebooting all day never looks like an edit.
	``seen``: the device was heard from at ``at`` (now by default); an offline report was not."""
	values = {}
	if seen:
		values["last_inform"] = at or frappe.utils.now_datetime()
	if ip:
		values["last_ip"] = ip
	if firmware:
		values["firmware_version"] = firmware
	if event:
		values["last_event"] = event
	if values:
		frappe.db.set_value("Service Equipment", equipment, values, update_modified=False)
