"""The legacy data generator, in memory: what it plants is there, decodable and insertable.

Loading into MariaDB is not exercised here (no database in unit tests); these checks cover
what would make the load fail (characters latin1 cannot store, values longer than their
column) and what the import tests rely on (the manifest tells the truth).
"""

import json
import re
from decimal import Decimal

import pytest

from gigafibre_fsm.legacy.clean import (
	decode_php_lines,
	mysql_latin1_encode,
	repair_text,
	text_is_lossy,
	to_money,
)
from gigafibre_fsm.rules.address import normalize_postal_code, split_address
from gigafibre_fsm.rules.phone import normalize_phone
from gigafibre_fsm.service.identifiers import normalize_mac
from gigafibre_fsm.tests.generators import legacy as generator
from gigafibre_fsm.tests.generators.legacy import (
	LATIN1_TABLES,
	ORPHAN_RATE,
	PHP_KINDS,
	PRODUCTION,
	TEXT_DAMAGE_RATE,
	Builder,
	GeneratorError,
	schema_statements,
	summarize,
)

SCALE = 0.02


@pytest.fixture(scope="module")
def built() -> Builder:
	builder = Builder(seed=11, scale=SCALE)
	builder.build()
	return builder


@pytest.fixture(scope="module")
def manifest(built) -> dict:
	return built.manifest()


def by_id(built: Builder, table: str) -> dict[int, dict]:
	return {row["id"]: row for row in built.rows[table]}


def column_sizes() -> dict[tuple[str, str], int]:
	"""VARCHAR/CHAR sizes of schema.sql, by (table, column)."""
	sizes = {}
	text = re.sub(r"--[^\n]*", "", generator.SCHEMA.read_text(encoding="utf-8"))
	for table, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\)\s*(?:DEFAULT CHARSET=\w+)?;", text, re.S):
		for column, size in re.findall(r"`?(\w+)`?\s+(?:VAR)?CHAR\((\d+)\)", body):
			sizes[(table, column)] = int(size)
	return sizes


def test_same_seed_same_rows():
	first, second = Builder(3, 0.005), Builder(3, 0.005)
	first.build()
	second.build()
	assert json.dumps(first.rows, default=str) == json.dumps(second.rows, default=str)
	other = Builder(4, 0.005)
	other.build()
	assert json.dumps(first.rows, default=str) != json.dumps(other.rows, default=str)


def test_tables_with_a_production_size_have_it_scaled(built, manifest):
	for table in (
		"accord_paiement", "bon_travail", "soumission", "pbx", "phone_addr", "phone_provisioning",
		"account_suspension", "ip_history", "delivery_history", "service_snapshot", "account_profile",
		"fibre", "wifi", "voip",
	):  # fmt: skip
		assert manifest["rows"][table] == max(1, round(PRODUCTION[table] * SCALE)), table
	assert manifest["accounts"]["active"] == round(PRODUCTION["account_active"] * SCALE)
	assert manifest["rows"]["staff"] == PRODUCTION["staff"]


def test_every_table_of_the_schema_has_rows(built):
	tables = set(re.findall(r"CREATE TABLE (\w+)", generator.SCHEMA.read_text(encoding="utf-8")))
	assert tables == {t for t, rows in built.rows.items() if rows}


def test_ids_are_unique(built):
	for table, rows in built.rows.items():
		ids = [row["id"] for row in rows]
		assert len(ids) == len(set(ids)), table


def test_latin1_tables_hold_only_latin1_characters(built):
	for table in LATIN1_TABLES:
		for row in built.rows[table]:
			for column, value in row.items():
				if isinstance(value, str) and not column.startswith("_"):
					assert mysql_latin1_encode(value) is not None, (table, row["id"], column, value)


def test_values_fit_their_columns(built):
	sizes = column_sizes()
	for table, rows in built.rows.items():
		for row in rows:
			for column, value in row.items():
				size = sizes.get((table, column))
				if size and isinstance(value, str):
					assert len(value) <= size, (table, row["id"], column, value)


def test_orphans_point_to_missing_accounts(built, manifest):
	accounts = {row["id"] for row in built.rows["account"]}
	assert set(manifest["planted"]["orphan"]) == set(ORPHAN_RATE)
	for table, ids in manifest["planted"]["orphan"].items():
		rows = by_id(built, table)
		assert ids
		for ident in ids:
			assert rows[ident]["account_id"] not in accounts


def test_non_orphans_point_to_existing_accounts(built, manifest):
	accounts = {row["id"] for row in built.rows["account"]}
	for table in ORPHAN_RATE:
		orphans = set(manifest["planted"]["orphan"][table])
		for row in built.rows[table]:
			if row["id"] not in orphans and row.get("account_id"):
				assert row["account_id"] in accounts, (table, row["id"])


def test_duplicates_are_copies_under_another_id(built, manifest):
	for table, pairs in manifest["planted"]["duplicate"].items():
		rows = by_id(built, table)
		for copy, original in pairs:
			assert copy != original
			assert {**rows[copy], "id": 0} == {**rows[original], "id": 0}


def test_every_php_kind_is_planted_and_decodes_as_the_manifest_says(built, manifest):
	assert set(manifest["planted"]["php"]) == set(PHP_KINDS)
	for row in built.rows["soumission"]:
		expected = manifest["php"].get(str(row["id"]))
		if expected is None:  # an orphan: a copy of another quote
			continue
		for column in ("materiel", "mensuel"):
			result = decode_php_lines(row[column])
			total = sum((line["tot"] or 0 for line in result.lines), Decimal("0.00"))
			want = expected[column]
			assert len(result.lines) == want["lines"], (row["id"], column, want["kind"], result)
			assert str(total) == want["total"], (row["id"], column, want["kind"])
			assert bool(result.errors) == want["error_expected"], (row["id"], column, want["kind"], result)


