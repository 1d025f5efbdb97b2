import pytest

from gigafibre_fsm.network.civic_address.normalize import (
	cross_key,
	delete_keys,
	municipality_tokens,
	pair_key,
	pair_keys,
	parse_query,
	street_key,
	words,
)
from gigafibre_fsm.rules.address import compact_postal_code
from gigafibre_fsm.rules.text import fold


def test_fold_removes_accents_and_spells_out_ligatures():
	assert fold("Saint-Élie-de-Caxton") == "saint-elie-de-caxton"
	assert fold("Cœur-Immaculé") == "coeur-immacule"
	assert fold("Rue de l’Église") == "rue de l'eglise"
	assert fold(None) == ""


@pytest.mark.parametrize(
	"name",
	["Saint-Adrien", "St-Adrien", "St Adrien", "ST-ADRIEN", "saint adrien", "St.-Adrien"],
)
def test_saint_forms_are_one_municipality(name):
	assert municipality_tokens(name) == ("saint", "adrien")


def test_particles_are_not_compared():
	assert municipality_tokens("Saint-Élie-de-Caxton") == ("saint", "elie", "caxton")
	assert street_key("Rue", "de l'", "Église", None) == street_key("rue", None, "eglise", None)
	assert street_key("Chemin", "de la", "Rivière-aux-Outardes", "").tokens == ("riviere", "outardes")


@pytest.mark.parametrize(
	("typed", "generic"),
	[
		("Ch.", "chemin"),
		("chemin", "chemin"),
		("boul.", "boulevard"),
		("Bd", "boulevard"),
		("av.", "avenue"),
		("Rte", "route"),
		("rg", "rang"),
		("Mtée", "montee"),
		("cr", "croissant"),
		("pl.", "place"),
		("imp", "impasse"),
		("terr.", "terrasse"),
	],
)
def test_generic_abbreviations(typed, generic):
	assert street_key(typed, None, "X", None).generic == generic
	assert parse_query(f"125 {typed} des Pins").generic == generic


def test_ordinals_take_one_form():
	assert words("1re Avenue") == ["1e", "avenue"]
	assert words("1ère") == words("premiere") == ["1e"]
	assert words("3e Rang") == words("3ième rang") == ["3e", "rang"]


def test_full_query():
	q = parse_query("125 Rue Principale, Saint-Anicet QC J0S 1M0")
	assert (q.civic, q.suffix, q.apartment) == ("125", None, None)
	assert q.generic == "rue"
	assert q.street_tokens == ("principale",)
	assert q.municipality_tokens == ("saint", "anicet")
	assert q.postal_code == "J0S1M0"


@pytest.mark.parametrize(
	"query",
	[
		"12-125 rue Principale",
		"125 rue Principale app. 12",
		"125 rue Principale apt 12",
		"125 rue Principale #12",
		"125 rue Principale, unité 12",
		"125 rue Principale bureau 12",
		"#12 - 125 rue Principale",
		"app 12, 125 rue Principale",
		"125 rue Principale appartement 12",
	],
)
def test_apartment_forms(query):
	q = parse_query(query)
	assert (q.civic, q.apartment, q.street_tokens) == ("125", "12", ("principale",))


def test_unit_then_civic_keeps_the_other_reading():
	q = parse_query("12-125 rue Principale")
	assert (q.civic, q.apartment, q.alt_civic) == ("125", "12", "12")


@pytest.mark.parametrize(
	"query", ["125A rue des Pins", "125 A rue des Pins", "125-A rue des Pins", "125a rue des pins"]
)
def test_civic_suffix_forms(query):
	q = parse_query(query)
	assert (q.civic, q.suffix, q.apartment) == ("125", "A", None)


def test_half_civic_and_letter_unit():
	assert parse_query("125½ rue des Pins").suffix == "1/2"
	assert parse_query("125 1/2 rue des Pins").suffix == "1/2"
	q = parse_query("B-125 rue des Pins")
	assert (q.civic, q.apartment) == ("125", "B")


def test_abbreviation_after_the_civic_is_not_a_suffix():
	q = parse_query("125 r. Principale")
	assert (q.civic, q.suffix, q.generic) == ("125", None, "rue")
	assert parse_query("125 avenue des Pins").suffix is None


def test_street_named_bureau_is_not_an_apartment():
	q = parse_query("125 rue Bureau, Laval")
	assert (q.apartment, q.street_tokens) == (None, ("bureau",))
	q = parse_query("125 rue Bureau 200, Laval")
	assert q.street_tokens[0] == "bureau"


