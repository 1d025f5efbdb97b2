"""Auto-pay on the monthly invoice, against localstripe: the monthly run bills the customer, the
charge job it queued runs for real (taken from the RQ queue and performed by an RQ worker in
its own process), and the card on auto-pay is charged off-session on the invoice date. A
declined card and a card that needs authentication leave the invoice open with a task for
Collections and the payment link; a replayed run, job or webhook charges nothing more (one
PaymentIntent per invoice in localstripe's own list)."""

import datetime
import hashlib
import hmac
import json
import subprocess
import sys
import time

import frappe
from frappe.utils import get_bench_path
from frappe.utils.background_jobs import create_job_id, get_redis_conn
from frappe.utils.password import set_encrypted_password
from rq.job import Job
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gigafibre_fsm.billing import card_payments, delivery, monthly
from gigafibre_fsm.field_service import task_types
from gigafibre_fsm.integrations import stripe_api
from gigafibre_fsm.tests.test_checkout import CheckoutCase
from gigafibre_fsm.tests.test_installation_day import DECLINED_AT_CHARGE, NEEDS_AUTHENTICATION, card_on_file
from gigafibre_fsm.tests.utils import make_customer, make_service_location, make_subscription

AUG = datetime.date(2026, 8, 1)
JUL_31 = datetime.date(2026, 7, 31)
WEBHOOK_SECRET = "whsec_gigafibre_autopay"
# The order's month: FTTH500I 99.95 + TVBSTANDARD 30.00 + TELEPMENS 28.95 + SERV911 0.69
# − RAB3X 10.00 − RAB24M 15.00 = 134.59; TPS 6.73 (6.7295), TVQ 13.43 (13.4253525) → 154.75.
WEBSITE_MONTH = 154.75
# FTTH80I 79.95; TPS 4.00 (3.9975), TVQ 7.98 (7.9750125) → 91.93.
IMPORTED_MONTH = 91.93

# An RQ worker, in its own process, performing one job this site queued (the job is taken off
# its queue first, so no other worker of the bench can take it).
RUN_ONE_JOB = r"""
import sys
import frappe
from rq import Queue, SimpleWorker
from rq.job import Job

site, job_id = sys.argv[1:3]
frappe.init(site=site)
from frappe.utils.background_jobs import create_job_id, get_redis_conn
from frappe.utils.password import set_encrypted_password
conn = get_redis_conn()
job = Job.fetch(create_job_id(job_id), connection=conn)
frappe.destroy()
queue = Queue(job.origin, connection=conn)
queue.remove(job)
SimpleWorker([queue], connection=conn).perform_job(job, queue)
print(job.get_status(refresh=True))
"""


def queued(job_id: str) -> Job | None:
	try:
		job = Job.fetch(create_job_id(job_id), connection=get_redis_conn())
	except Exception:
		return None
	return job if job.get_status(refresh=True) == "queued" else None


def drop_job(job_id: str) -> None:
	job = queued(job_id)
	if job:
		job.delete()


def run_job(case, job_id: str) -> None:
	"""Perform the queued RQ job ``job_id`` of this site, in a worker process of its own."""
	done = subprocess.run(
		[sys.executable, "-c", RUN_ONE_JOB, frappe.local.site, job_id],
		cwd=f"{get_bench_path()}/sites",
		capture_output=True,
		text=True,
		timeout=180,
	)
	case.assertIn("finished", done.stdout, done.stdout + done.stderr)
	frappe.db.rollback()


def signed(payload: bytes, secret: str) -> str:
	stamp = int(time.time())
	digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
	return f"t={stamp},v1={digest}"


