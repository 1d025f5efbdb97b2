"""Bank pre-authorised debits on a real site: after the monthly run, one debit file of the
period's unpaid invoices of the customers on bank auto-pay, never above what each authorised,
each invoice debited once (a database key), the file attached privately and byte-checked;
a returned debit recorded against its invoice, a cleared one paid by a Payment Entry."""

import datetime

import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.billing import bank_debits, delivery, monthly
from gigafibre_fsm.exceptions import PaymentDetailsError
from gigafibre_fsm.tests.test_autopay import drop_job, queued, run_job
from gigafibre_fsm.tests.test_checkout import delete_ledger
from gigafibre_fsm.tests.utils import (
	ERPNEXT_DOCTYPES,
	make_customer,
	make_service_location,
	make_subscription,
)

test_ignore = ERPNEXT_DOCTYPES

AUG = datetime.date(2026, 8, 1)
JUL_31 = datetime.date(2026, 7, 31)
SETTINGS = {
	"cpa_originator_id": "GIGAFIBRE1",
	"cpa_originator_short_name": "Gigafibre",
	"cpa_originator_long_name": "Gigafibre Inc.",
	"cpa_data_centre": "81510",
	"cpa_return_institution": "815",
	"cpa_return_transit": "30012",
	"cpa_return_account": "4455667",
}
# By hand (TPS 5 %, TVQ 9.975 %, each rounded to the cent):
# FTTH80I 79.95: TPS 4.00 (3.9975), TVQ 7.98 (7.9750125) → 91.93.
VARIABLE = 91.93
# FTTH500I 99.95 + TELEPMENS 28.95 + SERV911 0.69 = 129.59: TPS 6.48 (6.4795), TVQ 12.93
# (12.9266025) → 149.00; authorised 134.85 → 14.15 left on the invoice.
CAPPED, AUTHORISED, SHORTFALL = 149.00, 134.85, 14.15
# FTTH25 49.95: TPS 2.50 (2.4975), TVQ 4.98 (4.9825125) → 57.43.
SMALL = 57.43


