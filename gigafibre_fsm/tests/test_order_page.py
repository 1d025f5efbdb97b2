"""A visitor orders on the public page (/commander) in a real headless Chromium: address
search, plans with a live price, details, card (Stripe Elements from localstripe), confirm.

The browser is Debian's ``chromium`` driven by ``playwright-core`` from npm, kept in a tool
folder outside the app (``GIGAFIBRE_BROWSER_TOOLS``, default /opt/gigafibre/browser-tools;
installed there with npm when missing). When the browser cannot run, the test fails and
says why: it is never skipped.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import frappe

from gigafibre_fsm.tests.test_checkout import CheckoutCase
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_civic_address, make_fibre_drop, next_weekdays

test_ignore = ERPNEXT_DOCTYPES

SCRIPT = Path(__file__).parent / "browser" / "order_page.mjs"
DESK_SCRIPT = Path(__file__).parent / "browser" / "desk_page.mjs"
TOOLS = Path(os.environ.get("GIGAFIBRE_BROWSER_TOOLS", "/opt/gigafibre/browser-tools"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def playwright_core() -> Path:
	"""The playwright-core package in the tool folder, installed with npm when missing."""
	package = TOOLS / "node_modules" / "playwright-core"
	if package.exists():
		return package
	npm = shutil.which("npm")
	if not npm:
		raise AssertionError("npm is needed to install playwright-core (apt-get install npm)")
	TOOLS.mkdir(parents=True, exist_ok=True)
	# 1.61 is the last release that runs on Node 18, the Node of Debian 12.
	result = subprocess.run(
		[npm, "install", "--no-audit", "--no-fund", "--prefix", str(TOOLS), "playwright-core@~1.61"],
		capture_output=True,
		text=True,
		timeout=300,
	)
	if result.returncode or not package.exists():
		raise AssertionError(f"could not install playwright-core in {TOOLS}: {result.stderr[-1500:]}")
	return package


class TestOrderPage(CheckoutCase):
	serve = True

	def setUp(self):
		super().setUp()
		self.node = shutil.which("node")
		self.assertTrue(self.node, "node is needed to drive the browser (apt-get install nodejs)")
		self.assertTrue(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium")
		self.playwright = playwright_core()
		# An address the search index knows, on a drop of its own.
		self.page_drop = make_fibre_drop(olt=self.olt.name, max_speed_mbps=1000, zone_tarifaire="Z1")
		self.page_address = make_civic_address(
			drop=self.page_drop.name,
			index=True,
			civic_number="4321",
			street_generic="Chemin",
			street_link="du",
			street_specific="Lac-Brûlé",
			municipality="Sainte-Émilie-de-Gigafibre",
			municipality_code="49999",
		)
		frappe.db.commit()  # nosemgrep

	def tearDown(self):
		frappe.db.rollback()
		for customer in frappe.get_all("Customer", {"customer_name": "Marie-Ève Navigateur"}, pluck="name"):
			self.customers.append(customer)
		super().tearDown()
		frappe.delete_doc("Civic Address", self.page_address.name, force=True, ignore_permissions=True)
		frappe.delete_doc("Fibre Drop", self.page_drop.name, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep

	def browse(self, script: Path, args: dict) -> dict:
		"""Run a browser script; its last line is the JSON outcome."""
		result = subprocess.run(
			[self.node, str(script), json.dumps(args)],
			capture_output=True,
			text=True,
			timeout=180,
			env={**os.environ, "PLAYWRIGHT_CORE": str(self.playwright), "CHROMIUM": CHROMIUM},
		)
		lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
		self.assertTrue(lines, f"the browser script printed nothing: {result.stderr[-2000:]}")
		outcome = json.loads(lines[-1])
		self.assertTrue(outcome["ok"], f"{outcome} {result.stderr[-1000:]}")
		self.assertEqual(outcome["errors"], [])
		return outcome

	def test_an_agent_orders_on_the_desk_page(self):
		from gigafibre_fsm.tests.utils import make_user

		agent = make_user("agente-bureau@gigafibre.test", "Sales Agent")
		user = frappe.get_doc("User", agent)
		user.new_password = "Gigafibre-Bureau-2026!"
		user.language = "fr"
		user.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		outcome = self.browse(
			DESK_SCRIPT,
			{
				"url": self.world.site.url,
				"user": agent,
				"password": "Gigafibre-Bureau-2026!",
				"query": "4321 ch du lac brule ste-emilie",
				"addressId": self.page_address.name,
				"internet": "FTTH150I",
				"tv": "TVBSKINNY",
				# 99.95 + 25 + 28.95 + 0.69 − 10 = 144.59 + TPS 7.23 + TVQ 14.42 = 166.24
				"expectedMonthly": "166.24",
				"email": "jean.telephone@example.com",
				"screenshot": "/tmp/gigafibre-desk-page.png",
			},
		)
		frappe.db.rollback()
		self.customers += frappe.get_all("Customer", {"customer_name": "Jean Téléphone"}, pluck="name")
		order = frappe.get_doc("Web Order", outcome["order_id"])
		self.assertEqual((order.source, order.agent), ("Desk", agent))
		self.assertFalse(order.payment_method)
		self.assertEqual(order.payment_link_channels, "sms")
		self.assertTrue(frappe.db.get_value("Dispatch Job", order.dispatch_job, "contact_me"))

	def test_a_visitor_orders_triple_play(self):
		args = {
			"url": self.world.site.url,
			"query": "4321 ch du lac brule ste-emilie",
			"addressId": self.page_address.name,
			"internet": "FTTH500I",
			"tv": "TVBSTANDARD",
			# 99.95 + 30 + 28.95 + 0.69 − 10 (3 services) − 15 (24 months) = 134.59 + taxes = 154.75
			"expectedMonthly": "154,75",
			"email": "marie-eve.navigateur@example.com",
			"dates": next_weekdays(3),
			"screenshot": "/tmp/gigafibre-order-page.png",
		}
		outcome = self.browse(SCRIPT, args)
		frappe.db.rollback()
		order = frappe.get_doc("Web Order", outcome["order_id"])
		self.assertEqual(order.source, "Website")
		self.assertEqual(order.fibre_drop, self.page_drop.name)
		self.assertEqual(order.monthly_total, 154.75)
		self.assertTrue(frappe.db.get_value("Payment Method", order.payment_method, "stripe_setup_intent_id"))
		self.assertEqual(frappe.db.get_value("Fibre Drop", self.page_drop.name, "status"), "Reserved")
