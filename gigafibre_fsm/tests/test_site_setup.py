"""What the app makes on a set-up ERPNext site, the catalogue it sells from, and what a
request answers when the site lacks a setting: on the test site, in its own transaction."""

from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.billing.tax_template import clear_tax_rates_cache, quebec_rates
from gigafibre_fsm.exceptions import SetupIncompleteError
from gigafibre_fsm.orders import offer
from gigafibre_fsm.orders.standard_catalogue import rules_for, standard_items
from gigafibre_fsm.overrides.item import InvalidCatalogueItemError
from gigafibre_fsm.roles import SUPPORT
from gigafibre_fsm.setup import site
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_item, make_user

test_ignore = ERPNEXT_DOCTYPES


def settings(fieldname: str):
	"""Read past the request's cache of single values, which a rollback does not clear."""
	value = frappe.db.sql(
		"select value from tabSingles where doctype = 'Gigafibre Settings' and field = %s", fieldname
	)
	return value[0][0] if value else None


class SiteCase(FrappeTestCase):
	def tearDown(self):
		frappe.db.rollback()
		frappe.db.value_cache.clear()
		# Caches live in Redis, outside the transaction the test rolls back.
		clear_tax_rates_cache()
		offer.clear_catalogue_cache()
		super().tearDown()


class TestSiteSetup(SiteCase):
	def test_the_company_gets_its_tvq_beside_its_gst_and_the_template(self):
		company = settings("company")
		self.assertTrue(company)
		tps, tvq = settings("tps_account"), settings("tvq_account")
		gst = frappe.db.get_value("Account", tps, ["account_name", "parent_account", "company"], as_dict=True)
		self.assertEqual((gst.account_name, gst.company), ("GST", company))
		account = frappe.db.get_value(
			"Account",
			tvq,
			["account_name", "parent_account", "account_type", "company", "is_group"],
			as_dict=True,
		)
		self.assertEqual(
			(
				account.account_name,
				account.parent_account,
				account.account_type,
				account.company,
				account.is_group,
			),
			("TVQ", gst.parent_account, "Tax", company, 0),
		)
		template = frappe.get_doc("Sales Taxes and Charges Template", settings("sales_taxes_template"))
		self.assertEqual((template.title, template.company), ("TPS/TVQ", company))
		self.assertEqual(
			[(t.charge_type, t.account_head, Decimal(str(t.rate))) for t in template.taxes],
			[("On Net Total", tps, Decimal("5")), ("On Net Total", tvq, Decimal("9.975"))],
		)
		self.assertEqual(quebec_rates().tvq, Decimal("0.09975"))

	def test_groups_unit_address_template_and_selling_settings(self):
		for doctype, name in (
			("Item Group", site.ITEM_GROUP),
			("UOM", site.UOM),
			("Customer Group", "Résidentiel"),
			("Customer Group", "Commercial"),
		):
			self.assertTrue(frappe.db.exists(doctype, name), f"{doctype} {name}")
		self.assertEqual(settings("customer_group"), "Résidentiel")
		self.assertTrue(
			frappe.db.exists("Address Template", "Canada")
			or frappe.db.exists("Address Template", {"is_default": 1})
		)
		self.assertEqual(frappe.db.get_single_value("Selling Settings", "allow_negative_rates_for_items"), 1)
		# Half a cent of tax rounds up, on the invoice as on the quote.
		self.assertEqual(frappe.db.get_single_value("System Settings", "rounding_method"), "Commercial Rounding")
		self.assertEqual(frappe.utils.flt(5.945, 2), 5.95)

	def test_a_second_run_makes_nothing(self):
		self.assertEqual(site.ensure(), {})

	def test_a_missing_tvq_and_template_are_made_again(self):
		frappe.db.set_single_value("Gigafibre Settings", {"tvq_account": None, "sales_taxes_template": None})
		frappe.db.delete("Sales Taxes and Charges", {"parent": ("like", "TPS/TVQ%")})
		frappe.db.delete("Sales Taxes and Charges Template", {"title": "TPS/TVQ"})
		made = site.ensure()
		self.assertEqual(list(made), ["Sales Taxes and Charges Template"])
		self.assertTrue(settings("sales_taxes_template"))
		self.assertTrue(settings("tvq_account"))

	def test_a_site_without_the_setting_refuses_with_its_name(self):
		frappe.db.set_single_value("Gigafibre Settings", "sales_taxes_template", None)
		clear_tax_rates_cache()
		with self.assertRaises(SetupIncompleteError) as caught:
			quebec_rates()
		self.assertIn("Sales Taxes Template", str(caught.exception))
		self.assertEqual(SetupIncompleteError.http_status_code, 412)

	def test_quotes_are_taxed_with_the_templates_rates(self):
		template = frappe.get_doc("Sales Taxes and Charges Template", settings("sales_taxes_template"))
		template.taxes[1].rate = 10
		template.save()  # clears the cached rates (hooks.py)
		self.assertEqual(quebec_rates().tvq, Decimal("0.1"))


