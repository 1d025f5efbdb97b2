"""The website's address endpoints over real HTTP, as a guest, against this site running under
gunicorn (tests/live.py): every kind of bad input to ``search_addresses`` and
``availability`` is a 4xx naming the field (or, for a query that is only junk, an empty
list), never a 5xx; the rate limit answers 429; coverage reaches the website."""

import json

import frappe
import requests
from frappe.installer import update_site_config
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.network.civic_address.loader import delete_addresses, load_csv
from gigafibre_fsm.tests.live import RunningSite
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_fibre_drop

test_ignore = ERPNEXT_DOCTYPES

SEARCH = "gigafibre_fsm.api.website.search_addresses"
AVAILABILITY = "gigafibre_fsm.api.website.availability"
PREFIX = "GFTEST-AH"
REFERENCE = f"""\
rqa_id,civic_number,civic_suffix,street_generic,street_link,street_specific,street_direction,municipality_code,municipality,postal_code,latitude,longitude
{PREFIX}-0001,77,,Rue,des,Hirondelles-Bleues,,69055,Saint-Anicet,J0S 1M0,45.1197,-74.3556
"""
# Each with what it is: SQL and script fragments, quotes, NUL, control characters, emoji.
FRAGMENTS = (
	"'; DROP TABLE `tabCivic Address`; --",
	"1' OR '1'='1",
	'" UNION SELECT name, password FROM `__Auth` --',
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"%00%27",
	"\x00\x01\x02",
	"😀😀😀",
	"{{7*7}}",
)


def message(response) -> str:
	body = response.json()
	texts = [json.loads(m).get("message", "") for m in json.loads(body.get("_server_messages") or "[]")]
	return " ".join(texts) or body.get("exception", "")


class TestAddressEndpointsOverHTTP(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		import os
		import tempfile

		fd, cls.path = tempfile.mkstemp(suffix=".csv")
		with os.fdopen(fd, "w", encoding="utf-8") as f:
			f.write(REFERENCE)
		load_csv(cls.path)
		frappe.db.rollback()
		cls.drop = make_fibre_drop(
			port=None, ont_slot=None, civic_number="77", street="rue des Hirondelles Bleues"
		)
		frappe.get_doc("Fibre Drop", cls.drop.name).update({"civic_address": f"{PREFIX}-0001"}).save()
		frappe.db.commit()  # nosemgrep: the running site reads through its own connection
		cls.site = RunningSite(frappe.local.site, workers=1, threads=4).start()

	@classmethod
	def tearDownClass(cls):
		import os

		cls.site.stop()
		frappe.db.rollback()
		frappe.delete_doc("Fibre Drop", cls.drop.name, force=True, ignore_permissions=True)
		delete_addresses([f"{PREFIX}-0001"])
		frappe.db.commit()  # nosemgrep: the loader committed the address; so is its removal
		os.unlink(cls.path)
		super().tearDownClass()

	def get(self, method: str, **params):
		headers = {**self.site.headers, "Accept": "application/json"}
		return requests.get(self.site.api(method), params=params, headers=headers, timeout=60)

	def assertRefused(self, response, field: str, status=(400, 404, 417)):
		self.assertIn(response.status_code, status, response.text[:400])
		self.assertIn(field, message(response), response.text[:400])

	def test_search_bad_input_is_a_4xx_naming_the_field(self):
		cases = [
			("q", {}),
			("q", {"q": ""}),
			("q", {"q": "   "}),
			("q", {"q": "1" * 201}),
			("q", {"q": "125 rue Principale " * 20}),
			("limit", {"q": "rue Principale", "limit": 0}),
			("limit", {"q": "rue Principale", "limit": 21}),
			("limit", {"q": "rue Principale", "limit": -3}),
			("limit", {"q": "rue Principale", "limit": "huit"}),
			("limit", {"q": "rue Principale", "limit": "1 OR 1=1"}),
			("limit", {"q": "rue Principale", "limit": "1e9"}),
		]
		for field, params in cases:
			with self.subTest(params=params):
				self.assertRefused(self.get(SEARCH, **params), field)

	def test_search_fragments_of_sql_or_script_find_nothing_and_harm_nothing(self):
		before = frappe.db.count("Civic Address")
		for fragment in FRAGMENTS:
			with self.subTest(fragment=fragment):
				response = self.get(SEARCH, q=fragment)
				self.assertEqual(response.status_code, 200, response.text[:300])
				self.assertEqual(response.json()["message"], [])
		self.assertEqual(frappe.db.count("Civic Address"), before)

	def test_availability_bad_input_is_a_4xx_naming_the_field(self):
		for params in ({}, {"address_id": ""}, {"address_id": "   "}):
			with self.subTest(params=params):
				self.assertRefused(self.get(AVAILABILITY, **params), "address_id", (400, 417))
		for unknown in ("nope", "x" * 1000, *FRAGMENTS):
			with self.subTest(address_id=unknown[:40]):
				response = self.get(AVAILABILITY, address_id=unknown)
				self.assertRefused(response, "address_id", (404,))
				# The refusal never echoes what was sent (no script comes back).
				self.assertNotIn("<script>", response.text)

	def test_the_website_sees_the_coverage_of_the_linked_drop(self):
		found = self.get(SEARCH, q="77 rue des hirondeles bleues st-anicet", limit=3)
		self.assertEqual(found.status_code, 200, found.text[:300])
		first = found.json()["message"][0]
		self.assertEqual((first["address_id"], first["coverage"]), (f"{PREFIX}-0001", "available"))
		available = self.get(AVAILABILITY, address_id=f"{PREFIX}-0001").json()["message"]
		self.assertEqual(available["coverage"], "available")
		self.assertTrue(available["plans"]["phone"] is not None)

	def test_the_rate_limit_answers_429(self):
		saved = frappe.get_site_config().get("gigafibre_rate_limits")
		frappe.cache.delete_keys("rl:")
		update_site_config("gigafibre_rate_limits", {"search_addresses": 3, "availability": 2})
		try:
			searches = [self.get(SEARCH, q="rue Principale").status_code for _ in range(4)]
			lookups = [self.get(AVAILABILITY, address_id="nope").status_code for _ in range(3)]
		finally:
			update_site_config("gigafibre_rate_limits", saved if saved is not None else "None")
			frappe.cache.delete_keys("rl:")
		self.assertEqual(searches, [200, 200, 200, 429])
		self.assertEqual(lookups, [404, 404, 429])
