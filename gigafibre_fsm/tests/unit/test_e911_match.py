"""Whether a line's 911 address is where it rings from (voip/e911.py compare, changed_parts,
one_line) and the 911 step of the line's status flow. Pure, no database."""

from gigafibre_fsm.status_flow import ALLOWED, FLOWS, NOT_ALLOWED, REASON_REQUIRED
from gigafibre_fsm.voip.e911 import (
	MATCH,
	MISMATCH,
	MISSING,
	REGISTER_911,
	address_of,
	changed_parts,
	compare,
	one_line,
)

SERVICE = {
	"civic_number": "1210",
	"civic_suffix": "A",
	"street": "Rue Principale",
	"apartment": "2",
	"city": "Saint-Adrien",
	"municipality_code": "40005",
	"province": "QC",
	"postal_code": "J0A 1C0",
}


def registered(**changes):
	return {**address_of(SERVICE), **changes}


def test_the_location_s_own_address_matches_however_written():
	assert compare(SERVICE, registered()) == (MATCH, [])
	written = registered(e911_street="RUE  principale", e911_city="St-Adrien", e911_postal_code="j0a1c0")
	assert compare(SERVICE, written) == (MATCH, [])


def test_the_parts_that_differ_are_named_in_order():
	assert compare(SERVICE, registered(e911_civic_number="1212")) == (MISMATCH, ["civic_number"])
	moved = registered(e911_postal_code="J0B 2C0", e911_street="Rang 10", e911_civic_suffix=None)
	assert compare(SERVICE, moved) == (MISMATCH, ["civic_suffix", "street", "postal_code"])
	assert compare(SERVICE, registered(e911_apartment=None)) == (MISMATCH, ["apartment"])


def test_the_province_and_cauca_code_do_not_make_a_mismatch():
	assert compare(SERVICE, registered(e911_province=None, e911_cauca_code="99999"))[0] == MATCH


def test_a_missing_part_the_911_centre_needs_is_missing_not_a_mismatch():
	assert compare(SERVICE, registered(e911_postal_code=None, e911_street="Rang 10")) == (
		MISSING,
		["postal_code"],
	)
	assert compare({**SERVICE, "civic_number": None}, registered()) == (MISSING, ["civic_number"])
	assert compare(None, registered()) == (MISSING, ["service_location"])
	assert compare(None, {}) == (MISSING, ["civic_number", "street", "city", "postal_code"])


def test_a_location_s_change_is_a_move_only_when_a_part_changes():
	assert changed_parts(SERVICE, {**SERVICE, "street": "RUE PRINCIPALE", "postal_code": "j0a1c0"}) == []
	assert changed_parts(SERVICE, {**SERVICE, "civic_number": "1300", "civic_suffix": None}) == [
		"civic_number",
		"civic_suffix",
	]
	assert changed_parts(SERVICE, {**SERVICE, "latitude": 45.1}) == []


def test_an_address_in_one_line():
	assert one_line(SERVICE) == "1210A Rue Principale, app. 2, Saint-Adrien J0A 1C0"
	assert one_line(registered(e911_apartment=None), "e911_") == "1210A Rue Principale, Saint-Adrien J0A 1C0"
	assert one_line({}) == ""


def test_a_line_waits_for_its_911_address_before_active():
	flow = FLOWS["VoIP Line"]
	assert flow.initial == "Active", "a new line starts Active (Configure VoIP moves one that waits)"
	assert flow.check("Pending 911", "Active") == ALLOWED
	assert flow.check("Active", "Pending 911") == ALLOWED
	assert flow.check("Cancelled", "Pending 911") == ALLOWED
	assert flow.check("Pending 911", "Suspended") == NOT_ALLOWED
	assert flow.check("Pending 911", "Cancelled") == REASON_REQUIRED


def test_the_911_task_is_support_s():
	assert (REGISTER_911.key, REGISTER_911.team) == ("Register 911 Address", "Gigafibre Support")