class TestCatalogue(SiteCase):
	def test_the_standard_catalogue_is_data_with_every_engine_attribute(self):
		items = {i["item_code"]: i for i in standard_items()}
		self.assertEqual(items["RAB3X"]["combo_count"], 3)
		self.assertEqual(items["SERV911"]["added_with"], "phone")
		self.assertEqual(items["DECODEUR"]["free_qty"], 1)
		self.assertEqual(rules_for("RAB5X")["combo_count"], 5)
		self.assertEqual(rules_for("RAB36M")["commitment_months"], 36)
		self.assertEqual(rules_for("INSTPRO")["added_quantity"], "per_order")
		self.assertEqual(rules_for("STYLO"), {})

	def test_the_settings_button_creates_only_what_is_missing(self):
		frappe.delete_doc("Item", "TVINTL", force=True, ignore_permissions=True)
		frappe.db.set_value("Item", "FTTH25", "standard_rate", 44.95)
		done = frappe.get_doc("Gigafibre Settings").load_standard_catalogue()
		self.assertEqual(done["created"], ["TVINTL"])
		self.assertIn("FTTH25", done["kept"])
		self.assertEqual(frappe.db.get_value("Item", "FTTH25", "standard_rate"), 44.95)
		self.assertEqual(frappe.db.get_value("Item", "TVINTL", "service_type"), "tv_addon")

	def test_the_item_form_refuses_what_the_engine_cannot_sell(self):
		with self.assertRaises(InvalidCatalogueItemError) as caught:
			make_item("TESTRAB9", "discount", 5, discount_rule="combo", combo_count=0)
		self.assertIn("number of services", str(caught.exception))
		with self.assertRaises(InvalidCatalogueItemError) as caught:
			make_item("TESTNEG", "tv", 5, download_mbps=-10)
		self.assertIn("cannot be negative", str(caught.exception))
		with self.assertRaises(InvalidCatalogueItemError):
			make_item("TESTNET", "internet", 50)
		# Not offered (the legacy import's incomplete products): kept as it is, not sold.
		kept = make_item("TESTNET2", "internet", 50, offered=0)
		self.assertFalse(kept.download_mbps)
		offer.clear_catalogue_cache()
		self.assertNotIn("TESTNET2", offer.load_catalogue())

	def test_the_item_form_speaks_french(self):
		frappe.local.lang = "fr"
		try:
			with self.assertRaises(InvalidCatalogueItemError) as caught:
				make_item("TESTRAB8", "discount", 5, discount_rule="commitment")
		finally:
			frappe.local.lang = "en"
		self.assertIn("nombre de mois", str(caught.exception))

	def test_a_broken_item_is_left_out_reported_and_the_rest_sells(self):
		support = make_user("catalogue-support@example.com", SUPPORT)
		make_item("TESTBROKEN", "discount", 5, offered=0)
		# Broken past the form (a data fix in SQL, an import): the offer must survive it.
		frappe.db.set_value("Item", "TESTBROKEN", "offered", 1)
		offer.clear_catalogue_cache()
		from unittest.mock import patch

		with patch("frappe.enqueue") as enqueue:
			catalogue = offer.load_catalogue()
		self.assertNotIn("TESTBROKEN", catalogue)
		self.assertIn("FTTH500I", catalogue)
		broken = enqueue.call_args.kwargs["broken"]
		self.assertEqual([sku for sku, _message in broken], ["TESTBROKEN"])
		offer.notify_support(broken)
		notice = frappe.get_all(
			"Notification Log",
			{"for_user": support, "document_name": "TESTBROKEN"},
			["subject", "document_type"],
		)
		self.assertEqual(len(notice), 1)
		self.assertIn("a discount needs a rule", notice[0].subject)
		offer.notify_support(broken)  # the same notice is not repeated
		self.assertEqual(
			frappe.db.count("Notification Log", {"for_user": support, "document_name": "TESTBROKEN"}), 1
		)
		from frappe.deferred_insert import save_to_db

		save_to_db()
		self.assertTrue(
			frappe.db.exists(
				"Error Log",
				{"method": "Catalogue: Items left out of the offer", "error": ("like", "%TESTBROKEN%")},
			)
		)
