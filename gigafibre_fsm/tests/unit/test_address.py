import pytest

from gigafibre_fsm.rules.address import (
	AddressParts,
	format_coordinate,
	location_title,
	normalize_postal_code,
	parse_coordinate,
	parse_port_number,
	read_coordinate,
	split_address,
	street_line,
)


@pytest.mark.parametrize("raw", ["j0a1c0", "J0A 1C0", " j0a-1c0 ", "J0A1C0"])
def test_postal_codes_take_the_canadian_form(raw):
	assert normalize_postal_code(raw) == "J0A 1C0"


@pytest.mark.parametrize("raw", ["", "12345", "J0A 1C", "D0A 1C0", "W0A 1C0", "J0A 1O0", "JJA 1C0"])
def test_invalid_postal_codes_are_refused(raw):
	assert normalize_postal_code(raw) is None


def test_coordinates_unknown_is_none_not_zero():
	assert parse_coordinate(None, 90) is None
	assert parse_coordinate("  ", 90) is None
	# 0 is how other systems wrote "unknown": nowhere in Québec is at 0.
	assert parse_coordinate("0", 90) is None
	assert parse_coordinate("-0.0", 180) is None
	assert read_coordinate("n/a", 90) is None
	assert read_coordinate("0", 90) is None
	assert read_coordinate("46,5", 90) == 46.5
	assert parse_coordinate("45,6731", 90) == 45.6731
	assert parse_coordinate(-71.9847, 180) == -71.9847


@pytest.mark.parametrize("raw, limit", [("90.1", 90), (-180.5, 180), ("nord", 90), ("1e400", 90)])
def test_bad_coordinates_are_refused(raw, limit):
	with pytest.raises(ValueError):
		parse_coordinate(raw, limit)


def test_coordinates_are_stored_in_one_form():
	assert format_coordinate(45.62) == "45.62"
	assert format_coordinate(-71.98470001) == "-71.9847"
	assert format_coordinate(0.0) is None
	assert format_coordinate(None) is None


@pytest.mark.parametrize("raw, expected", [(None, None), ("", None), (" 3 ", 3), (0, 0), ("0", 0), (7.0, 7)])
def test_port_numbers(raw, expected):
	assert parse_port_number(raw) == expected


@pytest.mark.parametrize("raw", [-1, "-2", "2.5", 2.5, "trois", True])
def test_bad_port_numbers_are_refused(raw):
	with pytest.raises(ValueError):
		parse_port_number(raw)


@pytest.mark.parametrize(
	"line, parts",
	[
		("125 Rue Principale", ("125", None, None, "Rue Principale")),
		("125A Rue Principale", ("125", "A", None, "Rue Principale")),
		("125 a, chemin du Lac", ("125", "A", None, "chemin du Lac")),
		("125-B Rang 10", ("125", "B", None, "Rang 10")),
		("12 Avenue des Érables", ("12", None, None, "Avenue des Érables")),
		("Rang 10", (None, None, None, "Rang 10")),
		("", (None, None, None, None)),
	],
)
def test_split_street_address(line, parts):
	assert split_address(line) == AddressParts(*parts)


@pytest.mark.parametrize(
	("line", "expected"),
	[
		("125 rue Principale", ("125", None, None, "rue Principale")),
		("12-125 Rue Principale", ("125", None, "12", "Rue Principale")),
		("12 - 125 Rue Principale", ("125", None, "12", "Rue Principale")),
		("125A, ch. du Lac", ("125", "A", None, "ch. du Lac")),
		("125 a rue des Érables", ("125", "A", None, "rue des Érables")),
		("125-B, rang Sainte-Anne", ("125", "B", None, "rang Sainte-Anne")),
		("125 1/2 rue X", ("125", "1/2", None, "rue X")),
		("app 3 125 rue X", ("125", None, "3", "rue X")),
		("App. 3, 125 rue X", ("125", None, "3", "rue X")),
		("appartement 12B 125 rue X", ("125", None, "12B", "rue X")),
		("#4-125 rue X", ("125", None, "4", "rue X")),
		("125 rue X app. 3", ("125", None, "3", "rue X")),
		("125 rue X, apt 3", ("125", None, "3", "rue X")),
		("125 rue X #3", ("125", None, "3", "rue X")),
		("3b-125 rue X", ("125", None, "3B", "rue X")),
		("125 Avenue des Pins", ("125", None, None, "Avenue des Pins")),
		("125 l'Église", ("125", None, None, "l'Église")),
		("1234, 5e Rang", ("1234", None, None, "5e Rang")),
		("  125   rue   Principale , ", ("125", None, None, "rue Principale")),
		("route 117", (None, None, None, "route 117")),
		("", (None, None, None, None)),
		(None, (None, None, None, None)),
	],
)
def test_split_address(line, expected):
	assert split_address(line) == AddressParts(*expected)


@pytest.mark.parametrize(
	("address2", "apartment"),
	[("app 3", "3"), ("#3", "3"), ("3b", "3B"), ("Appartement 12", "12"), ("Chalet", None), (None, None)],
)
def test_apartment_from_second_line(address2, apartment):
	assert split_address("125 rue X", address2).apartment == apartment


def test_first_line_apartment_wins():
	assert split_address("12-125 rue X", "app 3").apartment == "12"


def test_derived_lines():
	assert street_line("125", "A", "Rue Principale") == "125A Rue Principale"
	assert (
		location_title("125", None, "Rue Principale", "3", "Saint-Adrien")
		== "3-125 Rue Principale, Saint-Adrien"
	)
	assert location_title(None, None, "Rang 10", None, "Ham-Nord") == "Rang 10, Ham-Nord"
