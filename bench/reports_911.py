"""Benchmark of the 911 reports (voip/report/) over the imported sizes: about 7,000 customers,
each with a service location, and 790 phone numbers — lines in service (most matching their
location, some with a street, city or postal code that differs, a few with a part missing)
and 224 cancelled lines whose 911 registration is still held (the orphans).

1. The data is written with ``frappe.db.bulk_insert`` (named ``B911-…``, numbers 873-555-xxxx),
   unless the site holds it from an earlier run; it is committed, and removed at the end
   unless ``--keep``.
2. Each report runs through Frappe's own entry point (``frappe.desk.query_report.run``, what
   the desk calls: the permission checks, the report's ``execute``, the columns), unfiltered
   — every row of the site — ``--runs`` times (default 20) after one warm-up run.
3. Printed per report: rows, p50, p95 and max in milliseconds beside the 2 s target.

Run it from the bench, as the bench user, on a site of its own (not a shared test site)::

    cd /opt/gigafibre/frappe-bench/sites
    ../env/bin/python ../apps/gigafibre_fsm/bench/reports_911.py --site SITE [--runs 20] [--keep]

The figures are printed, not asserted: they depend on the machine.
"""

import argparse
import math
import os
import random
import statistics
import sys
import time

PREFIX = "B911-"
REPORTS = ("DID 911 Register", "E911 Address Audit", "Orphan E911 Registrations")
TARGET_MS = 2000
STREETS = ("Rue Principale", "Chemin du Lac", "Rang 10", "Rue Saint-Jean", "Route 255", "Rue de l'Église")
CITIES = (
	("Saint-Adrien", "J0A 1C0"),
	("Ham-Nord", "G0P 1A0"),
	("Wotton", "J0A 1N0"),
	("Danville", "J0A 1A0"),
)


def build(customers: int, lines: int, orphans: int, seed: int) -> None:
	import frappe
	from frappe.utils import now

	rnd = random.Random(seed)
	stamp, user = now(), "Administrator"
	base = {"creation": stamp, "modified": stamp, "owner": user, "modified_by": user, "docstatus": 0}
	group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
	territory = frappe.db.get_value("Territory", {"is_group": 0}, "name")
	customer_rows, location_rows, addresses = [], [], []
	for i in range(customers):
		name = f"{PREFIX}C{i:05d}"
		city, postal = rnd.choice(CITIES)
		address = {
			"civic_number": str(rnd.randint(1, 3000)),
			"civic_suffix": rnd.choice(("", "", "", "A")) or None,
			"street": rnd.choice(STREETS),
			"apartment": rnd.choice((None, None, None, "2")),
			"city": city,
			"province": "QC",
			"postal_code": postal,
		}
		addresses.append(address)
		customer_rows.append(
			{
				**base,
				"name": name,
				"customer_name": f"Client {i:05d}",
				"customer_type": "Individual",
				"customer_group": group,
				"territory": territory,
			}
		)
		location_rows.append(
			{
				**base,
				"name": f"{PREFIX}L{i:05d}",
				"customer": name,
				"customer_name": f"Client {i:05d}",
				"status": "Active",
				"location_title": f"{address['civic_number']} {address['street']}",
				**address,
			}
		)
	line_rows = []
	for j in range(lines):
		i = rnd.randrange(customers)
		did = f"873555{j:04d}"
		address = dict(addresses[i])
		orphan = j < orphans
		roll = rnd.random()
		if not orphan and roll < 0.08:
			address["street"] = rnd.choice([s for s in STREETS if s != address["street"]])
		elif not orphan and roll < 0.11:
			address["postal_code"] = None
		line_rows.append(
			{
				**base,
				"name": f"{PREFIX}V{j:05d}",
				"did": did,
				"status": "Cancelled" if orphan else "Active",
				"active_did": None if orphan else did,
				"customer": f"{PREFIX}C{i:05d}",
				"customer_name": f"Client {i:05d}",
				"service_location": None if orphan else f"{PREFIX}L{i:05d}",
				"e911_class": "RES",
				"e911_synced": 0 if orphan else 1,
				"e911_synced_on": stamp,
				"legacy_phone_addr_id": f"{PREFIX}{j}" if orphan else None,
				**{f"e911_{part}": value for part, value in address.items()},
			}
		)
	for doctype, rows in (
		("Customer", customer_rows),
		("Service Location", location_rows),
		("VoIP Line", line_rows),
	):
		fields = list(rows[0])
		frappe.db.bulk_insert(doctype, fields, [[row[f] for f in fields] for row in rows], chunk_size=2000)
	frappe.db.commit()


def remove() -> None:
	import frappe

	for doctype in ("VoIP Line", "Service Location", "Customer"):
		frappe.db.sql(f"delete from `tab{doctype}` where name like %s", f"{PREFIX}%")
	frappe.db.commit()


def time_report(name: str, runs: int) -> tuple[int, list[float]]:
	import frappe
	from frappe.desk.query_report import run

	rows = len(run(name, filters={})["result"])  # warm-up: meta and module loaded
	times = []
	for _ in range(runs):
		started = time.perf_counter()
		run(name, filters={})
		times.append((time.perf_counter() - started) * 1000)
		frappe.local.response = frappe._dict()
	return rows, times


def p95(values: list[float]) -> float:
	ordered = sorted(values)
	return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--customers", type=int, default=7000)
	parser.add_argument("--lines", type=int, default=790)
	parser.add_argument("--orphans", type=int, default=224)
	parser.add_argument("--runs", type=int, default=20)
	parser.add_argument("--seed", type=int, default=911)
	parser.add_argument("--keep", action="store_true", help="leave the generated records on the site")
	args = parser.parse_args(argv)

	import frappe

	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	print(f"load average before: {os.getloadavg()[0]:.2f} (run on a quiet machine)")
	try:
		if not frappe.db.exists("VoIP Line", f"{PREFIX}V00000"):
			started = time.perf_counter()
			build(args.customers, args.lines, args.orphans, args.seed)
			print(
				f"built {args.customers} customers and locations, {args.lines} lines "
				f"({args.orphans} orphans) in {time.perf_counter() - started:.1f} s"
			)
		print(
			f"site: {frappe.db.count('Customer')} customers, {frappe.db.count('Service Location')} locations, "
			f"{frappe.db.count('VoIP Line')} lines"
		)
		print(f"{'report':<28} {'rows':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target")
		worst = 0.0
		for name in REPORTS:
			rows, times = time_report(name, args.runs)
			worst = max(worst, p95(times))
			verdict = "ok" if p95(times) <= TARGET_MS else "OVER"
			print(
				f"{name:<28} {rows:>6} {statistics.median(times):>8.1f} {p95(times):>8.1f} "
				f"{max(times):>8.1f}  p95 <= {TARGET_MS} ms: {verdict}"
			)
		print(
			f"load average after: {os.getloadavg()[0]:.2f}; worst p95 {worst:.1f} ms over {args.runs} runs each"
		)
	finally:
		if not args.keep:
			remove()
		frappe.destroy()
	return 0


if __name__ == "__main__":
	sys.exit(main())
