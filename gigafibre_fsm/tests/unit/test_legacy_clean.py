"""Cleaning rules of the legacy import: dates, money, text, PHP arrays, codes, addresses."""

from datetime import date, datetime, timezone
from decimal import Decimal

import phpserialize
import pytest

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.clean import (
	Invalid,
	account_status,
	arrangement_method,
	arrangement_status,
	billing_interval,
	city_key,
	city_spellings,
	clean_address,
	clean_email,
	clean_ip,
	clean_postal_code,
	clean_province,
	clean_text,
	customer_group,
	decode_php_lines,
	device_category,
	device_status,
	language,
	mysql_latin1_decode,
	mysql_latin1_encode,
	product_category,
	repair_text,
	restore_lossy,
	service_status,
	text_is_lossy,
	to_decimal,
	to_money,
	unix_to_date,
	unix_to_datetime,
)
from gigafibre_fsm.rules.address import AddressParts


def utc(*args) -> int:
	return int(datetime(*args, tzinfo=timezone.utc).timestamp())


# ------------------------------------------------------------------------- dates


@pytest.mark.parametrize("value", [None, 0, "0", "", "  ", 0.0])
def test_no_date_is_none(value):
	assert unix_to_datetime(value) is None
	assert unix_to_date(value) is None


@pytest.mark.parametrize(
	("value", "reason"),
	[
		(-1, "negative"),
		(-86400, "negative"),
		(1, "outside"),  # 1970: an uninitialised field, not a date
		(9999999999, "outside"),
		(2147483647, "overflow"),  # the largest signed INT: an overflow, not 2038
		(1700000000000, "outside"),  # milliseconds
		("hier", "not a unix timestamp"),
		(1.5, "not a unix timestamp"),
		(True, "not a unix timestamp"),
	],
)
def test_absurd_timestamps_are_invalid(value, reason):
	result = unix_to_datetime(value, what="date_orig")
	assert isinstance(result, Invalid)
	assert reason in str(result)
	assert str(result).startswith("date_orig")


def test_timestamp_is_montreal_time_and_aware():
	moment = unix_to_datetime(utc(2024, 7, 1, 16, 0))
	assert moment.utcoffset().total_seconds() == -4 * 3600
	assert (moment.hour, moment.tzinfo.key) == (12, "America/Montreal")


def test_latest_real_timestamp_is_accepted():
	assert unix_to_datetime(2147483646).year == 2038


def test_timestamp_from_text_and_float():
	assert unix_to_datetime(str(utc(2024, 1, 15, 17))) == unix_to_datetime(float(utc(2024, 1, 15, 17)))


def test_naive_is_local_wall_clock():
	moment = unix_to_datetime(utc(2024, 1, 15, 17, 30), naive=True)
	assert moment == datetime(2024, 1, 15, 12, 30)
	assert moment.tzinfo is None


def test_spring_forward_skips_two_oclock():
	before = unix_to_datetime(utc(2024, 3, 10, 6, 59, 59), naive=True)
	after = unix_to_datetime(utc(2024, 3, 10, 7, 0, 0), naive=True)
	assert before == datetime(2024, 3, 10, 1, 59, 59)
	assert after == datetime(2024, 3, 10, 3, 0, 0)


def test_fall_back_repeats_one_oclock_with_fold():
	first = unix_to_datetime(utc(2024, 11, 3, 5, 30))  # 01:30 EDT
	second = unix_to_datetime(utc(2024, 11, 3, 6, 30))  # 01:30 EST, an hour later
	assert first.replace(tzinfo=None) == second.replace(tzinfo=None) == datetime(2024, 11, 3, 1, 30)
	assert (first.fold, second.fold) == (0, 1)
	assert first.utcoffset() != second.utcoffset()
	assert unix_to_datetime(utc(2024, 11, 3, 6, 30), naive=True).fold == 1


def test_date_is_the_montreal_day_not_the_utc_day():
	# 2024-03-10 03:30 UTC is still the evening of March 9 in Montréal.
	assert unix_to_date(utc(2024, 3, 10, 3, 30)) == date(2024, 3, 9)
	assert unix_to_date(utc(2024, 3, 10, 5, 0)) == date(2024, 3, 10)


