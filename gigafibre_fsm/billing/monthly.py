"""The monthly billing run: one submitted Sales Invoice per customer and month.

``bench --site SITE run-billing [--date YYYY-MM-DD] [--dry-run]`` and the scheduler's daily job
call :func:`run`. The period is the calendar month of the date (billed in advance on the 1st;
on another day the run bills only what a missed run left). For each customer with services:

1. in its own transaction, the claim ``<customer>/<YYYY-MM>`` is inserted first (Billing
   Claim, named by it): a second run, a run started again after dying half-way, or two runs at
   once find it taken and bill nothing more — no customer is ever billed twice for a period,
   and the guarantee is the database's primary key, not a unique field on Sales Invoice
   (which would break cancel and amend);
2. the lines are those of billing/periods.py (the month ahead at each subscription's stored
   rate — negotiated prices kept, discounts and 911 fees being subscriptions of their own —,
   what changed since the last invoice settled by day), taxed with the company's TPS/TVQ
   template and never rounded to the dollar; the invoice is ERPNext's, inserted and submitted
   (GL and payment ledger), and each subscription remembers what it is billed through;
3. the transaction commits; the invoice's email and its card charge (auto-pay) are queued to
   run after it.

A customer whose data cannot be billed is listed on the Billing Run with the reason, and the
others go on. A dry run computes everything and writes nothing but its Billing Run.
"""

import datetime
import os
import time
from collections import defaultdict
from decimal import Decimal

import frappe
from babel.dates import format_date
from erpnext.controllers.accounts_controller import get_taxes_and_charges
from frappe import _
from frappe.utils import getdate

from gigafibre_fsm.billing import periods
from gigafibre_fsm.exceptions import SetupIncompleteError
from gigafibre_fsm.orders.messages import LOCALES, language_of
from gigafibre_fsm.setup.site import require

BILLABLE_STATUSES = ("Active", "Suspended", "Cancelled")
JOB = "gigafibre_fsm.billing.monthly.scheduled_run"
LANE_CHUNK = 100  # customers a lane bills before it reports back


def today() -> datetime.date:
	return getdate(frappe.flags.current_date or None)


def period_of(day: datetime.date) -> str:
	return f"{day.year:04d}-{day.month:02d}"


def claim_key(customer: str, period: str) -> str:
	return f"{customer}/{period}"


def _subscriptions(
	first: datetime.date, customers: list[str] | None = None
) -> dict[str, list[tuple[str, periods.Subscription]]]:
	"""Every subscription that may bill something, per customer, with its location.

	A subscription imported from the legacy system that this app never billed was billed by
	the legacy system up to the cut-over: it starts with the month this run bills (nothing
	owed before it, nothing credited — its start date may even be unknown)."""
	filters = {"status": ("in", BILLABLE_STATUSES)}
	if customers:
		filters["customer"] = ("in", customers)
	before = first - periods.ONE_DAY
	rows = frappe.get_all(
		"Service Subscription",
		filters=filters,
		or_filters={"start_date": ("is", "set"), "legacy_service_id": ("is", "set")},
		fields=[
			"name",
			"customer",
			"service_location",
			"item",
			"item_name",
			"rate",
			"billing_interval",
			"start_date",
			"end_date",
			"billed_through",
			"status",
			"legacy_service_id",
		],
		order_by="customer, service_location, creation",
	)
	out: dict[str, list] = defaultdict(list)
	for row in rows:
		if row.status == "Cancelled" and not row.end_date:
			continue  # cancelled without a last day: nothing to settle
		if row.legacy_service_id and not row.billed_through:
			end = getdate(row.end_date) if row.end_date else None
			row.billed_through = min(before, end) if end else before
			row.start_date = row.start_date or before
		out[row.customer].append(
			(
				row.service_location,
				periods.Subscription(
					name=row.name,
					sku=row.item,
					description=row.item_name or row.item,
					rate=Decimal(str(row.rate or 0)),
					interval=row.billing_interval or periods.MONTHLY,
					start=getdate(row.start_date),
					end=getdate(row.end_date) if row.end_date else None,
					billed_through=getdate(row.billed_through) if row.billed_through else None,
				),
			)
		)
	return out


