"""The desk's endpoints of the Fibre Drop form and list: the reviewers' actions on a drop's
civic address, the matching batch queued, and the map of drops.

Only Gigafibre Support and System Managers review; the map is for whoever reads fibre drops,
with the list's filters. Each endpoint checks who calls it and hands over: the actions to
the drop (network/doctype/fibre_drop/fibre_drop.py), the batch to network/tasks.py, the map
to network/drop_map.py.
"""

import frappe
from frappe import _
from frappe.utils import cint

from gigafibre_fsm.network import drop_map
from gigafibre_fsm.network.drop_matching import MATCH_FIELDS
from gigafibre_fsm.network.tasks import enqueue_matching
from gigafibre_fsm.roles import SUPPORT, SYSTEM_MANAGER

REVIEWERS = (SUPPORT, SYSTEM_MANAGER)


def _only_reviewers() -> None:
	# Not frappe.only_for: it lets everyone through while tests run, and this is tested.
	if set(REVIEWERS).isdisjoint(frappe.get_roles()):
		frappe.throw(
			_("Only {0} review the addresses of fibre drops").format(
				" / ".join(_(role) for role in REVIEWERS)
			),
			frappe.PermissionError,
		)


def _reviewed_drop(drop: str):
	"""The drop a reviewer acts on, once they may write it."""
	_only_reviewers()
	if not drop or not frappe.db.exists("Fibre Drop", drop):
		frappe.throw(_("Fibre drop {0} not found").format(drop), frappe.DoesNotExistError)
	doc = frappe.get_doc("Fibre Drop", drop)
	doc.check_permission("write")
	return doc


def _answer(doc) -> dict:
	return {field: doc.get(field) for field in ("name", *MATCH_FIELDS)}


@frappe.whitelist(methods=["POST"])
def confirm_match(drop: str) -> dict:
	"""The reviewer confirms the drop's address: no later run changes it."""
	doc = _reviewed_drop(drop)
	doc.confirm_match()
	return _answer(doc)


@frappe.whitelist(methods=["POST"])
def pick_address(drop: str, address: str) -> dict:
	"""The reviewer points the drop at another address, which is then confirmed."""
	doc = _reviewed_drop(drop)
	doc.pick_address(address)
	return _answer(doc)


@frappe.whitelist(methods=["POST"])
def reject_match(drop: str) -> dict:
	"""The reviewer says the drop is not at its proposed address: it is never proposed again."""
	doc = _reviewed_drop(drop)
	doc.reject_match()
	return _answer(doc)


@frappe.whitelist(methods=["POST"])
def match_now(drop: str) -> dict:
	"""Look for the drop's address now (one drop, as the batch would)."""
	doc = _reviewed_drop(drop)
	doc.match_again()
	return _answer(doc)


@frappe.whitelist(methods=["POST"])
def start_matching(unmatched_only: bool | int | str = False) -> dict:
	"""Queue the batch over every drop (or only those without an address)."""
	_only_reviewers()
	frappe.has_permission("Fibre Drop", "write", throw=True)
	return {"queued": enqueue_matching(unmatched_only=cint(unmatched_only) == 1)}


@frappe.whitelist()
def drop_coordinates(
	doctype: str = "Fibre Drop", filters: str | list | dict | None = None, type: str | None = None
) -> dict:
	"""GeoJSON markers of the drops with known coordinates, for Frappe's map view (which sends
	the list's doctype, filters and ``type``): the list's filters and the reader's permissions
	apply; each popup names the drop, its address and whether its port is Available, Reserved
	or Occupied."""
	if doctype != "Fibre Drop":
		frappe.throw(_("Only fibre drops are shown on this map"), frappe.ValidationError)
	frappe.has_permission("Fibre Drop", "read", throw=True)
	return drop_map.drop_features(frappe.parse_json(filters) if isinstance(filters, str) else filters)