def test_date_passes_invalid_through():
	assert isinstance(unix_to_date(-5), Invalid)


# ------------------------------------------------------------------------- money


@pytest.mark.parametrize(
	("value", "expected"),
	[
		(49.95, "49.95"),
		(0.69, "0.69"),
		(109.95, "109.95"),
		(0.1 + 0.2, "0.30"),  # 0.30000000000000004 stored by the PHP app
		(114.94999999999999, "114.95"),
		(2.4975, "2.50"),  # half-up, as PHP's round()
		(-15.0, "-15.00"),
		(-0.001, "0.00"),
		(0, "0.00"),
		(1234567.891, "1234567.89"),
		("49,95", "49.95"),
		("1 234,50 $", "1234.50"),
		("1,234.50", "1234.50"),
		("1.234,50", "1234.50"),
		("\u00a049.95\u00a0$", "49.95"),
		(Decimal("5.005"), "5.01"),
		(b"12.5", "12.50"),
	],
)
def test_money_keeps_cents_exactly(value, expected):
	result = to_money(value)
	assert result == Decimal(expected)
	assert str(result) == expected


def test_decimal_uses_repr_not_binary_expansion():
	assert to_decimal(49.95) == Decimal("49.95")
	assert to_decimal(0.1) == Decimal("0.1")
	assert to_decimal(3) == Decimal(3)


def test_sum_of_amounts_is_exact():
	amounts = [49.95, 28.95, 0.69, -5.0, 0.1, 0.2]
	assert sum(to_money(a) for a in amounts) == Decimal("74.89")


@pytest.mark.parametrize("value", [None, "", "   ", "$"])
def test_no_money_is_none(value):
	assert to_money(value) is None


@pytest.mark.parametrize("value", ["gratuit", "12.3.4", float("inf"), float("nan"), True, [], "1e"])
def test_unparseable_money_is_invalid(value):
	result = to_money(value, what="montant")
	assert isinstance(result, Invalid)
	assert "montant" in str(result)


# ------------------------------------------------------------------------- text

QUEBEC = [
	"é è ê à â ç ô î ï ë û ù É È Œ « » ’",
	"Québec",
	"Montréal",
	"Trois-Rivières",
	"François Bélanger",
	"Hélène Côté",
	"Gaétan Lefèbvre",
	"Île-d'Orléans",
	"L’Érable",
	"« Décodeur »",
	"Sainte-Émélie-de-l'Énergie",
	"ÉCOLE",
	"Île",
	"Œuvre",
	"Cœur",
	"Noël Joë naïf",
	"Août",
	"Ça coûte 5 $",
	"Â",
]


def cp1252(text: str) -> str:
	"""UTF-8 bytes read as MySQL latin1: what a latin1 table returns for a UTF-8 writer."""
	return mysql_latin1_decode(text.encode("utf-8"))


@pytest.mark.parametrize("original", QUEBEC)
def test_utf8_read_as_latin1_is_repaired(original):
	assert repair_text(cp1252(original)) == original


@pytest.mark.parametrize("original", QUEBEC)
def test_double_encoding_is_repaired(original):
	assert repair_text(cp1252(cp1252(original))) == original


@pytest.mark.parametrize("original", QUEBEC)
def test_utf8_read_as_iso_8859_1_is_repaired(original):
	# The C1-control flavour: "Ã\x83Â©" rather than "Ãƒ©".
	once = original.encode("utf-8").decode("latin-1")
	assert repair_text(once) == original
	assert repair_text(once.encode("utf-8").decode("latin-1")) == original


@pytest.mark.parametrize("original", QUEBEC)
def test_clean_text_is_left_alone(original):
	assert repair_text(original) == original


def test_examples_from_the_legacy_tables():
	assert repair_text("Ã©") == "é"
	assert repair_text("Ã\x83Â©") == "é"
	assert repair_text("Ãƒ©") == "é"
	assert repair_text("SÃ©bastien BÃ©langer") == "Sébastien Bélanger"
	assert repair_text("Â«Â DÃ©codeurÂ Â»") == "«\u00a0Décodeur\u00a0»"
	assert repair_text("lâ€™Ã‰rable") == "l’Érable"