def test_every_text_damage_is_planted_and_repairs_or_is_flagged(built, manifest):
	kinds = {kind for family in TEXT_DAMAGE_RATE.values() for kind in family}
	assert {e["kind"] for e in manifest["expected_text"]} == kinds
	tables = {table: by_id(built, table) for table in {e["table"] for e in manifest["expected_text"]}}
	for entry in manifest["expected_text"]:
		value = tables[entry["table"]][entry["id"]][entry["column"]]
		assert value != entry["expected"]
		repaired = repair_text(value)
		if entry["kind"] in generator.LOSSY_KINDS:
			assert text_is_lossy(repaired, single_line=entry["column"] not in ("note", "comment", "text"))
		else:
			assert repaired == entry["expected"], entry


def test_dids_come_in_several_notations_and_normalise(built, manifest):
	assert len(manifest["planted"]["did_notation"]) >= 5
	for row in built.rows["pbx"]:
		assert normalize_phone(row["phone"]), row["phone"]
	invalid = set(manifest["planted"]["invalid_did"]["account"])
	for row in built.rows["account"]:
		assert (normalize_phone(row["phone"]) is None) == (row["id"] in invalid or row["phone"] is None)


def test_macs_come_in_several_notations_and_normalise(built, manifest):
	assert len(manifest["planted"]["mac_notation"]) == 7
	invalid = set(manifest["planted"]["invalid_mac"]["device"])
	invalid |= {copy for copy, original in manifest["planted"]["duplicate"]["device"] if original in invalid}
	for row in built.rows["device"]:
		if row["mac"] is not None:
			assert (normalize_mac(row["mac"]) is None) == (row["id"] in invalid), row["mac"]


def test_acs_rows_share_serials(built):
	wifi = built.rows["wifi"]
	assert len({normalize_mac(r["serial"]) for r in wifi}) == round(PRODUCTION["wifi_serials"] * SCALE)
	assert len({r["serial"].strip().upper().replace(" ", "") for r in built.rows["voip"]}) < len(
		built.rows["voip"]
	)


def test_postal_codes_have_the_canadian_shape(built):
	for row in built.rows["delivery"]:
		if row["zip"] is not None and "O" not in row["zip"].upper().replace("J0K", "").replace("J0T", ""):
			assert normalize_postal_code(row["zip"]), row["zip"]
	for row in built.rows["phone_addr"]:
		if row["zip"]:
			assert not set(row["zip"]) & set("DFIOQU"), row["zip"]


def test_every_address_line_has_a_civic_number(built):
	for row in built.rows["delivery"]:
		assert split_address(repair_text(row["address1"]), repair_text(row["address2"])).civic_number


def test_names_have_accents_and_emails_exist(built):
	names = " ".join(f"{r['first_name']} {r['last_name']}" for r in built.rows["account"] if r["first_name"])
	assert re.search(r"[éèêëàâçôîïûù]", names)
	assert sum(1 for r in built.rows["account"] if r["email"] and "@" in r["email"]) > 0.9 * len(
		built.rows["account"]
	)


def test_money_has_cents_and_totals_are_recorded(built, manifest):
	amounts = [r["montant"] for r in built.rows["accord_paiement"] if r["montant"] is not None]
	assert any(to_money(a) != to_money(a).to_integral_value() for a in amounts)
	total = sum((to_money(a) for a in amounts), Decimal("0.00"))
	assert manifest["money_totals"]["accord_paiement.montant"] == str(total)


def test_zero_absurd_and_null_values_are_planted(built, manifest):
	planted = manifest["planted"]
	for key, ids in planted["zero_date"].items():
		table, column = key.split(".")
		rows = by_id(built, table)
		assert all(rows[i][column] == 0 for i in ids)
	for key, entries in planted["absurd_date"].items():
		table, column = key.split(".")
		rows = by_id(built, table)
		assert all(rows[i][column] == value for i, value in entries)
	for key, ids in planted["null"].items():
		table, column = key.split(".")
		rows = by_id(built, table)
		assert all(rows[i][column] is None for i in ids)


def test_summary_is_counts_only(manifest):
	summary = summarize(manifest)
	assert summary["planted"]["orphan"]["delivery"] == len(manifest["planted"]["orphan"]["delivery"])
	json.dumps(summary)


def test_schema_statements_substitute_database_names():
	statements = schema_statements("legacy_t1", "acs_t1")
	assert "CREATE DATABASE IF NOT EXISTS `legacy_t1`" in statements
	assert "CREATE DATABASE IF NOT EXISTS `acs_t1`" in statements
	assert "USE `legacy_t1`" in statements
	assert "USE `acs_t1`" in statements
	assert not any(
		re.search(r"\b(legacy|genieacs)\b(?!_)", s)
		for s in statements
		if s.startswith(("USE", "CREATE DATABASE"))
	)
	assert sum(s.startswith("CREATE TABLE") for s in statements) == 24


@pytest.mark.parametrize("name", ["legacy; DROP", "a-b", "", "x" * 65])
def test_schema_statements_refuse_bad_names(name):
	with pytest.raises(GeneratorError):
		schema_statements(name, "genieacs")
