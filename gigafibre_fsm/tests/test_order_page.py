"""A visitor orders on the public page (/commander) in a real headless Chromium: address
search, plans with a live price, details, card (Stripe Elements from localstripe), confirm;
an agent orders by phone on the desk page. The browser and its launcher: tests/browser.
When the browser cannot run, the test fails and says why: it is never skipped.
"""

import frappe

from gigafibre_fsm.tests.browser import check_browser, run_script
from gigafibre_fsm.tests.test_checkout import CheckoutCase
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_civic_address, make_fibre_drop, next_weekdays

test_ignore = ERPNEXT_DOCTYPES


class TestOrderPage(CheckoutCase):
	serve = True

	def setUp(self):
		super().setUp()
		check_browser()
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

	def test_an_agent_orders_on_the_desk_page(self):
		from gigafibre_fsm.tests.utils import make_user

		agent = make_user("agente-bureau@gigafibre.test", "Sales Agent")
		user = frappe.get_doc("User", agent)
		user.new_password = "Gigafibre-Bureau-2026!"
		user.language = "fr"
		user.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		outcome = run_script(
			"desk_page.mjs",
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
		outcome = run_script("order_page.mjs", args)
		frappe.db.rollback()
		order = frappe.get_doc("Web Order", outcome["order_id"])
		self.assertEqual(order.source, "Website")
		self.assertEqual(order.fibre_drop, self.page_drop.name)
		self.assertEqual(order.monthly_total, 154.75)
		self.assertTrue(frappe.db.get_value("Payment Method", order.payment_method, "stripe_setup_intent_id"))
		self.assertEqual(frappe.db.get_value("Fibre Drop", self.page_drop.name, "status"), "Reserved")
