"""Benchmark of the Customer 360 (``gigafibre_fsm.api.customer_360.get``) for a customer with a
long history, among the imported sizes.

1. The data, written with bulk inserts (named ``BENCH-360-…``, replaced by each run unless
   ``--reuse``): 7,000 customers with 12,000 locations, 20,000 subscriptions, 15,000 pieces of
   equipment, 60,000 submitted invoices, 30,000 payments (with their Payment Ledger rows),
   20,000 tickets, 14,500 dispatch jobs (with their technicians), 7,300 arrangements, 1,200
   suspensions and 21,000 IP history rows — and one customer with a long history: 5 locations,
   40 subscriptions, 20 pieces of equipment, 4 phone lines, 60 invoices, 30 payments, 20
   tickets, 10 dispatch jobs (two technicians each), 8 quotes, 12 arrangements, 6 suspensions,
   200 IP history rows and 15 former addresses.
2. The 360 of that customer is read ``--runs`` times (default 50) as a user with the Gigafibre
   Support and Collections roles (every section), its answer serialised to JSON as the HTTP
   layer does. Printed: the queries one read makes, p50, p95 and max, beside the target
   (p95 ≤ 500 ms).

Run it from the bench, as the bench user, on a site of its own::

    cd /opt/gigafibre/frappe-bench/sites
    ../env/bin/python ../apps/gigafibre_fsm/bench/customer_360.py --site SITE [--runs 50] [--reuse] [--cleanup]

The figures are printed, not asserted: they depend on the machine.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time

PREFIX = "BENCH-360-"
TARGET_MS = 500
SIZES = {
	"customers": 7_000,
	"locations": 12_000,
	"subscriptions": 20_000,
	"equipment": 15_000,
	"invoices": 60_000,
	"payments": 30_000,
	"tickets": 20_000,
	"jobs": 14_500,
	"arrangements": 7_300,
	"suspensions": 1_200,
	"ip_history": 21_000,
}
LONG = {
	"locations": 5,
	"subscriptions": 40,
	"equipment": 20,
	"voip_lines": 4,
	"invoices": 60,
	"payments": 30,
	"tickets": 20,
	"jobs": 10,
	"quotes": 8,
	"arrangements": 12,
	"suspensions": 6,
	"ip_history": 200,
	"address_history": 15,
}
HERO = f"{PREFIX}C-HERO"
# Tables the benchmark writes (deleted by name prefix, or by parent for child tables).
DOCTYPES = (
	"Dispatch Job Technician",
	"IP History",
	"Address History",
	"Dispatch Job",
	"Issue",
	"Payment Ledger Entry",
	"Payment Entry",
	"Sales Invoice",
	"Quotation",
	"Suspension Log",
	"Payment Arrangement",
	"VoIP Line",
	"Service Equipment",
	"Service Subscription",
	"Service Location",
	"Customer",
)
USER = "bench-360@gigafibre.test"


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--runs", type=int, default=50)
	parser.add_argument("--seed", type=int, default=360)
	parser.add_argument("--reuse", action="store_true", help="keep the rows of an earlier run")
	parser.add_argument("--cleanup", action="store_true", help="delete the rows written at the end")
	args = parser.parse_args(argv)

	import frappe

	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	print(f"load average before: {os.getloadavg()[0]:.2f} (run on a quiet machine)")
	try:
		if not (args.reuse and frappe.db.exists("Customer", HERO)):
			delete_rows()
			started = time.monotonic()
			build(random.Random(args.seed))
			frappe.db.commit()
			print(f"data written with bulk inserts in {time.monotonic() - started:.1f} s")
		print(
			"site: "
			+ ", ".join(
				f"{frappe.db.count(d):,} {d}"
				for d in (
					"Customer",
					"Service Location",
					"Service Subscription",
					"Sales Invoice",
					"Payment Entry",
					"Issue",
					"Dispatch Job",
				)
			)
		)
		bench_user()
		measure(args.runs)
	finally:
		if args.cleanup:
			delete_rows()
			frappe.db.commit()
			print("benchmark rows deleted")
		print(f"load average after: {os.getloadavg()[0]:.2f}")
		frappe.destroy()
	return 0


# ---------------------------------------------------------------------------------------
# The data


def build(rng: random.Random) -> None:
	import frappe
	from frappe.utils import add_days, add_to_date, getdate, now_datetime

	today = getdate()
	now = now_datetime()
	std = {"owner": "Administrator", "modified_by": "Administrator", "creation": now, "modified": now}
	company = frappe.db.get_single_value("Gigafibre Settings", "company") or frappe.db.get_value(
		"Company", {}, "name"
	)
	receivable = frappe.db.get_value("Company", company, "default_receivable_account")
	item = frappe.db.get_value("Item", {"service_type": "internet"}, "name") or "FTTH500I"

	def insert(doctype: str, rows: list[dict]) -> None:
		if not rows:
			return
		fields = list(rows[0])
		frappe.db.bulk_insert(doctype, fields, ([row[f] for f in fields] for row in rows), chunk_size=5_000)
		print(f"  {len(rows):,} {doctype}", flush=True)

	def day_back(days: int) -> datetime.date:
		return add_days(today, -rng.randint(0, days))

	group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
	territory = frappe.db.get_value("Territory", {"is_group": 0}, "name")
	customers = [f"{PREFIX}C-{i:05d}" for i in range(SIZES["customers"])]
	insert(
		"Customer",
		[
			{
				"name": name,
				"customer_name": f"Client 360 {i}",
				"customer_type": "Individual",
				"customer_group": group,
				"territory": territory,
				"legacy_customer_id": f"{PREFIX}{i}",
				"is_suspended": 0,
				"docstatus": 0,
				**std,
			}
			for i, name in enumerate(customers)
		]
		+ [
			{
				"name": HERO,
				"customer_name": "Client 360 Historique",
				"customer_type": "Individual",
				"customer_group": group,
				"territory": territory,
				"legacy_customer_id": f"{PREFIX}HERO",
				"is_suspended": 0,
				"docstatus": 0,
				**std,
			}
		],
	)

	def owners(kind: str) -> list[str]:
		"""Whose each row of ``kind`` is: the others' share, then the long history's."""
		return [customers[i % len(customers)] for i in range(SIZES[kind])] + [HERO] * LONG[kind]

	loc_rows, locations_of = [], {}
	for i, customer in enumerate(owners("locations")):
		name = f"{PREFIX}L-{i:05d}"
		locations_of.setdefault(customer, []).append(name)
		loc_rows.append(
			{
				"name": name,
				"customer": customer,
				"location_title": f"{i} Rue du Banc, Saint-Adrien",
				"address_line": f"{i} Rue du Banc",
				"city": "Saint-Adrien",
				"postal_code": "J0A 1C0",
				"status": rng.choice(["Active"] * 8 + ["Disconnected", "Pending Install"]),
				"connection_type": "Fibre",
				"legacy_delivery_id": f"{PREFIX}{i}",
				"docstatus": 0,
				**std,
			}
		)
	insert("Service Location", loc_rows)

	def location(customer: str) -> str:
		return rng.choice(locations_of[customer])

	insert(
		"Service Subscription",
		[
			{
				"name": f"{PREFIX}S-{i:05d}",
				"customer": c,
				"service_location": location(c),
				"item": item,
				"item_name": item,
				"status": rng.choice(["Active"] * 6 + ["Cancelled"] * 3 + ["Suspended"]),
				"rate": rng.choice([49.95, 79.95, 99.95, 30, 28.95]),
				"billing_interval": "Monthly",
				"start_date": day_back(2000),
				"legacy_service_id": f"{PREFIX}{i}",
				"docstatus": 0,
				**std,
			}
			for i, c in enumerate(owners("subscriptions"))
		],
	)
	insert(
		"Service Equipment",
		[
			{
				"name": f"{PREFIX}E-{i:05d}",
				"customer": c,
				"service_location": location(c),
				"equipment_type": rng.choice(["ONT", "Router", "TV Box", "IP Phone"]),
				"status": "Active",
				"serial_number": f"B360{i:08X}",
				"last_inform": add_to_date(now, minutes=-rng.randint(0, 600)),
				"last_event": "online",
				"docstatus": 0,
				**std,
			}
			for i, c in enumerate(owners("equipment"))
		],
	)
	insert(
		"VoIP Line",
		[
			{
				"name": f"{PREFIX}V-{i}",
				"customer": HERO,
				"service_location": location(HERO),
				"did": f"81955590{i:02d}",
				"status": "Active",
				"e911_street": "Rue du Banc",
				"e911_synced": 1,
				"docstatus": 0,
				**std,
			}
			for i in range(LONG["voip_lines"])
		],
	)

	invoices, ledger = [], []
	for i, c in enumerate(owners("invoices")):
		posted = day_back(1500)
		total = rng.choice([57.49, 114.98, 91.93, 34.43])
		outstanding = total if rng.random() < 0.08 else 0
		name = f"{PREFIX}SI-{i:06d}"
		invoices.append(
			{
				"name": name,
				"customer": c,
				"customer_name": c,
				"company": company,
				"posting_date": posted,
				"due_date": add_days(posted, 15),
				"grand_total": total,
				"base_grand_total": total,
				"outstanding_amount": outstanding,
				"status": "Unpaid" if outstanding else "Paid",
				"currency": "CAD",
				"debit_to": receivable,
				"docstatus": 1,
				**std,
			}
		)
		ledger.append(
			{
				"name": f"{PREFIX}PLE-SI-{i:06d}",
				"company": company,
				"posting_date": posted,
				"account_type": "Receivable",
				"account": receivable,
				"party_type": "Customer",
				"party": c,
				"voucher_type": "Sales Invoice",
				"voucher_no": name,
				"against_voucher_type": "Sales Invoice",
				"against_voucher_no": name,
				"amount": total,
				"delinked": 0,
				"docstatus": 1,
				**std,
			}
		)
	insert("Sales Invoice", invoices)
	payments = []
	for i, c in enumerate(owners("payments")):
		posted = day_back(1500)
		amount = rng.choice([57.49, 114.98, 25.0])
		name = f"{PREFIX}PE-{i:06d}"
		payments.append(
			{
				"name": name,
				"payment_type": "Receive",
				"party_type": "Customer",
				"party": c,
				"company": company,
				"posting_date": posted,
				"paid_amount": amount,
				"received_amount": amount,
				"unallocated_amount": 0,
				"paid_from": receivable,
				"mode_of_payment": "Credit Card",
				"reference_no": name,
				"docstatus": 1,
				**std,
			}
		)
		ledger.append(
			{
				"name": f"{PREFIX}PLE-PE-{i:06d}",
				"company": company,
				"posting_date": posted,
				"account_type": "Receivable",
				"account": receivable,
				"party_type": "Customer",
				"party": c,
				"voucher_type": "Payment Entry",
				"voucher_no": name,
				"against_voucher_type": "Payment Entry",
				"against_voucher_no": name,
				"amount": -amount,
				"delinked": 0,
				"docstatus": 1,
				**std,
			}
		)
	insert("Payment Entry", payments)
	insert("Payment Ledger Entry", ledger)
	insert(
		"Quotation",
		[
			{
				"name": f"{PREFIX}Q-{i}",
				"quotation_to": "Customer",
				"party_name": HERO,
				"customer_name": HERO,
				"company": company,
				"transaction_date": day_back(1500),
				"status": "Open",
				"grand_total": 99.95,
				"currency": "CAD",
				"docstatus": 1,
				**std,
			}
			for i in range(LONG["quotes"])
		],
	)
	insert(
		"Issue",
		[
			{
				"name": f"{PREFIX}I-{i:05d}",
				"subject": f"Ticket {i}",
				"customer": c,
				"service_location": location(c),
				"status": rng.choice(["Open", "Replied", "Closed", "Closed", "Closed"]),
				"issue_type": "Support",
				"opening_date": day_back(1500),
				"docstatus": 0,
				**std,
			}
			for i, c in enumerate(owners("tickets"))
		],
	)
	jobs, technicians = [], []
	for i, c in enumerate(owners("jobs")):
		day = day_back(1100)
		name = f"{PREFIX}DJ-{i:05d}"
		jobs.append(
			{
				"name": name,
				"customer": c,
				"service_location": location(c),
				"job_type": "Repair",
				"status": "Completed",
				"scheduled_date": day,
				"legacy_bon_travail_id": f"{PREFIX}{i}",
				"docstatus": 0,
				**std,
			}
		)
		for idx, tech in enumerate(("Administrator", USER), 1):
			technicians.append(
				{
					"name": f"{name}-T{idx}",
					"parent": name,
					"parenttype": "Dispatch Job",
					"parentfield": "technicians",
					"idx": idx,
					"technician": tech,
					"hours": rng.choice([0.5, 1, 1.5, 2.25]),
					"docstatus": 0,
					**std,
				}
			)
	insert("Dispatch Job", jobs)
	insert("Dispatch Job Technician", technicians)
	insert(
		"Payment Arrangement",
		[
			{
				"name": f"{PREFIX}PA-{i:05d}",
				"customer": c,
				"amount": 150,
				"status": rng.choice(["Completed"] * 7 + ["Open"] * 3),
				"agreed_date": day_back(1500),
				"due_date": day_back(10),
				"cutoff_date": add_days(today, rng.randint(1, 20)),
				"method": "Phone",
				"docstatus": 0,
				**std,
			}
			for i, c in enumerate(owners("arrangements"))
		],
	)
	insert(
		"Suspension Log",
		[
			{
				"name": f"{PREFIX}SU-{i:05d}",
				"customer": c,
				"from_date": day_back(1500),
				"to_date": day_back(100),
				"reason": "Non-paiement",
				"docstatus": 0,
				**std,
			}
			for i, c in enumerate(owners("suspensions"))
		],
	)
	insert(
		"IP History",
		[
			{
				"name": f"{PREFIX}IP-{i:06d}",
				"parent": location(c),
				"parenttype": "Service Location",
				"parentfield": "ip_history",
				"idx": i,
				"ip_address": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
				"assigned_on": add_to_date(now, days=-rng.randint(0, 2000)),
				"docstatus": 0,
				**std,
			}
			for i, c in enumerate(owners("ip_history"))
		],
	)
	insert(
		"Address History",
		[
			{
				"name": f"{PREFIX}AH-{i:03d}",
				"parent": location(HERO),
				"parenttype": "Service Location",
				"parentfield": "address_history",
				"idx": i,
				"changed_on": add_to_date(now, days=-30 * i),
				"address_line": f"{i} Ancienne Rue",
				"city": "Saint-Adrien",
				"docstatus": 0,
				**std,
			}
			for i in range(LONG["address_history"])
		],
	)


def delete_rows() -> None:
	import frappe

	for doctype in DOCTYPES:
		frappe.db.sql(f"delete from `tab{doctype}` where name like %s", f"{PREFIX}%")
	frappe.db.commit()


def bench_user() -> None:
	import frappe

	if not frappe.db.exists("User", USER):
		frappe.get_doc(
			{"doctype": "User", "email": USER, "first_name": "Bench", "send_welcome_email": 0}
		).insert(ignore_permissions=True)
		frappe.get_doc("User", USER).add_roles("Gigafibre Support", "Collections")
		frappe.db.commit()


# ---------------------------------------------------------------------------------------
# The measure


def percentile(values: list[float], p: float) -> float:
	ordered = sorted(values)
	return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


def measure(runs: int) -> None:
	import frappe

	from gigafibre_fsm.api import customer_360

	frappe.set_user(USER)
	answer = customer_360.get(HERO)
	print(
		"the 360 of the long history: "
		+ ", ".join(
			f"{len(v) if isinstance(v, list) else len(v['rows']) if isinstance(v, dict) and 'rows' in v else '-'} {k}"
			for k, v in answer.items()
			if k
			in (
				"locations",
				"subscriptions",
				"equipment",
				"voip_lines",
				"invoices",
				"payments",
				"dispatch_jobs",
				"quotes",
				"arrangements",
				"suspensions",
				"ip_history",
				"address_history",
			)
		)
		+ f", {len(answer['tickets']['open'])} open tickets of {answer['tickets']['total']}"
	)
	# How many queries one read makes (bounded, whatever the history).
	sql, count = frappe.db.sql, [0]

	def counting(*args, **kwargs):
		count[0] += 1
		return sql(*args, **kwargs)

	frappe.db.sql = counting
	try:
		frappe.as_json(customer_360.get(HERO))
	finally:
		frappe.db.sql = sql
	print(f"queries in one read: {count[0]}")
	timings = []
	for _ in range(runs):
		started = time.perf_counter()
		frappe.as_json(customer_360.get(HERO))
		timings.append((time.perf_counter() - started) * 1000)
		frappe.db.rollback()  # a GET's transaction ends with its request
	p95 = percentile(timings, 95)
	print(
		f"customer 360 ({runs} reads): p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, "
		f"max {max(timings):.0f} ms — target p95 ≤ {TARGET_MS} ms: {'met' if p95 <= TARGET_MS else 'NOT met'}"
	)
	frappe.set_user("Administrator")


if __name__ == "__main__":
	sys.exit(main())
