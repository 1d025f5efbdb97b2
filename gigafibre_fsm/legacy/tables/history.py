"""ip_history, delivery_history → the IP History and Address History rows of a Service Location.

Child rows of the location: appended after its last row, the location's ``modified`` dated as
a save would date it; a changed row is brought up to date through the location's save.
"""

from collections import defaultdict
from collections.abc import Callable

import frappe
from frappe.utils import now

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.bulk import update_rows
from gigafibre_fsm.legacy.clean import Invalid
from gigafibre_fsm.legacy.convert import (
	INVALID,
	MISSING,
	Context,
	Notes,
	Plan,
	Rejected,
	city,
	parent,
	postal_code,
	split,
	to_datetime,
)
from gigafibre_fsm.legacy.step import Step
from gigafibre_fsm.rules.address import location_title

# ---------------------------------------------------------------------------------------
# Conversion


def convert_ip(row: dict, ctx: Context) -> Plan:
	location = parent(ctx, "delivery", row.get("delivery_id"))
	notes = Notes()
	ip = clean.clean_ip(row.get("ip"))
	if isinstance(ip, Invalid):
		raise Rejected(INVALID, str(ip))
	if ip is None:
		raise Rejected(MISSING, "no IP address")
	values = {
		"parent": location,
		"ip_address": ip,
		"assigned_on": to_datetime(notes, row.get("date"), "date"),
		"legacy_ip_history_id": str(row["id"]),
	}
	return Plan("IP History", values, warnings=notes.warnings)


def convert_delivery_history(row: dict, ctx: Context) -> Plan:
	location = parent(ctx, "delivery", row.get("delivery_id"))
	notes = Notes()
	parts = split(ctx, notes, row.get("address1"), row.get("address2"))
	line = location_title(parts.civic_number, parts.civic_suffix, parts.street, None, None)
	values = {
		"parent": location,
		"changed_on": to_datetime(notes, row.get("date_orig"), "date_orig"),
		"address_line": line[:140] or None,
		"apartment": parts.apartment,
		"city": city(ctx, notes, row.get("city")),
		"province": notes.value(clean.clean_province(row.get("state")), "QC"),
		"postal_code": postal_code(notes, row.get("zip")),
		"legacy_delivery_history_id": str(row["id"]),
	}
	return Plan("Address History", values, warnings=notes.warnings)


# ---------------------------------------------------------------------------------------
# Steps


class HistoryStep(Step):
	"""Rows of a child table of Service Location."""

	parentfield = ""
	convert_row: Callable | None = None

	def prepare(self):
		self.imp.prepare_common()
		self.imp.load_parents("delivery")
		self.load_existing()
		self.duplicates = self.source.duplicates(self.key)
		self.next_idx = defaultdict(int)
		for parent_name, idx in frappe.db.sql(
			f"select parent, max(idx) from `tab{self.doctype}` where parenttype = 'Service Location' group by parent"
		):
			self.next_idx[parent_name] = idx or 0
		self.writer = self.new_writer()
		self.touched: set[str] = set()

	def convert(self, source_table, row):
		return type(self).convert_row(row, self.ctx)

	def create(self, source_table, key, plan, row, batch):
		values = dict(plan.values)
		location = values.pop("parent")
		self.next_idx[location] += 1
		doc = self.writer.new(
			{
				**values,
				"parent": location,
				"parenttype": "Service Location",
				"parentfield": self.parentfield,
				"idx": self.next_idx[location],
			}
		)
		self.writer.validate(doc)
		self.accept(doc, batch, source_table, key)
		self.existing[key] = doc.name
		self.touched.add(location)
		return location

	def update(self, source_table, key, name, plan, row, batch):
		values = dict(plan.values)
		location_name = values.pop("parent")
		location = frappe.get_doc("Service Location", location_name)
		for child in location.get(self.parentfield):
			if child.get(self.legacy_field) == key:
				child.update(values)
		location.flags.in_import = True
		location.save(ignore_permissions=True)
		return location_name

	def write(self, batch):
		super().write(batch)
		if self.touched:
			# A row added to a location is a change of the location, as a save would date it.
			stamp = now()
			update_rows(
				"Service Location",
				[{"name": n, "modified": stamp, "modified_by": frappe.session.user} for n in self.touched],
			)
			self.touched = set()


class IPHistoryStep(HistoryStep):
	key = "ip_history"
	doctype = "IP History"
	legacy_field = "legacy_ip_history_id"
	parentfield = "ip_history"
	sources = ("ip_history",)
	convert_row = staticmethod(convert_ip)


class AddressHistoryStep(HistoryStep):
	key = "delivery_history"
	doctype = "Address History"
	legacy_field = "legacy_delivery_history_id"
	parentfield = "address_history"
	sources = ("delivery_history",)
	convert_row = staticmethod(convert_delivery_history)
