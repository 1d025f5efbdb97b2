"""Benchmark of the fibre-drop matching: 16,056 drops against the civic addresses of a site.

Reads the RQA-format extract the site was loaded from (``bench/search_addresses.py`` makes
and loads one of 5.2 million generated addresses), picks villages the way Gigafibre's drops
are spread (25 villages by default, each of a few thousand addresses), makes drops from
their addresses with the legacy system's variations (``tests/generators/fibre_drops.py``: written
differently, abbreviations, typos, missing parts, the civic number in the street, an
apartment, no civic number, a house the reference lacks, ambiguous ones) — so every drop's
true address is known — writes them as Fibre Drop records, runs the matching
(``match_drops``, the batch of ``bench match-fibre-drops``) and prints:

- the total time of the run (target ≤ 30 s) and of a second run (nothing left to change);
- precision of the automatic links (target ≥ 99 %) and recall over the drops that have an
  address; how many went to review and how often the proposal there is right;
- the same per kind of variation.

Run it from the bench, as the bench user, on the site that has the addresses::

    cd /opt/gigafibre/frappe-bench/sites
    ../env/bin/python ../apps/gigafibre_fsm/bench/match_fibre_drops.py --site SITE \\
        --csv /tmp/gigafibre-rqa-5200000-2026.csv [--drops 16056] [--villages 25] [--cleanup]

The drops are named ``BENCH-…`` and replaced by each run; ``--cleanup`` deletes them at the
end (by default they stay, so the site's search shows coverage). The figures are printed,
not asserted: they depend on the machine.
"""

import argparse
import csv
import os
import random
import sys
import time
from collections import Counter, defaultdict

PREFIX = "BENCH-FD-"


def _municipality_sizes(path: str) -> tuple[Counter, dict]:
	sizes: Counter = Counter()
	names: dict[str, str] = {}
	with open(path, newline="", encoding="utf-8") as f:
		reader = csv.reader(f)
		header = next(reader)
		code_at, name_at = header.index("municipality_code"), header.index("municipality")
		for row in reader:
			sizes[row[code_at]] += 1
			if row[code_at] not in names:
				names[row[code_at]] = row[name_at]
	return sizes, names


def _rows_of(path: str, codes: set[str]) -> list[dict]:
	out = []
	with open(path, newline="", encoding="utf-8") as f:
		for row in csv.DictReader(f):
			if row["municipality_code"] in codes:
				out.append(row)
	return out


def _street_civics(rows: list[dict]) -> dict:
	civics: dict[tuple, set] = defaultdict(set)
	for row in rows:
		key = (
			row["municipality_code"],
			row["street_generic"],
			row["street_link"],
			row["street_specific"],
			row["street_direction"],
		)
		civics[key].add(row["civic_number"])
	return civics


def _serial(rng: random.Random, i: int) -> str | None:
	"""Most drops serve a customer (an ONT), some are held by an order, the rest are free."""
	r = rng.random()
	if r < 0.45:
		return f"GPON{i:08X}"
	if r < 0.50:
		return f"RESERVED-BENCH-{i}"
	return None


def _write_drops(frappe, drops: list[dict], seed: int) -> None:
	from gigafibre_fsm.network.fibre_port import drop_status

	frappe.db.sql("DELETE FROM `tabFibre Drop` WHERE name LIKE %s", f"{PREFIX}%")
	now = frappe.utils.now_datetime()
	rng = random.Random(seed)
	fields = [
		"name",
		"creation",
		"modified",
		"modified_by",
		"owner",
		"docstatus",
		"idx",
		"civic_number",
		"street",
		"city",
		"postal_code",
		"latitude",
		"longitude",
		"installed_serial",
		"status",
		"max_speed_mbps",
		"zone_tarifaire",
		"match_status",
	]
	values = []
	for i, drop in enumerate(drops, 1):
		serial = _serial(rng, i)
		values.append(
			(
				f"{PREFIX}{i:05d}",
				now,
				now,
				"Administrator",
				"Administrator",
				0,
				0,
				drop["civic_number"],
				drop["street"],
				drop["city"],
				drop["postal_code"],
				drop["latitude"],
				drop["longitude"],
				serial,
				drop_status(serial),
				1500,
				"Z1",
				"Unmatched",
			)
		)
	frappe.db.bulk_insert("Fibre Drop", fields, values, chunk_size=2000)
	frappe.db.commit()


def _evaluate(frappe, drops: list[dict]) -> dict:
	rows = {
		r.name: r
		for r in frappe.db.sql(
			"""SELECT name, civic_address, match_status, match_confidence, match_candidates
			FROM `tabFibre Drop` WHERE name LIKE %s""",
			f"{PREFIX}%",
			as_dict=True,
		)
	}
	stats: dict[str, Counter] = defaultdict(Counter)
	misses, unlinked = [], []
	for i, drop in enumerate(drops, 1):
		row = rows[f"{PREFIX}{i:05d}"]
		for key in ("all", drop["kind"]):
			s = stats[key]
			s["drops"] += 1
			s["with_address"] += bool(drop["truth"])
			s[row.match_status] += 1
			if row.match_status == "Matched":
				if row.civic_address == drop["truth"]:
					s["matched_right"] += 1
				else:
					s["matched_wrong"] += 1
					if key == "all":
						misses.append((drop, row))
			elif row.match_status == "Needs Review":
				s["review_right"] += row.civic_address == drop["truth"]
		if drop["truth"] and row.match_status != "Matched" and drop["kind"] not in ("ambiguous", "no_civic"):
			unlinked.append((drop, row))
	return {"stats": stats, "misses": misses, "unlinked": unlinked}


