"""The app's fields on ERPNext doctypes, and the Customer form's connections."""

import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.exceptions import InvalidDateRangeError, PaymentDetailsError
from gigafibre_fsm.setup.custom_fields import CUSTOM_FIELDS
from gigafibre_fsm.tests.utils import make_customer, make_service_location, make_subscription


class TestCustomer360(FrappeTestCase):
	def test_custom_fields_are_installed(self):
		for doctype, fields in CUSTOM_FIELDS.items():
			meta = frappe.get_meta(doctype)
			for field in fields:
				self.assertIsNotNone(meta.get_field(field["fieldname"]), f"{doctype}.{field['fieldname']}")

	def test_legacy_customer_id_is_unique_but_optional(self):
		make_customer()
		make_customer()  # two customers without a legacy id
		legacy_id = frappe.generate_hash(length=6)
		make_customer(legacy_customer_id=legacy_id)
		with self.assertRaises(frappe.UniqueValidationError):
			make_customer(legacy_customer_id=legacy_id)

	def test_stripe_id_must_look_like_stripe(self):
		with self.assertRaises(PaymentDetailsError):
			make_customer(stripe_id="12345")
		self.assertEqual(make_customer(stripe_id=" cus_Q1 ").stripe_id, "cus_Q1")

	def test_customer_connections_show_gigafibre_records(self):
		from frappe.desk.notifications import get_open_count

		location = make_service_location()
		make_subscription(location)
		counts = get_open_count("Customer", location.customer)
		by_doctype = {c["doctype"]: c["count"] for c in counts["count"]["external_links_found"]}
		self.assertEqual(by_doctype.get("Service Location"), 1)
		self.assertEqual(by_doctype.get("Service Subscription"), 1)
		for doctype in (
			"Service Equipment",
			"Dispatch Job",
			"VoIP Line",
			"Payment Arrangement",
			"Payment Method",
			"Suspension Log",
		):
			self.assertIn(doctype, by_doctype)

	def test_issue_types_and_service_location_on_issue(self):
		for issue_type in ("Installation", "Support", "Réparation"):
			self.assertTrue(frappe.db.exists("Issue Type", issue_type))
		location = make_service_location()
		issue = frappe.get_doc(
			{
				"doctype": "Issue",
				"subject": "Pas de signal",
				"issue_type": "Réparation",
				"service_location": location.name,
				"customer": location.customer,
			}
		).insert()
		self.assertEqual(issue.service_location, location.name)

	def test_suspension_log(self):
		customer = make_customer().name
		log = frappe.get_doc(
			{
				"doctype": "Suspension Log",
				"customer": customer,
				"from_date": "2026-10-20",
				"reason": "Non-paiement",
			}
		).insert()
		self.assertEqual(log.customer_name, frappe.db.get_value("Customer", customer, "customer_name"))
		with self.assertRaises(InvalidDateRangeError):
			frappe.get_doc(
				{
					"doctype": "Suspension Log",
					"customer": customer,
					"from_date": "2026-10-20",
					"to_date": "2026-10-19",
				}
			).insert()
