"""Benchmark of the office's reports and the workspace's number cards over the imported sizes.

1. The data, written with bulk inserts (named ``BENCH-RPT-…``, replaced by each run unless
   ``--reuse``): 7,000 customers (3 % suspended), 12,000 service locations (most Active, some
   waiting for their installation, suspended or disconnected), 30 OLTs with 16,056 fibre drops
   (in service, reserved by an order, free, a few without their box), 7,300 payment
   arrangements (the legacy system's 5,068 Completed, 2,205 Open and 10 Pending, and the
   Kept and Missed of collections), 1,200 suspensions (the legacy system's, often without
   dates, and collections' own, some current), 2,500 web orders over the last year and
   14,500 dispatch jobs over three years (40 % installations).
2. Each report is run ``--runs`` times (default 20) the way the desk runs it —
   ``frappe.desk.query_report.run`` as a Gigafibre Support user, its answer serialised to
   JSON as the HTTP layer does — with its default filters (the widest: every OLT, every
   arrangement) and a few narrower ones. Printed: rows, p50, p95 and max, beside the target
   (p95 ≤ 2 s). The number cards' methods are timed the same way.

Run it from the bench, as the bench user, on a site of its own (it writes tens of thousands of
rows; ``--cleanup`` deletes them at the end)::

    cd /opt/gigafibre/frappe-bench/sites
    ../env/bin/python ../apps/gigafibre_fsm/bench/reports.py --site SITE [--runs 20] [--reuse] [--cleanup]

The figures are printed, not asserted: they depend on the machine.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time

PREFIX = "BENCH-RPT-"
TARGET_SECONDS = 2.0
SIZES = {
	"customers": 7_000,
	"locations": 12_000,
	"olts": 30,
	"drops": 16_056,
	"arrangements": 7_300,
	"suspensions": 1_200,
	"orders": 2_500,
	"jobs": 14_500,
}
# Doctypes the benchmark writes, children first (deleted in this order).
DOCTYPES = (
	"Dispatch Job",
	"Web Order",
	"Suspension Log",
	"Payment Arrangement",
	"Service Location",
	"Fibre Drop",
	"OLT",
	"Customer",
)
SUPPORT_USER = "bench-reports-support@gigafibre.test"


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--runs", type=int, default=20)
	parser.add_argument("--seed", type=int, default=15)
	parser.add_argument("--reuse", action="store_true", help="keep the rows of an earlier run")
	parser.add_argument("--cleanup", action="store_true", help="delete the rows written at the end")
	args = parser.parse_args(argv)

	import frappe

	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	print(f"load average before: {os.getloadavg()[0]:.2f} (run on a quiet machine)")
	try:
		if not (args.reuse and frappe.db.exists("Customer", f"{PREFIX}C-00000")):
			delete_rows()
			started = time.monotonic()
			build(random.Random(args.seed))
			frappe.db.commit()
			print(f"data written with bulk inserts in {time.monotonic() - started:.1f} s")
		print(
			"site: "
			+ ", ".join(
				f"{frappe.db.count(d):,} {d}"
				for d in ("Customer", "Service Location", "Fibre Drop", "Payment Arrangement")
			)
			+ ", "
			+ ", ".join(
				f"{frappe.db.count(d):,} {d}" for d in ("Suspension Log", "Web Order", "Dispatch Job")
			)
		)
		support_user()
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
	from frappe.utils import add_days, getdate, now_datetime

	from gigafibre_fsm.network.fibre_port import drop_status, format_port, port_key

	today = getdate()
	now = now_datetime()
	std = {"owner": "Administrator", "modified_by": "Administrator", "docstatus": 0}

	def insert(doctype: str, rows: list[dict]) -> None:
		fields = list(rows[0])
		frappe.db.bulk_insert(doctype, fields, ([row[f] for f in fields] for row in rows), chunk_size=5_000)
		print(f"  {len(rows):,} {doctype}", flush=True)

	def day_within(days_back: int, days_ahead: int = 0) -> datetime.date:
		return add_days(today, rng.randint(-days_back, days_ahead))

	group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
	territory = frappe.db.get_value("Territory", {"is_group": 0}, "name")
	customers = [
		{
			"name": f"{PREFIX}C-{i:05d}",
			"customer_name": f"Client Banc {i}",
			"customer_type": "Individual",
			"customer_group": group,
			"territory": territory,
			"is_suspended": int(rng.random() < 0.03),
			"creation": now,
			"modified": now,
			**std,
		}
		for i in range(SIZES["customers"])
	]
	insert("Customer", customers)
	names = {c["name"]: c["customer_name"] for c in customers}
	customer_ids = list(names)

	olts = [
		{
			"name": f"{PREFIX}OLT-{i:02d}",
			"olt_name": f"{PREFIX}OLT-{i:02d}",
			"ip_address": f"10.250.{i}.1",
			"status": "Active",
			"creation": now,
			"modified": now,
			**std,
		}
		for i in range(SIZES["olts"])
	]
	insert("OLT", olts)

	drops = []
	for i in range(SIZES["drops"]):
		olt = olts[i % len(olts)]["name"]
		n = i // len(olts)  # 535 drops per OLT: 4 slots × 16 ports × up to 9 ONTs
		frame, slot, port, ont = "0", str(1 + n // 144), str(1 + (n // 9) % 16), str(n % 9)
		r = rng.random()
		serial = f"GPON{i:08X}" if r < 0.62 else (f"RESERVED-{PREFIX}L-{i:05d}" if r < 0.67 else None)
		box = int(serial is None and rng.random() < 0.1)
		drops.append(
			{
				"name": f"{PREFIX}FD-{i:05d}",
				"olt": olt,
				"frame": frame,
				"slot": slot,
				"port": port,
				"ont_slot": ont,
				"olt_port": format_port(frame, slot, port),
				"position_key": port_key(olt, frame, slot, port, ont),
				"installed_serial": serial,
				"box_not_installed": box,
				"status": drop_status(serial, box),
				"match_status": "Unmatched",
				"creation": now,
				"modified": now,
				**std,
			}
		)
	insert("Fibre Drop", drops)

	statuses = ["Active"] * 80 + ["Pending Install"] * 5 + ["Suspended"] * 3 + ["Disconnected"] * 12
	locations = []
	for i in range(SIZES["locations"]):
		customer = customer_ids[i % len(customer_ids)]
		locations.append(
			{
				"name": f"{PREFIX}L-{i:05d}",
				"customer": customer,
				"customer_name": names[customer],
				"status": rng.choice(statuses),
				"connection_type": "Fibre",
				"city": "Saint-Adrien",
				"creation": now,
				"modified": now,
				**std,
			}
		)
	insert("Service Location", locations)

	arrangements = []
	mix = [("Completed", 5_068), ("Open", 2_205), ("Pending", 10)]
	extra = SIZES["arrangements"] - sum(n for _s, n in mix)
	mix += [("Kept", extra * 2 // 3), ("Missed", extra - extra * 2 // 3)]
	i = 0
	for status, count in mix:
		for _ in range(count):
			due = day_within(900, 30 if status in ("Open", "Pending") else 0)
			customer = rng.choice(customer_ids)
			arrangements.append(
				{
					"name": f"{PREFIX}PA-{i:05d}",
					"customer": customer,
					"customer_name": names[customer],
					"amount": round(rng.uniform(20, 600), 2),
					"method": rng.choice(["Unset", "Portal", "Cheque", "Phone", "PPA"]),
					"status": status,
					"agreed_date": add_days(due, -rng.randint(1, 30)),
					"due_date": due,
					"cutoff_date": add_days(due, 7),
					"outcome_date": add_days(due, rng.randint(0, 8))
					if status in ("Kept", "Missed")
					else None,
					"creation": now,
					"modified": now,
					**std,
				}
			)
			i += 1
	insert("Payment Arrangement", arrangements)

	suspensions = []
	for i in range(SIZES["suspensions"]):
		customer = rng.choice(customer_ids)
		legacy = i < 1_049
		start = None if legacy and rng.random() < 0.5 else day_within(700)
		end = None
		if start and rng.random() < 0.8:
			end = add_days(start, rng.randint(1, 60))
		suspensions.append(
			{
				"name": f"{PREFIX}SL-{i:05d}",
				"customer": customer,
				"customer_name": names[customer],
				"suspension_type": None
				if legacy
				else rng.choice(["Missed Arrangement", "Overdue Invoices", "Manual"]),
				"from_date": start,
				"to_date": end,
				"reason": "Non-paiement" if legacy else "Bench",
				"creation": now,
				"modified": now,
				**std,
			}
		)
	insert("Suspension Log", suspensions)

	orders = []
	for i in range(SIZES["orders"]):
		location = locations[rng.randrange(len(locations))]
		created = datetime.datetime.combine(day_within(365), datetime.time(10, 0))
		orders.append(
			{
				"name": f"{PREFIX}WO-{i:05d}",
				"idempotency_key": f"{PREFIX}WO-{i:05d}",
				"source": rng.choice(["Website", "Desk"]),
				"customer": location["customer"],
				"customer_name": location["customer_name"],
				"service_location": location["name"],
				"creation": created,
				"modified": created,
				**std,
			}
		)
	insert("Web Order", orders)

	jobs = []
	for i in range(SIZES["jobs"]):
		location = locations[rng.randrange(len(locations))]
		scheduled = day_within(3 * 365, 14)
		status = "Completed" if scheduled < today else rng.choice(["Scheduled", "Scheduled", "In Progress"])
		if rng.random() < 0.04:
			status = "Cancelled"
		jobs.append(
			{
				"name": f"{PREFIX}DJ-{i:05d}",
				"job_type": "Installation" if rng.random() < 0.4 else rng.choice(["Repair", "Support"]),
				"customer": location["customer"],
				"customer_name": location["customer_name"],
				"service_location": location["name"],
				"status": status,
				"scheduled_date": scheduled,
				"creation": now,
				"modified": now,
				**std,
			}
		)
	insert("Dispatch Job", jobs)


def delete_rows() -> None:
	import frappe

	for doctype in DOCTYPES:
		frappe.db.sql(f"delete from `tab{doctype}` where name like %s", f"{PREFIX}%")
	frappe.db.commit()


def support_user() -> None:
	import frappe

	if not frappe.db.exists("User", SUPPORT_USER):
		frappe.get_doc(
			{"doctype": "User", "email": SUPPORT_USER, "first_name": "Bench", "send_welcome_email": 0}
		).insert(ignore_permissions=True)
		frappe.get_doc("User", SUPPORT_USER).add_roles("Gigafibre Support", "Collections")
		frappe.db.commit()


# ---------------------------------------------------------------------------------------
# The measures


def percentile(values: list[float], p: float) -> float:
	ordered = sorted(values)
	return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


def card(name: str):
	"""A filter card's figure, as the workspace asks for it."""
	import frappe
	from frappe.desk.doctype.number_card.number_card import get_result

	doc = frappe.get_doc("Number Card", name)
	return lambda: {"value": get_result(doc.as_dict(), doc.filters_json)}


