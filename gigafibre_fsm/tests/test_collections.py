"""Collections on a real site, at chosen dates: a missed cut-off suspends exactly the right
records and a payment restores exactly those; a kept arrangement does nothing; a person's
suspension survives a payment; the ACS's answer says ``suspended`` while suspended; the dunning
ladder, once per rung; a second run the same day changes nothing; a failure in the middle of a
customer leaves nothing half-suspended; the balance over HTTP, and who may read it.

The run commits per customer (as in production), so every record is committed and removed when
each test ends. Twilio and Mailjet are the small fake servers of tests/live.py, reached through
their SDKs; the OLT is a small HTTP server here, reached through integrations/olt.py ("http").
The jobs the commits enqueue are run as a worker would run them (:class:`Jobs`).
"""

import datetime
import json
import subprocess
import sys
import threading
from contextlib import contextmanager
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

import frappe
import requests
from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
from erpnext.accounts.party import get_party_account
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.billing import collection_rules as rules
from gigafibre_fsm.billing import collections, suspension
from gigafibre_fsm.roles import COLLECTIONS, SUPPORT, TECHNICIAN
from gigafibre_fsm.service import provisioning
from gigafibre_fsm.tests.live import FakeProvider, RunningSite, configure_settings, free_port
from gigafibre_fsm.tests.test_acs import token
from gigafibre_fsm.tests.test_checkout import delete_order
from gigafibre_fsm.tests.utils import (
	ERPNEXT_DOCTYPES,
	make_customer,
	make_equipment,
	make_service_location,
	make_subscription,
	make_user,
)

test_ignore = ERPNEXT_DOCTYPES

D = datetime.date
JAN_16 = D(2026, 1, 16)  # the due date of the invoices below
ITEM = "FTTH500I"  # of the standard catalogue
LADDER = {
	"arrangement_reminder_days": 2,
	"dunning_reminder_days": 5,
	"dunning_second_reminder_days": 15,
	"dunning_notice_days": 25,
	"dunning_suspension_days": 35,
	"collections_from": None,
}


class FakeOLT:
	"""A REST service in front of the OLTs, as integrations/olt.py's "http" adapter calls it:
	records every call; ``fail`` answers 503."""

	def __init__(self, token: str = "olt-test-token"):
		self.token = token
		self.calls: list[tuple[str, str, dict]] = []
		self.fail = False
		self.lock = threading.Lock()
		self.port = free_port()
		self.server = None

	@property
	def url(self) -> str:
		return f"http://127.0.0.1:{self.port}/api"

	def start(self) -> "FakeOLT":
		olt = self

		class Handler(BaseHTTPRequestHandler):
			def log_message(self, *args):
				pass

			def do_POST(self):
				body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
				parts = self.path.split("/")  # /api/onts/<serial>/<action>
				status = 200
				with olt.lock:
					if self.headers.get("Authorization") != f"Bearer {olt.token}":
						status = 401
					elif olt.fail:
						status = 503
					else:
						olt.calls.append((parts[-1], parts[-2], body))
				self.send_response(status)
				self.send_header("Content-Length", "0")
				self.end_headers()

		self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
		threading.Thread(target=self.server.serve_forever, daemon=True).start()
		return self

	def stop(self) -> None:
		if self.server:
			self.server.shutdown()
			self.server.server_close()

	def actions(self, *serials: str) -> list[tuple[str, str]]:
		"""The calls about these ONTs (the run also retries other customers' pending actions)."""
		with self.lock:
			return [(action, serial) for action, serial, _body in self.calls if serial in serials]


class Jobs:
	"""``frappe.enqueue`` as the workers would see it: a job enqueued after the commit is queued
	only when the transaction commits (a rollback drops it); :meth:`run` runs what is queued."""

	def __init__(self):
		self.queue: list[tuple[str, dict]] = []
		self.patcher = patch("frappe.enqueue", self.enqueue)

	def enqueue(self, method, queue="default", job_id=None, deduplicate=False, enqueue_after_commit=False, **kwargs):
		def add():
			self.queue.append((method, kwargs))

		if enqueue_after_commit:
			frappe.db.after_commit.add(add)
		else:
			add()

	def run(self) -> int:
		done = 0
		while self.queue:
			method, kwargs = self.queue.pop(0)
			frappe.get_attr(method)(**kwargs)
			done += 1
		return done


class CollectionsCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.twilio = FakeProvider("twilio").start()
		cls.mailjet = FakeProvider("mailjet").start()
		cls.olt = FakeOLT().start()
		cls.saved_conf = {k: frappe.local.conf.get(k) for k in ("twilio_api_base", "mailjet_api_base", "olt_adapter", "olt_api_base", "olt_api_token")}
		frappe.local.conf.update(
			twilio_api_base=cls.twilio.url,
			mailjet_api_base=cls.mailjet.url,
			olt_adapter="http",
			olt_api_base=cls.olt.url,
			olt_api_token=cls.olt.token,
		)
		configure_settings()
		settings = frappe.get_doc("Gigafibre Settings")
		settings.update({**LADDER, "support_phone": "819 555-0100"})
		settings.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		frappe.clear_document_cache("Gigafibre Settings", "Gigafibre Settings")

	@classmethod
	def tearDownClass(cls):
		for part in (cls.twilio, cls.mailjet, cls.olt):
			part.stop()
		frappe.local.conf.update(cls.saved_conf)
		super().tearDownClass()

	def setUp(self):
		self.customers: list[str] = []
		self.jobs = Jobs()
		self.jobs.patcher.start()
		self.twilio.clear()
		self.mailjet.clear()
		with self.olt.lock:
			self.olt.calls.clear()
		self.olt.fail = False
		frappe.flags.current_date = None

	def tearDown(self):
		self.jobs.patcher.stop()
		frappe.flags.current_date = None
		frappe.db.rollback()
		for customer in self.customers:
			logs = frappe.get_all("Suspension Log", {"customer": customer}, pluck="name")
			for doctype, filters in (
				("Collection Notice", {"customer": customer}),
				("Suspension Log Record", {"parent": ("in", logs or [""])}),
				("Suspension Log", {"customer": customer}),
				("Payment Arrangement", {"customer": customer}),
			):
				frappe.db.delete(doctype, filters)
			delete_order(customer)
		frappe.db.commit()  # nosemgrep

	# -----------------------------------------------------------------------------------
	# The customer's world

	def customer(self, phone: str | None = "819 555 0142", email: str | None = "client@example.com", lang="fr"):
		"""A customer in service: a location (its ONT) with two active services, a cancelled one
		and one a person suspended by hand, and a former location disconnected."""
		customer = make_customer(language=lang).name
		self.customers.append(customer)
		frappe.db.set_value("Customer", customer, {"mobile_no": phone, "email_id": email})
		home = make_service_location(customer)
		frappe.db.set_value("Service Location", home.name, "status", "Active", update_modified=False)
		old = make_service_location(customer, civic_number="14")
		frappe.db.set_value(
			"Service Location", old.name, {"status": "Disconnected", "status_reason": "Déménagé"}, update_modified=False
		)
		subs = {}
		for key, status, reason in (
			("internet", "Active", None),
			("tv", "Active", None),
			("phone", "Cancelled", "Client parti"),
			("by_hand", "Suspended", "Demande du client: vacances"),
		):
			sub = make_subscription(home, ITEM, rate=50, start_date="2026-06-01", billing_interval="Monthly")
			frappe.db.set_value(
				"Service Subscription", sub.name, {"status": status, "status_reason": reason}, update_modified=False
			)
			subs[key] = sub.name
		ont = make_equipment(home, serial_number=f"GPON{frappe.generate_hash(length=8).upper()}")
		frappe.db.set_value("Service Equipment", ont.name, "status", "Active", update_modified=False)
		frappe.db.commit()  # nosemgrep: the run reads through its own transactions
		return frappe._dict(name=customer, home=home.name, old=old.name, subs=subs, ont=ont.serial_number)

	def invoice(self, customer: str, amount: str, due_date=JAN_16, posting_date=D(2026, 1, 1)) -> str:
		company = frappe.db.get_single_value("Gigafibre Settings", "company")
		doc = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"customer": customer,
				"company": company,
				"posting_date": posting_date,
				"set_posting_time": 1,
				"due_date": due_date,
				"disable_rounded_total": 1,
				"items": [{"item_code": ITEM, "qty": 1, "rate": float(amount)}],
			}
		)
		doc.set_missing_values()
		doc.insert(ignore_permissions=True)
		doc.submit()
		frappe.db.commit()  # nosemgrep
		return doc.name

	def arrangement(self, customer: str, amount="150", agreed=D(2026, 2, 1), pay_by=D(2026, 2, 15), cutoff=D(2026, 2, 20)):
		doc = frappe.get_doc(
			{
				"doctype": "Payment Arrangement",
				"customer": customer,
				"amount": float(amount),
				"agreed_date": agreed,
				"due_date": pay_by,
				"cutoff_date": cutoff,
				"method": "Phone",
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		return doc.name

	def pay(self, customer: str, amount: str, day, invoice: str | None = None) -> str:
		"""A submitted Payment Entry on ``day``: against the invoice, or on account."""
		frappe.flags.current_date = day
		account = frappe.db.get_single_value("Gigafibre Settings", "stripe_account")
		if invoice:
			entry = get_payment_entry("Sales Invoice", invoice, party_amount=float(amount), bank_account=account)
		else:
			company = frappe.db.get_single_value("Gigafibre Settings", "company")
			entry = frappe.get_doc(
				{
					"doctype": "Payment Entry",
					"payment_type": "Receive",
					"company": company,
					"party_type": "Customer",
					"party": customer,
					"paid_from": get_party_account("Customer", customer, company),
					"paid_to": account,
					"paid_amount": float(amount),
					"received_amount": float(amount),
				}
			)
			entry.setup_party_account_field()
			entry.set_missing_values()
		entry.posting_date = day
		entry.reference_no = f"TEST-{frappe.generate_hash(length=6)}"
		entry.reference_date = day
		entry.insert(ignore_permissions=True)
		entry.submit()
		frappe.db.commit()  # nosemgrep: what the request that records a payment does
		return entry.name

	def collect(self, day, **kw) -> dict:
		frappe.flags.current_date = day
		summary = collections.run(day, customers=[c for c in self.customers], **kw)
		self.jobs.run()
		return summary

	# -----------------------------------------------------------------------------------
	# What to look at

	def statuses(self, c) -> dict:
		frappe.db.rollback()
		values = {key: frappe.db.get_value("Service Subscription", name, "status") for key, name in c.subs.items()}
		values["home"] = frappe.db.get_value("Service Location", c.home, "status")
		values["old"] = frappe.db.get_value("Service Location", c.old, "status")
		values["flag"] = frappe.db.get_value("Customer", c.name, "is_suspended")
		return values

	def logs(self, c) -> list:
		return frappe.get_all(
			"Suspension Log",
			filters={"customer": c.name},
			fields=["name", "suspension_type", "payment_arrangement", "sales_invoice", "from_date", "to_date", "payment_entry", "network_status", "network_action"],
			order_by="creation",
		)

	def records(self, log: str) -> set:
		return {
			(r.record_type, r.record_name, r.held_only, r.restored)
			for r in frappe.get_all(
				"Suspension Log Record",
				filters={"parent": log},
				fields=["record_type", "record_name", "held_only", "restored"],
			)
		}

	def suspended_for_the_acs(self, c) -> bool:
		return provisioning.provision(serial=c.ont)["suspended"]

	def notices(self, c) -> list[tuple[str, str, str]]:
		return sorted(
			(n.kind, n.channel, n.status)
			for n in frappe.get_all("Collection Notice", {"customer": c.name}, ["kind", "channel", "status"])
		)

	def sms(self) -> list[str]:
		return [r["body"]["Body"] for r in self.twilio.sent()]


class TestArrangements(CollectionsCase):
	def test_a_missed_cut_off_suspends_exactly_and_a_payment_restores_exactly(self):
		c = self.customer()
		invoice = self.invoice(c.name, "200.00")
		pa = self.arrangement(c.name)
		before = self.statuses(c)
		self.assertEqual(
			before,
			{"internet": "Active", "tv": "Active", "phone": "Cancelled", "by_hand": "Suspended", "home": "Active", "old": "Disconnected", "flag": 0},
		)

		# Two days before the cut-off: the reminder, once, in French, by SMS and email.
		self.collect(D(2026, 2, 18))
		self.collect(D(2026, 2, 18))
		self.collect(D(2026, 2, 19))
		self.assertEqual(self.notices(c), [("Arrangement Reminder", "Email", "Sent"), ("Arrangement Reminder", "SMS", "Sent")])
		[reminder] = self.sms()
		self.assertIn("150,00", reminder)
		self.assertIn("20 février 2026", reminder)
		self.assertEqual(self.twilio.sent()[0]["body"]["To"], "+18195550142")
		# The cut-off day itself: still running.
		self.collect(D(2026, 2, 20))
		self.assertEqual(self.statuses(c), before)
		self.assertFalse(self.suspended_for_the_acs(c))

		# The day after: Missed, and exactly the active records suspended, in one log.
		summary = self.collect(D(2026, 2, 21))
		self.assertEqual((summary["missed"], summary["suspended"], summary["failed"]), (1, 1, []))
		self.assertEqual(frappe.db.get_value("Payment Arrangement", pa, ["status", "outcome_date"]), ("Missed", D(2026, 2, 21)))
		self.assertEqual(
			self.statuses(c),
			{"internet": "Suspended", "tv": "Suspended", "phone": "Cancelled", "by_hand": "Suspended", "home": "Suspended", "old": "Disconnected", "flag": 1},
		)
		[log] = self.logs(c)
		self.assertEqual((log.suspension_type, log.payment_arrangement, log.from_date), ("Missed Arrangement", pa, D(2026, 2, 21)))
		self.assertEqual(
			self.records(log.name),
			{
				("Service Subscription", c.subs["internet"], 0, 0),
				("Service Subscription", c.subs["tv"], 0, 0),
				("Service Location", c.home, 0, 0),
				("Customer", c.name, 0, 0),
			},
		)
		self.assertIn(pa, frappe.db.get_value("Service Location", c.home, "status_reason"))
		self.assertTrue(self.suspended_for_the_acs(c))
		# After the commit: the ONT stopped on its OLT, and the customer told.
		self.assertEqual(self.olt.actions(c.ont), [("suspend", c.ont)])
		self.assertEqual((log.network_action, log.network_status), ("Stop", "Done"))
		self.assertIn("votre service est suspendu pour non-paiement", self.sms()[-1])

		# A second run the same day, and the next day, change nothing.
		sent = len(self.sms())
		self.assertEqual(self.collect(D(2026, 2, 21))["suspended"], 0)
		self.collect(D(2026, 2, 22))
		self.assertEqual(len(self.logs(c)), 1)
		self.assertEqual((len(self.sms()), len(self.olt.actions(c.ont))), (sent, 1))

		# The payment of the arrangement, through the desk or Stripe: a Payment Entry.
		payment = self.pay(c.name, "150.00", D(2026, 2, 25), invoice=invoice)
		self.jobs.run()
		self.assertEqual(frappe.db.get_value("Payment Arrangement", pa, "status"), "Kept")
		# Exactly what it suspended is back; the service suspended by hand stays suspended.
		self.assertEqual(self.statuses(c), before)
		[log] = self.logs(c)
		self.assertEqual((log.to_date, log.payment_entry), (D(2026, 2, 25), payment))
		self.assertEqual({r[3] for r in self.records(log.name)}, {1})
		self.assertFalse(self.suspended_for_the_acs(c))
		self.assertEqual(self.olt.actions(c.ont), [("suspend", c.ont), ("resume", c.ont)])
		self.assertIn("rétabli", self.sms()[-1])
		# 50.00 still overdue since 16 January: the ladder restarts from the day it was kept.
		self.assertEqual(self.collect(D(2026, 2, 26))["notices"], 0)

	def test_a_kept_arrangement_does_nothing(self):
		c = self.customer()
		invoice = self.invoice(c.name, "150.00")
		pa = self.arrangement(c.name)
		self.pay(c.name, "150.00", D(2026, 2, 14), invoice=invoice)
		self.assertEqual(frappe.db.get_value("Payment Arrangement", pa, "status"), "Kept")
		before = self.statuses(c)
		for day in (D(2026, 2, 18), D(2026, 2, 21), D(2026, 3, 30)):
			summary = self.collect(day)
			self.assertEqual((summary["suspended"], summary["reminders"], summary["notices"]), (0, 0, 0))
		self.assertEqual(self.statuses(c), before)
		self.assertEqual((self.logs(c), self.notices(c), self.olt.actions(c.ont)), ([], [], []))

	def test_kept_and_missed_are_for_collections_to_set(self):
		c = self.customer()
		pa = self.arrangement(c.name)
		doc = frappe.get_doc("Payment Arrangement", pa)
		doc.status = "Missed"
		from gigafibre_fsm.exceptions import StatusTransitionError

		with self.assertRaises(StatusTransitionError):
			doc.save()


class TestManualSuspension(CollectionsCase):
	def test_a_person_s_suspension_survives_a_payment_and_is_lifted_by_hand(self):
		c = self.customer()
		invoice = self.invoice(c.name, "200.00")
		self.arrangement(c.name)
		self.collect(D(2026, 2, 21))
		[auto] = self.logs(c)
		# Collections suspend by hand too (a dispute): the records already suspended are held.
		frappe.flags.current_date = D(2026, 2, 22)
		manual = collections.suspend_by_hand(c.name, "Litige: chèque sans provision")["suspension"]
		frappe.db.commit()  # nosemgrep: the request's commit
		self.jobs.run()
		self.assertEqual(
			self.records(manual),
			{
				("Service Subscription", c.subs["internet"], 1, 0),
				("Service Subscription", c.subs["tv"], 1, 0),
				("Service Location", c.home, 1, 0),
				("Customer", c.name, 1, 0),
			},
		)
		# Everything paid: the automatic suspension ends, the person's holds everything.
		self.pay(c.name, "200.00", D(2026, 2, 25), invoice=invoice)
		self.jobs.run()
		self.collect(D(2026, 2, 26))
		logs = {log.name: log for log in self.logs(c)}
		self.assertEqual(logs[auto.name].to_date, D(2026, 2, 25))
		self.assertIsNone(logs[manual].to_date)
		self.assertEqual(
			self.statuses(c),
			{"internet": "Suspended", "tv": "Suspended", "phone": "Cancelled", "by_hand": "Suspended", "home": "Suspended", "old": "Disconnected", "flag": 1},
		)
		self.assertTrue(self.suspended_for_the_acs(c))
		self.assertEqual(self.olt.actions(c.ont), [("suspend", c.ont)])  # never resumed
		# Restored by hand: every suspension lifted, what they suspended back.
		collections.restore_by_hand(c.name, "Litige réglé")
		frappe.db.commit()  # nosemgrep
		self.jobs.run()
		self.assertEqual(
			self.statuses(c),
			{"internet": "Active", "tv": "Active", "phone": "Cancelled", "by_hand": "Suspended", "home": "Active", "old": "Disconnected", "flag": 0},
		)
		self.assertTrue(all(log.to_date for log in self.logs(c)))
		self.assertFalse(self.suspended_for_the_acs(c))
		self.assertEqual(self.olt.actions(c.ont), [("suspend", c.ont), ("resume", c.ont)])

	def test_a_suspension_by_hand_is_not_lifted_by_paying(self):
		c = self.customer()
		invoice = self.invoice(c.name, "80.00")
		frappe.flags.current_date = D(2026, 1, 20)
		collections.suspend_by_hand(c.name, "Fraude soupçonnée", notify=False)
		frappe.db.commit()  # nosemgrep
		self.pay(c.name, "80.00", D(2026, 1, 22), invoice=invoice)
		self.collect(D(2026, 1, 23))
		self.assertEqual(self.statuses(c)["internet"], "Suspended")
		self.assertEqual(self.statuses(c)["flag"], 1)
		self.assertEqual(self.notices(c), [])  # notify off: nothing sent
		with self.assertRaises(frappe.ValidationError):
			collections.suspend_by_hand(c.name, "  ")


class TestDunningLadder(CollectionsCase):
	def test_each_rung_once_then_suspension_and_payment_restores(self):
		c = self.customer()
		invoice = self.invoice(c.name, "114.98")
		paused = self.customer(phone=None, email=None)
		self.invoice(paused.name, "50.00")
		frappe.db.set_value("Customer", paused.name, "collections_paused", 1)
		frappe.db.commit()  # nosemgrep
		expected = {
			D(2026, 1, 17): [],
			D(2026, 1, 21): ["Reminder"],
			D(2026, 1, 22): ["Reminder"],
			D(2026, 1, 31): ["Reminder", "Second Reminder"],
			D(2026, 2, 10): ["Reminder", "Second Reminder", "Suspension Notice"],
			D(2026, 2, 19): ["Reminder", "Second Reminder", "Suspension Notice"],
		}
		for day, kinds in expected.items():
			self.collect(day)
			self.collect(day)  # the same day again: nothing more
			with self.subTest(day=day):
				self.assertEqual(sorted({k for k, _ch, _st in self.notices(c)}), sorted(kinds))
				self.assertEqual(self.statuses(c)["flag"], 0)
		self.assertIn("114,98", self.sms()[0])
		self.assertIn("20 février 2026", self.sms()[-1])  # the notice names the day
		self.collect(D(2026, 2, 20))
		[log] = self.logs(c)
		self.assertEqual((log.suspension_type, log.sales_invoice), ("Overdue Invoices", invoice))
		self.assertEqual(self.statuses(c)["home"], "Suspended")
		self.assertTrue(self.suspended_for_the_acs(c))
		# The paused customer: nothing at all.
		self.assertEqual((self.notices(paused), self.logs(paused), self.statuses(paused)["flag"]), ([], [], 0))
		# Paid on account (not allocated to the invoice): nothing is due, the service comes back.
		self.pay(c.name, "114.98", D(2026, 2, 22))
		self.jobs.run()
		self.assertEqual(self.statuses(c)["home"], "Active")
		self.assertEqual(self.statuses(c)["flag"], 0)
		self.assertEqual(self.logs(c)[0].to_date, D(2026, 2, 22))
		# The ladder does not start again on that invoice.
		self.collect(D(2026, 3, 1))
		self.assertEqual(len(self.logs(c)), 1)

	def test_a_customer_without_contact_is_still_noticed_and_staff_see_it(self):
		c = self.customer(phone=None, email=None)
		self.invoice(c.name, "20.00")
		self.collect(D(2026, 1, 21))
		self.assertEqual(self.notices(c), [("Reminder", "None", "Failed")])


class TestFailures(CollectionsCase):
	def test_a_failure_in_the_middle_of_a_customer_leaves_nothing_half_suspended(self):
		first, second = self.customer(), self.customer()
		for c in (first, second):
			self.invoice(c.name, "200.00")
			self.arrangement(c.name)
		real = suspension._move

		def breaks_on_the_location(doctype, name, status, reason):
			if name == second.home:
				raise RuntimeError("the database went away")
			return real(doctype, name, status, reason)

		with patch.object(suspension, "_move", breaks_on_the_location):
			summary = self.collect(D(2026, 2, 21))
		self.assertEqual([customer for customer, _reason in summary["failed"]], [second.name])
		self.assertEqual(self.statuses(first)["home"], "Suspended")
		# The second customer's services were moved before the failure: all undone.
		self.assertEqual(
			self.statuses(second),
			{"internet": "Active", "tv": "Active", "phone": "Cancelled", "by_hand": "Suspended", "home": "Active", "old": "Disconnected", "flag": 0},
		)
		self.assertEqual(self.logs(second), [])
		self.assertEqual(frappe.db.get_value("Payment Arrangement", {"customer": second.name}, "status"), "Open")
		self.assertEqual(self.olt.actions(first.ont, second.ont), [("suspend", first.ont)])
		# A worker killed in the middle of it: the same.
		with patch.object(suspension, "_move", side_effect=SystemExit("killed")), self.assertRaises(SystemExit):
			self.collect(D(2026, 2, 21))
		frappe.db.rollback()
		self.assertEqual(self.statuses(second)["internet"], "Active")
		# The next run finishes the work, once.
		summary = self.collect(D(2026, 2, 21))
		self.assertEqual((summary["suspended"], summary["failed"]), (1, []))
		self.assertEqual(self.statuses(second)["home"], "Suspended")
		self.assertEqual(len(self.logs(first)), 1)

	def test_an_olt_that_fails_is_tried_again_by_the_next_run(self):
		c = self.customer()
		self.invoice(c.name, "200.00")
		self.arrangement(c.name)
		self.olt.fail = True
		self.collect(D(2026, 2, 21))
		[log] = self.logs(c)
		self.assertEqual(log.network_status, "Failed")
		self.assertEqual(self.statuses(c)["home"], "Suspended")  # the suspension stands
		self.olt.fail = False
		summary = self.collect(D(2026, 2, 22))
		self.assertGreaterEqual(summary["retried_network"], 1)
		self.assertEqual(self.logs(c)[0].network_status, "Done")
		self.assertEqual(self.olt.actions(c.ont), [("suspend", c.ont)])

	def test_the_command_prints_its_summary(self):
		c = self.customer()
		self.invoice(c.name, "200.00")
		self.arrangement(c.name)
		result = subprocess.run(
			[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", frappe.local.site,
			 "run-collections", "--date", "2026-02-21"],
			cwd=frappe.local.sites_path,
			capture_output=True,
			text=True,
			timeout=600,
		)
		self.assertEqual(result.returncode, 0, result.stderr[-2000:])
		self.assertIn("run-collections 2026-02-21:", result.stdout)
		self.assertIn("0 failed", result.stdout)
		frappe.db.rollback()
		self.assertEqual(self.statuses(c)["home"], "Suspended")


class TestBalanceOverHTTP(CollectionsCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.site = RunningSite(frappe.local.site, workers=1, threads=4).start()

	@classmethod
	def tearDownClass(cls):
		cls.site.stop()
		super().tearDownClass()

	def get(self, user: str, **params):
		headers = {**self.site.headers, "Accept": "application/json", "Authorization": token(user)}
		frappe.db.commit()  # nosemgrep: the keys, for the running site
		return requests.get(self.site.api("gigafibre_fsm.api.desk.balance"), params=params, headers=headers, timeout=60)

	def test_what_a_customer_owes_and_who_may_ask(self):
		c = self.customer()
		today = frappe.utils.getdate()
		old = self.invoice(c.name, "114.98", due_date=today - datetime.timedelta(days=20), posting_date=today - datetime.timedelta(days=35))
		new = self.invoice(c.name, "57.49", due_date=today + datetime.timedelta(days=10), posting_date=today)
		self.pay(c.name, "14.98", today, invoice=old)
		self.pay(c.name, "25.00", today)  # on account
		pa = self.arrangement(c.name, "100", agreed=today, pay_by=today + datetime.timedelta(days=5), cutoff=today + datetime.timedelta(days=9))
		frappe.get_doc(
			{"doctype": "Payment Method", "customer": c.name, "processor": "Bank Draft", "account_holder": "Client",
			 "institution_number": "815", "transit_number": "12345", "account_number": "1234567", "ppa_enabled": 1}
		).insert(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		agent = make_user("collections-agent@example.com", COLLECTIONS)
		response = self.get(agent, customer=c.name)
		self.assertEqual(response.status_code, 200, response.text[:500])
		self.assertEqual(
			response.json()["message"],
			{
				"customer": c.name,
				"outstanding": 157.49,  # 100.00 + 57.49
				"overdue": 100.0,
				"invoices": [
					{"invoice": old, "due_date": str(today - datetime.timedelta(days=20)), "outstanding": 100.0},
					{"invoice": new, "due_date": str(today + datetime.timedelta(days=10)), "outstanding": 57.49},
				],
				"unallocated_payments": 25.0,
				"arrangement": {"name": pa, "amount": 100.0, "pay_by": str(today + datetime.timedelta(days=5)), "cutoff": str(today + datetime.timedelta(days=9))},
				"auto_pay": "Bank",
				"suspended": False,
			},
		)
		support = make_user("support-agent@example.com", SUPPORT)
		self.assertEqual(self.get(support, customer=c.name).status_code, 200)
		technician = make_user("field-tech-collections@example.com", TECHNICIAN)
		self.assertEqual(self.get(technician, customer=c.name).status_code, 403)
		missing = self.get(agent, customer="NO-SUCH-CUSTOMER")
		self.assertEqual(missing.status_code, 404)
		self.assertEqual(missing.json().get("field"), "customer")
		# Suspending by hand: Collections only, and only with a reason.
		suspend = self.site.api("gigafibre_fsm.api.desk.suspend_customer")

		def post(user, **body):
			headers = {**self.site.headers, "Accept": "application/json", "Authorization": token(user)}
			frappe.db.commit()  # nosemgrep: the keys, for the running site
			return requests.post(suspend, json=body, headers=headers, timeout=60)

		self.assertEqual(post(support, customer=c.name, reason="Litige").status_code, 403)
		refused = post(agent, customer=c.name, reason=" ")
		self.assertEqual((refused.status_code, refused.json().get("field")), (417, "reason"))
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Customer", c.name, "is_suspended"), 0)
		done = post(agent, customer=c.name, reason="Litige", notify=0)
		self.assertEqual(done.status_code, 200, done.text[:500])
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Customer", c.name, "is_suspended"), 1)
		self.assertEqual(self.get(agent, customer=c.name).json()["message"]["suspended"], True)
