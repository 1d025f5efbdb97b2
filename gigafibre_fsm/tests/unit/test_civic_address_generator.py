import csv
import io
import json
import re
from collections import Counter

from gigafibre_fsm.network.civic_address.records import COLUMNS, RowCleaner, label, street_display
from gigafibre_fsm.tests.generators import civic_addresses as generator

_POSTAL = re.compile(r"[GHJ]\d[ABCEGHJ-NPRSTVXYZ] \d[ABCEGHJ-NPRSTV-Z]\d")


def _generate(rows: int, seed: int = 3) -> str:
	out = io.StringIO()
	assert generator.generate_addresses(out, rows, seed) == rows
	return out.getvalue()


def test_same_seed_same_file_other_seed_other_file():
	assert _generate(3000) == _generate(3000)
	assert _generate(3000) != _generate(3000, seed=4)


def test_rows_are_in_the_extract_format_and_pass_the_loader_checks():
	text = _generate(5000)
	rows = list(csv.DictReader(io.StringIO(text)))
	assert text.splitlines()[0] == ",".join(COLUMNS)
	assert len(rows) == 5000
	cleaner = RowCleaner()
	for row in rows:
		cleaner.clean(row)
	assert len({r["rqa_id"] for r in rows}) == 5000
	# One address per civic number and suffix on a street of a municipality.
	fields = ("municipality_code", "street_generic", "street_specific", "street_direction", "civic_number")
	keys = Counter(tuple(r[f] for f in (*fields, "civic_suffix")) for r in rows)
	assert max(keys.values()) == 1


def test_realistic_content():
	rows = list(csv.DictReader(io.StringIO(_generate(20000))))
	postal = [r["postal_code"] for r in rows if r["postal_code"]]
	assert all(_POSTAL.fullmatch(p) for p in postal)
	assert any(not r["postal_code"] for r in rows)  # a few are unknown, as in the real extract
	assert any(not r["latitude"] for r in rows)
	assert {"A", "1/2"} <= {r["civic_suffix"] for r in rows}
	assert any(re.search(r"[éèêàâîôûç]", r["street_specific"] + r["municipality"]) for r in rows)
	assert any(r["street_specific"].startswith(("Saint-", "Sainte-")) for r in rows)
	# The same street name in several municipalities.
	towns_by_street = {}
	for r in rows:
		towns_by_street.setdefault((r["street_generic"], r["street_specific"]), set()).add(r["municipality"])
	assert max(len(t) for t in towns_by_street.values()) >= 3
	for r in rows[:500]:
		if r["latitude"]:
			assert 44.9 < float(r["latitude"]) < 49.5 and -80 < float(r["longitude"]) < -63


def test_queries_carry_their_ground_truth(tmp_path):
	path = tmp_path / "rqa.csv"
	path.write_text(_generate(8000), encoding="utf-8")
	queries = generator.generate_queries(str(path), 200, seed=5)
	assert len(queries) == 200
	assert set(q["family"] for q in queries) >= {
		"typo",
		"accent",
		"abbreviation",
		"apartment",
		"postal_code",
		"municipality",
		"suffix",
	}
	by_id = {r["rqa_id"]: r for r in csv.DictReader(path.open(encoding="utf-8"))}
	for q in queries:
		assert q["rqa_id"] in by_id
		assert q["q"].strip()
		row = by_id[q["rqa_id"]]
		assert row["civic_number"] in q["q"]
	assert queries == generator.generate_queries(str(path), 200, seed=5)


def test_cli_writes_files(tmp_path):
	addresses, queries = tmp_path / "a.csv", tmp_path / "q.jsonl"
	assert generator.main(["addresses", str(addresses), "--rows", "1500", "--seed", "9"]) == 0
	assert generator.main(["queries", str(addresses), str(queries), "--count", "30"]) == 0
	assert len(addresses.read_text(encoding="utf-8").splitlines()) == 1501
	lines = queries.read_text(encoding="utf-8").splitlines()
	assert len(lines) == 30 and {"q", "rqa_id", "family"} <= set(json.loads(lines[0]))


def test_typo_is_one_edit():
	import random

	rng = random.Random(1)
	for _ in range(200):
		out = generator.typo("Principale", rng)
		assert out != "Principale"
		assert abs(len(out) - len("Principale")) <= 1
		assert out[0] == "P"


def test_display_forms():
	assert street_display("Rue", "de l'", "Église", None) == "Rue de l'Église"
	assert street_display("Chemin", "du", "Lac-Héroux", "") == "Chemin du Lac-Héroux"
	assert street_display("Avenue", None, "1re", None) == "1re Avenue"
	assert street_display("Boulevard", None, "Sainte-Anne", "Est") == "Boulevard Sainte-Anne Est"
	assert street_display("Route", None, "132", None) == "Route 132"
	assert (
		label("125", "A", "Rue Principale", "Saint-Anicet", "J0S 1M0")
		== "125A Rue Principale, Saint-Anicet QC J0S 1M0"
	)
	assert (
		label("125", "1/2", "Rue Principale", "Saint-Anicet", None)
		== "125 1/2 Rue Principale, Saint-Anicet QC"
	)