def test_partly_damaged_text_is_repaired():
	assert repair_text("Québec, rue de l'Ã‰glise") == "Québec, rue de l'Église"


def test_raw_latin1_bytes_are_decoded():
	assert repair_text(b"Qu\xe9bec") == "Québec"
	assert repair_text(b"Qu\xc3\xa9bec") == "Québec"
	assert repair_text(bytearray(b"C\x9cur")) == "Cœur"


def test_html_entities_and_decomposed_accents():
	assert repair_text("Fran&ccedil;ois &amp; Fils") == "François & Fils"
	assert repair_text("e\u0301cole") == "école"


def test_ascii_and_none_untouched():
	assert repair_text(None) is None
	assert repair_text("  two  spaces ") == "  two  spaces "
	assert repair_text("a < b & c") == "a < b & c"


def test_mysql_latin1_round_trip():
	assert mysql_latin1_encode(mysql_latin1_decode(bytes(range(256)))) == bytes(range(256))
	assert mysql_latin1_encode("日本") is None


def test_clean_text_single_and_multi_line():
	assert clean_text("  Jean \t Côté\u00a0 ") == "Jean Côté"
	assert clean_text("   ") is None
	assert clean_text(None) is None
	note = "Client absent.  \r\nRappeler  \rDÃ©codeur   \n\n"
	assert clean_text(note, multiline=True) == "Client absent.\nRappeler\nDécodeur"


@pytest.mark.parametrize(
	("text", "lossy"),
	[
		("Qu?bec", True),
		("Qu\ufffdbec", True),
		("ch. des ?rables", True),
		("rue de l'?glise", True),
		("Lac-?-l'Eau-Claire", True),
		("Québec", False),
		("Pourquoi? Oui", False),
		("Pourquoi ?", False),
		("Andr?", False),  # could be a question in free text
		(None, False),
		("", False),
	],
)
def test_lossy_text_is_detected(text, lossy):
	assert text_is_lossy(text) is lossy


def test_any_question_mark_in_a_name_is_lossy():
	assert text_is_lossy("Andr?", single_line=True)
	assert text_is_lossy("167 chemin du Pr?", single_line=True)
	assert text_is_lossy("Lac-?-l'Eau-Claire", single_line=True)
	assert not text_is_lossy("Lac-à-l'Eau-Claire", single_line=True)


def test_lost_letters_restored_from_vocabulary():
	assert restore_lossy("Qu?bec") == "Québec"
	assert restore_lossy("rue de l'\ufffdglise") == "rue de l'Église"
	assert restore_lossy("MONTR?AL") == "MONTRÉAL"
	assert restore_lossy("298 ch. des ?rables") == "298 ch. des Érables"
	assert restore_lossy("Andr?") == "André"
	assert restore_lossy("Saint-Z?non", ["Saint-Zénon"]) == "Saint-Zénon"
	# Two candidates (Côte / Cote is not a candidate, but Pâte / Pète would be): left alone.
	assert restore_lossy("P?te", ["Pâte", "Pète"]) == "P?te"
	assert restore_lossy("Xy?z") == "Xy?z"
	assert restore_lossy("Québec") == "Québec"


@pytest.mark.parametrize(
	("value", "expected"),
	[
		(" Jean.Cote@Videotron.CA ", "jean.cote@videotron.ca"),
		("a@b.ca; c@d.ca", "a@b.ca"),
		("<marie@gmail.com>", "marie@gmail.com"),
		("n/a", None),
		("Aucun", None),
		("", None),
		(None, None),
	],
)
def test_emails(value, expected):
	assert clean_email(value) == expected


@pytest.mark.parametrize("value", ["jean.cote", "jean@", "@gmail.com", "jean cote at gmail"])
def test_bad_emails_are_invalid(value):
	assert isinstance(clean_email(value), Invalid)


