"""Which location holds a fibre drop's port, written only here and only through the drop.

A drop's installed serial is the one source of truth for whether its port is free (see
fibre_port.py). Locations claim and release drops through these functions, which lock the
drop's row first — always the drop, then the location, so two savers never wait on each
other in opposite orders — and save the drop through its own controller, so its status is
recomputed by the same rule every time.
"""

import frappe
from frappe import _

from gigafibre_fsm.exceptions import PortUnavailableError
from gigafibre_fsm.network.fibre_port import drop_status, is_free, is_held_by, reservation_for
from gigafibre_fsm.status_flow import in_service
from gigafibre_fsm.validation import is_import


def _locked(drop: str) -> dict | None:
	return frappe.db.get_value(
		"Fibre Drop", drop, ["name", "installed_serial", "service_location"], as_dict=True, for_update=True
	)


def check_can_claim(drop: str, location) -> None:
	"""Lock the drop and refuse it when another order or another ONT holds its port."""
	row = _locked(drop)
	if not row:
		return  # Frappe's link check names the missing drop
	if is_free(row.installed_serial) or row.service_location == location.name:
		return
	if is_held_by(row.installed_serial, location.name):
		return
	# The legacy import links a location to the drop whose ONT it already knows.
	if is_import(location) and not row.service_location:
		return
	frappe.throw(
		_("Fibre drop {0} is not free: {1}").format(
			frappe.bold(drop), _(drop_status(row.installed_serial)).lower()
		),
		PortUnavailableError,
	)


def follow_location(location) -> None:
	"""After a location is saved: release the drop it left, claim the drop it serves from."""
	before = location.get_doc_before_save()
	old_drop = before.fibre_drop if before else None
	holds = in_service(location.status)
	if old_drop and (old_drop != location.fibre_drop or not holds):
		release(old_drop, location.name)
	if location.fibre_drop and holds:
		claim(location.fibre_drop, location.name)


def claim(drop: str, location: str) -> None:
	row = _locked(drop)
	if row.service_location == location and row.installed_serial:
		return
	doc = frappe.get_doc("Fibre Drop", drop)
	doc.service_location = location
	if is_free(doc.installed_serial):
		doc.installed_serial = reservation_for(location)
	doc.save(ignore_permissions=True)


def release(drop: str | None, location: str) -> None:
	"""Free the drop's port if this location holds it."""
	if not drop:
		return
	row = _locked(drop)
	if not row or not (row.service_location == location or is_held_by(row.installed_serial, location)):
		return
	doc = frappe.get_doc("Fibre Drop", drop)
	doc.service_location = None
	doc.installed_serial = None
	doc.save(ignore_permissions=True)


def set_ont(location: str, serial: str | None) -> None:
	"""Record the ONT serving ``location`` on its drop (None: back to held by the order)."""
	drop = frappe.db.get_value("Service Location", location, "fibre_drop")
	if not drop:
		return
	row = _locked(drop)
	if row.service_location != location:
		return
	wanted = serial or reservation_for(location)
	if row.installed_serial != wanted:
		doc = frappe.get_doc("Fibre Drop", drop)
		doc.installed_serial = wanted
		doc.save(ignore_permissions=True)
