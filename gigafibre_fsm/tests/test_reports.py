"""The office's reports and the workspace's number cards on a real site: each report, run
through the desk's own entry point (frappe.desk.query_report.run) on records the test built,
returns exactly those rows with figures counted by hand; each is refused to the roles that may
not see it (a Field Technician sees no money); each card's figure moves by exactly what the
test added.
"""

import datetime
from decimal import Decimal

import frappe
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_first_day_of_week, getdate, nowdate

from gigafibre_fsm.gigafibre import dashboard
from gigafibre_fsm.roles import (
	COLLECTIONS,
	DISPATCHER,
	REPORTS,
	STANDARD_REPORTS,
	SUPPORT,
	TECHNICIAN,
	rights,
)
from gigafibre_fsm.setup import report_access
from gigafibre_fsm.tests.utils import (
	ERPNEXT_DOCTYPES,
	TEST_COMPANY,
	make_customer,
	make_dispatch_job,
	make_fibre_drop,
	make_olt,
	make_service_location,
	make_user,
)

test_ignore = ERPNEXT_DOCTYPES

DEC_10 = datetime.date(2026, 12, 10)
NUMBERS = ("drops", "in_service", "reserved", "free", "box_not_installed", "used_pct")


def run_as(user: str, report: str, filters: dict | None = None) -> dict:
	frappe.set_user(user)
	try:
		return run(report, filters=filters or {}, ignore_prepared_report=True)
	finally:
		frappe.set_user("Administrator")


def summary(result: dict) -> dict:
	return {item["label"]: item["value"] for item in result["report_summary"]}


def role_user(role: str) -> str:
	return make_user(f"reports-{role.lower().replace(' ', '-')}@gigafibre.test", role)


