"""Benchmark of the legacy import: the DOMAIN.md-sized legacy database, imported and re-imported.

Generates the legacy databases with tests/generators/legacy.py (scale 1.0: the production sizes,
about 208,000 rows), imports them into a site and prints, per legacy table, its rows, the
seconds its step took and the rows per second, then the total; then runs the import again
(nothing changed: the no-op re-run) and prints its time. The databases are dropped at the
end, and what the import wrote is removed from the site (``--keep`` keeps both).

It runs on any site whose setup wizard is finished and where the app is installed, whatever
its company (it prints which one); the import checks the site's setup before writing. Run it
from the bench, as the bench user, on a site of its own, while the machine is quiet
(``uptime``: load average below about 1)::

    cd /opt/gigafibre/frappe-bench/sites
    ../env/bin/python ../apps/gigafibre_fsm/bench/legacy_import.py --site SITE \\
        [--scale 1.0] [--admin-user gigafibre_dba --admin-password gigafibre-dba] [--keep]

The figures are printed, not asserted: they depend on the machine.
"""

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--scale", type=float, default=1.0)
	parser.add_argument("--seed", type=int, default=1)
	parser.add_argument("--host", default="127.0.0.1")
	parser.add_argument("--port", type=int, default=3306)
	parser.add_argument(
		"--admin-user", default="gigafibre_dba", help="MariaDB user that may create databases"
	)
	parser.add_argument("--admin-password", default="gigafibre-dba")
	parser.add_argument("--keep", action="store_true", help="keep the legacy databases and the imported data")
	args = parser.parse_args(argv)

	import frappe
	import pymysql

	from gigafibre_fsm.legacy.preconditions import site_setup
	from gigafibre_fsm.legacy.run import Importer
	from gigafibre_fsm.legacy.source import LegacyConfig, LegacySource
	from gigafibre_fsm.tests.generators import legacy as generator
	from gigafibre_fsm.tests.legacy_helpers import remove_imported, site_before_import

	admin = {"host": args.host, "port": args.port, "user": args.admin_user, "password": args.admin_password}
	config = LegacyConfig(
		**admin, database=f"bench_legacy_{os.getpid()}", genieacs_database=f"bench_genieacs_{os.getpid()}"
	)
	print(f"load average before: {os.getloadavg()[0]:.2f} (run on a quiet machine)")
	started = time.monotonic()
	manifest = generator.generate(
		**admin,
		scale=args.scale,
		seed=args.seed,
		legacy_db=config.database,
		genieacs_db=config.genieacs_database,
	)
	rows = sum(manifest["rows"].values())
	print(f"generated {rows:,} legacy rows (scale {args.scale}) in {time.monotonic() - started:.1f} s")

	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	if frappe.db.count("Legacy Record"):
		print("error: the site already holds imported legacy data; use a site of its own", file=sys.stderr)
		return 1
	company = site_setup().company
	abbr = frappe.db.get_value("Company", company, "abbr") if company else None
	print(f"site {args.site}, company {company or '(none set)'}" + (f" ({abbr})" if abbr else ""))
	before, stamp = site_before_import(), frappe.utils.now()
	source = LegacySource(config)
	try:
		times: dict[str, list[float]] = {}

		def progress(table: str, done: int, total: int) -> None:
			now = time.monotonic()
			span = times.setdefault(table, [now, now])
			span[1] = now

		started = time.monotonic()
		first = Importer(source, progress=progress).run()
		first_seconds = time.monotonic() - started
		report(first, times, first_seconds)

		started = time.monotonic()
		second = Importer(source).run()
		second_seconds = time.monotonic() - started
		changed = sum(t["created"] + t["updated"] for t in second["tables"].values())
		print(f"\nno-op re-run: {second_seconds:.1f} s ({changed} records created or updated)")
		for table, counts in second["tables"].items():
			if counts["created"] or counts["updated"]:
				print(f"  {table}: {counts['created']} created, {counts['updated']} updated")
		print(f"load average after: {os.getloadavg()[0]:.2f}")
	finally:
		source.close()
		if not args.keep:
			remove_imported(before, stamp)
			connection = pymysql.connect(**admin)
			with connection.cursor() as cursor:
				for name in (config.database, config.genieacs_database):
					cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
			connection.close()
		frappe.destroy()
	return 0


def report(summary: dict, times: dict[str, list[float]], seconds: float) -> None:
	"""Rows per second per legacy table (the wall time of its reading, in its lane) and in total."""
	print(f"\n{'table':<20}{'rows':>10}{'seconds':>10}{'rows/s':>10}")
	total = 0
	for table, counts in summary["tables"].items():
		rows = counts["source_rows"] or 0
		total += rows
		start, end = times.get(table, [0.0, 0.0])
		span = max(end - start, 0.001)
		rate = f"{rows / span:,.0f}" if end > start else "-"
		print(f"{table:<20}{rows:>10,}{span if end > start else 0:>10.1f}{rate:>10}")
	print(f"{'total':<20}{total:>10,}{seconds:>10.1f}{total / seconds:>10,.0f}")
	print("(two lanes run at once, so the per-table seconds overlap; the total is the wall time)")


if __name__ == "__main__":
	sys.exit(main())
