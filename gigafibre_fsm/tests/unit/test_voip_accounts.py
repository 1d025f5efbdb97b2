"""Which equipment carries a line's SIP account, which IP phones wait for a line, the numbers
of a range and a line's 911 address from its service address (voip/accounts.py, voip/e911.py)."""

import pytest

from gigafibre_fsm.status_flow import ALLOWED, FLOWS, NOT_ALLOWED, REASON_REQUIRED
from gigafibre_fsm.voip.accounts import RangeError, number_range, phones_without_line, sip_home
from gigafibre_fsm.voip.e911 import address_of, differences

EQUIPMENT = [
	{"name": "EQ-1", "equipment_type": "ONT", "sip_username": "8195550101", "mac_address": None},
	{"name": "EQ-2", "equipment_type": "IP Phone", "sip_username": None, "mac_address": "00:0B:82:00:00:01"},
	{
		"name": "EQ-3",
		"equipment_type": "IP Phone",
		"sip_username": "8195550102",
		"mac_address": "00:0B:82:00:00:02",
		"status": "Returned",
	},
]


def test_the_account_lives_on_the_equipment_with_its_user_name():
	assert sip_home("8195550101", "00:0B:82:00:00:01", EQUIPMENT)["name"] == "EQ-1"


def test_else_on_the_ip_phone_with_the_lines_ata_mac():
	assert sip_home("8195559999", "00:0B:82:00:00:01", EQUIPMENT)["name"] == "EQ-2"


def test_a_returned_device_carries_nothing_and_an_ont_is_no_ata():
	assert sip_home("8195550102", "00:0B:82:00:00:02", EQUIPMENT) is None
	assert sip_home(None, None, EQUIPMENT) is None
	ont_mac = [{**EQUIPMENT[0], "sip_username": None, "mac_address": "00:0B:82:00:00:09"}]
	assert sip_home(None, "00:0B:82:00:00:09", ont_mac) is None


PHONES = [
	{"name": "EQ-B", "sip_username": "loc-2", "sip_line": 2, "creation": "2026-12-01 10:00"},
	{"name": "EQ-A", "sip_username": "loc-1", "sip_line": 1, "creation": "2026-12-01 10:00"},
	{"name": "EQ-C", "sip_username": None, "sip_line": None, "creation": "2026-12-01 09:00"},
	{
		"name": "EQ-D",
		"sip_username": "loc-4",
		"sip_line": 4,
		"creation": "2026-12-01 09:00",
		"status": "Returned",
	},
]


def test_phones_without_a_line_in_service_line_one_first():
	# A phone without a line number counts as line 1; the older first.
	assert [p["name"] for p in phones_without_line(PHONES, [])] == ["EQ-C", "EQ-A", "EQ-B"]


def test_a_line_names_its_phone_or_its_user_name_and_a_cancelled_line_names_nothing():
	lines = [
		{"equipment": "EQ-A", "status": "Active"},
		{"equipment": None, "sip_username": "loc-2", "status": "Suspended"},
		{"equipment": "EQ-C", "status": "Cancelled"},
	]
	assert [p["name"] for p in phones_without_line(PHONES, lines)] == ["EQ-C"]


def test_a_range_of_numbers_in_any_notation():
	assert number_range("819-555-0100", "(819) 555-0103") == [
		"8195550100",
		"8195550101",
		"8195550102",
		"8195550103",
	]
	assert number_range("+1 819 555 0100", "8195550100") == ["8195550100"]


@pytest.mark.parametrize(
	("first", "last", "field", "kind"),
	[
		("555-0100", "8195550101", "first", RangeError.INVALID),
		("8195550100", "911", "last", RangeError.INVALID),
		("8195550101", "8195550100", "last", RangeError.BACKWARDS),
		("8195550000", "8195560000", "last", RangeError.TOO_MANY),
	],
)
def test_a_range_that_cannot_be_added_says_which_end_and_why(first, last, field, kind):
	with pytest.raises(RangeError) as caught:
		number_range(first, last)
	assert (caught.value.field, caught.value.kind) == (field, kind)


def test_a_lines_911_address_is_its_service_address_in_parts():
	service = {
		"civic_number": "1210",
		"civic_suffix": "A",
		"street": "Rue Principale",
		"apartment": "",
		"city": "Saint-Adrien",
		"municipality_code": "40005",
		"province": None,
		"postal_code": "J0A 1C0",
	}
	e911 = address_of(service)
	assert e911["e911_civic_number"] == "1210"
	assert e911["e911_apartment"] is None
	assert e911["e911_cauca_code"] == "40005"
	assert e911["e911_province"] == "QC"
	assert differences({**service, "province": "QC"}, e911) == []


def test_did_flow():
	flow = FLOWS["DID"]
	assert flow.initial == "Free"
	assert flow.check("Free", "Assigned") == ALLOWED
	assert flow.check("Porting", "Assigned") == ALLOWED
	assert flow.check("Assigned", "Free") == ALLOWED
	assert flow.check("Assigned", "Retired") == REASON_REQUIRED
	assert flow.check("Assigned", "Retired", "Numéro résilié") == ALLOWED
	assert flow.check("Retired", "Assigned") == NOT_ALLOWED
	assert flow.check("Free", "Porting") == NOT_ALLOWED