# ------------------------------------------------------------------------- codes


@pytest.mark.parametrize(
	("func", "code", "expected"),
	[
		(account_status, 1, "Active"),
		(account_status, 0, "Closed"),
		(account_status, 2, "Suspended"),
		(account_status, "2", "Suspended"),
		(customer_group, 1, "Résidentiel"),
		(customer_group, 2, "Commercial"),
		(service_status, 1, "Active"),
		(service_status, 0, "Cancelled"),
		(service_status, 2, "Suspended"),
		(service_status, 3, "Pending"),
		(device_status, 0, "In Stock"),
		(device_status, 1, "Active"),
		(device_status, 2, "Returned"),
		(arrangement_method, 0, "Unset"),
		(arrangement_method, 1, "Portal"),
		(arrangement_method, 2, "Cheque"),
		(arrangement_method, 3, "Phone"),
		(arrangement_method, 4, "PPA"),
		(arrangement_status, -1, "Pending"),
		(arrangement_status, "-1", "Pending"),
		(arrangement_status, 0, "Open"),
		(arrangement_status, 1, "Completed"),
		(device_category, "ont", "ONT"),
		(device_category, "ONT", "ONT"),
		(device_category, "routeur", "Router"),
		(device_category, " Routeur ", "Router"),
		(device_category, "decodeur", "TV Box"),
		(device_category, "Décodeur", "TV Box"),
		(device_category, "DÃ©codeur", "TV Box"),
		(device_category, "ata", "IP Phone"),
		(billing_interval, "monthly", "Monthly"),
		(billing_interval, "annual", "Annual"),
		(billing_interval, "once", "Once"),
		(product_category, "internet", "Internet"),
		(product_category, "TV", "TV"),
		(product_category, "discount", "Discount"),
		(language, "FR", "fr"),
		(language, "en", "en"),
	],
)
def test_codes_become_english_options(func, code, expected):
	assert func(code) == expected


@pytest.mark.parametrize(
	("func", "code"),
	[
		(account_status, 7),
		(account_status, None),
		(account_status, "actif"),
		(service_status, 4),
		(device_status, -1),
		(arrangement_method, 5),
		(arrangement_status, 2),
		(customer_group, 0),
		(device_category, "switch"),
		(device_category, ""),
		(device_category, None),
		(billing_interval, "weekly"),
		(product_category, "autre"),
		(language, "es"),
	],
)
def test_unknown_codes_are_invalid_with_a_message(func, code):
	result = func(code)
	assert isinstance(result, Invalid)
	assert repr(code) in str(result)


# ------------------------------------------------------------------------- addresses


def test_address_lines_are_repaired_then_split():
	parts = clean_address("12-125 ch. du Lac-Ã\x80-l'Eau", None)
	assert parts == AddressParts("125", None, "12", "ch. du Lac-À-l'Eau")
	assert clean_address("125 rue X", "app 3").apartment == "3"
	assert clean_address(None) == AddressParts(None, None, None, None)


@pytest.mark.parametrize(
	("value", "expected"),
	[("QC", "QC"), ("Qc", "QC"), ("Québec", "QC"), ("PQ", "QC"), ("", "QC"), (None, "QC")],
)
def test_provinces(value, expected):
	assert clean_province(value) == expected


def test_unknown_province_is_invalid():
	assert isinstance(clean_province("Nunavut"), Invalid)


@pytest.mark.parametrize(
	("value", "expected"),
	[
		("100.64.1.5", "100.64.1.5"),
		(" 142.169.3.4 ", "142.169.3.4"),
		("2607:FA48:6d20::1", "2607:fa48:6d20::1"),
		("", None),
		(None, None),
	],
)
def test_ip_addresses(value, expected):
	assert clean_ip(value) == expected


@pytest.mark.parametrize("value", ["100.64.1", "0.0.0.0", "abc", "300.1.1.1"])
def test_bad_ip_addresses_are_invalid(value):
	assert isinstance(clean_ip(value), Invalid)


