"""The search index of the civic addresses: plain tables beside ``tabCivic Address``.

Why plain tables and not doctypes: they are keyed for one lookup each (a word → its streets,
a misspelling → its words) with composite primary keys, ascii binary columns and no
owner/modified columns; a doctype would add a varchar ``name`` primary key and six columns
to every one of the million postings.

- ``gf_civic_street``: one row per street of a municipality (~40 addresses each), with its
  comparable form (generic, direction, words of its name, words of its municipality).
  ``tabCivic Address.street_ref`` points here.
- ``gf_civic_token``: word → streets (inverted index), and pair of words → streets: "Notre",
  "Dame" and "Thurso" are each on thousands of streets, "Dame" in a street of Thurso
  (``=dame@thurso``) on a handful, so a query made of common words is still a small lookup.
- ``gf_civic_vocab``: every word and pair with the number of streets it is on (its rarity).
- ``gf_civic_spelling``: the word and its one-letter deletions → word (symmetric-delete
  spelling correction: a typo is found by exact, indexed lookups).
- ``gf_civic_postal_street``: postal code → streets, so "J0S 1M0" alone finds the village.
- ``gf_civic_meta``: number of streets (for rarity weights).

They are derived data: the loader fills them from the CSV rows it loads (and a desk edit
from its record), in the same transaction as the addresses. Every gunicorn and RQ worker
reads the same copy, in MariaDB.

Created by :func:`ensure_search_tables`, which the Civic Address doctype's
``on_doctype_update`` calls (install and every migrate that syncs the doctype) and the loader
calls before it writes; :func:`drop_search_tables` is for the app's ``before_uninstall``.
"""

import frappe

ASCII = "CHARACTER SET ascii COLLATE ascii_bin"

TABLES = {
	"gf_civic_street": f"""
		street_id INT UNSIGNED NOT NULL PRIMARY KEY,
		skey VARCHAR(400) {ASCII} NOT NULL,
		generic VARCHAR(40) {ASCII} NOT NULL DEFAULT '',
		direction VARCHAR(20) {ASCII} NOT NULL DEFAULT '',
		street_tokens VARCHAR(255) {ASCII} NOT NULL DEFAULT '',
		municipality_tokens VARCHAR(255) {ASCII} NOT NULL DEFAULT '',
		UNIQUE KEY skey (skey)""",
	"gf_civic_token": f"""
		tok VARCHAR(130) {ASCII} NOT NULL,
		street_id INT UNSIGNED NOT NULL,
		PRIMARY KEY (tok, street_id)""",
	"gf_civic_vocab": f"""
		tok VARCHAR(130) {ASCII} NOT NULL PRIMARY KEY,
		df INT UNSIGNED NOT NULL DEFAULT 0""",
	"gf_civic_spelling": f"""
		del_key VARCHAR(64) {ASCII} NOT NULL,
		tok VARCHAR(64) {ASCII} NOT NULL,
		PRIMARY KEY (del_key, tok)""",
	"gf_civic_postal_street": f"""
		postal CHAR(6) {ASCII} NOT NULL,
		street_id INT UNSIGNED NOT NULL,
		PRIMARY KEY (postal, street_id)""",
	"gf_civic_meta": f"""
		k VARCHAR(40) {ASCII} NOT NULL PRIMARY KEY,
		v VARCHAR(255) NOT NULL DEFAULT ''""",
}

# On tabCivic Address: the search reads (street, civic) from this index alone (covering).
ADDRESS_INDEX = "street_civic"
ADDRESS_INDEX_COLUMNS = ("street_ref", "civic_number", "civic_suffix", "postal_code")


def ensure_search_tables() -> None:
	"""Create the index tables and the address index when missing. Safe to run any time.

	DDL commits in MariaDB: call it outside a transaction that must stay open.
	"""
	for name, columns in TABLES.items():
		frappe.db.sql_ddl(f"CREATE TABLE IF NOT EXISTS `{name}` ({columns}) ENGINE=InnoDB")
	if frappe.db.table_exists("Civic Address", cached=False) and not frappe.db.has_index(
		"tabCivic Address", ADDRESS_INDEX
	):
		frappe.db.add_index("Civic Address", list(ADDRESS_INDEX_COLUMNS), ADDRESS_INDEX)


def drop_search_tables() -> None:
	"""Remove the index tables (uninstall): ``tabCivic Address`` goes with its doctype."""
	for name in TABLES:
		frappe.db.sql_ddl(f"DROP TABLE IF EXISTS `{name}`")


def search_tables_exist() -> bool:
	return bool(frappe.db.sql("SHOW TABLES LIKE 'gf_civic_token'"))


def after_migrate() -> None:
	"""For the app's ``after_migrate`` hook: tables exist even when the doctype did not sync."""
	ensure_search_tables()