class TestAutoPay(CheckoutCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# A Password field: encrypted where the webhook reads it.
		set_encrypted_password(
			"Gigafibre Settings", "Gigafibre Settings", WEBHOOK_SECRET, "stripe_webhook_secret"
		)
		frappe.db.commit()  # nosemgrep

	def tearDown(self):
		frappe.db.rollback()
		for invoice in frappe.get_all(
			"Sales Invoice", {"customer": ("in", self.customers or [""])}, pluck="name"
		):
			drop_job(delivery.email_job_id(invoice))
			drop_job(delivery.charge_job_id(invoice))
		frappe.db.delete("Billing Claim", {"customer": ("in", self.customers or [""])})
		frappe.db.delete("Integration Request", {"name": ("like", "stripe-event-%")})
		frappe.db.commit()  # nosemgrep
		super().tearDown()
		frappe.db.delete("Billing Run", {"period": "2026-08"})
		frappe.db.commit()  # nosemgrep

	# -----------------------------------------------------------------------------------
	# Customers

	def website_customer(self, card: str | None = None) -> dict:
		"""A customer who ordered on the website, installed in June, billed through July."""
		answer = self.order(self.body())
		frappe.db.commit()  # nosemgrep
		if card:
			card_on_file(answer["customer"], card)
		self.in_service(answer["service_location"])
		return answer

	def in_service(self, location: str) -> None:
		for name in frappe.get_all("Service Subscription", {"service_location": location}, pluck="name"):
			frappe.db.set_value(
				"Service Subscription",
				name,
				{"status": "Active", "start_date": "2026-06-15", "billed_through": JUL_31},
				update_modified=False,
			)
		frappe.db.set_value("Service Location", location, "status", "Active", update_modified=False)
		frappe.db.commit()  # nosemgrep

	def imported_customer(self, ppa: int = 1) -> str:
		"""As the legacy import leaves a Stripe customer: its cus_ id only, the card being the
		one Stripe holds as the customer's default."""
		customer = make_customer()
		self.customers.append(customer.name)
		stripe_customer = stripe_api.create_customer("importe@example.com", customer.customer_name)
		card = stripe_api.client().payment_methods.create(
			params={
				"type": "card",
				"card": {"number": "4242424242424242", "exp_month": "12", "exp_year": "2034", "cvc": "123"},
			}
		)
		stripe_api.client().payment_methods.attach(card.id, params={"customer": stripe_customer})
		stripe_api.client().customers.update(
			stripe_customer, params={"invoice_settings": {"default_payment_method": card.id}}
		)
		frappe.get_doc(
			{
				"doctype": "Payment Method",
				"customer": customer.name,
				"processor": "Stripe",
				"stripe_customer_id": stripe_customer,
				"ppa_enabled": ppa,
				"legacy_payment_method_id": f"stripe-test-{customer.name}",
			}
		).insert(ignore_permissions=True)
		location = make_service_location(customer.name)
		make_subscription(
			location, "FTTH80I", rate=79.95, start_date="2026-05-01", billing_interval="Monthly"
		)
		self.in_service(location.name)
		return customer.name

	# -----------------------------------------------------------------------------------
	# The run, the queue, what was charged

	def bill(self, customer: str) -> str:
		summary = monthly.run(AUG, customers=[customer])
		self.assertEqual(summary["rejected"], [])
		frappe.db.rollback()
		invoices = frappe.get_all(
			"Sales Invoice", {"customer": customer, "docstatus": 1, "posting_date": AUG}, pluck="name"
		)
		self.assertEqual(len(invoices), 1)
		return invoices[0]

	def run_charge_job(self, invoice: str) -> None:
		"""What a worker does with the job the run queued: the real RQ job, in its own process."""
		job = queued(delivery.charge_job_id(invoice))
		self.assertIsNotNone(job, "the run queued no charge")
		self.assertEqual(job.kwargs["kwargs"], {"invoice": invoice})
		self.assertTrue(job.origin.endswith(":short"), job.origin)
		run_job(self, delivery.charge_job_id(invoice))

	def intents(self, invoice: str) -> list:
		listed = stripe_api.client().payment_intents.list(params={"limit": 100}).data
		return [i for i in listed if (i.get("metadata") or {}).get("invoice") == invoice]

	def invoice(self, name: str):
		return frappe.db.get_value(
			"Sales Invoice",
			name,
			["grand_total", "outstanding_amount", "posting_date", "web_order"],
			as_dict=True,
		)

	def payments(self, invoice: str) -> list:
		return frappe.get_all(
			"Payment Entry Reference",
			filters={"reference_name": invoice, "docstatus": 1},
			fields=["parent", "allocated_amount"],
		)

	def collections_tasks(self, invoice: str) -> list[str]:
		return frappe.get_all(
			"Task",
			{"type": task_types.COLLECT_PAYMENT.key, "subject": ("like", f"% {invoice}")},
			pluck="name",
		)

	def webhook(self, event: dict) -> dict:
		"""Stripe's webhook endpoint, called as a delivery is: the signed body."""
		from gigafibre_fsm.api import stripe as stripe_endpoint

		payload = json.dumps(event).encode()
		environ = EnvironBuilder(
			method="POST",
			data=payload,
			headers={"Stripe-Signature": signed(payload, WEBHOOK_SECRET), "Content-Type": "application/json"},
		).get_environ()
		frappe.local.request = Request(environ)
		try:
			answer = stripe_endpoint.webhook()
		finally:
			frappe.local.request = None
		frappe.db.commit()  # nosemgrep: as the request's end does
		return answer

	def event_of(self, intent_id: str, kind: str) -> dict:
		events = stripe_api.client().events.list(params={"type": kind, "limit": 100}).data
		found = [e for e in events if e.data.object.id == intent_id]
		self.assertTrue(found, f"localstripe sent no {kind} for {intent_id}")
		return (
			found[-1].to_dict_recursive() if hasattr(found[-1], "to_dict_recursive") else found[-1].to_dict()
		)

	# -----------------------------------------------------------------------------------

	def test_a_website_customers_card_is_on_auto_pay_and_charged_on_the_invoice_date(self):
		answer = self.website_customer()
		self.assertEqual(delivery.auto_pay(answer["customer"]), "Stripe")
		invoice = self.bill(answer["customer"])
		values = self.invoice(invoice)
		self.assertEqual(values.posting_date, AUG)
		self.assertEqual(values.grand_total, WEBSITE_MONTH)
		self.run_charge_job(invoice)
		values = self.invoice(invoice)
		self.assertEqual(values.outstanding_amount, 0)
		payments = self.payments(invoice)
		self.assertEqual([p.allocated_amount for p in payments], [WEBSITE_MONTH])
		[intent] = self.intents(invoice)
		self.assertEqual((intent.amount, intent.status), (15475, "succeeded"))
		self.assertEqual(frappe.db.get_value("Payment Entry", payments[0].parent, "reference_no"), intent.id)
		self.assertEqual(card_payments.outcome(invoice)["status"], "succeeded")
		self.assertEqual(self.collections_tasks(invoice), [])

	def test_an_imported_customer_with_stripe_ppa_is_charged_on_stripes_default_card(self):
		customer = self.imported_customer(ppa=1)
		invoice = self.bill(customer)
		self.assertEqual(self.invoice(invoice).grand_total, IMPORTED_MONTH)
		self.run_charge_job(invoice)
		self.assertEqual(self.invoice(invoice).outstanding_amount, 0)
		[intent] = self.intents(invoice)
		self.assertEqual((intent.amount, intent.status), (9193, "succeeded"))

	def test_a_card_not_on_auto_pay_is_not_charged(self):
		customer = self.imported_customer(ppa=0)
		self.assertIsNone(delivery.auto_pay(customer))
		invoice = self.bill(customer)
		self.assertIsNone(queued(delivery.charge_job_id(invoice)))
		self.assertEqual(self.invoice(invoice).outstanding_amount, IMPORTED_MONTH)
		self.assertEqual(self.intents(invoice), [])

	def assert_left_open_and_followed_up(self, answer: dict, invoice: str, status: str) -> None:
		values = self.invoice(invoice)
		self.assertEqual(values.outstanding_amount, WEBSITE_MONTH)
		self.assertEqual(self.payments(invoice), [])
		outcome = card_payments.outcome(invoice)
		self.assertEqual(outcome["status"], status)
		self.assertTrue(outcome["followed_up"])
		self.assertIn(f"commande={answer['order_id']}", outcome["payment_link"])
		# The link pays this invoice: the monthly invoice is tied to the customer's order.
		self.assertEqual(values.web_order, answer["order_id"])
		self.assertEqual(len(self.collections_tasks(invoice)), 1)
		links = frappe.get_all(
			"Order Notification", {"web_order": answer["order_id"], "kind": "Payment Link"}, pluck="channel"
		)
		self.assertEqual(sorted(links), ["Email", "SMS"])

	def test_a_declined_card_leaves_the_invoice_open_with_a_task_and_the_payment_link(self):
		answer = self.website_customer(DECLINED_AT_CHARGE)
		invoice = self.bill(answer["customer"])
		self.run_charge_job(invoice)
		self.assert_left_open_and_followed_up(answer, invoice, card_payments.FAILED)
		[intent] = self.intents(invoice)
		self.assertEqual(intent.status, "requires_payment_method")
		# Stripe's payment_failed event, delivered (and again): nothing more is done.
		event = self.event_of(intent.id, "payment_intent.payment_failed")
		self.assertEqual(self.webhook(event)["result"], "applied")
		self.assertEqual(self.webhook(event)["result"], "replayed")
		frappe.db.rollback()
		self.assert_left_open_and_followed_up(answer, invoice, card_payments.FAILED)
		self.assertEqual(len(self.intents(invoice)), 1)

	def test_a_card_that_needs_authentication_takes_the_same_path(self):
		answer = self.website_customer(NEEDS_AUTHENTICATION)
		invoice = self.bill(answer["customer"])
		self.run_charge_job(invoice)
		self.assert_left_open_and_followed_up(answer, invoice, card_payments.REQUIRES_ACTION)
		[intent] = self.intents(invoice)
		self.assertEqual(intent.status, "requires_action")

	def test_a_replayed_run_job_and_webhook_charge_nothing_more(self):
		answer = self.website_customer()
		invoice = self.bill(answer["customer"])
		self.run_charge_job(invoice)
		# The run again: the period is billed, nothing is queued.
		again = monthly.run(AUG, customers=[answer["customer"]])
		self.assertEqual((again["invoices"], again["already_billed"]), (0, 1))
		self.assertIsNone(queued(delivery.charge_job_id(invoice)))
		# The job again (a retried job): the charge's record answers, Stripe is not asked.
		delivery.collect_after_commit(invoice)
		frappe.db.commit()  # nosemgrep: the enqueue happens after the commit
		self.run_charge_job(invoice)
		# Stripe's succeeded event, delivered twice.
		[intent] = self.intents(invoice)
		event = self.event_of(intent.id, "payment_intent.succeeded")
		self.assertEqual(self.webhook(event)["result"], "applied")
		self.assertEqual(self.webhook(event)["result"], "replayed")
		frappe.db.rollback()
		self.assertEqual(len(self.intents(invoice)), 1)
		self.assertEqual(len(self.payments(invoice)), 1)
		self.assertEqual(frappe.db.count("Payment Entry", {"party": answer["customer"], "docstatus": 1}), 1)
		self.assertEqual(self.invoice(invoice).outstanding_amount, 0)
