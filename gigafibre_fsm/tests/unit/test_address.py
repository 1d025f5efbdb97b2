import pytest

from gigafibre_fsm.network.address import latitude_in_range, longitude_in_range, normalize_postal_code


@pytest.mark.parametrize("raw", ["j0a1c0", "J0A 1C0", " j0a-1c0 ", "J0A1C0"])
def test_postal_codes_take_the_canadian_form(raw):
	assert normalize_postal_code(raw) == "J0A 1C0"


@pytest.mark.parametrize("raw", ["", "12345", "J0A 1C", "D0A 1C0", "W0A 1C0", "J0A 1O0", "JJA 1C0"])
def test_invalid_postal_codes_are_refused(raw):
	assert normalize_postal_code(raw) is None


def test_coordinate_ranges():
	assert latitude_in_range(45.6) and latitude_in_range(-90) and latitude_in_range(None)
	assert not latitude_in_range(90.1)
	assert longitude_in_range(-71.9) and longitude_in_range(180)
	assert not longitude_in_range(-180.5)
