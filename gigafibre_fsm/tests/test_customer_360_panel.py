"""The Customer 360 panel on a real site: a customer made here with an imported-looking history
(legacy ids, several locations, cancelled services, old invoices and payments, arrangements, a
suspension log, tickets, work orders with their technicians' hours, IP and address history) is
shown completely and only with its own rows; a Field Technician gets no money; the panel's
actions change exactly what they say, for the roles allowed to, and are refused to the others.

Everything is written in the test's transaction and rolled back after each test."""

import datetime
import os
from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, getdate, now_datetime

from gigafibre_fsm.api import customer_360 as api
from gigafibre_fsm.api import desk
from gigafibre_fsm.exceptions import InvalidAmountError
from gigafibre_fsm.roles import COLLECTIONS, DISPATCHER, SALES, SUPPORT, TECHNICIAN
from gigafibre_fsm.service import customer_360
from gigafibre_fsm.tests.live import configure_settings
from gigafibre_fsm.tests.utils import (
	ERPNEXT_DOCTYPES,
	make_customer,
	make_equipment,
	make_service_location,
	make_subscription,
	make_user,
)

test_ignore = ERPNEXT_DOCTYPES

ITEM = "FTTH500I"  # of the standard catalogue
D = datetime.date


def _legacy(prefix: str) -> str:
	return f"{prefix}{frappe.generate_hash(length=8)}"


