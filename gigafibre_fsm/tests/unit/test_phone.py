import pytest

from gigafibre_fsm.rules.phone import format_phone, normalize_phone


@pytest.mark.parametrize(
	"raw",
	["4185551234", "418-555-1234", "(418) 555-1234", "+1 418 555 1234", "1-418-555-1234", "418.555.1234"],
)
def test_did_notations_become_ten_digits(raw):
	assert normalize_phone(raw) == "4185551234"


@pytest.mark.parametrize(
	"raw",
	[
		"418555123",  # 9 digits
		"24185551234",  # 11 digits not starting with 1
		"0185551234",  # area code starts with 0
		"1185551234",  # area code starts with 1
		"4181551234",  # exchange starts with 1
		"9115551234",  # N11 service code as area code
		"418555123x",
		"",
	],
)
def test_non_nanp_numbers_are_refused(raw):
	assert normalize_phone(raw) is None


def test_format_for_people():
	assert format_phone("4185551234") == "418-555-1234"