@pytest.mark.parametrize(
	"query",
	[
		"125 rue des Pins J0S 1M0",
		"125 rue des Pins j0s1m0",
		"J0S-1M0 125 rue des Pins",
		"125 rue des Pins, Dundee, QC, J0S 1M0",
	],
)
def test_postal_code_anywhere_with_or_without_space(query):
	q = parse_query(query)
	assert q.postal_code == "J0S1M0"
	assert q.civic == "125"
	assert "j0s" not in q.tokens and "1m0" not in q.tokens


def test_invalid_postal_code_letters_are_not_a_postal_code():
	assert parse_query("125 rue des Pins D0S 1M0").postal_code is None
	assert compact_postal_code("j0s 1m0") == "J0S1M0"
	assert compact_postal_code("W0S 1M0") is None


def test_first_half_of_a_postal_code_at_the_end():
	q = parse_query("125 rue des Pins J0S")
	assert (q.postal_code, q.postal_prefix) == (None, "J0S")


def test_numbered_street_is_not_a_civic_number():
	q = parse_query("3e rang Saint-Joseph")
	assert (q.civic, q.generic, q.street_tokens) == (None, "rang", ("3e", "saint", "joseph"))
	q = parse_query("125 1re Avenue, Lac-Etchemin")
	assert (q.civic, q.generic, q.street_tokens) == ("125", "avenue", ("1e",))


def test_route_number_is_part_of_the_street():
	q = parse_query("517 rte 132 Dundee")
	assert (q.civic, q.generic, q.tokens) == ("517", "route", ("132", "dundee"))


@pytest.mark.parametrize(
	"query",
	[
		"rue Principale 125, Saint-Adrien",
		"rue Principale 125 Saint-Adrien",
		"Rue Principale 125, St-Adrien J0A 1C0",
	],
)
def test_street_first_reads_like_number_first(query):
	first = parse_query(query)
	usual = parse_query("125 rue Principale, Saint-Adrien")
	assert (first.civic, first.generic, first.street_tokens, first.municipality_tokens) == (
		usual.civic,
		usual.generic,
		usual.street_tokens,
		usual.municipality_tokens,
	)


def test_street_first_keeps_numbered_streets_and_suffixes():
	assert parse_query("route 117, Mont-Laurier").civic is None
	assert (
		parse_query("route 117 1250, Mont-Laurier").civic,
		parse_query("route 117 1250").street_tokens,
	) == (
		"1250",
		("117",),
	)
	q = parse_query("3e rang 125A, Wotton")
	assert (q.civic, q.suffix, q.street_tokens, q.municipality_tokens) == ("125", "A", ("3e",), ("wotton",))
	assert parse_query("rue du 24 Juin").civic is None


def test_direction():
	q = parse_query("3 boul. Ste-Anne E, St-Stanislas-de-Kostka")
	assert (q.generic, q.direction, q.street_tokens) == ("boulevard", "est", ("sainte", "anne"))
	# In a municipality a direction word is part of the name.
	assert parse_query("12 rue Principale, Ham-Nord").municipality_tokens == ("ham", "nord")


@pytest.mark.parametrize("query", ["", "   ", ";;;", None, "QC", "#", "-"])
def test_empty_queries(query):
	assert parse_query(query).is_empty


def test_junk_never_raises():
	for query in ["'; DROP TABLE x;--", "<script>alert(1)</script>", "\x00\x01", "💡🏠", "9" * 500, "%_%"]:
		parse_query(query)


def test_delete_keys_meet_within_one_typo():
	for typo, word in [
		("anicte", "anicet"),
		("aincet", "anicet"),
		("anicett", "anicet"),
		("anict", "anicet"),
	]:
		assert delete_keys(typo) & delete_keys(word)
	assert delete_keys("132") == {"132"}
	assert not delete_keys("132") & delete_keys("138")


def test_pairs_of_a_street_tell_its_name_from_its_municipality():
	keys = pair_keys(("pointe",), ("pointe", "superieur"))
	assert keys == ["*pointe superieur", "=pointe@pointe", "=pointe@superieur"]
	assert pair_keys(("notre", "dame"), ("thurso",)) == ["+dame notre", "=notre@thurso", "=dame@thurso"]
	assert pair_keys(("principale",), ("saint", "anicet")) == [
		"*anicet saint",
		"=principale@saint",
		"=principale@anicet",
	]
	assert pair_key("b", "a") == pair_key("a", "b") == "+a b"
	assert cross_key("dame", "thurso") == "=dame@thurso"
