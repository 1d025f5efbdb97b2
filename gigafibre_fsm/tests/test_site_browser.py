"""What a person sees on this site, in headless Chromium (tests/browser/site_tour.mjs): an
administrator opens the Gigafibre workspace, Gigafibre Settings and an internet Item with its
Gigafibre Service section, without an error dialog and with the pricing fields shown; a
visitor of /commander finds a demo address typed street first and number first, sees plans
and prices and orders; an address nobody knows gets a message, the waitlist and the
customer-service phone, one the fibre does not reach yet the same with the phone plans, and
the address just ordered (its port held now) a call back.

It runs on whichever site it is given, so the same check serves the test site, the demo site
and another company's site:

	bench --site SITE run-tests --module gigafibre_fsm.tests.test_site_browser

The site needs its setup wizard done, the app installed and the standard catalogue's internet
and TV Items. The test brings the rest and takes back what it brought: the demo's network
(OLTs, fibre drops and the demo's civic addresses, linked by the app's matching:
tests/demo.py) where the site lacks it, Stripe, Twilio and Mailjet fakes (tests/live.py;
Gigafibre Settings are put back as they were after) and a customer-service phone when none
is set; the order and the waitlist lead it makes are deleted after.

``GIGAFIBRE_ADMIN_PASSWORD``: Administrator's password on the site (default ``admin``, the
bench's). ``GIGAFIBRE_SCREENSHOTS``: where the screenshots go (default
``/tmp/gigafibre-site-browser/<site>``). It fails, never skips, when it cannot run.
"""

import os
from pathlib import Path

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.password import check_password

from gigafibre_fsm.network.coverage import coverage_for, load_site
from gigafibre_fsm.orders import offer
from gigafibre_fsm.tests import demo
from gigafibre_fsm.tests.browser import check_browser, run_script
from gigafibre_fsm.tests.live import OrderWorld
from gigafibre_fsm.tests.test_checkout import delete_order
from gigafibre_fsm.tests.test_demo_network import bring_demo_network, demo_addresses, take_back
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, next_weekdays

test_ignore = ERPNEXT_DOCTYPES

# The Item fields of the Gigafibre Service section a person checks (setup/custom_fields.py).
ITEM_FIELDS = (
	"service_type",
	"offered",
	"combo_ready",
	"download_mbps",
	"upload_mbps",
	"olt_line_profile",
	"billing_interval",
)
# Settings the fakes overwrite (tests/live.py), put back after.
SETTINGS_DATA = (
	"support_phone",
	"stripe_publishable_key",
	"twilio_account_sid",
	"twilio_from_number",
	"mailjet_api_key",
	"mailjet_sender_email",
)
SETTINGS_PASSWORDS = ("stripe_secret_key", "twilio_auth_token", "mailjet_api_secret")
TEST_SUPPORT_PHONE = "819 555-0199"
# Every guest endpoint the tour calls, unlimited while it runs (the waitlist allows 10 an hour).
RATE_LIMITS = (
	"search_addresses",
	"availability",
	"quote",
	"start_payment",
	"checkout",
	"join_waitlist",
)
BUYER = ("Élise", "Navigatrice", "elise.navigatrice@example.com")
WAITLIST_EMAIL = "gaston.attente@example.com"
NO_MATCH_QUERY = "999 rue Inexistante, Nulle-Part"
# The demo's house without fibre the tour visits, as a person types it.
NOT_COVERED = ("DEMO-0008", "9 rue de l'Église, Saint-Adrien")


def money(amount: float) -> str:
	"""As the page writes an amount (commander.js ``money``)."""
	return f"{amount:.2f}".replace(".", ",")


