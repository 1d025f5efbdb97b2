"""Benchmark of the civic-address search: load, index size, latency, accuracy.

Generates an RQA-format extract (5.2 million rows by default, like the real one) with
``gigafibre_fsm/tests/generators/civic_addresses.py``, loads it with the app's loader, then
runs misspelled queries made by the same generator through the search service and prints:

- the generation and load times (per loader stage);
- the database size of ``tabCivic Address`` and of the search index (its tables and the
  address index);
- p50/p95/p99 latency of ``search(q, 8)`` in the service (Python + MariaDB, one process);
- top-1 accuracy and top-8 recall over the queries, per variant family;
- with ``--http URL``, p50/p95/p99 latency of ``GET search_addresses`` over HTTP against the
  site running at URL (e.g. ``gunicorn … frappe.app:application`` or ``bench serve``), one
  client with keep-alive like a browser's type-ahead, and the top-1 accuracy of its answers.

Run it from the bench, as the bench user, on a site with the app installed (a dedicated site:
it adds millions of rows)::

    cd /opt/gigafibre/frappe-bench/sites
    ../env/bin/python ../apps/gigafibre_fsm/bench/search_addresses.py --site SITE \\
        [--rows 5200000] [--queries 2000] [--csv /tmp/rqa.csv] [--fresh | --skip-load] \\
        [--http http://127.0.0.1:8123]

Over HTTP the site is chosen by the Host header (the site's name, or ``--http-host``); the
rate limit of ``search_addresses`` is raised in the site's config for the run and put back.

The figures are printed, not asserted: they depend on the machine.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter


def _human(n: float) -> str:
	for unit in ("B", "KB", "MB", "GB"):
		if n < 1024:
			return f"{n:.1f} {unit}"
		n /= 1024
	return f"{n:.1f} TB"


def _sizes(frappe) -> None:
	rows = frappe.db.sql(
		"""SELECT table_name, table_rows, data_length, index_length FROM information_schema.tables
		WHERE table_schema = DATABASE() AND (table_name LIKE 'gf_civic%%' OR table_name = 'tabCivic Address')
		ORDER BY table_name""",
	)
	index_total = 0
	for name, n, data, index in rows:
		print(f"  {name:28} ~{int(n or 0):>10,} rows  data {_human(data):>10}  indexes {_human(index):>10}")
		if name.startswith("gf_civic"):
			index_total += data + index
	# The address index (street_ref, civic_number, civic_suffix, postal_code) of tabCivic Address:
	# its size is in mysql.innodb_index_stats, which the site's user may not read.
	address_index = _index_size(frappe, "tabCivic Address", "street_civic")
	print(f"  address index street_civic: {_human(address_index)}")
	print(f"  search index total (gf_civic_* + street_civic): {_human(index_total + address_index)}")


def _index_size(frappe, table: str, index: str) -> int:
	query = """SELECT stat_value * @@innodb_page_size FROM mysql.innodb_index_stats
		WHERE database_name = %s AND table_name = %s AND index_name = %s AND stat_name = 'size'"""
	values = (frappe.conf.db_name, table, index)
	try:
		row = frappe.db.sql(query, values)
	except Exception:
		frappe.db.rollback()
		import pymysql

		# The bench's database administrator (scripts/bench.sh: DB_ADMIN_USER/DB_ADMIN_PASSWORD).
		try:
			admin = pymysql.connect(
				host=frappe.conf.db_host or "127.0.0.1",
				user=os.environ.get("DB_ADMIN_USER", "gigafibre_dba"),
				password=os.environ.get("DB_ADMIN_PASSWORD", "gigafibre-dba"),
			)
		except pymysql.Error:
			return 0
		with admin.cursor() as cur:
			cur.execute(query, values)
			row = cur.fetchall()
		admin.close()
	return int(row[0][0]) if row else 0


def _percentile(values: list[float], p: float) -> float:
	values = sorted(values)
	k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
	return values[k]


def _http_latency(frappe, args, queries: list[dict]) -> None:
	"""The same queries through the website's endpoint, over HTTP, one after the other."""
	import requests
	from frappe.installer import update_site_config

	url = f"{args.http.rstrip('/')}/api/method/gigafibre_fsm.api.website.search_addresses"
	session = requests.Session()
	session.headers.update({"Host": args.http_host or args.site, "Accept": "application/json"})
	saved = frappe.get_site_config().get("gigafibre_rate_limits")
	update_site_config("gigafibre_rate_limits", {**(saved or {}), "search_addresses": 10**9})
	try:
		for item in queries[:200]:  # warm up the workers and the connection
			session.get(url, params={"q": item["q"], "limit": 8}, timeout=30)
		latencies, hits, errors = [], 0, 0
		for item in queries:
			t = time.perf_counter()
			response = session.get(url, params={"q": item["q"], "limit": 8}, timeout=30)
			latencies.append((time.perf_counter() - t) * 1000)
			if response.status_code != 200:
				errors += 1
				continue
			results = response.json()["message"]
			hits += bool(results) and results[0]["address_id"] == item["rqa_id"]
	finally:
		update_site_config("gigafibre_rate_limits", saved if saved is not None else "None")
	print(
		f"latency over HTTP ({args.http}): p50 {statistics.median(latencies):.2f} ms, "
		f"p95 {_percentile(latencies, 95):.2f} ms, p99 {_percentile(latencies, 99):.2f} ms, "
		f"max {max(latencies):.1f} ms; top-1 {hits / len(queries):.2%}; {errors} non-200 answers"
	)


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--rows", type=int, default=5_200_000)
	parser.add_argument("--seed", type=int, default=2026)
	parser.add_argument("--queries", type=int, default=2000)
	parser.add_argument(
		"--query-seed", type=int, default=None, help="another sample of queries (default: --seed)"
	)
	parser.add_argument("--csv", default=None, help="extract to use or write (default: a temp file)")
	parser.add_argument("--skip-load", action="store_true", help="the site already has this extract")
	parser.add_argument(
		"--fresh", action="store_true", help="empty Civic Address and its index first (a dedicated site only)"
	)
	parser.add_argument("--show-misses", type=int, default=0, help="print this many wrong answers")
	parser.add_argument("--http", default=None, help="also over HTTP: URL of the running site")
	parser.add_argument("--http-host", default=None, help="Host header over HTTP (default: --site)")
	args = parser.parse_args()

	import frappe

	from gigafibre_fsm.network.civic_address import search
	from gigafibre_fsm.network.civic_address.loader import load_csv
	from gigafibre_fsm.tests.generators import civic_addresses

	frappe.init(site=args.site, sites_path=os.getcwd())
	frappe.connect()
	csv_path = args.csv or f"/tmp/gigafibre-rqa-{args.rows}-{args.seed}.csv"
	print(f"site {args.site}, {args.rows:,} addresses, seed {args.seed}")
	version = frappe.db.sql("SELECT VERSION(), @@innodb_buffer_pool_size")[0]
	print(f"MariaDB {version[0]}, buffer pool {_human(int(version[1]))}, {os.cpu_count()} CPUs")

	if not os.path.exists(csv_path):
		t = time.monotonic()
		with open(csv_path, "w", encoding="utf-8", newline="", buffering=1 << 20) as f:
			civic_addresses.generate_addresses(f, args.rows, args.seed)
		print(f"generate: {time.monotonic() - t:.1f} s ({_human(os.path.getsize(csv_path))})")

	if args.fresh and not args.skip_load:
		from gigafibre_fsm.network.civic_address.schema import TABLES, ensure_search_tables

		ensure_search_tables()
		for table in ("tabCivic Address", *TABLES):
			frappe.db.sql_ddl(f"TRUNCATE `{table}`")
		print("emptied Civic Address and its index")

	if not args.skip_load:

		def progress(stage, done, total):
			if total and done == total:
				print(f"  {stage}: {done:,} rows at {time.monotonic() - started:.1f} s", flush=True)

		started = time.monotonic()
		result = load_csv(csv_path, progress=progress)
		stages = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
		print(
			f"load: {result.seconds:.1f} s for {result.rows:,} rows "
			f"({result.created:,} new, {result.updated:,} updated, {result.unchanged:,} unchanged, "
			f"{result.new_streets:,} new streets) [{stages}]"
		)

	print("database size:")
	_sizes(frappe)

	t = time.monotonic()
	query_seed = args.seed if args.query_seed is None else args.query_seed
	queries = civic_addresses.generate_queries(csv_path, args.queries, seed=query_seed)
	print(f"queries: {len(queries):,} sampled and misspelled in {time.monotonic() - t:.1f} s")

	# Warm up the connection and the caches the way a running site has them.
	for item in queries[:200]:
		search.search(item["q"], 8)
	frappe.db.rollback()

	latencies, hits, recall = [], Counter(), Counter()
	per_family = Counter()
	misses = []
	for item in queries:
		t = time.perf_counter()
		results = search.search(item["q"], 8)
		latencies.append((time.perf_counter() - t) * 1000)
		per_family[item["family"]] += 1
		ids = [r["address_id"] for r in results]
		if ids and ids[0] == item["rqa_id"]:
			hits[item["family"]] += 1
		elif len(misses) < args.show_misses:
			misses.append((item, results[:3]))
		if item["rqa_id"] in ids:
			recall[item["family"]] += 1
		frappe.db.rollback()  # a request ends with its transaction
	total = len(queries)
	print(
		f"latency in the service: p50 {statistics.median(latencies):.2f} ms, "
		f"p95 {_percentile(latencies, 95):.2f} ms, p99 {_percentile(latencies, 99):.2f} ms, "
		f"max {max(latencies):.1f} ms"
	)
	print(
		f"top-1 accuracy: {sum(hits.values()) / total:.2%} ({sum(hits.values())}/{total}); "
		f"top-8 recall: {sum(recall.values()) / total:.2%}"
	)
	for family in sorted(per_family):
		n = per_family[family]
		print(f"  {family:14} {hits[family] / n:7.2%} top-1  {recall[family] / n:7.2%} top-8  ({n})")
	junk = [
		"",
		"   ",
		"!!!",
		"'; DROP TABLE tabUser; --",
		"<script>alert(1)</script>",
		"zzzzqqq xxyyzz",
		"%%%",
	]
	empty = all(search.search(q, 8) == [] for q in junk)
	print(f"empty and junk queries answer []: {empty}")
	for item, results in misses:
		print(json.dumps(item, ensure_ascii=False), "→", [(r["label"], r["score"]) for r in results])
	if args.http:
		_http_latency(frappe, args, queries)
	frappe.destroy()
	return 0


if __name__ == "__main__":
	sys.exit(main())
