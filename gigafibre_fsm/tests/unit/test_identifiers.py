import pytest

from gigafibre_fsm.service.identifiers import normalize_mac, normalize_serial


@pytest.mark.parametrize(
	"raw",
	["aa-bb-cc-dd-ee-0f", "AABB.CCDD.EE0F", "aabbccddee0f", "aa:bb:cc:dd:ee:0f", " AA:BB:CC:DD:EE:0F "],
)
def test_every_mac_notation_becomes_colon_upper(raw):
	assert normalize_mac(raw) == "AA:BB:CC:DD:EE:0F"


@pytest.mark.parametrize("raw", ["", "AABBCCDDEE", "AABBCCDDEEFF00", "GG:BB:CC:DD:EE:FF", "not a mac"])
def test_non_macs_are_refused(raw):
	assert normalize_mac(raw) is None


def test_none_mac_is_none():
	assert normalize_mac(None) is None


def test_serial_is_upper_cased_and_stripped():
	assert normalize_serial("  rcmg1234abcd ") == "RCMG1234ABCD"
	assert normalize_serial("tplg 1234") == "TPLG1234"
	assert normalize_serial("ZTEG-C8A1/2") == "ZTEG-C8A1/2"


@pytest.mark.parametrize("raw", ["", "   ", "ABC;DROP", "SÉRIE1", "-LEADING"])
def test_bad_serials_are_refused(raw):
	assert normalize_serial(raw) is None
