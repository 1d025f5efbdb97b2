"""The demo's network (tests/demo.py): its civic-address extract is an RQA extract, every demo
fibre drop is linked to its own address by the app's matching, the houses without fibre are
not covered, and a second run changes nothing.

The demo's OLTs, drops and addresses are made on this site where it lacks them and taken back
after (:func:`bring_demo_network`, :func:`take_back`; the browser test uses them too).
"""

import csv

import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.network.civic_address import records
from gigafibre_fsm.network.civic_address.loader import delete_addresses
from gigafibre_fsm.network.coverage import coverage_for
from gigafibre_fsm.tests import demo
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES

test_ignore = ERPNEXT_DOCTYPES

# The address each demo drop is (legacy fibre id → RQA id), and the houses the fibre does not reach.
DROP_ADDRESSES = {
	"9001": "DEMO-0001",
	"9002": "DEMO-0002",
	"9003": "DEMO-0005",
	"9004": "DEMO-0006",
	"9005": "DEMO-0009",
	"9006": "DEMO-0011",
	"9007": "DEMO-0003",
	"9008": "DEMO-0007",
	"9009": "DEMO-0010",
	"9010": "DEMO-0012",
}
WITHOUT_FIBRE = ("DEMO-0004", "DEMO-0008", "DEMO-0013")
INDEX_TABLES = (
	"gf_civic_street",
	"gf_civic_token",
	"gf_civic_vocab",
	"gf_civic_spelling",
	"gf_civic_postal_street",
)


def demo_addresses() -> dict[str, dict]:
	"""The demo's extract, by RQA id."""
	with open(demo.ADDRESSES, encoding="utf-8") as f:
		return {row["rqa_id"]: row for row in csv.DictReader(f)}


def demo_drops() -> list[str]:
	return frappe.get_all(
		"Fibre Drop", {"legacy_fibre_id": ("in", [d[-1] for d in demo.DROPS])}, pluck="name", order_by="name"
	)


def bring_demo_network() -> dict[str, list[str]]:
	"""The demo's OLTs, drops and addresses, linked (demo.make_demo_network); what this site
	did not have before, for :func:`take_back`. Committed: a served site reads them."""
	brought = {
		"olts": [olt[0] for olt in demo.OLTS if not frappe.db.exists("OLT", olt[0])],
		"addresses": [a for a in demo_addresses() if not frappe.db.exists("Civic Address", a)],
	}
	had = set(demo_drops())
	try:
		demo.make_demo_network()
	except Exception:
		frappe.db.rollback()  # the drops made before the address load are committed by it
		take_back({**brought, "drops": [d for d in demo_drops() if d not in had]})
		raise
	brought["drops"] = [d for d in demo_drops() if d not in had]
	frappe.db.commit()  # nosemgrep: the address load commits on its own connection anyway
	return brought


def take_back(brought: dict[str, list[str]]) -> None:
	"""Delete what :func:`bring_demo_network` made (after whatever links to it)."""
	frappe.db.rollback()
	for drop in brought.get("drops", []):
		frappe.delete_doc("Fibre Drop", drop, force=True, ignore_permissions=True)
	for olt in brought.get("olts", []):
		frappe.delete_doc("OLT", olt, force=True, ignore_permissions=True)
	if brought.get("addresses"):
		delete_addresses(brought["addresses"])
	frappe.db.commit()  # nosemgrep


def network_state() -> dict:
	"""What a run could change: every demo drop's and address's row as stored, the index's size."""
	drops = frappe.get_all(
		"Fibre Drop",
		{"legacy_fibre_id": ("in", [d[-1] for d in demo.DROPS])},
		["name", "modified", "civic_address", "match_status", "match_confidence", "match_reason"],
		order_by="name",
	)
	addresses = frappe.get_all(
		"Civic Address", {"name": ("in", list(demo_addresses()))}, ["name", "modified"], order_by="name"
	)
	index = {table: frappe.db.sql(f"SELECT COUNT(*) FROM {table}")[0][0] for table in INDEX_TABLES}
	return {"drops": drops, "addresses": addresses, "index": index}


class TestDemoNetwork(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.brought = bring_demo_network()

	@classmethod
	def tearDownClass(cls):
		take_back(cls.brought)
		super().tearDownClass()

	def test_the_extract_is_an_rqa_extract_of_the_drops_and_a_few_houses_more(self):
		with open(demo.ADDRESSES, encoding="utf-8") as f:
			self.assertEqual(tuple(next(csv.reader(f))), records.COLUMNS)
		rows = demo_addresses()
		self.assertEqual(set(rows), {*DROP_ADDRESSES.values(), *WITHOUT_FIBRE})
		for drop in demo.DROPS:
			self.assertEqual(rows[DROP_ADDRESSES[drop[-1]]]["civic_number"], drop[1])

	def test_every_drop_is_linked_to_its_address_by_the_matching(self):
		drops = frappe.get_all(
			"Fibre Drop",
			{"legacy_fibre_id": ("in", list(DROP_ADDRESSES))},
			["legacy_fibre_id", "civic_address", "match_status", "match_reason"],
		)
		self.assertEqual(len(drops), len(DROP_ADDRESSES))
		for drop in drops:
			self.assertEqual(drop.civic_address, DROP_ADDRESSES[drop.legacy_fibre_id], drop.match_reason)
			# The matching's own link (a person's would be Confirmed).
			self.assertIn(drop.match_status, ("Matched", "Confirmed"))
		coverage = coverage_for([*DROP_ADDRESSES.values(), *WITHOUT_FIBRE])
		for address in WITHOUT_FIBRE:
			self.assertEqual(coverage[address], "not_covered", address)
		for address in DROP_ADDRESSES.values():
			self.assertIn(coverage[address], ("available", "taken"), address)

	def test_a_second_run_changes_nothing(self):
		before = network_state()
		demo.make_demo_network()
		frappe.db.commit()  # nosemgrep: as the demo does
		self.assertEqual(network_state(), before)
