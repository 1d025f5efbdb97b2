"""Benchmark of the daily collections job (``run-collections``) over the imported sizes: about
7,000 customers and 7,300 payment arrangements (the legacy system's 7,283: 5,068 completed,
2,205 open).

1. The data, written with bulk inserts (``--fresh`` removes a previous benchmark's first), every
   row marked ``BENCHC-``: ``--customers`` customers in service (a location, two or three
   subscriptions, an ONT, a mobile number and an email), three months of invoices (most paid),
   and on the benchmark's day:
   - 2,205 open arrangements (customers who owe), cut-offs from 3 days before to 45 days after
     the day, 40 % of them paid since they were agreed (Payment Ledger rows);
   - 5,095 completed arrangements (history);
   - 1,200 customers with an overdue invoice and no arrangement, due 1 to 60 days before;
   - 150 payments on account (Payment Entry, unallocated).
2. ``bench --site SITE run-collections --date DAY`` run three times as an operator runs it (a
   process of its own): the first day (the go-live: every open arrangement and overdue invoice
   acted upon once), the same day again (nothing to do), the next day (a steady day). Printed:
   each run's summary line and wall time, against the target (≤ 60 s).

The jobs the runs enqueue (messages, the OLT) are taken back out of the queue afterwards (no
provider is configured on a benchmark site), and the generated rows removed unless ``--keep``. Run it as the bench user, on a site of its own
whose setup wizard is finished (e.g. a site where the app's tests ran), on a quiet machine::

    cd /opt/gigafibre/frappe-bench/sites
    ../env/bin/python ../apps/gigafibre_fsm/bench/collections.py --site SITE [--fresh]

The figures are printed, not asserted: they depend on the machine.
"""

import argparse
import datetime
import os
import random
import subprocess
import sys
import time