def _pct(a: int, b: int) -> str:
	return f"{100 * a / b:6.2f} %" if b else "     -  "


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--csv", default="/tmp/gigafibre-rqa-5200000-2026.csv")
	parser.add_argument("--drops", type=int, default=16056)
	parser.add_argument("--villages", type=int, default=25)
	parser.add_argument("--seed", type=int, default=7)
	parser.add_argument("--cleanup", action="store_true", help="delete the drops at the end")
	parser.add_argument("--show-misses", type=int, default=10, help="print this many wrong links")
	parser.add_argument(
		"--show-unlinked",
		type=int,
		default=0,
		help="print this many drops left to a person that have an address",
	)
	args = parser.parse_args()

	import frappe

	from gigafibre_fsm.network import drop_matching
	from gigafibre_fsm.tests.generators.fibre_drops import make_drops

	frappe.init(site=args.site, sites_path=os.getcwd())
	frappe.connect()
	frappe.set_user("Administrator")
	addresses = frappe.db.sql("SELECT COUNT(*) FROM `tabCivic Address`")[0][0]
	version = frappe.db.sql("SELECT VERSION(), @@innodb_buffer_pool_size")[0]
	print(
		f"site {args.site}: {addresses:,} civic addresses; MariaDB {version[0]}, buffer pool "
		f"{int(version[1]) // 2**20} MB, {os.cpu_count()} CPUs"
	)

	t = time.monotonic()
	sizes, names = _municipality_sizes(args.csv)
	rng = random.Random(args.seed)
	# Villages: a few thousand addresses each, like the 25 villages Gigafibre serves.
	villages = sorted(code for code, n in sizes.items() if 1500 <= n <= 6000)
	chosen = set(rng.sample(villages, min(args.villages, len(villages))))
	rows = _rows_of(args.csv, chosen)
	drops = make_drops(rows, args.drops, seed=args.seed, street_civics=_street_civics(rows))
	kinds = Counter(d["kind"] for d in drops)
	print(
		f"{len(drops):,} drops from {len(rows):,} addresses of {len(chosen)} villages "
		f"({', '.join(sorted(names[c] for c in chosen)[:6])}…) in {time.monotonic() - t:.1f} s"
	)
	print("  kinds: " + ", ".join(f"{k} {n:,}" for k, n in kinds.most_common()))
	_write_drops(frappe, drops, args.seed)

	def progress(done: int, total: int) -> None:
		sys.stderr.write(f"\r  matching: {done:,}/{total:,} ({time.monotonic() - started:.1f} s)")

	started = time.monotonic()
	first = drop_matching.match_drops(progress=progress)
	sys.stderr.write("\n")
	print(
		f"match-fibre-drops: {first.drops:,} drops in {first.seconds:.1f} s "
		f"({1000 * first.seconds / max(first.drops, 1):.2f} ms a drop), {first.changed:,} changed"
	)
	started = time.monotonic()
	second = drop_matching.match_drops(progress=progress)
	sys.stderr.write("\n")
	print(f"second run: {second.drops:,} drops in {second.seconds:.1f} s, {second.changed:,} changed")

	result = _evaluate(frappe, drops)
	s = result["stats"]["all"]
	matched = s["matched_right"] + s["matched_wrong"]
	print(
		f"precision of automatic links: {_pct(s['matched_right'], matched)} "
		f"({s['matched_right']:,}/{matched:,})"
	)
	print(
		f"recall (linked automatically and right / drops with an address): "
		f"{_pct(s['matched_right'], s['with_address'])} ({s['matched_right']:,}/{s['with_address']:,})"
	)
	print(
		f"to review: {s['Needs Review']:,} ({_pct(s['Needs Review'], s['drops'])}), proposal right "
		f"{_pct(s['review_right'], s['Needs Review'])}; unmatched: {s['Unmatched']:,}"
	)
	print(
		f"  {'kind':22} {'drops':>6} {'matched':>8} {'precision':>10} {'recall':>9} {'review':>7} "
		f"{'right':>9} {'unmatched':>9}"
	)
	for kind in sorted(k for k in result["stats"] if k != "all"):
		k = result["stats"][kind]
		m = k["matched_right"] + k["matched_wrong"]
		print(
			f"  {kind:22} {k['drops']:>6,} {m:>8,} {_pct(k['matched_right'], m):>10} "
			f"{_pct(k['matched_right'], k['with_address']):>9} {k['Needs Review']:>7,} "
			f"{_pct(k['review_right'], k['Needs Review']):>9} {k['Unmatched']:>9,}"
		)
	for drop, row in result["misses"][: args.show_misses]:
		print(
			"  wrong:",
			{k: drop[k] for k in ("civic_number", "street", "city", "postal_code", "kind", "truth")},
			"→",
			row.civic_address,
			row.match_confidence,
		)
	for drop, row in result["unlinked"][: args.show_unlinked]:
		print(
			"  to a person:",
			{k: drop[k] for k in ("civic_number", "street", "city", "postal_code", "kind", "truth")},
			"→",
			row.match_status,
			row.civic_address,
			row.match_confidence,
		)
	if args.cleanup:
		frappe.db.sql("DELETE FROM `tabFibre Drop` WHERE name LIKE %s", f"{PREFIX}%")
		frappe.db.commit()
		print("drops deleted")
	frappe.destroy()
	return 0


if __name__ == "__main__":
	sys.exit(main())