@pytest.mark.parametrize(
	("value", "expected"),
	[
		("J0K1A0", "J0K 1A0"),
		("j0k 1a0", "J0K 1A0"),
		("J0K-1A0", "J0K 1A0"),
		(" j0t  2b0 ", "J0T 2B0"),
		("J0K 1AO", "J0K 1A0"),  # letter O typed for zero
		("JOK 1A0", "J0K 1A0"),
		("", None),
		(None, None),
	],
)
def test_postal_codes(value, expected):
	assert clean_postal_code(value) == expected


@pytest.mark.parametrize("value", ["J0K 1A", "D0K 1A0", "12345", "J0K 1A0 X"])
def test_bad_postal_codes_are_invalid(value):
	assert isinstance(clean_postal_code(value), Invalid)


# ------------------------------------------------------------------------- PHP arrays


def php(value, charset="utf-8") -> str:
	return phpserialize.dumps(value, charset=charset).decode("utf-8" if charset == "utf-8" else "latin-1")


DECODEUR = {"sku": "TVBOX", "desc": "Décodeur", "amt": 49.95, "qte": 2, "tot": 99.9}
INSTALL = {"sku": "FTTHINST", "desc": "Installation « standard »", "amt": "0", "qte": "1", "tot": "0"}


def line(sku, desc, amt, qte, tot):
	return {"sku": sku, "desc": desc, "amt": Decimal(amt), "qte": Decimal(qte), "tot": Decimal(tot)}


def test_well_formed_array():
	result = decode_php_lines(php([DECODEUR, INSTALL]))
	assert result.lines == [
		line("TVBOX", "Décodeur", "49.95", "2", "99.90"),
		line("FTTHINST", "Installation « standard »", "0", "1", "0.00"),
	]
	assert result.errors == result.notes == []


def test_array_from_bytes_and_php5_float_precision():
	raw = (
		b'a:1:{i:0;a:5:{s:3:"sku";s:4:"TELE";s:4:"desc";s:5:"T\xc3\xa9l\xc3\xa9";'
		b's:3:"amt";d:28.949999999999999;s:3:"qte";i:1;s:3:"tot";d:28.949999999999999;}}'
	)
	result = decode_php_lines(raw)
	assert result.lines == [line("TELE", "Télé", "28.95", "1", "28.95")]
	assert result.errors == []


@pytest.mark.parametrize("value", [None, "", "  ", "N;", "b:0;", "a:0:{}", b"a:0:{}"])
def test_empty_values_give_no_lines_and_no_error(value):
	assert decode_php_lines(value) == ([], [], [])


def test_keys_need_not_be_sequential_and_items_may_be_nested():
	value = php(
		{0: DECODEUR, 5: [INSTALL, {"sku": "RAB2X", "desc": "Rabais 2 services", "amt": -5, "qte": 1}]}
	)
	result = decode_php_lines(value)
	assert [x["sku"] for x in result.lines] == ["TVBOX", "FTTHINST", "RAB2X"]
	assert result.lines[2]["tot"] == Decimal("-5.00")
	assert result.errors == []


def test_single_item_not_wrapped_in_a_list():
	assert decode_php_lines(php(DECODEUR)).lines == [line("TVBOX", "Décodeur", "49.95", "2", "99.90")]


def test_blank_form_rows_are_skipped():
	blank = {"sku": "", "desc": "", "amt": "", "qte": "", "tot": ""}
	result = decode_php_lines(php([DECODEUR, blank]))
	assert len(result.lines) == 1
	assert result.errors == []


def test_missing_quantity_and_total_are_derived():
	result = decode_php_lines(php([{"sku": "X", "desc": "Frais", "amt": "12,50"}]))
	assert result.lines == [line("X", "Frais", "12.50", "1", "12.50")]
	assert result.notes


def test_wrong_string_length_is_re_measured():
	# s:5 for "Décodeur" (9 bytes, 8 characters): the classic breakage after a re-encode.
	value = php([DECODEUR, INSTALL]).replace('s:9:"Décodeur"', 's:5:"Décodeur"')
	assert 's:5:"Décodeur"' in value
	result = decode_php_lines(value)
	assert [x["desc"] for x in result.lines] == ["Décodeur", "Installation « standard »"]
	assert result.errors == []
	assert any("re-measured" in note for note in result.notes)