PREFIX = "BENCHC-"
TABLES = (
	("Collection Notice", "customer"),
	("Suspension Log Record", None),
	("Suspension Log", "customer"),
	("Payment Arrangement", "customer"),
	("Payment Ledger Entry", "party"),
	("Payment Entry", "party"),
	("Sales Invoice", "customer"),
	("Service Equipment", "customer"),
	("Service Subscription", "customer"),
	("Service Location", "customer"),
	("Customer", "name"),
)


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--customers", type=int, default=7000)
	parser.add_argument("--date", default="2026-11-20", help="the benchmark's first day")
	parser.add_argument("--seed", type=int, default=1)
	parser.add_argument("--fresh", action="store_true", help="remove a previous benchmark's rows first")
	parser.add_argument("--keep", action="store_true", help="keep the generated rows afterwards")
	args = parser.parse_args(argv)

	import frappe
	from frappe.utils import getdate

	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	day = getdate(args.date)
	print(f"load average before: {os.getloadavg()[0]:.2f} (run on a quiet machine)")
	if args.fresh or frappe.db.exists("Customer", f"{PREFIX}00001"):
		remove()
	started = time.monotonic()
	counts = generate(args.customers, day, random.Random(args.seed))
	print(f"generated in {time.monotonic() - started:.1f} s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
	frappe.db.commit()
	frappe.destroy()

	results = []
	for label, when in (
		("first day", day),
		("same day again", day),
		("next day", day + datetime.timedelta(days=1)),
	):
		seconds, out = run_command(args.site, when)
		results.append((label, when, seconds, out))
		print(f"\n{label} ({when}): {seconds:.1f} s wall (target <= 60 s)\n  {out}")

	frappe.init(site=args.site)
	frappe.connect()
	dropped = drop_queued_jobs(args.site)
	print(
		f"\nsite: {frappe.db.count('Customer'):,} customers, "
		f"{frappe.db.count('Payment Arrangement'):,} arrangements, "
		f"{frappe.db.count('Sales Invoice'):,} invoices; "
		f"{frappe.db.count('Suspension Log', {'customer': ('like', PREFIX + '%')}):,} suspensions, "
		f"{frappe.db.count('Collection Notice', {'customer': ('like', PREFIX + '%')}):,} notices made; "
		f"{dropped:,} queued jobs taken back"
	)
	print(f"load average after: {os.getloadavg()[0]:.2f}")
	if not args.keep:
		remove()  # the site's other users (its tests) never see the benchmark's customers
	frappe.destroy()
	return 0 if all(r[3].startswith("run-collections") and " 0 failed" in r[3] for r in results) else 1


def run_command(site: str, day: datetime.date) -> tuple[float, str]:
	"""``bench --site SITE run-collections --date DAY`` as an operator runs it."""
	started = time.monotonic()
	result = subprocess.run(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", site, "run-collections", "--date", str(day)],
		capture_output=True,
		text=True,
	)
	seconds = time.monotonic() - started
	lines = [line.split("\r")[-1] for line in result.stdout.splitlines() if "run-collections" in line]
	if result.returncode:
		return seconds, f"exit {result.returncode}: {result.stderr[-1500:]}"
	return seconds, lines[-1] if lines else result.stdout[-500:]


def remove() -> None:
	import frappe

	for doctype, column in TABLES:
		if column is None:
			frappe.db.sql(
				f"delete r from `tab{doctype}` r join `tabSuspension Log` l on l.name = r.parent "
				f"where l.customer like %s",
				PREFIX + "%",
			)
		else:
			frappe.db.sql(f"delete from `tab{doctype}` where `{column}` like %s", PREFIX + "%")
	frappe.db.sql("delete from `tabVersion` where docname like %s", PREFIX + "%")
	frappe.db.commit()


def generate(customers: int, day: datetime.date, rnd: random.Random) -> dict:
	import frappe
	from frappe.utils import now_datetime

	from gigafibre_fsm.setup.site import require

	company = require("company").company
	debtors = frappe.get_cached_value("Company", company, "default_receivable_account")
	group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
	territory = frappe.db.get_value("Territory", {"is_group": 0}, "name")
	now = now_datetime()
	base = {"creation": now, "modified": now, "owner": "Administrator", "modified_by": "Administrator"}

	def insert(doctype, rows):
		fields = list(rows[0])
		for start in range(0, len(rows), 5000):
			frappe.db.bulk_insert(doctype, fields, [tuple(r[f] for f in fields) for r in rows[start : start + 5000]])

	names = [f"{PREFIX}{i:05d}" for i in range(1, customers + 1)]
	insert(
		"Customer",
		[
			{
				**base,
				"name": n,
				"customer_name": f"Client {n}",
				"customer_type": "Individual",
				"customer_group": group,
				"territory": territory,
				"mobile_no": f"819555{i % 10000:04d}",
				"email_id": f"{n.lower()}@example.com",
				"language": "fr",
				"is_suspended": 0,
				"collections_paused": 1 if i % 97 == 0 else 0,
				"docstatus": 0,
			}
			for i, n in enumerate(names)
		],
	)
	locations, subscriptions, equipment = [], [], []
	for i, n in enumerate(names):
		loc = f"{n}-L"
		locations.append(
			{
				**base,
				"name": loc,
				"customer": n,
				"civic_number": str(100 + i),
				"street": "Rue Principale",
				"city": "Saint-Adrien",
				"postal_code": "J0A 1C0",
				"address_line": f"{100 + i} Rue Principale",
				"location_title": f"{100 + i} Rue Principale, Saint-Adrien",
				"status": "Active",
			}
		)
		for k in range(2 + (i % 2)):
			subscriptions.append(
				{
					**base,
					"name": f"{n}-S{k}",
					"customer": n,
					"service_location": loc,
					"item": "FTTH500I",
					"rate": 50,
					"status": "Active",
					"start_date": datetime.date(2025, 1, 1),
					"billing_interval": "Monthly",
				}
			)
		equipment.append(
			{
				**base,
				"name": f"{n}-ONT",
				"equipment_type": "ONT",
				"status": "Active",
				"serial_number": f"BENCHC{i:08d}",
				"customer": n,
				"service_location": loc,
			}
		)
	insert("Service Location", locations)
	insert("Service Subscription", subscriptions)
	insert("Service Equipment", equipment)

	invoices, ledger, arrangements, payments = [], [], [], []

	def invoice(n, posted, due, total, outstanding):
		name = f"{n}-I{len(invoices)}"
		invoices.append(
			{
				**base,
				"name": name,
				"customer": n,
				"customer_name": f"Client {n}",
				"company": company,
				"posting_date": posted,
				"due_date": due,
				"currency": "CAD",
				"debit_to": debtors,
				"grand_total": total,
				"base_grand_total": total,
				"outstanding_amount": outstanding,
				"docstatus": 1,
			}
		)
		return name

	def paid(n, on, amount):
		ledger.append(
			{
				**base,
				"name": f"{n}-P{len(ledger)}",
				"posting_date": on,
				"company": company,
				"account_type": "Receivable",
				"account": debtors,
				"party_type": "Customer",
				"party": n,
				"voucher_type": "Payment Entry",
				"voucher_no": f"{n}-PE{len(ledger)}",
				"against_voucher_type": "Payment Entry",
				"against_voucher_no": f"{n}-PE{len(ledger)}",
				"amount": -amount,
				"amount_in_account_currency": -amount,
				"account_currency": "CAD",
				"delinked": 0,
				"docstatus": 1,
			}
		)

	first = day.replace(day=1)
	for n in names:  # the months before, paid; this month's not due yet
		for months in (2, 1):
			posted = (first - datetime.timedelta(days=28 * months)).replace(day=1)
			invoice(n, posted, posted + datetime.timedelta(days=15), 114.98, 0)
		invoice(n, first, first + datetime.timedelta(days=15), 114.98, 114.98 if first + datetime.timedelta(days=15) >= day else 0)
	order = names[:]
	rnd.shuffle(order)
	owing, overdue_only = order[:2205], order[2205:3405]
	for i, n in enumerate(owing):
		due = day - datetime.timedelta(days=rnd.randint(10, 70))
		invoice(n, due - datetime.timedelta(days=15), due, 229.96, 229.96)
		cutoff = day + datetime.timedelta(days=rnd.randint(-3, 45))
		agreed = cutoff - datetime.timedelta(days=20)
		amount = rnd.choice((50, 100, 150, 229.96))
		arrangements.append(
			{
				**base,
				"name": f"{n}-A",
				"customer": n,
				"customer_name": f"Client {n}",
				"amount": amount,
				"method": "Phone",
				"status": "Open",
				"agreed_date": agreed,
				"due_date": cutoff - datetime.timedelta(days=5),
				"cutoff_date": cutoff,
			}
		)
		if i % 5 < 2 and agreed < day:
			paid(n, agreed + datetime.timedelta(days=rnd.randint(0, max(0, (day - agreed).days - 1))), amount)
	for n in overdue_only:
		due = day - datetime.timedelta(days=rnd.randint(1, 60))
		invoice(n, due - datetime.timedelta(days=15), due, 114.98, 114.98)
	for i in range(7300 - len(arrangements)):
		n = names[(i * 7) % len(names)]
		agreed = day - datetime.timedelta(days=rnd.randint(90, 2000))
		arrangements.append(
			{
				**base,
				"name": f"{n}-H{i}",
				"customer": n,
				"customer_name": f"Client {n}",
				"amount": 80,
				"method": "Phone",
				"status": "Completed",
				"agreed_date": agreed,
				"due_date": agreed + datetime.timedelta(days=10),
				"cutoff_date": agreed + datetime.timedelta(days=15),
			}
		)
	for n in overdue_only[:150]:  # paid on account, not allocated
		payments.append(
			{
				**base,
				"name": f"{n}-PE",
				"payment_type": "Receive",
				"company": company,
				"posting_date": day - datetime.timedelta(days=2),
				"party_type": "Customer",
				"party": n,
				"paid_amount": 114.98,
				"received_amount": 114.98,
				"unallocated_amount": 114.98,
				"docstatus": 1,
			}
		)
	insert("Sales Invoice", invoices)
	insert("Payment Ledger Entry", ledger)
	insert("Payment Arrangement", arrangements)
	insert("Payment Entry", payments)
	return {
		"customers": len(names),
		"locations": len(locations),
		"subscriptions": len(subscriptions),
		"ONTs": len(equipment),
		"invoices": len(invoices),
		"payments (ledger)": len(ledger) + len(payments),
		"arrangements": len(arrangements),
	}


def drop_queued_jobs(site: str) -> int:
	"""The runs' message and OLT jobs: no provider is configured on a benchmark site."""
	from frappe.utils.background_jobs import get_queue

	dropped = 0
	for name in ("short", "default", "long"):
		queue = get_queue(name)
		for job in queue.get_jobs():
			kwargs = job.kwargs or {}
			if kwargs.get("site") == site and str(kwargs.get("method", "")).startswith("gigafibre_fsm.billing."):
				job.delete()
				dropped += 1
	return dropped


if __name__ == "__main__":
	sys.exit(main())
