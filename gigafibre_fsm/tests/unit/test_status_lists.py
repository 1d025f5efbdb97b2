"""The status lists and the permission matrix are written once: the doctype files must agree."""

import json
from pathlib import Path

import pytest

from gigafibre_fsm.roles import APP_DOCTYPES, permission_rows
from gigafibre_fsm.status_flow import FLOWS, REASON_FIELDS

APP = Path(__file__).resolve().parents[2]


def doctype_json(name: str) -> dict:
	folder = name.lower().replace(" ", "_")
	(path,) = APP.glob(f"*/doctype/{folder}/{folder}.json")
	return json.loads(path.read_text())


def field(meta: dict, fieldname: str) -> dict:
	return next(f for f in meta["fields"] if f["fieldname"] == fieldname)


@pytest.mark.parametrize("doctype", sorted(FLOWS))
def test_status_options_are_the_flow_statuses(doctype):
	status = field(doctype_json(doctype), "status")
	assert status["options"] == FLOWS[doctype].options()
	assert status.get("default") == FLOWS[doctype].initial


@pytest.mark.parametrize("doctype", sorted(REASON_FIELDS))
def test_every_move_that_needs_a_reason_has_a_field_for_it(doctype):
	assert field(doctype_json(doctype), REASON_FIELDS[doctype])
	assert FLOWS[doctype].needs_reason


@pytest.mark.parametrize("doctype", sorted(FLOWS))
def test_every_move_targets_a_known_status(doctype):
	flow = FLOWS[doctype]
	for old, targets in flow.moves.items():
		assert old in flow.colours
		assert targets <= set(flow.colours)
	for old, new in flow.needs_reason:
		assert new in flow.moves[old]


def test_list_views_take_their_colours_from_the_flows():
	for path in APP.glob("*/doctype/*/*_list.js"):
		text = path.read_text()
		if "get_indicator" in text:
			assert "gigafibre.status_indicator" in text, path.name


@pytest.mark.parametrize("doctype", sorted(APP_DOCTYPES))
def test_doctype_permissions_are_the_matrix(doctype):
	assert doctype_json(doctype)["permissions"] == permission_rows(doctype)


def test_every_app_doctype_is_in_the_matrix():
	for path in APP.glob("*/doctype/*/*.json"):
		if path.stem != path.parent.name:
			continue
		meta = json.loads(path.read_text())
		if meta.get("doctype") == "DocType" and not meta.get("istable"):
			assert meta["name"] in APP_DOCTYPES, f"{meta['name']} has no row in roles.py"


def test_technicians_never_export_or_share():
	from gigafibre_fsm.roles import MATRIX, TECHNICIAN

	for doctype, grants in MATRIX.items():
		assert not grants.get(TECHNICIAN, frozenset()) & {"export", "share", "delete"}, doctype
	for money in (
		"Payment Method",
		"Payment Arrangement",
		"Sales Invoice",
		"Payment Entry",
		"Suspension Log",
	):
		assert TECHNICIAN not in MATRIX[money]