def test_lengths_counted_in_latin1_bytes():
	# serialize() ran on latin1 text; the column was later converted to UTF-8.
	value = php([DECODEUR, INSTALL], charset="latin-1")
	assert 's:8:"Décodeur"' in value
	result = decode_php_lines(value)
	assert [x["desc"] for x in result.lines] == ["Décodeur", "Installation « standard »"]
	assert result.errors == []


def test_lengths_wrong_in_both_directions_and_mojibake_desc():
	value = php([DECODEUR, INSTALL]).replace('s:9:"Décodeur"', 's:12:"DÃ©codeur"')
	value = value.replace("s:28:", "s:3:")
	result = decode_php_lines(value)
	assert [x["desc"] for x in result.lines] == ["Décodeur", "Installation « standard »"]
	assert result.errors == []


def test_quote_inside_a_description():
	item = {"sku": "CABLE", "desc": 'Câble 6"; 2 m', "amt": 5, "qte": 1, "tot": 5}
	value = php([item]).replace('s:14:"Câble', 's:13:"Câble')
	assert decode_php_lines(value).lines[0]["desc"] == 'Câble 6"; 2 m'


@pytest.mark.parametrize("cut", [20, 60, 120, 160, 200, 260, 300])
def test_truncated_data_keeps_complete_lines_and_reports(cut):
	value = php([DECODEUR, INSTALL, {"sku": "TELE", "desc": "Télé", "amt": 0, "qte": 1, "tot": 0}])
	encoded = value.encode("utf-8")[:cut].decode("utf-8", "ignore")
	result = decode_php_lines(encoded)
	assert result.errors, "a truncation is always reported"
	assert any("truncated" in e for e in result.errors)
	full = decode_php_lines(value).lines
	assert result.lines == full[: len(result.lines)]


def test_truncated_inside_a_nested_list_keeps_the_outer_lines():
	value = php([DECODEUR, [INSTALL, DECODEUR]])
	cut = value[: value.rindex("TVBOX") + 3]
	result = decode_php_lines(cut)
	assert [x["sku"] for x in result.lines] == ["TVBOX", "FTTHINST"]
	assert any("dropped" in e for e in result.errors)


@pytest.mark.parametrize(
	"value", ["Installation 100 $", "<b>voir courriel</b>", "a:2:{garbage", 'O:8:"stdClass":0:{}', "i:5;"]
)
def test_garbage_never_raises(value):
	result = decode_php_lines(value)
	assert result.lines == []
	assert result.errors


def test_non_numeric_amount_is_an_error_but_the_line_stays():
	result = decode_php_lines(php([{"sku": "X", "desc": "Frais", "amt": "gratuit", "qte": 1, "tot": 0}]))
	assert result.lines[0]["amt"] is None
	assert result.lines[0]["tot"] == Decimal("0.00")
	assert "gratuit" in result.errors[0]


def test_array_count_mismatch_is_tolerated():
	value = php([DECODEUR, INSTALL]).replace("a:2:{i:0", "a:3:{i:0", 1)
	result = decode_php_lines(value)
	assert len(result.lines) == 2
	assert result.errors == []


def test_module_is_pure():
	assert "frappe" not in clean.__dict__


def test_one_spelling_per_municipality():
	counts = {
		"Saint-Zénon": 40,
		"St-Zénon": 3,
		"SAINT-ZÉNON": 2,
		"Saint-Zenon": 1,
		"Ste-Béatrix": 1,
		"Rawdon": 9,
	}
	assert {city_key(c) for c in counts} == {"saint-zenon", "sainte-beatrix", "rawdon"}
	kept = city_spellings(counts)
	assert kept["saint-zenon"] == "Saint-Zénon"
	assert kept[city_key("ST-ZENON")] == "Saint-Zénon"
	assert kept["sainte-beatrix"] == "Ste-Béatrix"  # the only spelling there is
	assert kept["rawdon"] == "Rawdon"
