"""The monthly billing run on a real site, at chosen dates, against invoices computed by hand:
one submitted invoice per customer and month, what changed settled by day, a second run a
no-op, a run that dies half-way leaving whole invoices only, a customer that cannot be billed
listed with the reason while the others are billed."""

import base64
import datetime
from decimal import Decimal
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.background_jobs import get_queue

from gigafibre_fsm.api import field
from gigafibre_fsm.billing import delivery, monthly
from gigafibre_fsm.billing.invoicing import quote_at_installation
from gigafibre_fsm.exceptions import SetupIncompleteError
from gigafibre_fsm.tests.test_checkout import delete_ledger
from gigafibre_fsm.tests.test_installation_day import DAY, InstallationCase
from gigafibre_fsm.tests.utils import (
	ERPNEXT_DOCTYPES,
	make_customer,
	make_service_location,
	make_subscription,
)

test_ignore = ERPNEXT_DOCTYPES

AUG = datetime.date(2026, 8, 1)
JUL_31 = datetime.date(2026, 7, 31)


def taxed(net: str) -> tuple[Decimal, Decimal, Decimal]:
	"""(TPS, TVQ, total) of a net amount, each tax rounded half up to the cent."""
	from decimal import ROUND_HALF_UP

	value = Decimal(net)
	tps = (value * Decimal("0.05")).quantize(Decimal("0.01"), ROUND_HALF_UP)
	tvq = (value * Decimal("0.09975")).quantize(Decimal("0.01"), ROUND_HALF_UP)
	return tps, tvq, value + tps + tvq


