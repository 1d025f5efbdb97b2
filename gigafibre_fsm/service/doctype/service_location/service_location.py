import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.exceptions import PortUnavailableError
from gigafibre_fsm.network.fibre_port import format_port
from gigafibre_fsm.validation import (
	check_coordinates,
	check_non_negative,
	check_status_transition,
	normalize_postal_code_field,
)

INACTIVE = "Disconnected"


class ServiceLocation(Document):
	def validate(self):
		normalize_postal_code_field(self)
		check_coordinates(self)
		check_non_negative(self, "frame", "slot", "port", "ont_id")
		self.set_location_title()
		check_status_transition(self)
		self.check_fibre_port_free()

	def on_update(self):
		self.link_fibre_drop()

	def set_location_title(self):
		parts = [self.address_line]
		if self.apartment:
			parts.append(_("apt. {0}").format(self.apartment))
		parts.append(self.city)
		self.location_title = ", ".join(p.strip() for p in parts if p and p.strip())

	def check_fibre_port_free(self):
		"""A fibre port serves one premises: no two locations still in service may share it."""
		if self.status == INACTIVE:
			return
		others = {"status": ("!=", INACTIVE), "name": ("!=", self.name or "")}
		if self.fibre_drop:
			other = frappe.db.get_value("Service Location", {**others, "fibre_drop": self.fibre_drop}, "name")
			if other:
				frappe.throw(
					_("Fibre drop {0} already serves location {1}").format(self.fibre_drop, other),
					PortUnavailableError,
				)
		port = {f: self.get(f) for f in ("olt", "frame", "slot", "port", "ont_id")}
		if all(v is not None and v != "" for v in port.values()):
			other = frappe.db.get_value("Service Location", {**others, **port}, "name")
			if other:
				frappe.throw(
					_("OLT {0} port {1} ONT {2} already serves location {3}").format(
						self.olt, format_port(self.frame, self.slot, self.port), self.ont_id, other
					),
					PortUnavailableError,
				)

	def link_fibre_drop(self):
		"""Keep the drop pointing at the location it serves, and free it on disconnection."""
		if not self.fibre_drop:
			return
		current = frappe.db.get_value("Fibre Drop", self.fibre_drop, "service_location")
		if self.status != INACTIVE and current != self.name:
			frappe.db.set_value("Fibre Drop", self.fibre_drop, "service_location", self.name)
		elif self.status == INACTIVE and current == self.name:
			frappe.db.set_value("Fibre Drop", self.fibre_drop, "service_location", None)