class TestBankDebits(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		company = frappe.db.get_single_value("Gigafibre Settings", "company")
		account = frappe.db.get_value(
			"Account", {"company": company, "account_type": "Bank", "is_group": 0}, "name"
		) or frappe.db.get_single_value("Gigafibre Settings", "stripe_account")
		for field, value in {**SETTINGS, "bank_debit_account": account}.items():
			frappe.db.set_single_value("Gigafibre Settings", field, value)
		frappe.db.commit()  # nosemgrep

	def setUp(self):
		self.customers: list[str] = []

	def tearDown(self):
		frappe.db.rollback()
		for batch in frappe.get_all("Bank Debit Batch", {"period": "2026-08"}, pluck="name"):
			for file in frappe.get_all(
				"File", {"attached_to_doctype": "Bank Debit Batch", "attached_to_name": batch}, pluck="name"
			):
				frappe.delete_doc("File", file, force=True, ignore_permissions=True)
			frappe.delete_doc("Bank Debit Batch", batch, force=True, ignore_permissions=True)
		for customer in self.customers:
			for invoice in frappe.get_all("Sales Invoice", {"customer": customer}, pluck="name"):
				drop_job(delivery.email_job_id(invoice))
				drop_job(delivery.charge_job_id(invoice))
			frappe.db.delete("Billing Claim", {"customer": customer})
			delete_ledger(customer)
			for doctype in ("Payment Method", "Service Subscription", "Service Location"):
				for name in frappe.get_all(doctype, {"customer": customer}, pluck="name"):
					frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
			frappe.delete_doc("Customer", customer, force=True, ignore_permissions=True)
		frappe.db.delete("Billing Run", {"period": "2026-08"})
		frappe.db.commit()  # nosemgrep

	def customer(self, items, account="1234567", ppa_enabled=1, ppa_amount=0, stripe_auto_pay=False) -> str:
		customer = make_customer()
		self.customers.append(customer.name)
		frappe.get_doc(
			{
				"doctype": "Payment Method",
				"customer": customer.name,
				"processor": "Bank Draft",
				"account_holder": "Hélène Côté",
				"institution_number": "815",
				"transit_number": "00123",
				"account_number": account,
				"ppa_enabled": ppa_enabled,
				"ppa_fixed_amount": 1 if ppa_amount else 0,
				"ppa_amount": ppa_amount,
			}
		).insert(ignore_permissions=True)
		if stripe_auto_pay:
			frappe.get_doc(
				{
					"doctype": "Payment Method",
					"customer": customer.name,
					"processor": "Stripe",
					"stripe_customer_id": "cus_bankdebits",
					"ppa_enabled": 1,
				}
			).insert(ignore_permissions=True)
		location = make_service_location(customer.name)
		for item, rate in items:
			sub = make_subscription(
				location, item, rate=rate, start_date="2026-05-01", billing_interval="Monthly"
			)
			frappe.db.set_value(
				"Service Subscription",
				sub.name,
				{"status": "Active", "billed_through": JUL_31},
				update_modified=False,
			)
		frappe.db.commit()  # nosemgrep
		return customer.name

	def invoice_of(self, customer: str) -> frappe._dict:
		return frappe.db.get_value(
			"Sales Invoice",
			{"customer": customer, "docstatus": 1, "posting_date": AUG},
			["name", "grand_total", "outstanding_amount"],
			as_dict=True,
		)

	def billed(self):
		variable = self.customer([("FTTH80I", 79.95)])
		capped = self.customer(
			[("FTTH500I", 99.95), ("TELEPMENS", 28.95), ("SERV911", 0.69)], ppa_amount=AUTHORISED
		)
		not_on_auto_pay = self.customer([("FTTH25", 49.95)], ppa_enabled=0)
		card_first = self.customer([("FTTH25", 49.95)], stripe_auto_pay=True)
		bad_account = self.customer([("FTTH25", 49.95)], account="12345678901234")
		summary = monthly.run(AUG, customers=self.customers)
		self.assertEqual((summary["invoices"], summary["rejected"]), (5, []))
		frappe.db.rollback()
		drop_job(delivery.debits_job_id(AUG))
		return variable, capped, not_on_auto_pay, card_first, bad_account

	def test_one_file_never_above_the_authorised_amount_each_invoice_once(self):
		variable, capped, not_on_auto_pay, card_first, bad_account = self.billed()
		self.assertEqual(self.invoice_of(variable).grand_total, VARIABLE)
		self.assertEqual(self.invoice_of(capped).grand_total, CAPPED)
		self.assertEqual(self.invoice_of(bad_account).grand_total, SMALL)

		name = bank_debits.make_batch(AUG)
		frappe.db.commit()  # nosemgrep
		batch = frappe.get_doc("Bank Debit Batch", name)
		self.assertEqual(
			(batch.status, batch.period, batch.due_date), ("Written", "2026-08", datetime.date(2026, 8, 3))
		)
		lines = {line.customer: line for line in batch.lines}
		self.assertEqual(set(lines), {variable, capped})
		# Not on auto-pay, or on card auto-pay (the card is charged instead): no debit.
		self.assertFalse({not_on_auto_pay, card_first} & {e.customer for e in batch.exclusions})
		self.assertEqual((lines[variable].amount, lines[variable].shortfall), (VARIABLE, 0))
		self.assertEqual((lines[capped].amount, lines[capped].shortfall), (AUTHORISED, SHORTFALL))
		self.assertEqual(lines[capped].outstanding, CAPPED)
		self.assertEqual(
			(batch.debit_count, batch.total_amount, batch.shortfall_total), (2, 226.78, SHORTFALL)
		)
		[excluded] = batch.exclusions
		self.assertEqual((excluded.customer, excluded.outstanding), (bad_account, SMALL))
		self.assertIn("account", excluded.reason)

		# The file: private, and what the bank reads in it.
		file = frappe.get_doc("File", {"attached_to_doctype": "Bank Debit Batch", "attached_to_name": name})
		self.assertTrue(file.is_private)
		self.assertEqual(batch.debit_file, file.file_url)
		self.assertTrue(file.file_url.startswith("/private/files/"))
		content = file.get_content()
		records = (content.decode("ascii") if isinstance(content, bytes) else content).split("\r\n")
		self.assertEqual(records[-1], "")
		header, debit, trailer = records[:-1]
		self.assertEqual([len(r) for r in (header, debit, trailer)], [1464, 1464, 1464])
		number = f"{batch.file_number:04d}"
		self.assertEqual(header[:35], f"A000000001GIGAFIBRE1{number}02621381510")  # 1 Aug 2026: day 213
		segments = {debit[24 + 240 * i : 24 + 240 * (i + 1)] for i in range(2)}
		by_invoice = {s[150:169].strip(): s for s in segments}
		first = by_invoice[lines[variable].sales_invoice]
		self.assertEqual(first[:28], "4370000009193026215081500123")  # code, 91.93, 3 Aug, 0+815+00123
		self.assertEqual(first[28:40], "1234567     ")  # the decrypted account number
		self.assertEqual(first[80:110], "HELENE COTE".ljust(30))
		self.assertEqual(by_invoice[lines[capped].sales_invoice][3:13], "0000013485")
		self.assertEqual(trailer[:46], f"Z000000003GIGAFIBRE1{number}0000000002267800000002")

		# Nothing new: no second file; an invoice cannot go in another batch (the database says no).
		self.assertIsNone(bank_debits.make_batch(AUG))
		twice = frappe.get_doc(
			{
				"doctype": "Bank Debit Batch",
				"period": "2026-08",
				"lines": [
					{"sales_invoice": lines[variable].sales_invoice, "customer": variable, "amount": 1}
				],
			}
		)
		with self.assertRaises(frappe.UniqueValidationError):
			twice.insert(ignore_permissions=True)
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.count("Bank Debit Batch Line", {"sales_invoice": lines[variable].sales_invoice}), 1
		)

	def test_a_returned_debit_leaves_the_invoice_open_and_a_cleared_one_pays_it(self):
		variable, capped, *_ = self.billed()
		name = bank_debits.make_batch(AUG)
		frappe.db.commit()  # nosemgrep
		batch = frappe.get_doc("Bank Debit Batch", name)
		batch.mark_uploaded()
		capped_invoice = self.invoice_of(capped).name
		variable_invoice = self.invoice_of(variable).name

		with self.assertRaises(PaymentDetailsError):
			batch.record_return(capped_invoice, "  ")
		batch.record_return(capped_invoice, "NSF — fonds insuffisants", "2026-08-05")
		frappe.db.commit()  # nosemgrep
		line = frappe.get_doc("Bank Debit Batch Line", {"sales_invoice": capped_invoice})
		self.assertEqual((line.status, line.return_reason), ("Returned", "NSF — fonds insuffisants"))
		self.assertEqual(line.returned_on, datetime.date(2026, 8, 5))
		self.assertEqual(self.invoice_of(capped).outstanding_amount, CAPPED)
		self.assertEqual(frappe.db.get_value("Bank Debit Batch", name, "status"), "Uploaded")

		made = batch.record_cleared()
		frappe.db.commit()  # nosemgrep
		self.assertEqual(len(made), 1)
		entry = frappe.get_doc("Payment Entry", made[0])
		self.assertEqual(
			(entry.docstatus, entry.paid_amount, entry.mode_of_payment), (1, VARIABLE, "Bank Draft")
		)
		self.assertEqual(entry.references[0].reference_name, variable_invoice)
		self.assertEqual(self.invoice_of(variable).outstanding_amount, 0)
		self.assertEqual(frappe.db.get_value("Bank Debit Batch", name, "status"), "Closed")
		self.assertEqual(batch.record_cleared(), [])  # again: nothing more

		# A return after it cleared undoes the payment: the invoice is open again.
		frappe.get_doc("Bank Debit Batch", name).record_return(variable_invoice, "Account closed")
		frappe.db.commit()  # nosemgrep
		self.assertEqual(frappe.db.get_value("Payment Entry", made[0], "docstatus"), 2)
		self.assertEqual(self.invoice_of(variable).outstanding_amount, VARIABLE)

	def test_the_run_queues_its_debit_file_and_a_worker_writes_it(self):
		variable, capped, *_ = self.billed()
		delivery.debits_after_run(AUG)
		frappe.db.commit()  # nosemgrep: queued once the run committed
		self.assertIsNotNone(queued(delivery.debits_job_id(AUG)))
		run_job(self, delivery.debits_job_id(AUG))
		[name] = frappe.get_all("Bank Debit Batch", {"period": "2026-08"}, pluck="name")
		lines = frappe.get_all("Bank Debit Batch Line", {"parent": name}, ["customer", "amount"])
		self.assertEqual(
			{(line.customer, line.amount) for line in lines}, {(variable, VARIABLE), (capped, AUTHORISED)}
		)
		self.assertTrue(frappe.db.get_value("Bank Debit Batch", name, "debit_file"))

	def test_paysafe_customers_are_listed_to_move_until_a_stripe_card_is_on_auto_pay(self):
		from gigafibre_fsm.billing.report.paysafe_customers_to_move import paysafe_customers_to_move as report

		waiting, moved = make_customer(), make_customer()
		self.customers += [waiting.name, moved.name]
		for customer in (waiting.name, moved.name):
			frappe.get_doc(
				{
					"doctype": "Payment Method",
					"customer": customer,
					"processor": "Paysafe",
					"processor_token": "tok",
				}
			).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "Payment Method",
				"customer": moved.name,
				"processor": "Stripe",
				"stripe_customer_id": "cus_moved",
				"ppa_enabled": 1,
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value("Customer", waiting.name, "ppa_enabled", 1)
		frappe.db.commit()  # nosemgrep
		self.assertIsNone(delivery.auto_pay(waiting.name))  # a Paysafe token is never charged here
		_columns, rows = report.execute({})
		listed = {row["customer"]: row for row in rows}
		self.assertIn(waiting.name, listed)
		self.assertNotIn(moved.name, listed)
		self.assertEqual(listed[waiting.name]["paid_automatically"], 1)