class TestSiteInABrowser(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.site = frappe.local.site
		cls.password = os.environ.get("GIGAFIBRE_ADMIN_PASSWORD", "admin")
		try:
			check_password("Administrator", cls.password)
		except frappe.AuthenticationError:
			raise AssertionError(
				f"Administrator's password on {cls.site} is not {cls.password!r}: set GIGAFIBRE_ADMIN_PASSWORD"
			) from None
		check_browser()
		cls.shots = Path(os.environ.get("GIGAFIBRE_SCREENSHOTS") or f"/tmp/gigafibre-site-browser/{cls.site}")
		cls.shots.mkdir(parents=True, exist_ok=True)
		for old in cls.shots.glob("*.png"):
			old.unlink()
		cls.saved_settings = cls.read_settings()
		cls.brought = bring_demo_network()
		if not cls.saved_settings["support_phone"]:
			frappe.db.set_single_value("Gigafibre Settings", "support_phone", TEST_SUPPORT_PHONE)
		frappe.db.commit()  # nosemgrep: the served site reads through its own connections
		cls.world = OrderWorld(serve=True, rate_limits={k: 100000 for k in RATE_LIMITS})
		try:
			cls.world.open()
		except Exception:
			cls.put_back()
			raise

	@classmethod
	def tearDownClass(cls):
		try:
			cls.world.close()
		finally:
			cls.put_back()
		super().tearDownClass()

	# -- what the test brings and takes back ---------------------------------------------

	@staticmethod
	def read_settings() -> dict:
		settings = frappe.get_single("Gigafibre Settings")
		values = {field: settings.get(field) for field in SETTINGS_DATA}
		for field in SETTINGS_PASSWORDS:
			values[field] = settings.get_password(field, raise_exception=False)
		return values

	@classmethod
	def put_back(cls) -> None:
		frappe.db.rollback()
		for name in frappe.get_all("Lead", {"email_id": WAITLIST_EMAIL}, pluck="name"):
			frappe.delete_doc("Lead", name, force=True, ignore_permissions=True)
		for customer in frappe.get_all("Customer", {"customer_name": " ".join(BUYER[:2])}, pluck="name"):
			delete_order(customer)
		settings = frappe.get_single("Gigafibre Settings")
		settings.update(cls.saved_settings)
		settings.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		take_back(cls.brought)

	# -- the tour --------------------------------------------------------------------------

	def sellable_address(self) -> tuple[str, dict]:
		"""A demo address with a free fibre port, on the fastest drop there is."""
		rows = demo_addresses()
		linked = frappe.get_all(
			"Fibre Drop",
			{"legacy_fibre_id": ("in", [d[-1] for d in demo.DROPS])},
			["civic_address", "max_speed_mbps"],
			order_by="max_speed_mbps desc, name",
		)
		coverage = coverage_for([d.civic_address for d in linked])
		for drop in linked:
			if coverage[drop.civic_address] == "available":
				return drop.civic_address, rows[drop.civic_address]
		self.fail(f"no demo address on {self.site} has a free fibre port: {coverage}")

	def test_an_administrator_and_a_visitor_see_a_working_site(self):
		address_id, row = self.sellable_address()
		site = load_site(address_id)
		plans = offer.plans_at(site)
		self.assertTrue(plans["internet"], f"no internet plan is sold at {address_id} on {self.site}")
		self.assertTrue(plans["tv"] and plans["phone"], f"no TV or phone plan on {self.site}: {plans}")
		internet = next(
			(p["sku"] for p in plans["internet"] if p["sku"] == "FTTH500I"), plans["internet"][-1]["sku"]
		)
		# A TV package with a price (the standard one where the catalogue has it), not the free base.
		tv = next(
			(p["sku"] for p in sorted(plans["tv"], key=lambda p: p["sku"] != "TVBSTANDARD") if p["monthly"]),
			plans["tv"][0]["sku"],
		)
		phone = plans["phone"][0]["sku"]
		quote = offer.quote_at(
			address_id, [{"sku": sku, "qty": 1} for sku in (internet, tv, phone)], 24
		).to_dict()
		monthly = quote["monthly"]["total"]
		street = " ".join(p for p in (row["street_generic"], row["street_link"], row["street_specific"]) if p)
		workspace = frappe.get_doc("Workspace", "Gigafibre")
		phone_shown = frappe.db.get_single_value("Gigafibre Settings", "support_phone")
		self.assertEqual(coverage_for([NOT_COVERED[0]])[NOT_COVERED[0]], "not_covered")

		outcome = run_script(
			"site_tour.mjs",
			{
				"url": self.world.site.url,
				"user": "Administrator",
				"password": self.password,
				"shots": str(self.shots),
				"workspace": {
					"shortcuts": len(workspace.shortcuts),
					"cards": sum(1 for link in workspace.links if link.type == "Card Break"),
				},
				"item": internet,
				"itemFields": list(ITEM_FIELDS),
				"order": {
					# "rue Principale 1210, Saint-Adrien" and "1210 rue principale st-adrien"
					"streetFirst": f"{street.lower()} {row['civic_number']}, {row['municipality']}",
					"numberFirst": f"{row['civic_number']} {street.lower()} {row['municipality'].lower()}",
					"addressId": address_id,
					"internet": internet,
					"tv": tv,
					"commitment": 24,
					"expectedMonthly": money(monthly),
					"firstName": BUYER[0],
					"lastName": BUYER[1],
					"email": BUYER[2],
					"dates": next_weekdays(3),
				},
				"noMatch": {"query": NO_MATCH_QUERY, "email": WAITLIST_EMAIL},
				"notCovered": {"addressId": NOT_COVERED[0], "query": NOT_COVERED[1]},
			},
			timeout=300,
		)
		seen = outcome["seen"]
		frappe.db.rollback()

		# The desk: the workspace's widgets, the settings and the Item's pricing fields as stored.
		self.assertGreaterEqual(seen["workspace"]["shortcuts"], len(workspace.shortcuts))
		self.assertEqual(seen["settings"]["support_phone"], phone_shown)
		item = frappe.db.get_value("Item", internet, ITEM_FIELDS, as_dict=True)
		self.assertEqual(seen["item"]["service_type"], item.service_type)
		self.assertEqual(seen["item"]["download_mbps"], str(item.download_mbps))
		self.assertEqual(seen["item"]["offered"], "true" if item.offered else "false")

		# The order: placed on the demo address's drop, at the price the page showed.
		self.assertIn(money(monthly), seen["monthly"])
		order = frappe.get_doc("Web Order", outcome["order_id"])
		self.assertEqual(order.source, "Website")
		self.assertEqual(order.fibre_drop, site.drop.name)
		self.assertEqual(order.monthly_total, monthly)
		self.assertEqual(
			frappe.db.get_value("Service Location", order.service_location, "civic_address"), address_id
		)
		self.assertEqual(frappe.db.get_value("Fibre Drop", site.drop.name, "status"), "Reserved")

		# No address: a message, the phone, and the waitlist with the address as typed.
		self.assertIn(phone_shown, seen["noMatch"]["phone"])
		self.assertEqual(seen["noMatch"]["address"], NO_MATCH_QUERY)
		lead = frappe.db.get_value(
			"Lead", {"email_id": WAITLIST_EMAIL}, ["service_address", "rqa_address_id"], as_dict=True
		)
		self.assertEqual((lead.service_address, lead.rqa_address_id), (NO_MATCH_QUERY, None))

		# No fibre yet: the same, and the phone line priced.
		self.assertIn(phone_shown, seen["notCovered"]["phone"])
		self.assertTrue(seen["notCovered"]["monthly"])

		# The address just ordered: its port is held now.
		self.assertEqual(seen["taken"]["coverage"], "taken")
		self.assertIn(phone_shown, seen["taken"]["phone"])
		for shot in outcome["shots"]:
			self.assertTrue(Path(shot).stat().st_size > 10_000, f"{shot} is empty")
