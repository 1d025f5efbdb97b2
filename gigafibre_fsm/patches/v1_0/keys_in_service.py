"""Fill the unique columns that let the database refuse a second holder of a drop, of an OLT
position or of an active DID. A conflict already in the data is reported, not hidden."""

import frappe

from gigafibre_fsm.network.fibre_port import drop_status, port_key
from gigafibre_fsm.status_flow import in_service as location_in_service


def _fill(doctype: str, column: str, rows) -> None:
	seen: dict[str, str] = {}
	for name, key in rows:
		if key and key in seen:
			print(f"{doctype} {name}: {column} {key} is already held by {seen[key]}; left empty, fix by hand")
			key = None
		if key:
			seen[key] = name
		frappe.db.set_value(doctype, name, column, key, update_modified=False)


def execute():
	locations = frappe.db.sql(
		"select name, status, fibre_drop, olt, frame, slot, port, ont_id from `tabService Location`"
		" order by creation",
		as_dict=True,
	)
	in_service = [r for r in locations if location_in_service(r.status)]
	_fill("Service Location", "active_fibre_drop", [(r.name, r.fibre_drop) for r in in_service])
	_fill(
		"Service Location",
		"active_port",
		[(r.name, port_key(r.olt, r.frame, r.slot, r.port, r.ont_id)) for r in in_service],
	)
	drops = frappe.db.sql(
		"select name, olt, frame, slot, port, ont_slot, installed_serial, box_not_installed"
		" from `tabFibre Drop` order by creation",
		as_dict=True,
	)
	_fill(
		"Fibre Drop",
		"position_key",
		[(d.name, port_key(d.olt, d.frame, d.slot, d.port, d.ont_slot)) for d in drops],
	)
	for d in drops:
		frappe.db.set_value(
			"Fibre Drop",
			d.name,
			"status",
			drop_status(d.installed_serial, d.box_not_installed),
			update_modified=False,
		)
	lines = frappe.db.sql("select name, did from `tabVoIP Line` where status = 'Active' order by creation")
	_fill("VoIP Line", "active_did", lines)
