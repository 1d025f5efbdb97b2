import pytest

from gigafibre_fsm.network.civic_address.normalize import parse_query
from gigafibre_fsm.network.civic_address.ranking import Candidate, score_candidates, word_similarity
from gigafibre_fsm.network.civic_address.records import RowError, clean_row


def _row(**kw):
	row = {
		"rqa_id": "A1B2C3D4-0001",
		"civic_number": "125",
		"civic_suffix": "",
		"street_generic": "Rue",
		"street_link": "",
		"street_specific": "Principale",
		"street_direction": "",
		"municipality_code": "69055",
		"municipality": "Saint-Anicet",
		"postal_code": "j0s1m0",
		"latitude": "45.1197",
		"longitude": "-74.3556",
	}
	row.update(kw)
	return row


def test_clean_row_normal_forms():
	clean = clean_row(_row(civic_number="0125", civic_suffix="a", latitude="45.11970", longitude=""))
	assert clean["civic_number"] == "125"
	assert clean["civic_suffix"] == "A"
	assert clean["postal_code"] == "J0S 1M0"
	assert clean["latitude"] == "45.1197"
	assert clean["longitude"] is None  # unknown stays unknown, never 0


@pytest.mark.parametrize(
	("column", "value"),
	[
		("rqa_id", ""),
		("rqa_id", "A B"),
		("civic_number", "12a"),
		("civic_number", ""),
		("street_specific", ""),
		("municipality", " "),
		("municipality_code", "ABC"),
		("postal_code", "90210"),
		("latitude", "91"),
		("longitude", "abc"),
		("street_generic", "x" * 141),
	],
)
def test_clean_row_names_the_bad_column(column, value):
	with pytest.raises(RowError) as caught:
		clean_row(_row(**{column: value}))
	assert caught.value.column == column


def test_word_similarity():
	assert word_similarity("anicet", "anicet") == 1
	assert word_similarity("anicte", "anicet") > 0.8
	assert word_similarity("132", "138") == 0
	assert word_similarity("princ", "principale", prefix=True) == 0.9
	assert word_similarity("pins", "pont") == 0


def _cand(
	address_id, street, muni, civic="125", suffix=None, generic="rue", postal="J0S 1M0", street_id=None
):
	return Candidate(
		address_id=address_id,
		street_id=street_id or hash((street, muni)),
		civic=civic,
		suffix=suffix,
		postal_code=postal,
		generic=generic,
		direction=None,
		street_tokens=tuple(street.split()),
		municipality_tokens=tuple(muni.split()),
	)


def test_the_municipality_typed_decides_between_same_streets():
	cands = [
		_cand("barbe", "principale", "sainte barbe", postal="J0S 1P0"),
		_cand("anicet", "principale", "saint anicet"),
	]
	weights = {"principale": 2.0, "saint": 0.3, "anicet": 6.0}
	ranked = score_candidates(parse_query("125 rue principal st-anicet"), weights, cands)
	assert ranked[0].address_id == "anicet"


def test_words_after_a_comma_are_the_municipality():
	cands = [
		_cand("jean-in-pierre", "saint jean", "saint pierre", street_id=1),
		_cand("pierre-in-jean", "saint pierre", "saint jean", street_id=2),
	]
	weights = {"saint": 0.3, "jean": 3.0, "pierre": 3.0}
	assert score_candidates(parse_query("125 rue St-Jean, St-Pierre"), weights, cands)[0].address_id == (
		"jean-in-pierre"
	)
	assert score_candidates(parse_query("125 rue St-Pierre, St-Jean"), weights, cands)[0].address_id == (
		"pierre-in-jean"
	)


def test_suffix_typed_is_preferred_and_no_suffix_prefers_the_plain_number():
	cands = [
		_cand("plain", "pins", "dundee", street_id=1),
		_cand("a", "pins", "dundee", suffix="A", street_id=1),
	]
	weights = {"pins": 3.0, "dundee": 6.0}
	assert score_candidates(parse_query("125A rue des Pins, Dundee"), weights, cands)[0].address_id == "a"
	assert score_candidates(parse_query("125 rue des Pins, Dundee"), weights, cands)[0].address_id == "plain"


def test_nothing_alike_scores_below_the_threshold():
	cands = [_cand("x", "principale", "saint anicet")]
	assert score_candidates(parse_query("125 zzzz qqqq"), {"zzzz": 5.0, "qqqq": 5.0}, cands) == []
