"""Fibre drops matched to civic addresses on a real site: high confidence for an address
written differently, review for an ambiguous one, a confirmed link that survives a re-run,
the reviewers' actions and rights (api/fibre_drops.py), the batch queued once, coverage
following the drop's port, the map of drops.

The address loader commits on its own connection (a load is all or nothing), so this class
loads its own addresses, with ids no other test uses, and deletes them at the end; each
test's drops are rolled back.
"""

import csv
import io
import os
import tempfile
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.api import fibre_drops
from gigafibre_fsm.network import coverage, drop_matching, tasks
from gigafibre_fsm.network.civic_address.loader import delete_addresses, load_csv
from gigafibre_fsm.network.civic_address.matching_rules import (
	CONFIRMED,
	MATCHED,
	NEEDS_REVIEW,
	REJECTED,
	UNMATCHED,
)
from gigafibre_fsm.network.civic_address.records import COLUMNS
from gigafibre_fsm.network.civic_address.search import search
from gigafibre_fsm.roles import SALES, SUPPORT
from gigafibre_fsm.tests.generators import civic_addresses
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_fibre_drop, make_olt, make_user

test_ignore = ERPNEXT_DOCTYPES

PREFIX = "GFTEST-DM"

REFERENCE = f"""\
rqa_id,civic_number,civic_suffix,street_generic,street_link,street_specific,street_direction,municipality_code,municipality,postal_code,latitude,longitude
{PREFIX}-0001,125,,Rue,,Principale,,69055,Saint-Anicet,J0S 1M0,45.1197,-74.3556
{PREFIX}-0002,125,,Rue,,Principale,,69060,Sainte-Barbe,J0S 1P0,45.1630,-74.2000
{PREFIX}-0003,1820,,Chemin,de la,Rivière-aux-Outardes,,69055,Saint-Anicet,J0S 1M0,45.1341,-74.4112
{PREFIX}-0004,2090,,Chemin,du,Lac-Héroux,,51070,Saint-Élie-de-Caxton,G0X 2N0,46.4823,-72.9791
{PREFIX}-0005,3,,Boulevard,,Sainte-Anne,Est,69070,Saint-Stanislas-de-Kostka,J0S 1W0,45.1750,-74.1300
{PREFIX}-0006,3,,Boulevard,,Sainte-Anne,Ouest,69070,Saint-Stanislas-de-Kostka,J0S 1W0,45.1751,-74.1310
{PREFIX}-0007,40,,Rang,,Saint-Joseph,,69060,Sainte-Barbe,J0S 1P0,45.1622,-74.1990
{PREFIX}-0008,45,,Avenue,des,Érables,,69060,Sainte-Barbe,J0S 1P0,45.1640,-74.1980
{PREFIX}-0009,210,,Avenue,,1re,,69055,Saint-Anicet,J0S 1M0,45.1210,-74.3500
{PREFIX}-0010,127,,Rue,,Principale,,69055,Saint-Anicet,J0S 1M0,45.1199,-74.3554
{PREFIX}-0011,125,A,Rue,,Principale,,69055,Saint-Anicet,J0S 1M0,45.1198,-74.3557
"""

# Variant families of API.md that the civic-address tests do not already ask for.
MORE_QUERIES = {
	"av. and Ste-": ("45 av. des Érables, Ste-Barbe", "0008"),
	"ave without accents": ("45 ave des erables sainte barbe", "0008"),
	"numbered avenue": ("210 1re av. St-Anicet", "0009"),
	"r. for rue": ("127 r. Principale, Saint-Anicet", "0010"),
	"apartment first, 12-125": ("12-127 rue Principale, Saint-Anicet", "0010"),
	"apartment after, app. 12": ("127 rue Principale app. 12 Saint-Anicet", "0010"),
	"apt": ("127 rue Principale apt 3, Saint-Anicet", "0010"),
	"postal code lower case with its space": ("127 rue principale j0s 1m0", "0010"),
	"municipality without accents": ("2090 chemin du Lac-Heroux, Saint-Elie-de-Caxton", "0004"),
	"municipality misspelled": ("40 rang St-Joseph, Ste-Brabe", "0007"),
	"Saint written out where the reference has Sainte": ("3 boulevard Saint Anne Est", "0005"),
}


def _write(text: str) -> str:
	fd, path = tempfile.mkstemp(suffix=".csv", prefix="gf-test-match-")
	with os.fdopen(fd, "w", encoding="utf-8") as f:
		f.write(text)
	return path


