"""Civic addresses on a real site: bulk load, re-load, refused files, and the fuzzy search.

The loader commits on its own connection (a load is all or nothing, whoever calls it), so
this class loads its own addresses, with ids no other test uses, and deletes them at the end.
"""

import csv
import io
import os
import random
import tempfile

import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.network.civic_address.loader import AddressFileError, delete_addresses, load_csv
from gigafibre_fsm.network.civic_address.records import COLUMNS
from gigafibre_fsm.network.civic_address.search import address_payload, link_query, search
from gigafibre_fsm.tests.generators import civic_addresses
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES

test_ignore = ERPNEXT_DOCTYPES

PREFIX = "GFTEST-CA"

# The shared sample's addresses (shared/rqa/sample.csv), under test ids.
SAMPLE = f"""\
rqa_id,civic_number,civic_suffix,street_generic,street_link,street_specific,street_direction,municipality_code,municipality,postal_code,latitude,longitude
{PREFIX}-0001,125,,Rue,,Principale,,69055,Saint-Anicet,J0S 1M0,45.1197,-74.3556
{PREFIX}-0002,125,A,Rue,,Principale,,69055,Saint-Anicet,J0S 1M0,45.1198,-74.3557
{PREFIX}-0003,1820,,Chemin,de la,Rivière-aux-Outardes,,69055,Saint-Anicet,J0S 1M0,45.1341,-74.4112
{PREFIX}-0004,8,,Montée,,Cazaville,,69055,Saint-Anicet,J0S 1M0,45.0878,-74.3980
{PREFIX}-0005,40,,Rang,,Saint-Joseph,,69060,Sainte-Barbe,J0S 1P0,45.1622,-74.1990
{PREFIX}-0006,3,,Boulevard,,Sainte-Anne,Est,69070,Saint-Stanislas-de-Kostka,J0S 1W0,45.1750,-74.1300
{PREFIX}-0007,517,,Route,,132,,69050,Dundee,J0S 1L0,45.0240,-74.4920
{PREFIX}-0008,12,,Rue,de l',Église,,69017,Havelock,J0S 2C0,45.0480,-73.7610
{PREFIX}-0009,12,,Rue,de l',Église,,69037,Hemmingford,J0L 1H0,45.0470,-73.5890
{PREFIX}-0010,2090,,Chemin,du,Lac-Héroux,,51070,Saint-Élie-de-Caxton,G0X 2N0,46.4823,-72.9791
{PREFIX}-0011,125,,Rue,,Principale,,69060,Sainte-Barbe,J0S 1P0,45.1630,-74.2000
{PREFIX}-0012,3,,Boulevard,,Sainte-Anne,Ouest,69070,Saint-Stanislas-de-Kostka,J0S 1W0,45.1751,-74.1310
"""

# One query per variant family of API.md, and the address it means.
QUERIES = {
	"exact": ("125 Rue Principale, Saint-Anicet QC J0S 1M0", "0001"),
	"typo": ("125 rue Princiaple, Saint-Anicet", "0001"),
	"typo in a long name": ("1820 ch. de la Rivière-aux-Outrades, St-Anicet", "0003"),
	"missing accents": ("1820 chemin de la riviere aux outardes saint anicet", "0003"),
	"abbreviation ch.": ("2090 ch. du Lac-Heroux, St-Élie-de-Caxton", "0010"),
	"abbreviation St": ("2090 chemin Lac Heroux St Elie de Caxton", "0010"),
	"abbreviation boul. and direction": ("3 boul. Ste-Anne E, St-Stanislas-de-Kostka", "0006"),
	"other direction": ("3 boul Sainte-Anne Ouest St-Stanislas-de-Kostka", "0012"),
	"apartment first": ("4-125 rue Principale, Saint-Anicet", "0001"),
	"apartment app.": ("125 rue Principale app. 4, St-Anicet", "0001"),
	"apartment #": ("125 rue Principale #4 Saint-Anicet", "0001"),
	"apartment unité": ("125 rue Principale, unité 4, Saint-Anicet", "0001"),
	"postal code without space": ("125 rue principale j0s1m0", "0001"),
	"postal code first": ("J0S 1M0 125 rue Principale", "0001"),
	"postal code picks the municipality": ("125 rue Principale J0S 1P0", "0011"),
	"municipality misspelled": ("12 rue de l'Église, Hemingford", "0009"),
	"municipality misspelled 2": ("12 rue Eglise Havelok", "0008"),
	"suffix": ("125A rue Principale, Saint-Anicet", "0002"),
	"suffix apart": ("125 A rue Principale St-Anicet", "0002"),
	"no suffix is the plain number": ("125 rue Principale St-Anicet", "0001"),
	"route number": ("517 route 132 dundee", "0007"),
	"upper case": ("8 MONTEE CAZAVILLE SAINT-ANICET", "0004"),
	"rang": ("40 rg St-Joseph, Ste-Barbe", "0005"),
	"street first": ("rue Principale 125, Saint-Anicet", "0001"),
	"street first without comma": ("rue Principale 125 St-Anicet", "0001"),
	"street first with suffix": ("Rue Principale 125A, Saint-Anicet", "0002"),
	"street first, long name": ("chemin de la Rivière-aux-Outardes 1820, St-Anicet", "0003"),
	"street first, route number": ("route 132 517, Dundee", "0007"),
}

