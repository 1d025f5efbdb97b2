"""Benchmark of the monthly billing run over the imported sizes, beside ERPNext's own
Subscription → Sales Invoice processing measured in the same run on the same machine.

1. The data: the legacy databases generated at ``--scale`` (1.0: about 7,000 customers,
   12,000 locations, 25,000 services) and imported into the site, unless the site already
   holds an import (then it is reused, and nothing is generated).
2. Ours: ``billing.monthly.run`` for the month after the import (the period is ``--date``,
   default the 1st of next month): every customer with services gets one submitted Sales
   Invoice, taxed with the company's TPS/TVQ template and posted to the ledger. Printed: the
   invoices, the seconds, invoices per second, and the checks that every invoice is submitted
   with its GL entries.
3. ERPNext's: ``--erpnext`` customers (default 200), each with an ERPNext Subscription of as
   many plans as our invoices have lines on average, the same tax template and
   ``submit_invoice`` on, processed by ERPNext's own scheduler entry point
   (``subscription.process_all``) for the same date. Printed likewise.
4. The comparison: our rate ÷ ERPNext's (target ≥ 2×) and the whole month's time at our rate
   (target ≤ 15 minutes).

Run it from the bench, as the bench user, on a site of its own whose setup wizard is finished
(it writes thousands of submitted invoices and keeps them: drop the site afterwards), while the
machine is quiet (``uptime``: load average below about 1)::

    cd /opt/gigafibre/frappe-bench/sites
    ../env/bin/python ../apps/gigafibre_fsm/bench/billing.py --site SITE [--scale 1.0] \\
        [--erpnext 200] [--date YYYY-MM-01] [--lanes 2]

The figures are printed, not asserted: they depend on the machine.
"""

import argparse
import datetime
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--scale", type=float, default=1.0)
	parser.add_argument("--seed", type=int, default=1)
	parser.add_argument("--erpnext", type=int, default=200, help="ERPNext Subscriptions to process")
	parser.add_argument("--date", help="the period billed (a 1st); default the 1st of next month")
	parser.add_argument("--lanes", type=int, default=0, help="processes billing at once (0: the run's own)")
	parser.add_argument("--prepare-only", action="store_true", help="import the data, bill nothing")
	parser.add_argument("--admin-user", default="gigafibre_dba")
	parser.add_argument("--admin-password", default="gigafibre-dba")
	args = parser.parse_args(argv)

	import frappe
	from frappe.utils import getdate

	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	print(f"load average before: {os.getloadavg()[0]:.2f} (run on a quiet machine)")

	from gigafibre_fsm.billing import monthly, periods

	first = getdate(args.date) if args.date else periods.add_months(periods.first_of(monthly.today()), 1)
	if not frappe.db.count("Legacy Record"):
		import_legacy(args)
	ensure_fiscal_year(first)
	if args.prepare_only:
		frappe.destroy()
		return 0
	subs = frappe.db.count("Service Subscription")
	print(
		f"site {args.site}: {frappe.db.count('Customer'):,} customers, "
		f"{frappe.db.count('Service Location'):,} locations, {subs:,} subscriptions; period {first}"
	)

	# Ours.
	before = frappe.db.count("Sales Invoice", {"docstatus": 1})
	started = time.monotonic()
	summary = monthly.run(first, lanes=args.lanes or None, progress=bar("ours"))
	ours_seconds = time.monotonic() - started
	made = summary["invoices"]
	frappe.db.rollback()
	submitted = frappe.db.count("Sales Invoice", {"docstatus": 1}) - before
	names = frappe.get_all("Billing Claim", {"period": monthly.period_of(first)}, pluck="sales_invoice")
	posted = frappe.db.sql(
		"select count(distinct voucher_no) from `tabGL Entry` where voucher_type='Sales Invoice' "
		"and is_cancelled=0 and voucher_no in (select sales_invoice from `tabBilling Claim` where period=%s)",
		monthly.period_of(first),
	)[0][0]
	lines = frappe.db.sql(
		"select count(*) from `tabSales Invoice Item` where parent in "
		"(select sales_invoice from `tabBilling Claim` where period=%s)",
		monthly.period_of(first),
	)[0][0]
	print(
		f"\nours: {made:,} invoices ({lines:,} lines, {len(summary['rejected'])} customers rejected) "
		f"in {ours_seconds:.1f} s = {made / ours_seconds:.2f} invoices/s; "
		f"{submitted:,} submitted, {posted:,} with GL entries, {len([n for n in names if n]):,} claims"
	)
	for customer, reason in summary["rejected"][:5]:
		print(f"  rejected {customer}: {reason[:160]}")

	# ERPNext's Subscription processing, same site, same date, same taxes.
	per_invoice = max(1, round(lines / made)) if made else 3
	erp_count, erp_seconds = erpnext_subscriptions(first, args.erpnext, per_invoice)
	erp_rate = erp_count / erp_seconds if erp_seconds else 0
	print(
		f"ERPNext Subscription: {erp_count:,} invoices ({per_invoice} plans each) in {erp_seconds:.1f} s "
		f"= {erp_rate:.2f} invoices/s"
	)
	ours_rate = made / ours_seconds if ours_seconds else 0
	print(f"\n{'':<24}{'invoices/s':>12}")
	print(f"{'ours':<24}{ours_rate:>12.2f}")
	print(f"{'ERPNext Subscription':<24}{erp_rate:>12.2f}")
	if erp_rate:
		print(f"ratio: {ours_rate / erp_rate:.2f}x (target >= 2x)")
	print(f"the whole month ({made:,} invoices): {ours_seconds / 60:.1f} min (target <= 15 min)")
	print(f"load average after: {os.getloadavg()[0]:.2f}")
	frappe.destroy()
	return 0