def _with_noise(text: str, count: int) -> str:
	"""The reference plus generated addresses (the same street names elsewhere…), test ids."""
	out = io.StringIO()
	civic_addresses.generate_addresses(out, count, seed=17)
	rows = list(csv.DictReader(io.StringIO(out.getvalue())))
	for i, row in enumerate(rows, 1):
		row["rqa_id"] = f"{PREFIX}-N{i:05d}"
	buffer = io.StringIO()
	writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
	writer.writerows(rows)
	return text + buffer.getvalue()


def address_id(suffix: str) -> str:
	return f"{PREFIX}-{suffix}"


class TestDropMatching(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.path = _write(_with_noise(REFERENCE, 2000))
		load_csv(cls.path)
		frappe.db.rollback()  # see what the loader's connection committed
		cls.olt = make_olt().name
		frappe.db.commit()  # nosemgrep: the drops of each test are rolled back, the OLT stays

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		ids = frappe.db.sql_list("SELECT name FROM `tabCivic Address` WHERE name LIKE %s", f"{PREFIX}-%")
		delete_addresses(ids)
		frappe.delete_doc("OLT", cls.olt, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the loader committed these rows; so is their removal
		os.unlink(cls.path)
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def drop(self, civic, street, city=None, postal_code=None, latitude=None, longitude=None, **kw):
		return make_fibre_drop(
			olt=self.olt,
			port=None,
			ont_slot=None,
			civic_number=civic,
			street=street,
			city=city,
			postal_code=postal_code,
			latitude=latitude,
			longitude=longitude,
			**kw,
		)

	def match(self, *drops) -> list[dict]:
		drop_matching.match_drops(names=[d.name for d in drops], commit=False)
		return [
			frappe.db.get_value(
				"Fibre Drop",
				d.name,
				[*drop_matching.MATCH_FIELDS, "rejected_addresses"],
				as_dict=True,
			)
			for d in drops
		]

	# -----------------------------------------------------------------------------------
	# Matching

	def test_a_drop_written_differently_is_linked_with_high_confidence(self):
		cases = [
			(self.drop("1820", "CH RIVIERE AUX OUTRADES", "St-Anicet", "j0s1m0"), "0003"),
			(self.drop("2090", "ch. Lac Heroux", "St Elie de Caxton", None, "46.48235", "-72.97905"), "0004"),
			(self.drop(None, "3 boul Ste-Anne E", "St-Stanislas-de-Kostka", "J0S1W0"), "0005"),
			(self.drop("40", "rg st joseph app 2", "STE-BARBE", "J0S 1P0"), "0007"),
			(self.drop("125A", "rue principal", "saint anicet", None), "0011"),
		]
		results = self.match(*(drop for drop, _ in cases))
		for (drop, expected), result in zip(cases, results, strict=True):
			with self.subTest(street=drop.street):
				self.assertEqual(result.civic_address, address_id(expected), result.match_reason)
				self.assertEqual(result.match_status, MATCHED, result.match_reason)
				self.assertGreaterEqual(result.match_confidence, 85)
				self.assertTrue(result.matched_on)
		# The reason says which parts agreed, and how far apart the coordinates are.
		reason = results[1].match_reason
		self.assertIn("2090", reason)
		self.assertIn("Saint-Élie-de-Caxton", reason)
		self.assertIn(" m ", reason)

	def test_an_ambiguous_drop_goes_to_review_with_the_other_addresses(self):
		(result,) = self.match(self.drop("125", "rue Principale"))
		self.assertEqual(result.match_status, NEEDS_REVIEW, result.match_reason)
		proposed = {result.civic_address} | {
			c["address"] for c in frappe.parse_json(result.match_candidates or "[]")
		}
		self.assertLessEqual({address_id("0001"), address_id("0002")}, proposed)
		# Its coordinates make the same text one address.
		(result,) = self.match(self.drop("125", "rue Principale", latitude="45.16305", longitude="-74.20005"))
		self.assertEqual((result.match_status, result.civic_address), (MATCHED, address_id("0002")))

	def test_a_house_the_reference_lacks_is_not_linked(self):
		unknown, no_civic = self.match(
			self.drop("131", "rue Principale", "Saint-Anicet", "J0S 1M0"),
			self.drop(None, "rue Principale", "Saint-Anicet", "J0S 1M0", "45.11985", "-74.35545"),
		)
		self.assertEqual((unknown.match_status, unknown.civic_address), (UNMATCHED, None))
		self.assertIn("131", unknown.match_reason)
		# Without a civic number, the nearest house is only proposed.
		self.assertEqual(no_civic.match_status, NEEDS_REVIEW, no_civic.match_reason)
		self.assertEqual(no_civic.civic_address, address_id("0010"))

	def test_a_confirmed_link_survives_a_rerun_and_a_rejected_address_is_not_proposed_again(self):
		drop = self.drop("125", "rue Principale")
		(first,) = self.match(drop)
		self.assertEqual(first.match_status, NEEDS_REVIEW)
		fibre_drops.confirm_match(drop.name)
		confirmed = first.civic_address
		# Even with its text now pointing elsewhere, a run leaves a confirmed drop alone.
		frappe.db.set_value(
			"Fibre Drop",
			drop.name,
			{"city": "Sainte-Barbe" if confirmed.endswith("0001") else "Saint-Anicet"},
		)
		(again,) = self.match(drop)
		self.assertEqual((again.match_status, again.civic_address), (CONFIRMED, confirmed))
		summary = drop_matching.match_drops(commit=False)
		self.assertGreaterEqual(summary.drops, 0)
		self.assertEqual(frappe.db.get_value("Fibre Drop", drop.name, "civic_address"), confirmed)

		other = self.drop("127", "rue Principale", "Saint-Anicet", "J0S 1M0")
		(matched,) = self.match(other)
		self.assertEqual((matched.match_status, matched.civic_address), (MATCHED, address_id("0010")))
		rejected = fibre_drops.reject_match(other.name)
		self.assertEqual((rejected["match_status"], rejected["civic_address"]), (REJECTED, None))
		(rerun,) = self.match(other)
		self.assertNotEqual(rerun.civic_address, address_id("0010"))
		self.assertIn(rerun.match_status, (REJECTED, NEEDS_REVIEW))
		self.assertIn(address_id("0010"), rerun.rejected_addresses)

	def test_an_agent_who_picks_another_address_confirms_it(self):
		drop = self.drop("125", "rue Principale", "Saint-Anicet", "J0S 1M0")
		(result,) = self.match(drop)
		self.assertEqual(result.civic_address, address_id("0001"))
		answer = fibre_drops.pick_address(drop.name, address_id("0011"))
		self.assertEqual((answer["match_status"], answer["civic_address"]), (CONFIRMED, address_id("0011")))
		self.assertEqual(answer["match_confidence"], 100)
		# Editing the link on the form is the same choice.
		doc = frappe.get_doc("Fibre Drop", drop.name)
		doc.civic_address = address_id("0010")
		doc.save()
		self.assertEqual((doc.match_status, doc.civic_address), (CONFIRMED, address_id("0010")))
		(after,) = self.match(drop)
		self.assertEqual(after.civic_address, address_id("0010"))
		with self.assertRaises(frappe.DoesNotExistError):
			fibre_drops.pick_address(drop.name, "no-such-address")

	def test_only_support_and_system_managers_review(self):
		drop = self.drop("125", "rue Principale", "Saint-Anicet", "J0S 1M0")
		self.match(drop)
		seller, support = (
			make_user("vendeur.match@example.com", SALES),
			make_user("soutien.match@example.com", SUPPORT),
		)
		frappe.set_user(seller)
		for action in (fibre_drops.confirm_match, fibre_drops.reject_match, fibre_drops.match_now):
			with self.subTest(action=action.__name__), self.assertRaises(frappe.PermissionError):
				action(drop.name)
		with self.assertRaises(frappe.PermissionError):
			fibre_drops.start_matching()
		frappe.set_user(support)
		self.assertEqual(fibre_drops.confirm_match(drop.name)["match_status"], CONFIRMED)

	def test_the_batch_is_queued_once_on_the_long_queue(self):
		self.assertIs(frappe.get_attr(tasks.MATCHING_JOB), tasks.run_matching_job)
		with (
			patch.object(frappe, "enqueue") as enqueue,
			patch.object(tasks, "is_job_enqueued", side_effect=[False, True]),
		):
			self.assertEqual(fibre_drops.start_matching(unmatched_only="1"), {"queued": True})
			self.assertEqual(fibre_drops.start_matching(), {"queued": False})
		enqueue.assert_called_once()
		(job,), options = enqueue.call_args
		self.assertEqual(job, "gigafibre_fsm.network.tasks.run_matching_job")
		self.assertEqual(
			(options["queue"], options["job_id"], options["unmatched_only"]), ("long", tasks.JOB_ID, True)
		)

	# -----------------------------------------------------------------------------------
	# Coverage

	def test_coverage_follows_the_port_of_the_linked_drop(self):
		target = address_id("0008")

		def covered():
			return coverage.coverage_for([target])[target]

		self.assertEqual(covered(), "not_covered")
		drop = self.drop("45", "av des Erables", "Ste-Barbe", "J0S 1P0")
		self.match(drop)
		self.assertEqual(frappe.db.get_value("Fibre Drop", drop.name, "civic_address"), target)
		self.assertEqual(covered(), "available")
		self.assertEqual(search("45 av des Érables Ste-Barbe", 1)[0]["coverage"], "available")
		for serial in ("RESERVED-LOC-1", "RCMG1234ABCD"):
			frappe.db.set_value("Fibre Drop", drop.name, "installed_serial", serial)
			self.assertEqual(covered(), "taken", serial)
		# A second drop at the same address, free: the address is available, through it.
		second = self.drop("45", "avenue des Érables", "Sainte-Barbe", "J0S 1P0")
		fibre_drops.pick_address(second.name, target)
		self.assertEqual(covered(), "available")
		self.assertEqual(coverage.drop_for_address(target, ["name", "installed_serial"]).name, second.name)
		# A drop only proposed for review does not cover the address.
		frappe.db.set_value("Fibre Drop", second.name, "match_status", NEEDS_REVIEW)
		self.assertEqual(covered(), "taken")
		frappe.db.set_value("Fibre Drop", drop.name, "match_status", NEEDS_REVIEW)
		self.assertEqual(covered(), "not_covered")
		self.assertIsNone(coverage.drop_for_address(target, ["name"]))

	# -----------------------------------------------------------------------------------
	# Desk

	def test_the_map_shows_the_drops_with_their_address_and_port(self):
		drop = self.drop("40", "rang Saint-Joseph", "Sainte-Barbe", "J0S 1P0", "45.16225", "-74.19905")
		self.drop("41", "rang Saint-Joseph", "Sainte-Barbe", "J0S 1P0")  # no coordinates: not on a map
		self.match(drop)
		frappe.db.set_value("Fibre Drop", drop.name, "installed_serial", "RESERVED-LOC-9")
		geo = fibre_drops.drop_coordinates(
			"Fibre Drop", [["Fibre Drop", "olt", "=", self.olt]], "coordinates"
		)
		self.assertEqual(geo["type"], "FeatureCollection")
		self.assertEqual([f["properties"]["drop"] for f in geo["features"]], [drop.name])
		feature = geo["features"][0]
		self.assertEqual(feature["geometry"]["coordinates"], [-74.19905, 45.16225])
		self.assertEqual(feature["properties"]["coverage"], "Reserved")
		self.assertIn("40 Rang Saint-Joseph, Sainte-Barbe", feature["properties"]["name"])
		# The list's filters apply.
		none = fibre_drops.drop_coordinates("Fibre Drop", [["Fibre Drop", "olt", "=", "no-such-olt"]])
		self.assertEqual(none["features"], [])
		with self.assertRaises(frappe.ValidationError):
			fibre_drops.drop_coordinates("Customer", [])
		frappe.set_user(make_user("personne.match@example.com", "Blogger"))
		with self.assertRaises(frappe.PermissionError):
			fibre_drops.drop_coordinates("Fibre Drop", [])

	def test_the_address_and_the_drop_show_each_other(self):
		links = frappe.get_meta("Civic Address").links
		self.assertIn(
			("Fibre Drop", "civic_address"), [(link.link_doctype, link.link_fieldname) for link in links]
		)
		field = frappe.get_meta("Fibre Drop").get_field("civic_address")
		self.assertEqual((field.fieldtype, field.options, field.search_index), ("Link", "Civic Address", 1))
		self.assertTrue(frappe.get_meta("Fibre Drop").get_field("match_status").in_standard_filter)

	# -----------------------------------------------------------------------------------
	# Search (the variant families not in test_civic_address)

	def test_more_variant_families_find_the_address_first(self):
		for family, (query, expected) in MORE_QUERIES.items():
			with self.subTest(family=family, query=query):
				results = search(query, 8)
				self.assertTrue(results, query)
				self.assertEqual(
					results[0]["address_id"], address_id(expected), [r["label"] for r in results]
				)