class TestMonthlyBilling(FrappeTestCase):
	def setUp(self):
		self.customers = []

	def tearDown(self):
		frappe.db.rollback()
		for customer in self.customers:
			frappe.db.delete("Billing Claim", {"customer": customer})
			delete_ledger(customer)
			for doctype in ("Service Subscription", "Service Location"):
				for name in frappe.get_all(doctype, {"customer": customer}, pluck="name"):
					frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
			frappe.db.delete("Suspension Log", {"customer": customer})
			frappe.delete_doc("Customer", customer, force=True, ignore_permissions=True)
		frappe.db.delete("Billing Run", {"period": "2026-08"})
		frappe.db.commit()  # nosemgrep

	def customer(self, *subscriptions):
		customer = make_customer(email_id=None)
		self.customers.append(customer.name)
		location = make_service_location(customer.name)
		for item, rate, start, kw in subscriptions:
			sub = make_subscription(location, item, rate=rate, start_date=start, billing_interval="Monthly")
			# Where the subscription's life brought it (installed, then maybe changed).
			frappe.db.set_value(
				"Service Subscription", sub.name, {"status": "Active", **kw}, update_modified=False
			)
		frappe.db.commit()  # nosemgrep: the run commits per customer
		return customer.name

	def invoices(self, customer):
		frappe.db.rollback()
		return frappe.get_all(
			"Sales Invoice",
			filters={"customer": customer, "docstatus": 1},
			fields=[
				"name",
				"posting_date",
				"net_total",
				"total_taxes_and_charges",
				"grand_total",
				"rounded_total",
			],
		)

	def test_new_changed_and_cancelled_customers_each_match_a_hand_made_invoice(self):
		# Installed in June (billed through 31 July by the installation and July's invoices):
		# August in advance, 99.95 + 28.95 + 0.69 − 5.00 = 124.59.
		steady = self.customer(
			("FTTH500I", 99.95, "2026-06-15", {"billed_through": JUL_31}),
			("TELEPMENS", 28.95, "2026-06-15", {"billed_through": JUL_31}),
			("SERV911", 0.69, "2026-06-15", {"billed_through": JUL_31}),
			("RAB2X", -5.00, "2026-06-15", {"billed_through": JUL_31}),
		)
		# TV added on 10 July, never billed: 22/31 × 30.00 = 21.29, then August 30.00; internet 99.95.
		added = self.customer(
			("FTTH500I", 99.95, "2026-05-01", {"billed_through": JUL_31}),
			("TVBSTANDARD", 30.00, "2026-07-10", {}),
		)
		# Phone cancelled on 20 July: 11/31 × 28.95 = 10.27 credited; internet 99.95.
		cancelled = self.customer(
			("FTTH500I", 99.95, "2026-05-01", {"billed_through": JUL_31}),
			(
				"TELEPMENS",
				28.95,
				"2026-05-01",
				{
					"billed_through": JUL_31,
					"status": "Cancelled",
					"end_date": "2026-07-20",
					"status_reason": "Client parti",
				},
			),
		)
		# Suspended for non-payment: still billed, nothing credited.
		suspended = self.customer(
			(
				"FTTH500I",
				99.95,
				"2026-05-01",
				{"billed_through": JUL_31, "status": "Suspended", "status_reason": "Non-paiement"},
			)
		)
		# Suspended from 5 to 20 July for non-payment, then restored: the days are not credited.
		restored = self.customer(("FTTH500I", 99.95, "2026-05-01", {"billed_through": JUL_31}))
		frappe.get_doc(
			{
				"doctype": "Suspension Log",
				"customer": restored,
				"from_date": "2026-07-05",
				"to_date": "2026-07-20",
				"reason": "Non-paiement",
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		everyone = [steady, added, cancelled, suspended, restored]
		summary = monthly.run(AUG, customers=everyone)
		self.assertEqual((summary["invoices"], summary["rejected"]), (5, []))
		for customer, net in (
			(steady, "124.59"),
			(added, "151.24"),
			(cancelled, "89.68"),
			(suspended, "99.95"),
			(restored, "99.95"),
		):
			with self.subTest(customer=customer):
				[invoice] = self.invoices(customer)
				tps, tvq, total = taxed(net)
				self.assertEqual(invoice.posting_date, AUG)
				self.assertEqual(Decimal(str(invoice.net_total)), Decimal(net))
				self.assertEqual(Decimal(str(invoice.total_taxes_and_charges)), tps + tvq)
				self.assertEqual(Decimal(str(invoice.grand_total)), total)
				self.assertEqual(invoice.rounded_total, 0)
				self.assertTrue(frappe.db.exists("GL Entry", {"voucher_no": invoice.name, "is_cancelled": 0}))
		rows = frappe.get_all(
			"Sales Invoice Item",
			filters={"parent": self.invoices(added)[0].name},
			fields=["item_code", "amount", "service_start_date", "service_end_date"],
			order_by="idx",
		)
		self.assertIn(
			("TVBSTANDARD", 21.29, datetime.date(2026, 7, 10), JUL_31),
			[(r.item_code, r.amount, r.service_start_date, r.service_end_date) for r in rows],
		)
		self.assertEqual(
			set(frappe.get_all("Service Subscription", {"customer": steady}, pluck="billed_through")),
			{datetime.date(2026, 8, 31)},
		)

		# A second run for the period creates nothing.
		again = monthly.run(AUG, customers=everyone)
		self.assertEqual((again["invoices"], again["already_billed"]), (0, 5))
		self.assertEqual(sum(len(self.invoices(c)) for c in everyone), 5)
		# A later day of the month bills only what a missed run left: here nothing.
		self.assertEqual(monthly.run(datetime.date(2026, 8, 17), customers=[steady])["invoices"], 0)

	def test_a_run_that_dies_half_way_leaves_whole_invoices_and_the_next_run_finishes(self):
		customers = [
			self.customer(("FTTH500I", 99.95, "2026-05-01", {"billed_through": JUL_31})) for _ in range(3)
		]
		real = monthly.bill_customer
		calls = {"n": 0}

		def dies_on_the_third(*args, **kwargs):
			calls["n"] += 1
			if calls["n"] == 3:
				raise SystemExit("the worker is killed")
			return real(*args, **kwargs)

		with patch.object(monthly, "bill_customer", dies_on_the_third), self.assertRaises(SystemExit):
			monthly.run(AUG, customers=customers)
		frappe.db.rollback()
		billed = [c for c in customers if self.invoices(c)]
		self.assertEqual(len(billed), 2)
		self.assertEqual(frappe.db.count("Billing Claim", {"customer": ("in", customers)}), 2)
		summary = monthly.run(AUG, customers=customers)
		self.assertEqual((summary["invoices"], summary["already_billed"]), (1, 2))
		self.assertEqual([len(self.invoices(c)) for c in customers], [1, 1, 1])
		for customer in customers:
			self.assertEqual(Decimal(str(self.invoices(customer)[0].grand_total)), taxed("99.95")[2])

	def test_a_customer_that_cannot_be_billed_is_listed_and_the_others_are_billed(self):
		good = self.customer(("FTTH500I", 99.95, "2026-05-01", {"billed_through": JUL_31}))
		bad = self.customer(("FTTH500I", 99.95, "2026-05-01", {"billed_through": JUL_31}))
		frappe.db.set_value("Customer", bad, "disabled", 1)  # ERPNext refuses to invoice it
		# A discount that outlived its service: only a credit this month.
		credit = self.customer(("RAB2X", -5.00, "2026-05-01", {"billed_through": JUL_31}))
		frappe.db.commit()  # nosemgrep
		summary = monthly.run(AUG, customers=[good, bad, credit])
		self.assertEqual(summary["invoices"], 1)
		rejected = dict(summary["rejected"])
		self.assertEqual(set(rejected), {bad, credit})
		self.assertIn("NegativeMonthError", rejected[credit])
		self.assertIn("-5.00", rejected[credit])
		self.assertFalse(frappe.db.exists("Billing Claim", {"customer": credit}))
		run = frappe.get_doc("Billing Run", summary["run"])
		self.assertEqual((run.status, run.invoices, run.rejected), ("Completed", 1, 2))
		self.assertEqual({row.customer for row in run.rejects}, {bad, credit})
		self.assertTrue(run.rejects[0].reason)
		self.assertFalse(self.invoices(bad))
		self.assertFalse(frappe.db.exists("Billing Claim", {"customer": bad}))

	def test_a_period_without_a_fiscal_year_stops_before_writing(self):
		customer = self.customer(("FTTH500I", 99.95, "2026-05-01", {"billed_through": JUL_31}))
		with self.assertRaises(SetupIncompleteError) as refused:
			monthly.run(datetime.date(2099, 1, 1), customers=[customer])
		self.assertIn("Fiscal Year", str(refused.exception))
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists("Billing Run", {"period": "2099-01"}))
		self.assertFalse(self.invoices(customer))

	def test_a_dry_run_writes_nothing_but_its_record(self):
		customer = self.customer(("FTTH500I", 99.95, "2026-05-01", {"billed_through": JUL_31}))
		summary = monthly.run(AUG, dry_run=True, customers=[customer])
		self.assertEqual(summary["invoices"], 1)
		self.assertEqual(Decimal(str(summary["grand_total"])), taxed("99.95")[2])
		self.assertFalse(self.invoices(customer))
		self.assertFalse(frappe.db.exists("Billing Claim", {"customer": customer}))
		self.assertEqual(frappe.db.get_value("Billing Run", summary["run"], "dry_run"), 1)

	def test_an_imported_subscription_starts_with_the_month_the_run_bills(self):
		"""The legacy system billed up to the cut-over: nothing owed before, no old cancellation
		credited again, a start date it never knew does not matter."""
		customer = self.customer(
			("FTTH500I", 89.95, "2019-03-04", {"legacy_service_id": f"t{frappe.generate_hash(length=8)}"}),
			(
				"TELEPMENS",
				28.95,
				None,
				{"legacy_service_id": f"t{frappe.generate_hash(length=8)}", "start_date_unknown": 1},
			),
			(
				"TVBSTANDARD",
				30.00,
				"2020-01-01",
				{
					"legacy_service_id": f"t{frappe.generate_hash(length=8)}",
					"status": "Cancelled",
					"end_date": "2024-05-31",
					"status_reason": "Client parti",
				},
			),
		)
		monthly.run(AUG, customers=[customer])
		[invoice] = self.invoices(customer)
		self.assertEqual(Decimal(str(invoice.net_total)), Decimal("118.90"))  # 89.95 + 28.95
		self.assertEqual(Decimal(str(invoice.grand_total)), taxed("118.90")[2])


class TestWebsiteCustomersSecondInvoice(InstallationCase):
	def tearDown(self):
		for customer in self.customers:
			frappe.db.delete("Billing Claim", {"customer": customer})
		frappe.db.delete("Billing Run", {"period": "2026-07"})
		frappe.db.commit()  # nosemgrep
		super().tearDown()

	def test_the_month_after_the_installation_is_the_quotes_monthly_total(self):
		"""Triple play installed 15 June: July's invoice is the quote's month, 134.59 net;
		TPS 6.7295 → 6.73, TVQ 13.4253… → 13.43; 154.75."""
		answer = self.placed()
		self.started_and_scanned(answer)
		field.complete_job(answer["dispatch_job"])
		frappe.set_user("Administrator")
		quote = quote_at_installation(answer["order_id"], DAY)
		summary = monthly.run(datetime.date(2026, 7, 1), customers=[answer["customer"]])
		self.assertEqual(summary["invoices"], 1)
		frappe.db.rollback()
		[invoice] = frappe.get_all(
			"Sales Invoice",
			filters={"customer": answer["customer"], "docstatus": 1, "posting_date": "2026-07-01"},
			fields=["net_total", "grand_total"],
		)
		self.assertEqual(Decimal(str(invoice.net_total)), quote.monthly.subtotal)
		self.assertEqual(Decimal(str(invoice.grand_total)), quote.monthly.total)
		self.assertEqual(Decimal(str(invoice.grand_total)), Decimal("154.75"))

		# Emailed from the queue once committed, with its PDF, in the customer's language.
		name = frappe.db.get_value(
			"Billing Claim", {"customer": answer["customer"], "period": "2026-07"}, "sales_invoice"
		)
		queued = [job.id for job in get_queue("long").get_jobs()]
		self.assertIn(f"{frappe.local.site}::gigafibre-invoice-email::{name}", queued)
		self.world.mailjet.clear()
		self.assertTrue(delivery.email_invoice(name))
		[sent] = self.world.mailjet.sent()
		message = sent["body"]["Messages"][0]
		self.assertIn(name, message["Subject"])
		self.assertIn("Facture", message["Subject"])
		[attachment] = message["Attachments"]
		self.assertEqual(
			(attachment["ContentType"], attachment["Filename"]), ("application/pdf", f"{name}.pdf")
		)
		self.assertTrue(base64.b64decode(attachment["Base64Content"]).startswith(b"%PDF"))
		self.assertIsNone(delivery.email_invoice(name))  # once
		self.assertEqual(len(self.world.mailjet.sent()), 1)