def ensure_fiscal_year(first: datetime.date) -> None:
	"""The benchmark's period needs a fiscal year (a real site makes next year's in December)."""
	import frappe
	from erpnext.accounts.utils import FiscalYearError, get_fiscal_year

	from gigafibre_fsm.setup.site import require

	company = require("company").company
	try:
		get_fiscal_year(first, company=company)
	except FiscalYearError:
		frappe.clear_messages()
		year = frappe.get_doc(
			{
				"doctype": "Fiscal Year",
				"year": f"{first.year} bench",
				"year_start_date": datetime.date(first.year, 1, 1),
				"year_end_date": datetime.date(first.year, 12, 31),
				"companies": [{"company": company}],
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		print(f"made the fiscal year {year.name} for {company}")


def bar(label: str):
	last = [0.0]

	def progress(done: int, total: int) -> None:
		now = time.monotonic()
		if now - last[0] > 5 or done == total:
			last[0] = now
			print(f"  {label}: {done:,}/{total:,}", flush=True)

	return progress


def import_legacy(args) -> None:
	"""Generate the legacy databases at the scale asked and import them (tests/generators)."""
	import pymysql

	from gigafibre_fsm.legacy.run import Importer
	from gigafibre_fsm.legacy.source import LegacyConfig, LegacySource
	from gigafibre_fsm.tests.generators import legacy as generator

	admin = {"host": "127.0.0.1", "port": 3306, "user": args.admin_user, "password": args.admin_password}
	config = LegacyConfig(
		**admin, database=f"bench_billing_{os.getpid()}", genieacs_database=f"bench_billing_acs_{os.getpid()}"
	)
	started = time.monotonic()
	generator.generate(
		**admin,
		scale=args.scale,
		seed=args.seed,
		legacy_db=config.database,
		genieacs_db=config.genieacs_database,
	)
	source = LegacySource(config)
	try:
		Importer(source).run()
	finally:
		source.close()
		connection = pymysql.connect(**admin)
		with connection.cursor() as cursor:
			for name in (config.database, config.genieacs_database):
				cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
		connection.close()
	print(f"legacy data (scale {args.scale}) generated and imported in {time.monotonic() - started:.1f} s")


def erpnext_subscriptions(first: datetime.date, count: int, plans_each: int) -> tuple[int, float]:
	"""Make ``count`` customers with an ERPNext Subscription starting on ``first`` and time
	``process_all`` generating and submitting their invoices."""
	import frappe
	from erpnext.accounts.doctype.subscription import subscription as erp

	from gigafibre_fsm.setup.site import require

	settings = require("company", "sales_taxes_template")
	items = frappe.get_all(
		"Item",
		{"disabled": 0, "is_stock_item": 0, "offered": 1, "standard_rate": (">", 0)},
		pluck="item_code",
		limit=plans_each,
	)
	plans = []
	for code in items:
		name = f"BENCH-{code}"
		if not frappe.db.exists("Subscription Plan", name):
			frappe.get_doc(
				{
					"doctype": "Subscription Plan",
					"plan_name": name,
					"item": code,
					"price_determination": "Fixed Rate",
					"cost": frappe.db.get_value("Item", code, "standard_rate"),
					"billing_interval": "Month",
					"billing_interval_count": 1,
					"currency": frappe.db.get_value("Company", settings.company, "default_currency"),
				}
			).insert(ignore_permissions=True)
		plans.append(name)
	group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
	territory = frappe.db.get_value("Territory", {"is_group": 0}, "name")
	stamp = frappe.generate_hash(length=6)
	names = []
	for i in range(count):
		customer = frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": f"Banc ERPNext {stamp} {i}",
				"customer_group": group,
				"territory": territory,
			}
		).insert(ignore_permissions=True)
		subscription = frappe.get_doc(
			{
				"doctype": "Subscription",
				"party_type": "Customer",
				"party": customer.name,
				"company": settings.company,
				"start_date": first,
				"generate_invoice_at": "Beginning of the current subscription period",
				"submit_invoice": 1,
				"sales_tax_template": settings.sales_taxes_template,
				"plans": [{"plan": plan, "qty": 1} for plan in plans],
			}
		).insert(ignore_permissions=True)
		names.append(subscription.name)
	frappe.db.commit()  # nosemgrep: ERPNext's job reads them in its own transactions
	started = time.monotonic()
	for name in names:
		erp.process_all(subscription=name, posting_date=first)
	seconds = time.monotonic() - started
	made = frappe.db.count(
		"Sales Invoice",
		{"docstatus": 1, "customer": ("like", f"Banc ERPNext {stamp}%"), "posting_date": first},
	)
	return made, seconds


if __name__ == "__main__":
	sys.exit(main())
