import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.password import get_decrypted_password

from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_customer

test_ignore = ERPNEXT_DOCTYPES


def make_method(customer, **kw):
	return frappe.get_doc({"doctype": "Payment Method", "customer": customer, **kw}).insert()


class TestPaymentMethod(FrappeTestCase):
	def test_bank_draft_needs_canadian_bank_numbers(self):
		customer = make_customer().name
		for values in (
			{"institution_number": "81", "transit_number": "12345", "account_number": "1234567"},
			{"institution_number": "815", "transit_number": "1234", "account_number": "1234567"},
			{"institution_number": "815", "transit_number": "12345"},
		):
			with self.subTest(values=values), self.assertRaises(frappe.ValidationError):
				make_method(customer, processor="Bank Draft", **values)
		pm = make_method(
			customer,
			processor="Bank Draft",
			institution_number="815",
			transit_number="12345",
			account_number="1234567",
			ppa_enabled=1,
		)
		self.assertEqual(get_decrypted_password("Payment Method", pm.name, "account_number"), "1234567")

	def test_stripe_needs_a_customer_id(self):
		customer = make_customer().name
		with self.assertRaises(frappe.ValidationError):
			make_method(customer, processor="Stripe")
		with self.assertRaises(frappe.ValidationError):
			make_method(customer, processor="Stripe", stripe_customer_id="xyz_123")
		make_method(customer, processor="Stripe", stripe_customer_id="cus_ABC123", card_last4="4242")

	def test_one_default_per_customer(self):
		customer = make_customer().name
		first = make_method(customer, processor="Stripe", stripe_customer_id="cus_1", is_default=1)
		second = make_method(customer, processor="Stripe", stripe_customer_id="cus_1", is_default=1)
		self.assertEqual(frappe.db.get_value("Payment Method", first.name, "is_default"), 0)
		self.assertEqual(frappe.db.get_value("Payment Method", second.name, "is_default"), 1)