API_FIELDS = {
	"address_id",
	"label",
	"civic_number",
	"street",
	"municipality",
	"postal_code",
	"score",
	"coverage",
}


def _write(text: str) -> str:
	fd, path = tempfile.mkstemp(suffix=".csv", prefix="gf-test-rqa-")
	with os.fdopen(fd, "w", encoding="utf-8") as f:
		f.write(text)
	return path


def _rows(text: str) -> list[dict]:
	return list(csv.DictReader(io.StringIO(text)))


def _csv(rows: list[dict]) -> str:
	out = io.StringIO()
	writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
	writer.writeheader()
	writer.writerows(rows)
	return out.getvalue()


def _noise(count: int) -> list[dict]:
	"""Generated addresses around the sample ones (same street names elsewhere…), test ids."""
	rows = _rows(_generate(count))
	for i, row in enumerate(rows, 1):
		row["rqa_id"] = f"{PREFIX}-N{i:05d}"
	return rows


def _generate(count: int) -> str:
	out = io.StringIO()
	civic_addresses.generate_addresses(out, count, seed=6)
	return out.getvalue()


class TestCivicAddress(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.paths = []
		cls.noise = _noise(3000)
		cls.sample = _rows(SAMPLE)
		cls.load(_csv(cls.sample + cls.noise))

	@classmethod
	def tearDownClass(cls):
		ids = frappe.db.sql_list("SELECT name FROM `tabCivic Address` WHERE name LIKE %s", f"{PREFIX}-%")
		delete_addresses(ids)
		frappe.db.commit()  # nosemgrep: the loader committed these rows; so is their removal
		for path in cls.paths:
			os.unlink(path)
		super().tearDownClass()

	@classmethod
	def load(cls, text: str):
		path = _write(text)
		cls.paths.append(path)
		result = load_csv(path)
		frappe.db.rollback()  # see what the loader's connection committed
		return result

	def test_every_variant_family_finds_the_address_first(self):
		for family, (query, suffix) in QUERIES.items():
			with self.subTest(family=family, query=query):
				results = search(query, 8)
				self.assertTrue(results, query)
				self.assertEqual(
					results[0]["address_id"], f"{PREFIX}-{suffix}", [r["label"] for r in results]
				)

	def test_generated_misspellings_of_generated_addresses(self):
		rng = random.Random(11)
		for i, row in enumerate(self.noise[::97]):
			family = civic_addresses.FAMILIES[i % len(civic_addresses.FAMILIES)]
			query = civic_addresses.make_query(row, family, rng)
			with self.subTest(family=family, query=query):
				ids = [r["address_id"] for r in search(query, 8)]
				self.assertEqual(ids[:1], [row["rqa_id"]])

	def test_result_has_the_api_fields(self):
		result = search("125 rue Principale St-Anicet", 3)[0]
		self.assertEqual(set(result), API_FIELDS)
		self.assertEqual(
			{k: result[k] for k in ("label", "civic_number", "street", "municipality", "postal_code")},
			{
				"label": "125 Rue Principale, Saint-Anicet QC J0S 1M0",
				"civic_number": "125",
				"street": "Rue Principale",
				"municipality": "Saint-Anicet",
				"postal_code": "J0S 1M0",
			},
		)
		self.assertIsInstance(result["score"], float)
		self.assertTrue(0 < result["score"] <= 100)
		self.assertEqual(result["coverage"], "not_covered")
		self.assertEqual(search("125A rue Principale St-Anicet", 1)[0]["civic_number"], "125A")
		# availability shows the same address, without a score
		self.assertEqual(
			address_payload(result["address_id"]), {k: v for k, v in result.items() if k != "score"}
		)
		self.assertIsNone(address_payload("no-such-id"))

	def test_empty_and_junk_queries_answer_an_empty_list(self):
		for query in [
			"",
			"   ",
			None,
			",,,",
			"qc",
			"zzqx wvvb",
			"'; DROP TABLE `tabUser`; --",
			"<script>",
			"%",
			"💡",
		]:
			with self.subTest(query=query):
				self.assertEqual(search(query, 8), [])

	def test_limit_is_kept_in_range(self):
		self.assertEqual(len(search("rue Principale", 1)), 1)
		self.assertLessEqual(len(search("rue Principale", 500)), 20)
		self.assertLessEqual(len(search("rue Principale", "x")), 8)

	def test_link_field_search_is_the_fuzzy_search(self):
		results = link_query("Civic Address", "125 rue principal st-anicet", "name", 0, 5, {})
		self.assertEqual(results[0], (f"{PREFIX}-0001", "125 Rue Principale, Saint-Anicet QC J0S 1M0"))
		self.assertEqual(link_query("Civic Address", "125 rue principal st-anicet", "name", 20, 5, {}), [])
		self.assertEqual(link_query("Civic Address", "", "name", 0, 5, {}), [])

	def test_type_ahead_without_civic_number_shows_the_street(self):
		results = search("rue de la Rivière-aux-Outa", 5)
		self.assertEqual(results[0]["address_id"], f"{PREFIX}-0003")

	def test_reload_updates_by_rqa_id_and_leaves_the_rest_alone(self):
		before = dict(
			frappe.db.sql("SELECT name, modified FROM `tabCivic Address` WHERE name LIKE %s", f"{PREFIX}-%")
		)
		frappe.db.set_value(
			"Civic Address", f"{PREFIX}-0004", "_user_tags", ",vérifié sur place", update_modified=False
		)
		frappe.db.commit()  # nosemgrep: the reload runs on another connection
		rows = _rows(SAMPLE)
		rows[3]["postal_code"] = "J0S 1M9"  # 0004 moves to another postal code
		result = self.load(_csv(rows))
		self.assertEqual((result.rows, result.created, result.updated, result.unchanged), (12, 0, 1, 11))
		after = dict(
			frappe.db.sql("SELECT name, modified FROM `tabCivic Address` WHERE name LIKE %s", f"{PREFIX}-%")
		)
		changed = {name for name in before if before[name] != after[name]}
		self.assertEqual(changed, {f"{PREFIX}-0004"})
		doc = frappe.db.get_value(
			"Civic Address",
			f"{PREFIX}-0004",
			["postal_code", "label", "_user_tags"],
			as_dict=True,
		)
		self.assertEqual(doc.postal_code, "J0S 1M9")
		self.assertEqual(doc.label, "8 Montée Cazaville, Saint-Anicet QC J0S 1M9")
		self.assertEqual(doc._user_tags, ",vérifié sur place")  # what a load does not own stays
		self.assertEqual(search("8 montee cazaville j0s 1m9", 1)[0]["address_id"], f"{PREFIX}-0004")
		self.load(SAMPLE)  # back as it was

	def test_a_bad_row_is_reported_with_its_line_and_nothing_is_loaded(self):
		rows = _rows(SAMPLE)
		new = [dict(row, rqa_id=f"{PREFIX}-B{i}") for i, row in enumerate(rows, 1)]
		new[2]["civic_number"] = "12B"  # line 4 (line 1 is the header)
		new[6]["postal_code"] = "D0S 1M0"  # line 8
		with self.assertRaises(AddressFileError) as caught:
			self.load(_csv(new))
		self.assertEqual(
			[(line, column) for line, column, _ in caught.exception.errors],
			[(4, "civic_number"), (8, "postal_code")],
		)
		self.assertIn("4", str(caught.exception))
		self.assertFalse(frappe.db.exists("Civic Address", f"{PREFIX}-B1"))

	def test_a_repeated_id_is_reported_with_both_lines_and_nothing_is_loaded(self):
		rows = [dict(row, rqa_id=f"{PREFIX}-D{i}") for i, row in enumerate(_rows(SAMPLE), 1)]
		rows[5]["rqa_id"] = rows[1]["rqa_id"]  # lines 3 and 7
		with self.assertRaises(AddressFileError) as caught:
			self.load(_csv(rows))
		self.assertEqual(caught.exception.errors[0][0], 7)
		self.assertIn("3", caught.exception.errors[0][2])
		self.assertFalse(frappe.db.exists("Civic Address", f"{PREFIX}-D1"))

	def test_a_file_that_is_not_the_extract_is_refused(self):
		with self.assertRaises(AddressFileError) as caught:
			self.load("id,address\n1,125 rue Principale\n")
		self.assertEqual(caught.exception.errors[0][0], 1)

	def test_an_address_saved_in_the_desk_is_searchable(self):
		doc = frappe.get_doc(
			{
				"doctype": "Civic Address",
				"rqa_id": f"{PREFIX}-DESK1",
				"civic_number": "77",
				"street_generic": "Rue",
				"street_specific": "des Hirondelles-Bleues",
				"municipality_code": "69055",
				"municipality": "Saint-Anicet",
				"postal_code": "j0s1m0",
				"latitude": "",
			}
		).insert(ignore_permissions=True)
		self.assertEqual(doc.name, f"{PREFIX}-DESK1")
		self.assertEqual(doc.label, "77 Rue des Hirondelles-Bleues, Saint-Anicet QC J0S 1M0")
		self.assertIsNone(doc.latitude)  # unknown, not 0
		self.assertTrue(doc.street_ref)
		self.assertEqual(search("77 rue des hirondeles bleues st-anicet", 1)[0]["address_id"], doc.name)
		frappe.db.rollback()