def measure(runs: int) -> None:
	import frappe
	from frappe.desk.query_report import run
	from frappe.utils import add_days, getdate

	from gigafibre_fsm.gigafibre import dashboard

	today = getdate()
	a_olt = f"{PREFIX}OLT-07"
	cases = [
		("OLT Capacity", "every OLT", {}),
		("OLT Capacity", "one OLT", {"olt": a_olt}),
		("Payment Arrangements", "every arrangement", {}),
		("Payment Arrangements", "Open", {"status": "Open"}),
		("Payment Arrangements", "pay by this month", {"from_date": today.replace(day=1), "to_date": today}),
		("Suspensions", "every suspension", {}),
		("Suspensions", "current only", {"current_only": 1}),
		("Suspensions", "by reason", {"group_by_reason": 1}),
		("Orders and Installations", "14 weeks (default)", {}),
		(
			"Orders and Installations",
			"two years",
			{"from_date": add_days(today, -7 * 104), "to_date": add_days(today, 7)},
		),
	]
	print(f"\n{'report':<26}{'filters':<22}{'rows':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  target p95")
	worst = 0.0
	frappe.set_user(SUPPORT_USER)
	try:
		for report, label, filters in cases:
			times, rows = [], 0
			for _ in range(runs):
				started = time.perf_counter()
				result = run(report, filters=frappe.as_json(filters), ignore_prepared_report=True)
				frappe.as_json(result)
				times.append(time.perf_counter() - started)
				rows = len(result["result"])
				frappe.db.rollback()
			p95 = percentile(times, 95)
			worst = max(worst, p95)
			print(
				f"{report:<26}{label:<22}{rows:>7,}{statistics.median(times) * 1000:>9.0f}"
				f"{p95 * 1000:>9.0f}{max(times) * 1000:>9.0f}  {'ok' if p95 <= TARGET_SECONDS else 'OVER'}"
				f" (<= {TARGET_SECONDS * 1000:.0f} ms)"
			)
		print(f"\n{'number card':<48}{'value':>12}{'p50 ms':>9}{'p95 ms':>9}")
		for label, method in (
			("Active Customers", dashboard.active_customers),
			("Installations This Week", card("Installations This Week")),
			("Overdue Amount", dashboard.overdue_amount),
			("Suspended Customers", card("Suspended Customers")),
			("Free Ports", dashboard.free_ports),
		):
			times = []
			for _ in range(runs):
				started = time.perf_counter()
				value = method()["value"]
				times.append(time.perf_counter() - started)
			print(
				f"{label:<48}{value!s:>12}{statistics.median(times) * 1000:>9.0f}"
				f"{percentile(times, 95) * 1000:>9.0f}"
			)
	finally:
		frappe.set_user("Administrator")
	print(f"\nworst report p95: {worst * 1000:.0f} ms (target <= {TARGET_SECONDS * 1000:.0f} ms)")


if __name__ == "__main__":
	sys.exit(main())
