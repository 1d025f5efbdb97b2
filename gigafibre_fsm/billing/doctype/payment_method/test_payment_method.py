import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.password import get_decrypted_password

from gigafibre_fsm.exceptions import InvalidAmountError, PaymentDetailsError
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_customer

test_ignore = ERPNEXT_DOCTYPES


def make_method(customer, **kw):
	return frappe.get_doc({"doctype": "Payment Method", "customer": customer, **kw}).insert()


def stored(name: str, fieldname: str):
	return frappe.db.sql(f"select `{fieldname}` from `tabPayment Method` where name = %s", name)[0][0]


class TestPaymentMethod(FrappeTestCase):
	def test_bank_draft_needs_canadian_bank_numbers(self):
		customer = make_customer().name
		for values in (
			{"institution_number": "81", "transit_number": "12345", "account_number": "1234567"},
			{"institution_number": "815", "transit_number": "1234", "account_number": "1234567"},
			{"institution_number": "815", "transit_number": "12345"},
		):
			with self.subTest(values=values), self.assertRaises(PaymentDetailsError):
				make_method(customer, processor="Bank Draft", **values)
		self.assertEqual(frappe.db.count("Payment Method", {"customer": customer}), 0)
		pm = make_method(
			customer,
			processor="Bank Draft",
			institution_number="815",
			transit_number="12345",
			account_number="1234567",
			ppa_enabled=1,
		)
		self.assertEqual(get_decrypted_password("Payment Method", pm.name, "account_number"), "1234567")
		self.assertNotIn("1234567", stored(pm.name, "account_number"))

	def test_stripe_needs_a_customer_id(self):
		customer = make_customer().name
		with self.assertRaises(PaymentDetailsError):
			make_method(customer, processor="Stripe")
		with self.assertRaises(PaymentDetailsError):
			make_method(customer, processor="Stripe", stripe_customer_id="xyz_123")
		with self.assertRaises(PaymentDetailsError):
			make_method(customer, processor="Stripe", stripe_customer_id="cus_ABC123", card_last4="42")
		make_method(customer, processor="Stripe", stripe_customer_id="cus_ABC123", card_last4="4242")

	def test_ppa_amounts(self):
		customer = make_customer().name
		with self.assertRaises(InvalidAmountError):
			make_method(customer, processor="Stripe", stripe_customer_id="cus_A", ppa_amount=-1)
		with self.assertRaises(PaymentDetailsError):
			make_method(
				customer, processor="Stripe", stripe_customer_id="cus_A", ppa_enabled=1, ppa_fixed_amount=1
			)

	def test_every_processor_token_is_encrypted(self):
		pm = make_method(
			make_customer().name,
			processor="Paysafe",
			profile_id="PROF-123456",
			card_id="CARD-987654",
			processor_token="tok_secret_1",
		)
		for fieldname, value in (
			("profile_id", "PROF-123456"),
			("card_id", "CARD-987654"),
			("processor_token", "tok_secret_1"),
		):
			self.assertNotIn(value, stored(pm.name, fieldname) or "", fieldname)
			self.assertEqual(get_decrypted_password("Payment Method", pm.name, fieldname), value)
		stripe = make_method(
			make_customer().name,
			processor="Stripe",
			stripe_customer_id="cus_B",
			stripe_payment_method_id="pm_123",
		)
		self.assertNotIn("pm_123", stored(stripe.name, "stripe_payment_method_id"))

	def test_one_default_per_customer(self):
		customer = make_customer().name
		first = make_method(customer, processor="Stripe", stripe_customer_id="cus_1", is_default=1)
		second = make_method(customer, processor="Stripe", stripe_customer_id="cus_1", is_default=1)
		self.assertEqual(frappe.db.get_value("Payment Method", first.name, "is_default"), 0)
		self.assertEqual(frappe.db.get_value("Payment Method", second.name, "is_default"), 1)
