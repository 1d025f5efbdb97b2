import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.exceptions import PortUnavailableError
from gigafibre_fsm.network.fibre_port import drop_status, format_port
from gigafibre_fsm.validation import check_coordinates, check_non_negative, normalize_postal_code_field

PORT_FIELDS = ("olt", "frame", "slot", "port", "ont_slot")


class FibreDrop(Document):
	def validate(self):
		normalize_postal_code_field(self)
		check_coordinates(self)
		check_non_negative(self, "frame", "slot", "port", "ont_slot", "max_speed_mbps")
		self.normalize_installed_serial()
		self.olt_port = format_port(self.frame, self.slot, self.port)
		self.status = drop_status(self.installed_serial, self.box_not_installed)
		self.check_port_not_duplicated()

	def normalize_installed_serial(self):
		self.installed_serial = (self.installed_serial or "").strip().upper() or None

	def check_port_not_duplicated(self):
		"""One drop per ONT position on an OLT port."""
		if any(self.get(f) is None or self.get(f) == "" for f in PORT_FIELDS):
			return
		other = frappe.db.get_value(
			"Fibre Drop",
			{**{f: self.get(f) for f in PORT_FIELDS}, "name": ("!=", self.name or "")},
			"name",
		)
		if other:
			frappe.throw(
				_("OLT {0} port {1} ONT {2} is already the drop {3}").format(
					self.olt, self.olt_port, self.ont_slot, other
				),
				PortUnavailableError,
			)