def run(
	day: datetime.date | None = None,
	dry_run: bool = False,
	progress=None,
	customers: list[str] | None = None,
	lanes: int | None = None,
) -> dict:
	"""Bill the period of ``day`` (default today); returns the run's summary.

	With ``lanes`` above 1 the customers are billed by that many processes at once, each in
	its own connection (the claim keeps any two from billing one customer); by default as many
	as the machine has cores, up to 4 (site config ``billing_lanes`` sets it)."""
	day = getdate(day or today())
	first = periods.first_of(day)
	period = period_of(first)
	settings = require("company", "sales_taxes_template")
	_require_fiscal_year(first, settings.company)
	started = time.monotonic()
	billing_run = frappe.get_doc(
		{
			"doctype": "Billing Run",
			"run_date": day,
			"period": period,
			"status": "Running",
			"dry_run": int(dry_run),
		}
	)
	if not dry_run:
		billing_run.insert(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the run is visible while it works
	names = sorted(set(customers)) if customers is not None else _customers_with_services()
	lanes = _lanes(lanes, len(names), dry_run)
	if lanes > 1:
		summary = _bill_in_lanes(first, names, billing_run.name, lanes, progress)
	else:
		summary = bill_customers(first, names, billing_run.name or "", dry_run, progress)
	if dry_run:
		frappe.db.rollback()  # a dry run keeps nothing but its record
	else:
		billing_run.reload()
	billing_run.update(
		{
			"status": "Completed",
			"customers": summary["customers"],
			"invoices": summary["invoices"],
			"already_billed": summary["already_billed"],
			"rejected": len(summary["rejected"]),
			"net_total": float(summary["net_total"]),
			"grand_total": float(summary["grand_total"]),
			"seconds": round(time.monotonic() - started, 1),
		}
	)
	for customer, reason in summary["rejected"]:
		billing_run.append("rejects", {"customer": customer, "reason": reason[:1000]})
	if dry_run:
		billing_run.insert(ignore_permissions=True)
	else:
		billing_run.save(ignore_permissions=True)
		# The bank debit file of what the run's invoices left to the bank, once they are all in.
		from gigafibre_fsm.billing import delivery

		delivery.debits_after_run(first)
	frappe.db.commit()  # nosemgrep: the run's record
	return {**summary, "run": billing_run.name, "period": period, "seconds": billing_run.seconds}


class NegativeMonthError(frappe.ValidationError):
	pass


def _require_fiscal_year(first: datetime.date, company: str) -> None:
	"""Every invoice of the run would be refused without a fiscal year for its date: stop
	before writing anything, saying what to do."""
	from erpnext.accounts.utils import FiscalYearError, get_fiscal_year

	try:
		get_fiscal_year(first, company=company)
	except FiscalYearError:
		frappe.clear_messages()
		frappe.throw(
			_(
				"No fiscal year of {0} covers {1}: create it (Accounting → Fiscal Year), then run the billing again"
			).format(company, first),
			SetupIncompleteError,
			title=_("Setup incomplete"),
		)


def _customers_with_services() -> list[str]:
	return frappe.get_all(
		"Service Subscription",
		filters={"status": ("in", BILLABLE_STATUSES)},
		pluck="customer",
		distinct=True,
		order_by="customer",
	)


def _lanes(asked: int | None, customers: int, dry_run: bool) -> int:
	if dry_run or frappe.flags.in_test:
		return 1  # a dry run is one transaction; tests inject failures in this process
	lanes = asked or frappe.conf.get("billing_lanes") or min(4, os.cpu_count() or 1)
	# Below a few hundred customers a process costs more than it saves.
	return max(1, min(int(lanes), customers // LANE_CHUNK))


def bill_customers(first, names, billing_run, dry_run=False, progress=None) -> dict:
	"""Bill these customers for the period of ``first``, each in its own transaction."""
	period = period_of(first)
	settings = require("company", "sales_taxes_template")
	taxes = get_taxes_and_charges("Sales Taxes and Charges Template", settings.sales_taxes_template)
	by_customer = _subscriptions(first, names)
	claimed = (
		set(
			frappe.get_all(
				"Billing Claim", filters={"period": period, "customer": ("in", names)}, pluck="customer"
			)
		)
		if names
		else set()
	)
	summary = new_summary()
	due = {
		customer: lines
		for customer in names
		if customer not in claimed
		and (
			lines := [
				(location, line)
				for location, sub in by_customer.get(customer) or []
				for line in periods.invoice_lines([sub], first)
			]
		)
	}
	invoice_names = iter(reserve_invoice_names(len(due)) if due and not dry_run else ())
	for index, customer in enumerate(names, 1):
		if customer in claimed:
			summary["customers"] += 1
			summary["already_billed"] += 1
			continue
		lines = due.get(customer)
		if not lines:
			continue
		summary["customers"] += 1
		try:
			invoice = bill_customer(
				customer,
				period,
				first,
				lines,
				settings,
				taxes,
				billing_run,
				dry_run,
				next(invoice_names, None),
			)
		except frappe.DuplicateEntryError:
			frappe.db.rollback()
			summary["already_billed"] += 1
			continue
		except Exception as error:
			frappe.db.rollback()
			summary["rejected"].append((customer, _reason(error)))
			continue
		if not dry_run:
			frappe.db.commit()  # nosemgrep: one customer's invoice, whole or not at all
			after_billing(invoice.name)
		summary["invoices"] += 1
		summary["net_total"] += Decimal(str(invoice.net_total))
		summary["grand_total"] += Decimal(str(invoice.grand_total))
		if progress:
			progress(index, len(names))
	return summary


def new_summary() -> dict:
	return {
		"customers": 0,
		"invoices": 0,
		"already_billed": 0,
		"rejected": [],
		"net_total": Decimal(0),
		"grand_total": Decimal(0),
	}


def _bill_in_lanes(first, names, billing_run, lanes, progress) -> dict:
	"""Chunks of customers billed by ``lanes`` processes, each connected to this site."""
	import multiprocessing

	chunks = [names[i : i + LANE_CHUNK] for i in range(0, len(names), LANE_CHUNK)]
	summary = new_summary()
	done = 0
	context = multiprocessing.get_context("spawn")
	with context.Pool(
		lanes,
		initializer=_lane_start,
		initargs=(frappe.local.site, frappe.local.sites_path, frappe.session.user),
	) as pool:
		for part in pool.imap_unordered(
			_lane_bill, [(first.isoformat(), chunk, billing_run) for chunk in chunks]
		):
			for key in ("customers", "invoices", "already_billed"):
				summary[key] += part[key]
			summary["rejected"] += part["rejected"]
			summary["net_total"] += Decimal(part["net_total"])
			summary["grand_total"] += Decimal(part["grand_total"])
			done += part["count"]
			if progress:
				progress(done, len(names))
	return summary


def _lane_start(site: str, sites_path: str, user: str) -> None:
	frappe.init(site=site, sites_path=sites_path)
	frappe.connect()
	frappe.set_user(user)


def _lane_bill(job: tuple[str, list[str], str]) -> dict:
	first, names, billing_run = job
	part = bill_customers(getdate(first), names, billing_run)
	return {
		**part,
		"count": len(names),
		"net_total": str(part["net_total"]),
		"grand_total": str(part["grand_total"]),
	}


def _reason(error: Exception) -> str:
	message = frappe.utils.strip_html(str(error)) or type(error).__name__
	frappe.clear_messages()
	return f"{type(error).__name__}: {message}"


def reserve_invoice_names(count: int) -> list[str]:
	"""The next ``count`` names of the Sales Invoice naming series, taken in a transaction of
	their own: ERPNext's naming locks the series row until the invoice's transaction commits, so
	lanes naming their invoices one by one would bill one at a time. A name reserved for a
	customer that is then not billed stays unused."""
	from frappe.model.naming import get_default_naming_series, parse_naming_series

	series = get_default_naming_series("Sales Invoice") or "ACC-SINV-.YYYY.-"
	found = {}

	def capture(prefix: str, digits: int) -> str:
		found.update(prefix=prefix, digits=digits)
		return ""

	parse_naming_series(series + ".#####", doc=frappe.new_doc("Sales Invoice"), number_generator=capture)
	prefix, digits = found["prefix"], found["digits"]
	frappe.db.commit()  # nosemgrep: the reservation is its own short transaction
	current = frappe.db.sql("select `current` from `tabSeries` where `name` = %s for update", prefix)
	if current:
		start = int(current[0][0] or 0)
		frappe.db.sql("update `tabSeries` set `current` = %s where `name` = %s", (start + count, prefix))
	else:
		start = 0
		frappe.db.sql("insert into `tabSeries` (`name`, `current`) values (%s, %s)", (prefix, count))
	frappe.db.commit()  # nosemgrep: released at once for the other lanes
	return [f"{prefix}{number:0{digits}d}" for number in range(start + 1, start + count + 1)]


def bill_customer(customer, period, first, lines, settings, taxes, billing_run, dry_run, name=None):
	"""The customer's invoice for the period, in the caller's transaction (claim first)."""
	net = periods.total([line for _location, line in lines])
	if net < 0:
		# Only credits this month (a discount outliving its services, a cancellation's refund):
		# an invoice cannot be negative; a person settles it with a credit note.
		frappe.throw(
			_("The month's lines come to {0}, a credit: settle it with a credit note").format(net),
			NegativeMonthError,
		)
	frappe.get_doc(
		{
			"doctype": "Billing Claim",
			"claim_key": claim_key(customer, period),
			"customer": customer,
			"period": period,
			"billing_run": billing_run or None,
		}
	).insert(ignore_permissions=True)
	locations = list(dict.fromkeys(location for location, _line in lines))
	lang = language_of(frappe.db.get_value("Customer", customer, "language"))
	invoice = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": settings.company,
			"posting_date": first,
			"set_posting_time": 1,
			"due_date": first + datetime.timedelta(days=15),
			"service_location": locations[0] if len(locations) == 1 else None,
			"ignore_pricing_rule": 1,
			"disable_rounded_total": 1,
			"taxes_and_charges": settings.sales_taxes_template,
			"taxes": [dict(row) for row in taxes],
			"items": [
				{
					"item_code": line.sku,
					"item_name": line.description[:140],
					"description": line_text(line, lang),
					"qty": 1,
					"rate": float(line.amount),
					"price_list_rate": float(line.amount),
					"service_subscription": line.subscription,
					"service_start_date": line.start,
					"service_end_date": line.end,
				}
				for _location, line in lines
			],
		}
	)
	invoice.flags.ignore_permissions = True
	if dry_run:
		invoice.set_missing_values()
		invoice.calculate_taxes_and_totals()
		return invoice
	# Submitted as it is inserted: ERPNext's validate, before_submit and on_submit (GL and
	# payment ledger) run once, not a validate for the draft and another for the submit.
	invoice.docstatus = 1
	invoice.insert(ignore_permissions=True, set_name=name)
	for _location, line in lines:
		frappe.db.set_value(
			"Service Subscription",
			line.subscription,
			"billed_through",
			line.billed_through,
			update_modified=False,
		)
	frappe.db.set_value(
		"Billing Claim", claim_key(customer, period), "sales_invoice", invoice.name, update_modified=False
	)
	return invoice


def line_text(line: periods.Line, lang: str) -> str:
	"""An invoice line as the customer reads it: the service and, unless it is the month
	billed, the days it is for (dates written in the customer's language)."""
	start, end = (format_date(day, format="medium", locale=LOCALES[lang]) for day in (line.start, line.end))
	if line.kind == "credit":
		return _("{0}: credit for {1} to {2}", lang=lang).format(line.description, start, end)
	if line.kind == "started" or line.start.day != 1 or line.end != periods.last_of(line.start):
		return _("{0}: {1} to {2}", lang=lang).format(line.description, start, end)
	return line.description


def after_billing(invoice: str) -> None:
	"""What follows an invoice once committed: its email, and its charge when on auto-pay."""
	from gigafibre_fsm.billing import delivery

	delivery.email_after_commit(invoice)
	delivery.collect_after_commit(invoice)


def scheduled_run() -> None:
	"""The scheduler's daily job: bills what the day's period still owes (a missed run's work)."""
	run(today())