class History:
	"""A customer as the legacy import leaves one, and every record's name, by what it is."""

	def __init__(self, phone_line: bool = True, technicians: str = "c360-tech"):
		today = getdate()
		self.today = today
		self.customer = make_customer(legacy_customer_id=_legacy("A")).name
		c = self.customer
		self.home = make_service_location(c, legacy_delivery_id=_legacy("D")).name
		self.old = make_service_location(c, civic_number="14", legacy_delivery_id=_legacy("D")).name
		self.cottage = make_service_location(c, civic_number="3", street="Chemin du Lac").name
		frappe.db.set_value("Service Location", self.home, "status", "Active", update_modified=False)
		frappe.db.set_value(
			"Service Location",
			self.old,
			{"status": "Disconnected", "status_reason": "Déménagé"},
			update_modified=False,
		)
		home = frappe.get_doc("Service Location", self.home)
		self.subs = {}
		for key, status, rate, interval in (
			("internet", "Active", 79.95, "Monthly"),
			("tv", "Active", 30, "Monthly"),
			("annual", "Active", 120, "Annual"),
			("cancelled", "Cancelled", 49.95, "Monthly"),
			("by_hand", "Suspended", 28.95, "Monthly"),
		):
			sub = make_subscription(
				home,
				ITEM,
				rate=rate,
				billing_interval=interval,
				start_date=add_days(today, -800),
				legacy_service_id=_legacy("S"),
			)
			frappe.db.set_value("Service Subscription", sub.name, "status", status, update_modified=False)
			self.subs[key] = sub.name
		now = now_datetime()
		self.ont = make_equipment(home, serial_number=f"GPON{frappe.generate_hash(length=8).upper()}").name
		self.router = make_equipment(
			home, equipment_type="Router", serial_number=f"RT{frappe.generate_hash(length=8).upper()}"
		).name
		self.tv_box = make_equipment(
			home, equipment_type="TV Box", serial_number=f"TV{frappe.generate_hash(length=8).upper()}"
		).name
		frappe.db.set_value(
			"Service Equipment",
			self.ont,
			{"status": "Active", "last_inform": add_to_date(now, minutes=-5), "last_event": "online"},
		)
		frappe.db.set_value(
			"Service Equipment",
			self.router,
			{"status": "Active", "last_inform": add_to_date(now, hours=-3), "last_event": "boot"},
		)
		self.voip = None
		if phone_line:
			line = frappe.get_doc(
				{
					"doctype": "VoIP Line",
					"did": f"819555{frappe.generate_hash(length=8)[:4].translate(str.maketrans('abcdef', '123456'))}",
					"status": "Active",
					"customer": c,
					"service_location": self.home,
					"e911_street": "Rue Principale",
					"e911_civic_number": "12",
					"e911_city": "Saint-Adrien",
					"legacy_pbx_id": _legacy("P"),
				}
			)
			line.db_insert()  # as imported: the 360 reads it, the 911 checks are not this test's
			self.voip = line.name
		self.tickets = {}
		for key, status in (("open", "Open"), ("replied", "Replied"), ("closed", "Closed")):
			issue = frappe.get_doc(
				{
					"doctype": "Issue",
					"subject": f"Pas de signal {key}",
					"customer": c,
					"issue_type": "Réparation",
					"service_location": self.home,
				}
			).insert(ignore_permissions=True)
			frappe.db.set_value("Issue", issue.name, "status", status, update_modified=False)
			self.tickets[key] = issue.name
		self.tech_a = make_user(f"{technicians}-a@example.com", TECHNICIAN)
		self.tech_b = make_user(f"{technicians}-b@example.com", TECHNICIAN)
		day = add_days(today, -400)
		self.jobs = {}
		for key, location, rows in (
			("home", self.home, [(self.tech_a, 9, 10.5), (self.tech_b, 9, 11)]),  # 1.5 h + 2 h
			("old", self.old, [(self.tech_a, 13, 13.75)]),  # 0.75 h
		):
			job = imported(
				{
					"doctype": "Dispatch Job",
					"job_type": "Repair",
					"customer": c,
					"service_location": location,
					"scheduled_date": day,
					"status": "Completed",
					"legacy_bon_travail_id": _legacy("B"),
					"technicians": [
						{
							"technician": tech,
							"arrival_time": datetime.datetime.combine(day, datetime.time())
							+ datetime.timedelta(hours=start),
							"departure_time": datetime.datetime.combine(day, datetime.time())
							+ datetime.timedelta(hours=end),
						}
						for tech, start, end in rows
					],
				}
			)
			self.jobs[key] = job.name
		self.quote = (
			frappe.get_doc(
				{
					"doctype": "Quotation",
					"quotation_to": "Customer",
					"party_name": c,
					"company": frappe.db.get_single_value("Gigafibre Settings", "company"),
					"transaction_date": add_days(today, -500),
					"valid_till": add_days(today, -470),
					"legacy_soumission_id": _legacy("Q"),
					"items": [{"item_code": ITEM, "qty": 1, "rate": 99.95}],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		# Three old invoices: one paid, one half paid and overdue, one not yet due; a payment on account.
		self.invoices = {
			"paid": invoice(c, "57.49", posting=add_days(today, -95), due=add_days(today, -80)),
			"overdue": invoice(c, "114.98", posting=add_days(today, -65), due=add_days(today, -50)),
			"current": invoice(c, "57.49", posting=today, due=add_days(today, 15)),
		}
		self.payments = {
			"full": pay(c, "57.49", add_days(today, -85), self.invoices["paid"]),
			"part": pay(c, "14.98", add_days(today, -40), self.invoices["overdue"]),
			"on_account": pay(c, "25.00", add_days(today, -10)),
		}
		self.arrangements = {
			"old": imported(
				{
					"doctype": "Payment Arrangement",
					"customer": c,
					"amount": 80,
					"agreed_date": add_days(today, -300),
					"due_date": add_days(today, -290),
					"cutoff_date": add_days(today, -285),
					"status": "Completed",
					"method": "Cheque",
					"legacy_accord_id": _legacy("AC"),
				}
			).name,
			"open": frappe.get_doc(
				{
					"doctype": "Payment Arrangement",
					"customer": c,
					"amount": 100,
					"agreed_date": today,
					"due_date": add_days(today, 5),
					"cutoff_date": add_days(today, 9),
					"status": "Open",
					"method": "Phone",
				}
			)
			.insert(ignore_permissions=True)
			.name,
		}
		self.suspension = imported(
			{
				"doctype": "Suspension Log",
				"customer": c,
				"from_date": add_days(today, -700),
				"to_date": add_days(today, -690),
				"reason": "Non-paiement (ancien système)",
				"legacy_suspension_id": _legacy("SU"),
			}
		).name
		for location, rows in ((self.home, 5), (self.old, 2)):
			doc = frappe.get_doc("Service Location", location)
			for i in range(rows):
				doc.append(
					"ip_history",
					{
						"ip_address": f"10.0.{rows}.{i + 1}",
						"assigned_on": add_to_date(now, days=-30 * (i + 1)),
						"legacy_ip_history_id": _legacy("IP"),
					},
				)
			if location == self.home:
				doc.append(
					"address_history",
					{
						"changed_on": add_to_date(now, days=-900),
						"address_line": "5 Rue du Moulin",
						"city": "Saint-Adrien",
						"postal_code": "J0A 1C0",
					},
				)
			doc.flags.ignore_permissions = True
			doc.save()


def imported(values: dict) -> "frappe.Document":
	"""A record as the legacy import writes it (any status, the source's values)."""
	doc = frappe.get_doc(values)
	doc.flags.in_import = True
	return doc.insert(ignore_permissions=True)


def invoice(customer: str, amount: str, posting, due) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": frappe.db.get_single_value("Gigafibre Settings", "company"),
			"posting_date": posting,
			"set_posting_time": 1,
			"due_date": due,
			"disable_rounded_total": 1,
			"items": [{"item_code": ITEM, "qty": 1, "rate": float(amount)}],
		}
	)
	doc.set_missing_values()
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc.name


def pay(customer: str, amount: str, day, against: str | None = None) -> str:
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
	from erpnext.accounts.party import get_party_account

	account = frappe.db.get_single_value("Gigafibre Settings", "stripe_account")
	company = frappe.db.get_single_value("Gigafibre Settings", "company")
	if against:
		entry = get_payment_entry("Sales Invoice", against, party_amount=float(amount), bank_account=account)
	else:
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
	return entry.name


def names(rows) -> set[str]:
	return {r["name"] for r in rows}


class Customer360Case(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		configure_settings()

	def setUp(self):
		frappe.set_user("Administrator")
		self.other = History(
			phone_line=False, technicians="c360-other-tech"
		)  # someone else's history: none of it may show
		self.h = History()
		self.users = {
			"collections": make_user("c360-collections@example.com", COLLECTIONS),
			"support": make_user("c360-support@example.com", SUPPORT),
			"sales": make_user("c360-sales@example.com", SALES),
			"dispatcher": make_user("c360-dispatcher@example.com", DISPATCHER),
			"technician": self.h.tech_a,
		}

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def as_(self, who: str):
		frappe.set_user(self.users[who])


class TestWhatThePanelShows(Customer360Case):
	def test_every_section_completely_and_only_the_customer_s_rows(self):
		h = self.h
		self.as_("collections")
		collections_view = customer_360.gather(h.customer)
		frappe.set_user("Administrator")
		d = customer_360.gather(h.customer)

		self.assertEqual(
			d["customer"]["legacy_customer_id"],
			frappe.db.get_value("Customer", h.customer, "legacy_customer_id"),
		)
		self.assertEqual(names(d["locations"]), {h.home, h.old, h.cottage})
		self.assertEqual({loc["name"]: loc["status"] for loc in d["locations"]}[h.old], "Disconnected")
		self.assertEqual(names(d["subscriptions"]["rows"]), set(h.subs.values()))
		# Active monthly services only: 79.95 + 30.00 (the annual, cancelled and suspended ones are not).
		self.assertEqual(Decimal(str(d["subscriptions"]["monthly_total"])), Decimal("109.95"))
		self.assertEqual(d["subscriptions"]["counts"], {"Active": 3, "Cancelled": 1, "Suspended": 1})
		online = {e["name"]: e["online"] for e in d["equipment"]}
		self.assertEqual(online, {h.ont: "Online", h.router: "Offline", h.tv_box: "Never Seen"})
		self.assertEqual(names(d["voip_lines"]), {h.voip})
		self.assertEqual(d["voip_lines"][0]["e911_street"], "Rue Principale")
		self.assertEqual(names(d["tickets"]["open"]), {h.tickets["open"], h.tickets["replied"]})
		self.assertEqual(d["tickets"]["total"], 3)
		jobs = {j["name"]: j["hours"] for j in d["dispatch_jobs"]["rows"]}
		self.assertEqual(jobs, {h.jobs["home"]: 3.5, h.jobs["old"]: 0.75})
		self.assertEqual(d["dispatch_jobs"]["hours_by_location"], {h.home: 3.5, h.old: 0.75})
		self.assertEqual(
			{loc["name"]: loc["hours"] for loc in d["locations"]}, {h.home: 3.5, h.old: 0.75, h.cottage: 0.0}
		)
		self.assertEqual(names(d["quotes"]), {h.quote})
		self.assertEqual(names(d["invoices"]["rows"]), set(h.invoices.values()))
		self.assertEqual(d["invoices"]["total"], 3)
		self.assertEqual(names(d["payments"]["rows"]), set(h.payments.values()))
		self.assertEqual(names(d["arrangements"]), set(h.arrangements.values()))
		self.assertEqual(d["arrangements"][0]["name"], h.arrangements["open"])  # in force first
		self.assertEqual(names(d["suspensions"]), {h.suspension})
		self.assertFalse(d["suspensions"][0]["open"])
		# Seven IP addresses over two locations, newest first; the home's former address.
		self.assertEqual(len(d["ip_history"]), 7)
		self.assertEqual({r["service_location"] for r in d["ip_history"]}, {h.home, h.old})
		dates = [r["assigned_on"] for r in d["ip_history"]]
		self.assertEqual(dates, sorted(dates, reverse=True))
		self.assertEqual([r["address_line"] for r in d["address_history"]], ["5 Rue du Moulin"])
		# What is owed: 100.00 overdue (114.98 - 14.98) + 57.49 not due; 25.00 on account;
		# the next cut-off is the open arrangement's.
		b = d["balance"]
		self.assertEqual((b["outstanding"], b["overdue"], b["unallocated_payments"]), (157.49, 100.0, 25.0))
		self.assertEqual(b["next_cutoff"], str(add_days(h.today, 9)))
		self.assertEqual(b["next_cutoff_from"], "arrangement")
		# Collections see the same sections.
		for key in ("invoices", "payments", "balance", "arrangements", "suspensions"):
			self.assertEqual(collections_view[key], d[key], key)

		other = customer_360.gather(self.other.customer)
		self.assertTrue(names(other["locations"]).isdisjoint(names(d["locations"])))
		self.assertTrue(names(other["invoices"]["rows"]).isdisjoint(names(d["invoices"]["rows"])))
		self.assertTrue(names(other["payments"]["rows"]).isdisjoint(names(d["payments"]["rows"])))
		self.assertEqual(other["voip_lines"], [])

	def test_without_an_arrangement_the_cut_off_is_the_dunning_ladder_s(self):
		frappe.db.set_value("Payment Arrangement", self.h.arrangements["open"], "status", "Completed")
		settings = frappe.get_doc("Gigafibre Settings")
		days = settings.get("dunning_suspension_days") or 35
		b = customer_360.gather(self.h.customer)["balance"]
		self.assertEqual(b["next_cutoff"], str(add_days(add_days(self.h.today, -50), days)))
		self.assertEqual(b["next_cutoff_from"], "dunning")

	def test_a_field_technician_sees_the_service_and_no_money(self):
		self.as_("technician")  # assigned to the customer's jobs
		d = customer_360.gather(self.h.customer)
		self.assertEqual(names(d["locations"]), {self.h.home, self.h.old, self.h.cottage})
		self.assertEqual(names(d["equipment"]), {self.h.ont, self.h.router, self.h.tv_box})
		for key in ("invoices", "payments", "balance", "arrangements", "suspensions", "quotes"):
			self.assertIsNone(d[key], key)
		self.assertIsNone(d["subscriptions"]["monthly_total"])
		self.assertTrue(all("rate" not in row for row in d["subscriptions"]["rows"]))
		self.assertFalse(any(d["actions"].values()))
		# Not the customer of one of their jobs: nothing at all.
		with self.assertRaises(frappe.PermissionError):
			customer_360.gather(self.other.customer)

	def test_an_unknown_customer_is_named(self):
		with self.assertRaises(frappe.DoesNotExistError) as caught:
			api.get("NO-SUCH-CUSTOMER")
		self.assertEqual(caught.exception.field, "customer")

	def test_the_buttons_each_role_gets(self):
		expected = {
			"collections": {"suspend", "arrangement", "ticket", "payment_link"},
			"support": {"ticket", "technician", "payment_link", "convert_quote"},
			"sales": {"ticket", "convert_quote"},
			"dispatcher": {"ticket", "technician"},
		}
		frappe.get_doc(
			{
				"doctype": "Web Order",
				"idempotency_key": frappe.generate_hash(length=20),
				"customer": self.h.customer,
			}
		).insert(ignore_permissions=True)
		for who, allowed in expected.items():
			self.as_(who)
			got = {k for k, v in customer_360.actions_allowed(self.h.customer).items() if v}
			self.assertEqual(got, allowed, who)


class TestActions(Customer360Case):
	def statuses(self) -> dict:
		h = self.h
		rows = {n: frappe.db.get_value("Service Subscription", n, "status") for n in h.subs.values()}
		rows.update(
			{n: frappe.db.get_value("Service Location", n, "status") for n in (h.home, h.old, h.cottage)}
		)
		return rows

	def test_suspend_and_restore_change_exactly_what_the_preview_said(self):
		h = self.h
		before = self.statuses()
		self.as_("collections")
		preview = api.preview(h.customer, "suspend")
		moved = {(c["doctype"], c["name"]) for c in preview["changes"] if c.get("to") == "Suspended"}
		self.assertEqual(
			moved,
			{
				("Service Subscription", h.subs["internet"]),
				("Service Subscription", h.subs["tv"]),
				("Service Subscription", h.subs["annual"]),
				("Service Location", h.home),
			},
		)
		other_before = frappe.get_all(
			"Service Subscription", {"customer": self.other.customer}, ["name", "status"]
		)
		done = desk.suspend_customer(h.customer, "Client injoignable", notify=0)
		after = self.statuses()
		self.assertEqual({n for n in after if after[n] != before[n]}, {name for _dt, name in moved})
		self.assertTrue(all(after[name] == "Suspended" for _dt, name in moved))
		self.assertEqual(frappe.db.get_value("Customer", h.customer, "is_suspended"), 1)
		self.assertEqual(
			frappe.db.get_value("Suspension Log", done["suspension"], "reason"), "Client injoignable"
		)
		self.assertEqual(
			frappe.get_all("Service Subscription", {"customer": self.other.customer}, ["name", "status"]),
			other_before,
		)

		restore = api.preview(h.customer, "restore")
		back = {(c["doctype"], c["name"]) for c in restore["changes"] if c.get("to") == "Active"}
		self.assertEqual(back, moved)
		desk.restore_customer(h.customer, "Paiement reçu", notify=0)
		self.assertEqual(self.statuses(), before)
		self.assertEqual(frappe.db.get_value("Customer", h.customer, "is_suspended"), 0)

	def test_suspend_is_refused_to_support_and_needs_a_reason(self):
		before = self.statuses()
		for who in ("support", "technician", "sales"):
			self.as_(who)
			with self.assertRaises(frappe.PermissionError, msg=who):
				desk.suspend_customer(self.h.customer, "Essai", notify=0)
		self.as_("collections")
		with self.assertRaises(frappe.MandatoryError):
			desk.suspend_customer(self.h.customer, "  ", notify=0)
		self.assertEqual(self.statuses(), before)
		self.assertEqual(frappe.db.count("Suspension Log", {"customer": self.h.customer}), 1)

	def test_a_new_arrangement_by_collections_only(self):
		self.as_("collections")
		pay_by, cutoff = add_days(getdate(), 7), add_days(getdate(), 12)
		done = api.new_arrangement(self.h.customer, "150", str(pay_by), str(cutoff), "Phone", "Par téléphone")
		doc = frappe.get_doc("Payment Arrangement", done["payment_arrangement"])
		self.assertEqual(
			(
				doc.customer,
				Decimal(str(doc.amount)),
				doc.status,
				getdate(doc.due_date),
				getdate(doc.cutoff_date),
				doc.agent,
			),
			(self.h.customer, Decimal("150"), "Open", pay_by, cutoff, self.users["collections"]),
		)
		count = frappe.db.count("Payment Arrangement", {"customer": self.h.customer})
		with self.assertRaises(InvalidAmountError):
			api.new_arrangement(self.h.customer, "0", str(pay_by), str(cutoff))
		for who in ("support", "technician", "dispatcher"):
			self.as_(who)
			with self.assertRaises(frappe.PermissionError, msg=who):
				api.new_arrangement(self.h.customer, "150", str(pay_by), str(cutoff))
		self.assertEqual(frappe.db.count("Payment Arrangement", {"customer": self.h.customer}), count)

	def test_a_new_ticket_at_the_customer_s_location(self):
		self.as_("support")
		done = api.new_ticket(self.h.customer, "Internet lent", "Support", self.h.home, "Depuis hier")
		issue = frappe.get_doc("Issue", done["issue"])
		self.assertEqual(
			(issue.customer, issue.service_location, issue.issue_type, issue.status),
			(self.h.customer, self.h.home, "Support", "Open"),
		)
		count = frappe.db.count("Issue", {"customer": self.h.customer})
		with self.assertRaises(frappe.ValidationError) as caught:
			api.new_ticket(self.h.customer, "Ailleurs", "Support", self.other.home)
		self.assertEqual(caught.exception.field, "service_location")
		self.as_("technician")
		with self.assertRaises(frappe.PermissionError):
			api.new_ticket(self.h.customer, "Essai")
		self.assertEqual(frappe.db.count("Issue", {"customer": self.h.customer}), count)

	def test_send_a_technician_makes_one_dispatch_job_at_that_location(self):
		self.as_("support")
		ticket = self.h.tickets["open"]
		done = api.send_technician(
			self.h.customer,
			self.h.cottage,
			"Repair",
			str(add_days(getdate(), 2)),
			ticket,
			"Vérifier la fibre",
		)
		job = frappe.get_doc("Dispatch Job", done["dispatch_job"])
		self.assertEqual(
			(
				job.customer,
				job.service_location,
				job.status,
				job.job_type,
				job.issue,
				getdate(job.preferred_date_1),
			),
			(self.h.customer, self.h.cottage, "Scheduled", "Repair", ticket, add_days(getdate(), 2)),
		)
		count = frappe.db.count("Dispatch Job", {"customer": self.h.customer})
		with self.assertRaises(frappe.MandatoryError):
			api.send_technician(self.h.customer, None)
		with self.assertRaises(frappe.ValidationError):
			api.send_technician(self.h.customer, self.h.home, issue=self.other.tickets["open"])
		for who in ("collections", "technician", "sales"):
			self.as_(who)
			with self.assertRaises(frappe.PermissionError, msg=who):
				api.send_technician(self.h.customer, self.h.home)
		self.assertEqual(frappe.db.count("Dispatch Job", {"customer": self.h.customer}), count)

	def test_convert_a_quote_to_service_once(self):
		quote = frappe.get_doc(
			{
				"doctype": "Quotation",
				"quotation_to": "Customer",
				"party_name": self.h.customer,
				"company": frappe.db.get_single_value("Gigafibre Settings", "company"),
				"items": [
					{"item_code": "FTTH150I", "qty": 1, "rate": 99.95},
					{"item_code": "TVBSTANDARD", "qty": 1, "rate": 30},
					{
						"item_code": "ACTTELEP",
						"qty": 1,
						"rate": 69.95,
					},  # once: the installation's, not a service
				],
			}
		).insert(ignore_permissions=True)
		quote.submit()
		before = set(frappe.get_all("Service Subscription", {"customer": self.h.customer}, pluck="name"))
		for who in ("technician", "collections", "dispatcher"):
			self.as_(who)
			with self.assertRaises(frappe.PermissionError, msg=who):
				api.convert_quote(self.h.customer, quote.name, self.h.cottage)
		self.as_("sales")
		with self.assertRaises(frappe.ValidationError):
			api.convert_quote(self.h.customer, quote.name, self.other.home)  # someone else's location
		self.assertEqual(
			set(frappe.get_all("Service Subscription", {"customer": self.h.customer}, pluck="name")), before
		)
		done = api.convert_quote(self.h.customer, quote.name, self.h.cottage)
		made = frappe.get_all(
			"Service Subscription",
			{"name": ("in", done["subscriptions"])},
			["item", "rate", "status", "service_location", "billing_interval"],
			order_by="item",
		)
		self.assertEqual(
			[(m.item, Decimal(str(m.rate)), m.status, m.service_location, m.billing_interval) for m in made],
			[
				("FTTH150I", Decimal("99.95"), "Pending", self.h.cottage, "Monthly"),
				("TVBSTANDARD", Decimal("30"), "Pending", self.h.cottage, "Monthly"),
			],
		)
		self.assertEqual(
			set(frappe.get_all("Service Subscription", {"customer": self.h.customer}, pluck="name")) - before,
			set(done["subscriptions"]),
		)
		self.assertEqual(frappe.db.get_value("Quotation", quote.name, "converted_location"), self.h.cottage)
		with self.assertRaises(frappe.ValidationError):
			api.convert_quote(self.h.customer, quote.name, self.h.home)  # once
		with self.assertRaises(frappe.DoesNotExistError):
			api.convert_quote(self.h.customer, self.other.quote, self.h.home)
		self.assertEqual(
			len(frappe.get_all("Service Subscription", {"customer": self.h.customer})), len(before) + 2
		)
		shown = {q["name"]: q["converted_location"] for q in customer_360.gather(self.h.customer)["quotes"]}
		self.assertEqual(shown[quote.name], self.h.cottage)

	def test_resend_the_payment_link_of_the_customer_s_order(self):
		order = (
			frappe.get_doc(
				{
					"doctype": "Web Order",
					"idempotency_key": frappe.generate_hash(length=20),
					"customer": self.h.customer,
					"email": "client@example.com",
					"phone": "8195550142",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		frappe.db.set_value("Sales Invoice", self.h.invoices["current"], "web_order", order)
		self.as_("support")
		preview = api.preview(self.h.customer, "payment_link")
		self.assertEqual(
			(preview["order"], preview["sms"], preview["email"], preview["invoice"], preview["amount"]),
			(order, "+18195550142", "client@example.com", self.h.invoices["current"], 57.49),
		)
		done = api.resend_payment_link(self.h.customer)
		sent = frappe.get_all(
			"Order Notification",
			{"web_order": order, "kind": "Payment Link"},
			["channel", "recipient", "status"],
			order_by="channel",
		)
		self.assertEqual(
			[tuple(r.values()) for r in sent],
			[("Email", "client@example.com", "Queued"), ("SMS", "+18195550142", "Queued")],
		)
		self.assertEqual(len(done["notifications"]), 2)
		for who in ("technician", "sales", "dispatcher"):
			self.as_(who)
			with self.assertRaises(frappe.PermissionError, msg=who):
				api.resend_payment_link(self.h.customer)
		self.as_("support")
		with self.assertRaises(frappe.ValidationError):
			api.resend_payment_link(self.other.customer)  # no order: nothing to send
		self.assertEqual(frappe.db.count("Order Notification", {"web_order": order}), 2)


class TestOnALaptopScreen(FrappeTestCase):
	"""The panel in headless Chromium at 1366×768, in English and in French (the user's
	language): every section drawn, nothing wider than the screen, the texts translated, and
	"Suspend" listing the records it would change. Screenshots in ``GIGAFIBRE_SCREENSHOTS``
	(default /tmp/gigafibre-customer-360/<site>). The site is served by gunicorn, so the
	customer is committed, and deleted after."""

	@classmethod
	def setUpClass(cls):
		from gigafibre_fsm.tests.browser import check_browser
		from gigafibre_fsm.tests.live import RunningSite

		super().setUpClass()
		check_browser()
		frappe.set_user("Administrator")
		cls.language = frappe.db.get_value("User", "Administrator", "language")
		c = make_customer(legacy_customer_id=_legacy("A")).name
		cls.customer = c
		home = make_service_location(c, legacy_delivery_id=_legacy("D"))
		frappe.db.set_value("Service Location", home.name, "status", "Active", update_modified=False)
		cls.home = home.name
		make_service_location(c, civic_number="14")
		for rate in (79.95, 30):
			sub = make_subscription(
				home, ITEM, rate=rate, billing_interval="Monthly", start_date=add_days(getdate(), -300)
			)
			frappe.db.set_value("Service Subscription", sub.name, "status", "Active", update_modified=False)
		ont = make_equipment(home, serial_number=f"GPON{frappe.generate_hash(length=8).upper()}")
		frappe.db.set_value(
			"Service Equipment",
			ont.name,
			{"status": "Active", "last_inform": now_datetime(), "last_event": "online"},
		)
		frappe.get_doc(
			{
				"doctype": "Issue",
				"subject": "Pas de signal",
				"customer": c,
				"issue_type": "Réparation",
				"service_location": home.name,
			}
		).insert(ignore_permissions=True)
		imported(
			{
				"doctype": "Payment Arrangement",
				"customer": c,
				"amount": 150,
				"agreed_date": getdate(),
				"due_date": add_days(getdate(), 5),
				"cutoff_date": add_days(getdate(), 9),
				"status": "Open",
				"method": "Phone",
			}
		)
		imported(
			{
				"doctype": "Suspension Log",
				"customer": c,
				"from_date": add_days(getdate(), -700),
				"to_date": add_days(getdate(), -690),
				"reason": "Non-paiement",
			}
		)
		doc = frappe.get_doc("Service Location", home.name)
		for i in range(3):
			doc.append(
				"ip_history",
				{"ip_address": f"10.9.0.{i + 1}", "assigned_on": add_to_date(now_datetime(), days=-30 * i)},
			)
		doc.flags.ignore_permissions = True
		doc.save()
		frappe.db.commit()  # nosemgrep: the served site reads through its own connection
		cls.site = RunningSite(frappe.local.site, workers=1, threads=4).start()
		cls.shots = (
			os.environ.get("GIGAFIBRE_SCREENSHOTS") or f"/tmp/gigafibre-customer-360/{frappe.local.site}"
		)
		os.makedirs(cls.shots, exist_ok=True)

	@classmethod
	def tearDownClass(cls):
		cls.site.stop()
		frappe.db.rollback()
		frappe.db.set_value("User", "Administrator", "language", cls.language)
		c = cls.customer
		locations = frappe.get_all("Service Location", {"customer": c}, pluck="name")
		frappe.db.delete("IP History", {"parent": ("in", locations)})
		for doctype in (
			"Issue",
			"Payment Arrangement",
			"Suspension Log",
			"Service Equipment",
			"Service Subscription",
			"Service Location",
		):
			frappe.db.delete(doctype, {"customer": c})
		frappe.db.delete("Customer", c)
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def look(self, language: str, expect: list[str]) -> dict:
		from gigafibre_fsm.tests.browser import run_script

		frappe.db.set_value("User", "Administrator", "language", language)
		frappe.db.commit()  # nosemgrep: the served site reads it
		frappe.clear_cache(user="Administrator")
		return run_script(
			"customer_360.mjs",
			{
				"url": self.site.url,
				"user": "Administrator",
				"password": os.environ.get("GIGAFIBRE_ADMIN_PASSWORD", "admin"),
				"customer": self.customer,
				"screenshot": f"{self.shots}/customer-360-{language}.png",
				"expect": expect,
			},
			timeout=240,
		)

	def check(self, seen: dict) -> None:
		self.assertEqual(
			seen["sections"],
			[
				"locations",
				"subscriptions",
				"equipment",
				"voip_lines",
				"tickets",
				"dispatch_jobs",
				"quotes",
				"invoices",
				"payments",
				"arrangements",
				"suspensions",
				"ip_history",
				"address_history",
			],
		)
		self.assertFalse(seen["overflow"], "the panel is wider than a 1366 px screen")
		self.assertEqual(seen["missing"], [])
		self.assertIn("suspend", seen["actions"])
		self.assertEqual(
			len(seen["changes"]), 5, seen["changes"]
		)  # 2 services, the home, the flag, a new log

	def test_in_english(self):
		seen = self.look(
			"en", ["Locations", "Subscriptions", "Next cut-off", "Phone Lines", "Online", "Suspend"]
		)
		self.check(seen)

	def test_in_french(self):
		seen = self.look(
			"fr",
			[
				"Emplacements",
				"Abonnements",
				"Prochaine coupure",
				"Lignes téléphoniques",
				"En ligne",
				"Suspendre",
			],
		)
		self.check(seen)
