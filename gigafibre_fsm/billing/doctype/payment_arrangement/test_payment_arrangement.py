import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.exceptions import InvalidAmountError, InvalidDateRangeError, StatusTransitionError
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_customer, update_doc

test_ignore = ERPNEXT_DOCTYPES


def make_arrangement(**kw):
	return frappe.get_doc(
		{
			"doctype": "Payment Arrangement",
			"customer": kw.pop("customer", None) or make_customer().name,
			"amount": 150,
			"agreed_date": "2026-11-01",
			"due_date": "2026-11-15",
			"cutoff_date": "2026-11-20",
			"method": "Phone",
			**kw,
		}
	).insert()


class TestPaymentArrangement(FrappeTestCase):
	def test_plan_150_by_15th_cut_off_20th(self):
		pa = make_arrangement()
		self.assertEqual((pa.status, pa.amount, str(pa.cutoff_date)), ("Open", 150, "2026-11-20"))

	def test_bad_plans_are_refused(self):
		customer = make_customer().name
		for values, error in (
			({"amount": 0}, InvalidAmountError),
			({"amount": -10}, InvalidAmountError),
			({"cutoff_date": "2026-11-10"}, InvalidDateRangeError),
			({"due_date": "2026-10-01"}, InvalidDateRangeError),
			({"status": "Completed"}, StatusTransitionError),
		):
			with self.subTest(values=values), self.assertRaises(error):
				make_arrangement(customer=customer, **values)
		self.assertEqual(frappe.db.count("Payment Arrangement", {"customer": customer}), 0)

	def test_reopening_a_completed_plan_needs_a_reason(self):
		name = make_arrangement().name
		update_doc("Payment Arrangement", name, status="Completed")
		with self.assertRaises(StatusTransitionError):
			update_doc("Payment Arrangement", name, status="Open")
		update_doc("Payment Arrangement", name, status="Open", reason="Chèque retourné NSF")
		self.assertEqual(frappe.db.get_value("Payment Arrangement", name, "status"), "Open")

	def test_a_stale_reason_does_not_explain_a_new_move(self):
		name = make_arrangement().name
		update_doc("Payment Arrangement", name, status="Completed")
		update_doc("Payment Arrangement", name, status="Open", reason="Chèque retourné NSF")
		update_doc("Payment Arrangement", name, status="Completed")
		# The reason written for the first reopening is still on the record: it does not count.
		with self.assertRaises(StatusTransitionError):
			update_doc("Payment Arrangement", name, status="Open")
		update_doc("Payment Arrangement", name, status="Open", reason="Deuxième chèque refusé")

	def test_a_new_plan_needs_its_pay_by_date_a_legacy_one_may_not_know_it(self):
		customer = make_customer().name
		with self.assertRaises(frappe.MandatoryError):
			make_arrangement(customer=customer, due_date=None, cutoff_date=None)
		# The flag is the import's (read-only): set from the desk or the API it does not count.
		with self.assertRaises(frappe.MandatoryError):
			make_arrangement(customer=customer, due_date=None, cutoff_date=None, due_date_unknown=1)
		legacy = frappe.get_doc(
			{
				"doctype": "Payment Arrangement",
				"customer": customer,
				"amount": 80,
				"status": "Completed",
				"agreed_date": "2024-02-01",
				"due_date_unknown": 1,
				"legacy_accord_id": f"test-{frappe.generate_hash(length=8)}",
			}
		)
		legacy.flags.in_import = True
		legacy.insert()
		self.assertEqual((legacy.due_date, legacy.due_date_unknown), (None, 1))
		update_doc("Payment Arrangement", legacy.name, note="Payé au comptoir")  # a later save keeps it
		self.assertEqual(frappe.db.get_value("Payment Arrangement", legacy.name, "due_date_unknown"), 1)
		update_doc("Payment Arrangement", legacy.name, due_date="2024-03-01")  # a date entered clears it
		self.assertEqual(frappe.db.get_value("Payment Arrangement", legacy.name, "due_date_unknown"), 0)
		with self.assertRaises(frappe.MandatoryError):
			update_doc("Payment Arrangement", legacy.name, due_date=None)