class ReportTestCase(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.flags = frappe.flags.current_date

	def tearDown(self):
		frappe.flags.current_date = self.flags
		frappe.set_user("Administrator")
		frappe.db.rollback()


class TestOltCapacity(ReportTestCase):
	def build(self):
		"""Ports 1, 2 and 10 of a new OLT and a drop whose port nobody knows."""
		olt = make_olt().name
		port_1 = [
			make_fibre_drop(olt, port=1),
			make_fibre_drop(olt, port=1, installed_serial="RESERVED-LOC-00001"),
			make_fibre_drop(olt, port=1, installed_serial="gpon0001a2b3"),
			make_fibre_drop(olt, port=1, box_not_installed=1),
		]
		make_fibre_drop(olt, port=2, installed_serial="GPON0002C4D5")
		make_fibre_drop(olt, port=10)
		make_fibre_drop(olt, port=10)
		make_fibre_drop(olt, port=None, ont_slot=None, installed_serial="RESERVED-LOC-00002")
		self.assertEqual([d.status for d in port_1], ["Available", "Reserved", "Occupied", "Not Installed"])
		return olt

	def test_counts_each_port_and_the_olt(self):
		olt = self.build()
		result = run_as("Administrator", "OLT Capacity", {"olt": olt})
		rows = [(r["indent"], r["olt"], r["port"], *(r[k] for k in NUMBERS)) for r in result["result"]]
		self.assertEqual(
			rows,
			[
				# drops, in service, reserved, free, box not installed, % used
				(0, olt, None, 8, 2, 2, 4, 1, 50.0),
				(1, olt, "0/1/1", 4, 1, 1, 2, 1, 50.0),
				(1, olt, "0/1/2", 1, 1, 0, 0, 0, 100.0),
				(1, olt, "0/1/10", 2, 0, 0, 2, 0, 0.0),
				(1, olt, "Unknown port", 1, 0, 1, 0, 0, 100.0),
			],
		)
		self.assertEqual(
			summary(result), {"Drops": 8, "In Service": 2, "Reserved": 2, "Free": 4, "% Used": 50.0}
		)
		chart = result["chart"]["data"]
		self.assertEqual(chart["labels"], ["0/1/1", "0/1/2", "0/1/10", "Unknown port"])
		self.assertEqual([d["values"] for d in chart["datasets"]], [[1, 1, 0, 0], [1, 0, 0, 1], [2, 0, 2, 0]])

	def test_an_olt_without_drops_has_no_rows(self):
		olt = make_olt().name
		result = run_as("Administrator", "OLT Capacity", {"olt": olt})
		self.assertEqual(result["result"], [])
		self.assertIsNone(result["chart"])

	def test_the_free_ports_card_counts_the_drops_an_order_may_take(self):
		before = dashboard.free_ports()["value"]
		self.build()
		self.assertEqual(dashboard.free_ports()["value"], before + 4)
		# The drop the order reserved is no longer free, as for the checkout.
		olt = make_olt().name
		drop = make_fibre_drop(olt, port=1)
		self.assertEqual(dashboard.free_ports()["value"], before + 5)
		drop.installed_serial = "RESERVED-LOC-00003"
		drop.save()
		self.assertEqual(dashboard.free_ports()["value"], before + 4)


class TestPaymentArrangements(ReportTestCase):
	def arrangement(self, customer, amount, due, status="Open", outcome=None):
		doc = frappe.get_doc(
			{
				"doctype": "Payment Arrangement",
				"customer": customer,
				"amount": Decimal(amount),
				"agreed_date": add_days(due, -10),
				"due_date": due,
				"cutoff_date": add_days(due, 5),
				"method": "Phone",
			}
		).insert()
		if status != "Open":
			# Where collections' daily run (or the legacy system) left it.
			frappe.db.set_value(
				"Payment Arrangement",
				doc.name,
				{"status": status, "outcome_date": outcome},
				update_modified=False,
			)
		return doc.name

	def build(self):
		customer = make_customer().name
		names = {
			"open": self.arrangement(customer, "150.00", "2026-12-15"),
			"pending": self.arrangement(customer, "40.25", "2026-12-20", "Pending"),
			"missed": self.arrangement(customer, "99.99", "2026-11-20", "Missed", "2026-11-26"),
			"kept": self.arrangement(customer, "60.10", "2026-12-01", "Kept", "2026-12-02"),
			"kept_before": self.arrangement(customer, "75.00", "2026-11-01", "Kept", "2026-11-30"),
			"completed": self.arrangement(customer, "20.00", "2026-10-01", "Completed"),
		}
		# Another customer's arrangement, which no filter of this test lets through.
		self.arrangement(make_customer().name, "500.00", "2026-12-15")
		return customer, names

	def test_lists_the_customers_arrangements_with_the_figures_collections_watch(self):
		frappe.flags.current_date = DEC_10
		customer, n = self.build()
		result = run_as("Administrator", "Payment Arrangements", {"customer": customer})
		*rows, total = result["result"]
		self.assertEqual(
			[(r["arrangement"], r["status"], r["amount"]) for r in rows],
			[
				(n["pending"], "Pending", Decimal("40.25")),
				(n["open"], "Open", Decimal("150.00")),
				(n["kept"], "Kept", Decimal("60.10")),
				(n["missed"], "Missed", Decimal("99.99")),
				(n["kept_before"], "Kept", Decimal("75.00")),
				(n["completed"], "Completed", Decimal("20.00")),
			],
		)
		# The total row sums what is listed: 40.25 + 150 + 60.10 + 99.99 + 75 + 20.
		self.assertEqual(Decimal(str(total[4])).quantize(Decimal("0.01")), Decimal("445.34"))
		self.assertEqual(
			summary(result),
			{
				"In Force": 2,
				"In Force: Amount": Decimal("190.25"),
				"Missed": 1,
				"Missed: Amount": Decimal("99.99"),
				# Kept on 2 December; the one kept on 30 November was last month.
				"Kept This Month": 1,
				"Kept This Month: Amount": Decimal("60.10"),
			},
		)

	def test_filters_by_status_and_pay_by_dates(self):
		frappe.flags.current_date = DEC_10
		customer, n = self.build()
		kept = run_as("Administrator", "Payment Arrangements", {"customer": customer, "status": "Kept"})
		self.assertEqual([r["arrangement"] for r in kept["result"][:-1]], [n["kept"], n["kept_before"]])
		december = run_as(
			"Administrator",
			"Payment Arrangements",
			{"customer": customer, "from_date": "2026-12-01", "to_date": "2026-12-31"},
		)
		self.assertEqual(
			[r["arrangement"] for r in december["result"][:-1]], [n["pending"], n["open"], n["kept"]]
		)
		self.assertEqual(summary(december)["In Force: Amount"], Decimal("190.25"))
		self.assertEqual(summary(december)["Missed"], 0)


class TestSuspensions(ReportTestCase):
	def suspension(self, customer, from_date=None, to_date=None, suspension_type=None):
		doc = frappe.get_doc(
			{
				"doctype": "Suspension Log",
				"customer": customer,
				"from_date": from_date,
				"to_date": to_date,
				"reason": "Test",
			}
		).insert()
		if suspension_type:
			# Set by collections when it suspends (the field is read-only in the form).
			frappe.db.set_value("Suspension Log", doc.name, "suspension_type", suspension_type)
		return doc.name

	def build(self):
		b, c = make_customer().name, make_customer().name
		names = {
			"b_current": self.suspension(b, "2026-11-30", None, "Missed Arrangement"),
			"b_lifted": self.suspension(b, "2026-10-01", "2026-10-11", "Manual"),
			"c_until": self.suspension(c, "2026-12-05", "2026-12-20", "Overdue Invoices"),
			"c_legacy": self.suspension(c),
		}
		return b, c, names

	def rows(self, filters):
		result = run_as("Administrator", "Suspensions", filters)
		return result, [
			(r.get("suspension"), r["reason"], r.get("days_suspended"), r.get("current"))
			for r in result["result"]
		]

	def test_lists_suspensions_with_their_days(self):
		frappe.flags.current_date = DEC_10
		b, c, n = self.build()
		result, rows = self.rows({"customer": b})
		self.assertEqual(
			rows,
			[
				(n["b_current"], "Missed Arrangement", 10, 1),  # 30 Nov → 10 Dec
				(n["b_lifted"], "Manual", 10, 0),  # 1 → 11 Oct
			],
		)
		self.assertEqual(
			summary(result),
			{"Suspensions": 2, "Current": 1, "Customers Suspended": 1, "Average Days Suspended": 10},
		)
		_result, rows = self.rows({"customer": c})
		self.assertEqual(
			rows,
			[
				(n["c_until"], "Overdue Invoices", 5, 1),  # lifted on the 20th, 5 days so far
				(n["c_legacy"], "Legacy", None, 0),  # the legacy system recorded no dates
			],
		)

	def test_current_only_by_reason_and_grouped(self):
		frappe.flags.current_date = DEC_10
		b, c, n = self.build()
		_result, rows = self.rows({"customer": c, "current_only": 1})
		self.assertEqual(rows, [(n["c_until"], "Overdue Invoices", 5, 1)])
		_result, rows = self.rows({"customer": c, "reason": "Legacy"})
		self.assertEqual(rows, [(n["c_legacy"], "Legacy", None, 0)])
		# After the 20th, C's suspension is lifted: no longer current, 15 days in all.
		frappe.flags.current_date = datetime.date(2026, 12, 21)
		_result, rows = self.rows({"customer": c, "current_only": 1})
		self.assertEqual(rows, [])
		_result, rows = self.rows({"customer": c})
		self.assertEqual(rows[0], (n["c_until"], "Overdue Invoices", 15, 0))
		frappe.flags.current_date = DEC_10
		grouped = run_as("Administrator", "Suspensions", {"customer": b, "group_by_reason": 1})
		self.assertEqual(
			[
				(
					g["reason"],
					g["suspensions"],
					g["current"],
					g["customers"],
					g["average_days"],
					g["longest_days"],
				)
				for g in grouped["result"]
			],
			[("Missed Arrangement", 1, 1, 1, 10.0, 10), ("Manual", 1, 0, 1, 10.0, 10)],
		)
		self.assertEqual(grouped["chart"]["data"]["datasets"][0]["values"], [1, 0])


class TestOrdersAndInstallations(ReportTestCase):
	"""In 2031, where no other test's records are: Wednesdays and Thursdays, which fall in the
	same week whether the site's weeks start on Sunday or on Monday."""

	def order(self, location, created: str):
		key = frappe.generate_hash(length=16)
		frappe.get_doc(
			{
				"doctype": "Web Order",
				"idempotency_key": key,
				"source": "Website",
				"customer": location.customer,
				"service_location": location.name,
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value("Web Order", key, "creation", f"{created} 10:30:00", update_modified=False)
		return key

	def job(self, location, day: str, status="Scheduled", job_type="Installation"):
		job = make_dispatch_job(location, scheduled_date=day, job_type=job_type)
		if status != "Scheduled":
			frappe.db.set_value("Dispatch Job", job.name, "status", status, update_modified=False)
		return job.name

	def test_counts_each_week(self):
		waiting_1, installed, waiting_3 = (make_service_location() for _ in range(3))
		frappe.db.set_value("Service Location", installed.name, "status", "Active")
		self.order(waiting_1, "2031-03-05")
		self.order(installed, "2031-03-05")
		self.order(waiting_3, "2031-03-12")
		self.job(installed, "2031-03-06", "Completed")
		self.job(waiting_3, "2031-03-13")
		self.job(waiting_1, "2031-03-13", "Cancelled")  # not counted
		self.job(waiting_3, "2031-03-13", job_type="Repair")  # not an installation
		self.job(waiting_1, "2031-03-19", "In Progress")

		result = run_as(
			"Administrator", "Orders and Installations", {"from_date": "2031-03-05", "to_date": "2031-03-26"}
		)
		rows = result["result"]
		wednesdays = [datetime.date(2031, 3, d) for d in (5, 12, 19, 26)]
		self.assertEqual([getdate(r["week"]) for r in rows], [get_first_day_of_week(w) for w in wednesdays])
		for row, wednesday in zip(rows, wednesdays, strict=True):
			self.assertTrue(getdate(row["week"]) <= wednesday <= add_days(row["week"], 6))
		self.assertEqual(
			[(r["ordered"], r["scheduled"], r["installed"], r["still_waiting"]) for r in rows],
			[(2, 1, 1, 1), (1, 1, 0, 1), (0, 1, 0, 0), (0, 0, 0, 0)],
		)
		figures = summary(result)
		self.assertEqual((figures["Ordered"], figures["Scheduled"], figures["Installed"]), (3, 3, 1))
		self.assertEqual(
			figures["Waiting Today"], frappe.db.count("Service Location", {"status": "Pending Install"})
		)
		self.assertEqual(result["chart"]["data"]["datasets"][0]["values"], [2, 1, 0, 0])

	def test_refuses_a_range_backwards_or_too_wide(self):
		with self.assertRaises(frappe.ValidationError):
			run_as(
				"Administrator",
				"Orders and Installations",
				{"from_date": "2031-03-05", "to_date": "2031-03-01"},
			)
		with self.assertRaises(frappe.ValidationError):
			run_as(
				"Administrator",
				"Orders and Installations",
				{"from_date": "2020-01-01", "to_date": "2031-03-01"},
			)


class TestWhoRunsWhich(ReportTestCase):
	MONEY = ("Payment Arrangements", "Suspensions")
	OPERATIONS = ("OLT Capacity", "Orders and Installations")

	def test_each_report_runs_as_its_roles_and_is_refused_to_the_others(self):
		allowed = {
			TECHNICIAN: (),
			DISPATCHER: self.OPERATIONS,
			COLLECTIONS: self.MONEY,
			SUPPORT: self.MONEY + self.OPERATIONS,
		}
		for role, reports in allowed.items():
			user = role_user(role)
			for report in self.MONEY + self.OPERATIONS:
				if report in reports:
					self.assertIn("result", run_as(user, report), f"{role} runs {report}")
				else:
					with self.assertRaises(frappe.PermissionError, msg=f"{role} ran {report}"):
						run_as(user, report)

	def test_reports_carry_the_matrix_roles(self):
		for report, roles in REPORTS.items():
			doc = frappe.get_doc("Report", report)
			self.assertEqual({r.role for r in doc.roles}, set(roles), report)
			for role in roles:
				if role != "System Manager":
					self.assertIn("report", rights(doc.ref_doctype, role), f"{role} on {doc.ref_doctype}")

	def test_collections_and_support_open_erpnexts_accounts_receivable(self):
		company = frappe.db.get_single_value("Gigafibre Settings", "company") or TEST_COMPANY
		filters = {"company": company, "report_date": nowdate(), "ageing_based_on": "Due Date"}
		for role in (COLLECTIONS, SUPPORT):
			for report in STANDARD_REPORTS:
				self.assertIn("result", run_as(role_user(role), report, filters), f"{role} runs {report}")
		for role in (DISPATCHER, TECHNICIAN):
			with self.assertRaises(frappe.PermissionError, msg=f"{role} ran Accounts Receivable"):
				run_as(role_user(role), "Accounts Receivable", filters)

	def test_report_access_is_given_once_and_taken_back(self):
		collections = role_user(COLLECTIONS)

		def permitted() -> bool:
			frappe.set_user(collections)
			try:
				return bool(frappe.get_doc("Report", "Accounts Receivable").is_permitted())
			finally:
				frappe.set_user("Administrator")

		report_access.revoke_standard_report_access()
		self.assertFalse(frappe.db.exists("Custom Role", {"report": "Accounts Receivable"}))
		self.assertFalse(permitted())
		report_access.grant_standard_report_access()
		name = frappe.db.get_value("Custom Role", {"report": "Accounts Receivable"})
		roles = set(frappe.get_all("Has Role", {"parent": name, "parenttype": "Custom Role"}, pluck="role"))
		# ERPNext's own roles stay: a Custom Role replaces the report's roles.
		self.assertEqual(roles, {"Accounts Manager", "Accounts User", COLLECTIONS, SUPPORT})
		self.assertTrue(permitted())
		modified = frappe.db.get_value("Custom Role", name, "modified")
		report_access.grant_standard_report_access()
		self.assertEqual(frappe.db.get_value("Custom Role", name, "modified"), modified)

	def test_a_technician_and_a_dispatcher_see_no_money_on_the_cards(self):
		for role in (TECHNICIAN, DISPATCHER):
			frappe.set_user(role_user(role))
			with self.assertRaises(frappe.PermissionError):
				dashboard.overdue_amount()
			frappe.set_user("Administrator")
		frappe.set_user(role_user(TECHNICIAN))
		for card in (dashboard.active_customers, dashboard.free_ports):
			with self.assertRaises(frappe.PermissionError):
				card()


class TestNumberCards(ReportTestCase):
	def card(self, name: str) -> float:
		doc = frappe.get_doc("Number Card", name)
		return get_result(doc.as_dict(), doc.filters_json)

	def test_active_and_suspended_customers(self):
		active, suspended = dashboard.active_customers()["value"], self.card("Suspended Customers")
		# Two locations in service: one customer. A location waiting for its installation: none.
		customer = make_customer().name
		for _ in range(2):
			location = make_service_location(customer)
			frappe.db.set_value("Service Location", location.name, "status", "Active")
		make_service_location()
		make_customer(is_suspended=1)
		self.assertEqual(dashboard.active_customers()["value"], active + 1)
		self.assertEqual(self.card("Suspended Customers"), suspended + 1)

	def test_installations_this_week(self):
		before = self.card("Installations This Week")
		location = make_service_location()
		today = nowdate()
		make_dispatch_job(location, scheduled_date=today)
		make_dispatch_job(location, scheduled_date=today, job_type="Repair")
		cancelled = make_dispatch_job(location, scheduled_date=today)
		frappe.db.set_value("Dispatch Job", cancelled.name, "status", "Cancelled")
		make_dispatch_job(location, scheduled_date=add_days(today, 7))  # next week
		self.assertEqual(self.card("Installations This Week"), before + 1)

	def test_overdue_amount_is_erpnexts_outstanding_past_due(self):
		today = getdate(nowdate())
		tomorrow, in_a_month = add_days(today, 1), add_days(today, 31)

		def overdue(day):
			frappe.flags.current_date = day
			return dashboard.overdue_amount()["value"]

		before = {day: overdue(day) for day in (tomorrow, in_a_month)}
		customer = make_customer().name
		self.invoice(customer, "123.45", due=today)  # overdue from tomorrow
		self.invoice(customer, "80.00", due=add_days(today, 30))  # overdue in a month
		self.assertEqual(overdue(tomorrow) - before[tomorrow], Decimal("123.45"))
		self.assertEqual(overdue(in_a_month) - before[in_a_month], Decimal("203.45"))

	def invoice(self, customer: str, rate: str, due) -> str:
		company = frappe.db.get_single_value("Gigafibre Settings", "company") or TEST_COMPANY
		doc = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"customer": customer,
				"company": company,
				"posting_date": nowdate(),
				"due_date": due,
				"disable_rounded_total": 1,
				"items": [{"item_code": "FTTH150I", "qty": 1, "rate": Decimal(rate)}],
			}
		)
		doc.set_missing_values()
		doc.insert(ignore_permissions=True)
		doc.submit()
		self.assertEqual(Decimal(str(doc.outstanding_amount)), Decimal(rate))
		return doc.name
