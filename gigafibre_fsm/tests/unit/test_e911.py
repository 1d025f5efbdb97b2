from gigafibre_fsm.rules.text import fold_words as fold
from gigafibre_fsm.voip.e911 import differences

SERVICE = {
	"civic_number": "125",
	"civic_suffix": "A",
	"street": "Chemin du Lac",
	"apartment": "",
	"city": "Saint-Adrien",
	"municipality_code": "40005",
	"province": "QC",
	"postal_code": "J0A 1C0",
}


def e911(**changes):
	base = {
		"e911_civic_number": "125",
		"e911_civic_suffix": "a",
		"e911_street": "ch. du Lac",
		"e911_apartment": None,
		"e911_city": "St-Adrien",
		"e911_cauca_code": "40005",
		"e911_province": "QC",
		"e911_postal_code": "j0a1c0",
	}
	return {**base, **changes}


def test_the_same_address_written_differently_matches():
	assert differences(SERVICE, e911()) == []


def test_each_differing_part_is_named():
	assert differences(SERVICE, e911(e911_civic_number="127")) == ["civic_number"]
	assert differences(SERVICE, e911(e911_apartment="3", e911_city="Ham-Nord")) == ["apartment", "city"]


def test_fold():
	assert fold("Boul. Saint-Été") == "boulevard saint ete"
	assert fold(None) == ""
