"""A physical fibre drop to a premises, on one ONT position of an OLT port."""

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.exceptions import PortUnavailableError
from gigafibre_fsm.network.fibre_port import drop_status, format_port, is_free, port_key, reservation_for
from gigafibre_fsm.validation import (
	UNKNOWN,
	normalize_coordinates,
	normalize_port_fields,
	normalize_postal_code_field,
	raise_unique_violation,
)

PORT_FIELDS = ("frame", "slot", "port", "ont_slot")


class FibreDrop(Document):
	def validate(self):
		normalize_postal_code_field(self)
		normalize_coordinates(self)
		normalize_port_fields(self, *PORT_FIELDS)
		self.normalize_installed_serial()
		self.keep_holder_reserved()
		self.set_position_and_status()
		self.check_position_not_duplicated()

	def normalize_installed_serial(self):
		self.installed_serial = (self.installed_serial or "").strip().upper() or None

	def keep_holder_reserved(self, holder_status=UNKNOWN):
		"""A drop serving a location in service is never shown free, even if its serial was cleared.

		``holder_status``: the location's status when the caller already knows it (the bulk import).
		"""
		if self.service_location and is_free(self.installed_serial):
			status = holder_status
			if status is UNKNOWN:
				status = frappe.db.get_value("Service Location", self.service_location, "status")
			if status and status != "Disconnected":
				self.installed_serial = reservation_for(self.service_location)

	def set_position_and_status(self):
		self.olt_port = format_port(self.frame, self.slot, self.port)
		self.position_key = port_key(self.olt, *(self.get(f) for f in PORT_FIELDS))
		self.status = drop_status(self.installed_serial, self.box_not_installed)

	def check_position_not_duplicated(self, find_other=None):
		"""One drop per ONT position on an OLT port (the unique position key enforces it too).

		``find_other(position_key)``: another drop's name, when the caller holds an index.
		"""
		if not self.position_key:
			return
		if find_other:
			other = find_other(self.position_key)
		else:
			other = frappe.db.get_value(
				"Fibre Drop", {"position_key": self.position_key, "name": ("!=", self.name or "")}, "name"
			)
		if other:
			self.throw_position_taken(other)

	def throw_position_taken(self, other: str | None = None):
		frappe.throw(
			_("OLT {0} port {1} ONT {2} is already the drop {3}").format(
				self.olt, self.olt_port, self.ont_slot, other or _("of another premises")
			),
			PortUnavailableError,
		)

	def show_unique_validation_message(self, e):
		raise_unique_violation(self, e, {"position_key": lambda: self.throw_position_taken()})
		super().show_unique_validation_message(e)
