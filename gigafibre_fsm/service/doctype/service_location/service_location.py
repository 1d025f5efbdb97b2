"""A customer's premises: its address in parts, its place on the fibre network, its status."""

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.exceptions import PortUnavailableError
from gigafibre_fsm.network import drop_claims
from gigafibre_fsm.network.fibre_port import format_port, port_key
from gigafibre_fsm.rules.address import location_title, street_line
from gigafibre_fsm.status_flow import in_service
from gigafibre_fsm.validation import (
	check_status_transition,
	normalize_coordinates,
	normalize_port_fields,
	normalize_postal_code_field,
	raise_unique_violation,
)
from gigafibre_fsm.voip import e911_lines

PORT_FIELDS = ("frame", "slot", "port", "ont_id")


class ServiceLocation(Document):
	def validate(self):
		normalize_postal_code_field(self)
		normalize_coordinates(self)
		normalize_port_fields(self, *PORT_FIELDS)
		self.set_address_line()
		check_status_transition(self)
		self.set_keys_in_service()
		self.check_fibre_port_free()

	def on_update(self):
		drop_claims.follow_location(self)
		self.flag_911_lines()

	def flag_911_lines(self):
		"""A moved address (a move, a correction, the legacy import's update) flags the lines that
		ring here for 911 re-registration and opens support's task (voip/e911_lines.py)."""
		e911_lines.location_address_changed(self)

	def on_trash(self):
		drop_claims.release(self.fibre_drop, self.name)

	def set_address_line(self):
		"""The one-line address and the title come from the parts, the same for every user."""
		for fieldname in ("civic_number", "civic_suffix", "street", "apartment", "city", "municipality_code"):
			value = (self.get(fieldname) or "").strip()
			self.set(fieldname, value or None)
		if self.civic_suffix:
			self.civic_suffix = self.civic_suffix.upper()
		self.address_line = street_line(self.civic_number, self.civic_suffix, self.street)
		self.location_title = location_title(
			self.civic_number, self.civic_suffix, self.street, self.apartment, self.city
		)

	def set_keys_in_service(self):
		"""Unique columns the database checks: one location in service per drop and per port."""
		holds = in_service(self.status)
		self.active_fibre_drop = self.fibre_drop if holds and self.fibre_drop else None
		key = port_key(self.olt, *(self.get(f) for f in PORT_FIELDS))
		self.active_port = key if holds else None

	def check_fibre_port_free(self):
		"""A fibre port serves one premises: a clear message before the database refuses it."""
		if self.active_fibre_drop:
			other = frappe.db.get_value(
				"Service Location",
				{"active_fibre_drop": self.active_fibre_drop, "name": ("!=", self.name or "")},
				"name",
			)
			if other:
				self.throw_drop_taken(other)
			drop_claims.check_can_claim(self.fibre_drop, self)
		if self.active_port:
			other = frappe.db.get_value(
				"Service Location", {"active_port": self.active_port, "name": ("!=", self.name or "")}, "name"
			)
			if other:
				self.throw_port_taken(other)

	def throw_drop_taken(self, other: str | None = None):
		frappe.throw(
			_("Fibre drop {0} already serves location {1}").format(
				self.fibre_drop, other or _("another location")
			),
			PortUnavailableError,
		)

	def throw_port_taken(self, other: str | None = None):
		frappe.throw(
			_("OLT {0} port {1} ONT {2} already serves location {3}").format(
				self.olt,
				format_port(self.frame, self.slot, self.port),
				self.ont_id,
				other or _("another location"),
			),
			PortUnavailableError,
		)

	def show_unique_validation_message(self, e):
		raise_unique_violation(
			self,
			e,
			{
				"active_fibre_drop": lambda: self.throw_drop_taken(),
				"active_port": lambda: self.throw_port_taken(),
			},
		)
		super().show_unique_validation_message(e)
