"""Guarantees that hold when two people save at the same moment: each is raced through two
real database connections, with the controllers' friendly pre-checks switched off in one
variant, to show the database itself refuses the second holder."""

import threading
from collections.abc import Callable
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.exceptions import DuplicateActiveLineError, PortUnavailableError
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_customer, make_fibre_drop, make_olt

test_ignore = ERPNEXT_DOCTYPES

REFUSALS = (PortUnavailableError, DuplicateActiveLineError)


def race(site: str, sites_path: str, make: Callable[[int], None], racers: int = 2) -> list[str]:
	"""Run ``make(i)`` in ``racers`` threads, each with its own connection, started together.

	Returns each racer's outcome: "saved", the refusal's class name, or "error: …".
	"""
	barrier = threading.Barrier(racers)
	outcomes: list[str] = [""] * racers

	def run(i: int):
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		frappe.set_user("Administrator")
		try:
			barrier.wait(timeout=20)
			make(i)
			frappe.db.commit()  # nosemgrep: each racer is its own request
			outcomes[i] = "saved"
		except REFUSALS as e:
			frappe.db.rollback()
			outcomes[i] = type(e).__name__
		except Exception as e:
			frappe.db.rollback()
			outcomes[i] = f"error: {type(e).__name__}: {e}"
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=run, args=(i,)) for i in range(racers)]
	for t in threads:
		t.start()
	for t in threads:
		t.join(timeout=60)
	return outcomes


class TestRaces(FrappeTestCase):
	"""Committed records (the racers read through their own connections), deleted afterwards."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.site, cls.sites_path = frappe.local.site, frappe.local.sites_path
		cls.created: list[tuple[str, str]] = []

	def tearDown(self):
		frappe.db.rollback()
		for doctype, name in reversed(self.created):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, ignore_missing=True)
		self.created.clear()
		frappe.db.commit()  # nosemgrep

	def keep(self, doc):
		self.created.append((doc.doctype, doc.name))
		return doc

	def committed(self, make):
		doc = self.keep(make())
		frappe.db.commit()  # nosemgrep: the racers must see it
		return doc

	def track(self, doctype: str, filters: dict) -> list[str]:
		names = frappe.get_all(doctype, filters=filters, pluck="name")
		self.created += [(doctype, n) for n in names]
		return names

	def race_locations_for_one_drop(self, precheck: bool):
		# A drop whose OLT position is unknown: only the drop's own key can stop the second order.
		drop = self.committed(lambda: make_fibre_drop(port=None))
		customers = [self.committed(make_customer).name for _ in range(2)]

		def make(i):
			frappe.get_doc(
				{
					"doctype": "Service Location",
					"customer": customers[i],
					"street": "Rue Principale",
					"civic_number": "12",
					"city": "Saint-Adrien",
					"fibre_drop": drop.name,
				}
			).insert()

		if precheck:
			outcomes = race(self.site, self.sites_path, make)
		else:
			with patch(
				"gigafibre_fsm.service.doctype.service_location.service_location.ServiceLocation.check_fibre_port_free"
			):
				outcomes = race(self.site, self.sites_path, make)
		locations = self.track("Service Location", {"fibre_drop": drop.name})
		return outcomes, locations

	def test_two_orders_for_one_drop(self):
		outcomes, locations = self.race_locations_for_one_drop(precheck=True)
		self.assertEqual(sorted(outcomes), ["PortUnavailableError", "saved"], outcomes)
		self.assertEqual(len(locations), 1)

	def test_two_orders_for_one_drop_without_the_checks(self):
		outcomes, locations = self.race_locations_for_one_drop(precheck=False)
		self.assertEqual(sorted(outcomes), ["PortUnavailableError", "saved"], outcomes)
		self.assertEqual(len(locations), 1)

	def test_two_locations_for_one_olt_position_without_the_checks(self):
		olt = self.committed(make_olt).name
		customers = [self.committed(make_customer).name for _ in range(2)]

		def make(i):
			frappe.get_doc(
				{
					"doctype": "Service Location",
					"customer": customers[i],
					"street": "Rang 10",
					"city": "Ham-Nord",
					"olt": olt,
					"frame": 0,
					"slot": 3,
					"port": 7,
					"ont_id": 21,
				}
			).insert()

		with patch(
			"gigafibre_fsm.service.doctype.service_location.service_location.ServiceLocation.check_fibre_port_free"
		):
			outcomes = race(self.site, self.sites_path, make)
		self.assertEqual(sorted(outcomes), ["PortUnavailableError", "saved"], outcomes)
		self.assertEqual(len(self.track("Service Location", {"olt": olt})), 1)

	def test_two_drops_for_one_olt_position_without_the_checks(self):
		olt = self.committed(make_olt).name

		def make(i):
			make_fibre_drop(olt=olt, port=5, ont_slot=9)

		with patch(
			"gigafibre_fsm.network.doctype.fibre_drop.fibre_drop.FibreDrop.check_position_not_duplicated"
		):
			outcomes = race(self.site, self.sites_path, make)
		self.assertEqual(sorted(outcomes), ["PortUnavailableError", "saved"], outcomes)
		self.assertEqual(len(self.track("Fibre Drop", {"olt": olt})), 1)

	def test_two_active_lines_for_one_did(self):
		customer = self.committed(make_customer).name
		did = "873" + str(2000000 + int(frappe.generate_hash(length=5), 16) % 7999999)

		def make(i):
			frappe.get_doc({"doctype": "VoIP Line", "did": did, "customer": customer}).insert()

		for precheck in (True, False):
			with self.subTest(precheck=precheck):
				if precheck:
					outcomes = race(self.site, self.sites_path, make)
				else:
					for name in self.track("VoIP Line", {"did": did}):
						frappe.delete_doc("VoIP Line", name, force=True)
					frappe.db.commit()  # nosemgrep
					with patch(
						"gigafibre_fsm.voip.doctype.voip_line.voip_line.VoIPLine.other_active_line",
						return_value=None,
					):
						outcomes = race(self.site, self.sites_path, make)
				self.assertEqual(sorted(outcomes), ["DuplicateActiveLineError", "saved"], outcomes)
				self.assertEqual(len(frappe.get_all("VoIP Line", {"did": did, "status": "Active"})), 1)
				self.track("VoIP Line", {"did": did})
