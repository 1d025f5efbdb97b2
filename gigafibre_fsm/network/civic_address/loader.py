"""Bulk load of an RQA extract into Civic Address and its search index.

``load_csv(path)`` runs in two passes so that a file with a bad row loads nothing:

1. Read and check every row (pure checks of :mod:`records`), derive what is stored (label,
   street display, the street's comparable form from :mod:`normalize`) and write it to
   tab-separated temporary files. Errors are collected with their line numbers; if there is
   any, :class:`AddressFileError` lists them and the database is not touched.
2. On a dedicated connection (``LOAD DATA LOCAL INFILE`` needs its client flag), one
   transaction: load the rows into a staging table keyed by ``rqa_id`` (a duplicated id is
   refused there, with both line numbers), then merge into ``tabCivic Address`` with
   ``INSERT … SELECT … ON DUPLICATE KEY UPDATE``: new ids are inserted, known ids updated.
   ``modified`` moves only when a value changed, so a re-load of the same extract leaves every
   row as it was. What a load does not own (tags…; the fibre drops link to addresses, not the
   reverse) is never touched by a load. New
   streets, their words and spelling keys go into the index tables in the same
   transaction; the rarity of every word is recounted at the end. Commit, or roll back
   everything.

``LOAD DATA`` rather than multi-row ``INSERT``s: on this machine (2 cores, MariaDB 10.11,
128 MB buffer pool), 200,000 staging rows took 0.8 s (0.2 s writing the file, 0.6 s loading)
against 1.8 s in 2,000-row ``INSERT``s (0.6 s of it escaping values in Python). A whole
5.2-million-row extract loads in about 2 to 3 minutes (``bench/search_addresses.py``).

Only one load runs at a time (a named database lock); a desk edit of an address waits for it.
"""

import csv
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import frappe
import pymysql
from frappe import _

from gigafibre_fsm.network.chunks import chunks
from gigafibre_fsm.network.civic_address import records
from gigafibre_fsm.network.civic_address.normalize import (
	PAIR_MARKS,
	delete_keys,
	municipality_tokens,
	pair_keys,
	street_key,
)
from gigafibre_fsm.network.civic_address.schema import ensure_search_tables, search_tables_exist
from gigafibre_fsm.rules.address import compact_postal_code
from gigafibre_fsm.rules.outcomes import Outcomes

LOCK_NAME = "gf_civic_address_load"


def lock_name() -> str:
	"""MariaDB's named locks are server-wide: one per site's database."""
	return f"{LOCK_NAME}:{frappe.conf.db_name}"


INDEX_TABLES = (
	"gf_civic_street",
	"gf_civic_token",
	"gf_civic_vocab",
	"gf_civic_spelling",
	"gf_civic_postal_street",
)
MAX_REPORTED_ERRORS = 50
PROGRESS_EVERY = 100_000
LABEL_LENGTH = 255

Progress = Callable[[str, int, int | None], None]

# The address values a load writes (everything else on the record is left alone): the row's
# own, and what the rows of one street share (its display form and the RQA parts).
_OWN_COLUMNS = ("label", "civic_number", "civic_suffix", "postal_code", "latitude", "longitude")
_PLACE_COLUMNS = ("street", *records.PLACE_COLUMNS)
_DATA_COLUMNS = (*_OWN_COLUMNS, *_PLACE_COLUMNS)
# The staging file's columns, in this order.
_STAGING_COLUMNS = ("rqa_id", *_OWN_COLUMNS, "street_ref", "line_no", *_PLACE_COLUMNS)

_TSV_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"})


class AddressFileError(frappe.ValidationError):
	"""The file cannot be loaded; ``errors`` lists ``(line, column, message)``, first ones first."""

	def __init__(self, message: str, errors: list[tuple[int, str, str]] | None = None, total: int = 0):
		super().__init__(message)
		self.errors = errors or []
		self.total = total or len(self.errors)


class LoadInProgressError(frappe.ValidationError):
	pass


@dataclass
class LoadResult(Outcomes):
	"""What a load did: each row of the file ``created`` an address, ``updated`` one or left it
	``unchanged``; the streets it added, and the time of each stage."""

	new_streets: int = 0
	seconds: float = 0.0
	timings: dict = field(default_factory=dict)

	@property
	def rows(self) -> int:
		return self.accounted


def _tsv(value: str | None) -> str:
	if value is None:
		return "\\N"
	return value.translate(_TSV_ESCAPE)


def _noop(stage: str, done: int, total: int | None) -> None:
	pass


def _message(error: records.RowError) -> str:
	return _(error.template).format(*error.args_)


# ---------------------------------------------------------------------------------------------
# Pass 1: check and prepare


class _Prepared:
	"""The temporary files of a checked extract and what goes with them."""

	def __init__(self, folder: str):
		self.folder = folder
		self.rows = 0
		self.new_streets = 0
		self.check_seconds = 0.0

	def path(self, name: str) -> str:
		return os.path.join(self.folder, f"{name}.tsv")


def _lines(path: str, errors: list, counter: list) -> Iterator[str]:
	"""The file's lines as text; a line that is not UTF-8 is reported and skipped."""
	with open(path, "rb") as f:
		for number, raw in enumerate(f, 1):
			try:
				# Decoded line by line, so a bad byte is reported on its own line.
				yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
			except UnicodeDecodeError:
				counter[0] += 1
				if len(errors) < MAX_REPORTED_ERRORS:
					errors.append((number, "", _("The line is not UTF-8 text")))
				yield ""


class _StreetIndex:
	"""Streets already indexed and those this file adds, keyed by their comparable form."""

	def __init__(self, prepared: _Prepared, connection, rebuild: bool = False):
		self.prepared = prepared
		self.ids: dict[str, int] = {}
		self.known_tokens: set[str] = set()
		if not rebuild:  # a rebuild starts the index afresh
			with connection.cursor() as cur:
				cur.execute("SELECT skey, street_id FROM gf_civic_street")
				self.ids = dict(cur.fetchall())
				# Words only: pairs start with a mark (normalize.PAIR_MARKS).
				marks = " AND ".join(f"tok NOT LIKE '{mark}%'" for mark in PAIR_MARKS)
				cur.execute(f"SELECT tok FROM gf_civic_vocab WHERE {marks}")
				self.known_tokens = {row[0] for row in cur.fetchall()}
		self.next_id = max(self.ids.values(), default=0) + 1
		self.streets = open(prepared.path("streets"), "w", encoding="utf-8")
		self.tokens = open(prepared.path("tokens"), "w", encoding="utf-8")
		self.spelling = open(prepared.path("spelling"), "w", encoding="utf-8")

	def street_ref(self, place: dict) -> int:
		key = street_key(
			place["street_generic"], place["street_link"], place["street_specific"], place["street_direction"]
		)
		muni = municipality_tokens(place["municipality"])
		skey = "|".join(
			(place["municipality_code"], key.generic or "", key.direction or "", " ".join(key.tokens))
		)
		street_id = self.ids.get(skey)
		if street_id is not None:
			return street_id
		street_id = self.ids[skey] = self.next_id
		self.next_id += 1
		self.prepared.new_streets += 1
		street_words = " ".join(key.tokens)
		muni_words = " ".join(muni)
		self.streets.write(
			f"{street_id}\t{_tsv(skey)}\t{key.generic or ''}\t{key.direction or ''}\t{street_words}\t{muni_words}\n"
		)
		words = list(dict.fromkeys(key.tokens + muni))
		for token in words:
			self.tokens.write(f"{token}\t{street_id}\n")
			if token not in self.known_tokens:
				self.known_tokens.add(token)
				for del_key in sorted(delete_keys(token)):
					self.spelling.write(f"{del_key}\t{token}\n")
		for pair in pair_keys(key.tokens, muni):
			self.tokens.write(f"{pair}\t{street_id}\n")
		return street_id

	def close(self) -> None:
		for f in (self.streets, self.tokens, self.spelling):
			f.close()


def _prepare(path: str, connection, progress: Progress, rebuild: bool = False) -> _Prepared:
	prepared = _Prepared(tempfile.mkdtemp(prefix="gf-civic-"))
	errors: list[tuple[int, str, str]] = []
	bad = [0]
	streets = _StreetIndex(prepared, connection, rebuild)
	cleaner = records.RowCleaner()
	places: dict[tuple, tuple[int, str, str, str]] = {}
	postal_streets: set[tuple[str, int]] = set()
	started = time.monotonic()
	try:
		with open(prepared.path("staging"), "w", encoding="utf-8", buffering=1 << 20) as out:
			reader = csv.reader(_lines(path, errors, bad))
			header = next(reader, None)
			columns = [c.strip() for c in header or []]
			missing = [c for c in records.COLUMNS if c not in columns]
			unknown = [c for c in columns if c not in records.COLUMNS]
			if not header or missing or unknown or len(set(columns)) != len(columns):
				detail = _("expected the columns {0}").format(", ".join(records.COLUMNS))
				raise AddressFileError(
					_("Line 1: the header is not the RQA extract's: {0}").format(detail),
					[(1, "", detail)],
				)
			width = len(columns)
			buffer: list[str] = []
			for row in reader:
				line = reader.line_num
				if not row or (len(row) == 1 and not row[0].strip()):
					continue  # blank line (or an undecodable one, already reported)
				prepared.rows += 1
				if len(row) != width:
					bad[0] += 1
					if len(errors) < MAX_REPORTED_ERRORS:
						errors.append(
							(line, "", _("expected {0} columns, found {1}").format(width, len(row)))
						)
					continue
				values = dict(zip(columns, row, strict=True))
				try:
					clean = cleaner.clean(values)
				except records.RowError as e:
					bad[0] += 1
					if len(errors) < MAX_REPORTED_ERRORS:
						errors.append((line, e.column, _message(e)))
					continue
				if bad[0]:
					continue  # keep checking, stop writing
				place_key = tuple(map(clean.get, records.PLACE_COLUMNS))
				place = places.get(place_key)
				if place is None:
					street = records.street_display(
						clean["street_generic"],
						clean["street_link"],
						clean["street_specific"],
						clean["street_direction"],
					)
					tail = "\t".join(_tsv(v) for v in (street, *place_key))  # _PLACE_COLUMNS
					place = places[place_key] = (
						streets.street_ref(clean),
						_tsv(street),
						_tsv(clean["municipality"]),
						tail,
					)
				street_ref, street_text, muni_text, tail = place
				civic = records.civic_display(clean["civic_number"], clean["civic_suffix"])
				postal = clean["postal_code"]
				label = f"{civic} {street_text}, {muni_text} QC {postal or ''}".rstrip()
				if len(label) > LABEL_LENGTH:
					bad[0] += 1
					if len(errors) < MAX_REPORTED_ERRORS:
						errors.append(
							(line, "", _("The address is longer than {0} characters").format(LABEL_LENGTH))
						)
					continue
				if postal:
					postal_streets.add((postal.replace(" ", ""), street_ref))
				buffer.append(
					f"{clean['rqa_id']}\t{label}\t{clean['civic_number']}\t{_tsv(clean['civic_suffix'])}\t"
					f"{_tsv(postal)}\t{_tsv(clean['latitude'])}\t{_tsv(clean['longitude'])}\t"
					f"{street_ref}\t{line}\t{tail}\n"
				)
				if len(buffer) >= 10000:
					out.write("".join(buffer))
					buffer.clear()
				if prepared.rows % PROGRESS_EVERY == 0:
					progress("check", prepared.rows, None)
			out.write("".join(buffer))
		with open(prepared.path("postal"), "w", encoding="utf-8") as out:
			out.writelines(f"{postal}\t{street_id}\n" for postal, street_id in sorted(postal_streets))
		streets.close()
		progress("check", prepared.rows, prepared.rows)
		if bad[0]:
			first = errors[0]
			raise AddressFileError(
				_("Nothing was loaded: {0} bad row(s). Line {1}: {2}").format(bad[0], first[0], first[2]),
				errors,
				bad[0],
			)
		if not prepared.rows:
			raise AddressFileError(_("The file has no address rows"), [])
		prepared.check_seconds = time.monotonic() - started
		return prepared
	except BaseException:
		streets.close()
		shutil.rmtree(prepared.folder, ignore_errors=True)
		raise


# ---------------------------------------------------------------------------------------------
# Pass 2: one transaction


def _connect():
	"""A connection of its own: LOAD DATA LOCAL needs a client flag Frappe's connection lacks."""
	settings = frappe.db.get_connection_settings()
	settings.update(local_infile=True, autocommit=False)
	connection = pymysql.connect(**settings)
	with connection.cursor() as cur:
		# Fewer gap locks on tabCivic Address while the merge runs: desk edits elsewhere do not wait.
		cur.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
	return connection


def _load_file(cur, path: str, table: str, columns: tuple[str, ...] | None = None, ignore=False) -> int:
	cols = f"({', '.join(columns)})" if columns else ""
	cur.execute(
		f"LOAD DATA LOCAL INFILE %s {'IGNORE' if ignore else ''} INTO TABLE `{table}` "
		f"CHARACTER SET utf8mb4 {cols}",
		(path,),
	)
	return cur.rowcount


def _staging_ddl() -> str:
	text = "VARCHAR(140)"
	return f"""CREATE TEMPORARY TABLE gf_civic_staging (
		rqa_id {text} NOT NULL PRIMARY KEY,
		label VARCHAR(255),
		civic_number {text}, civic_suffix {text}, postal_code {text}, latitude {text}, longitude {text},
		street_ref INT UNSIGNED NOT NULL, line_no INT UNSIGNED NOT NULL,
		street {text}, street_generic {text}, street_link {text}, street_specific {text},
		street_direction {text}, municipality {text}, municipality_code {text}
	) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"""


def _duplicate_error(cur, prepared: _Prepared, loaded: int) -> AddressFileError:
	"""The staging table refused repeated ids: find them and both their lines."""
	cur.execute("SHOW WARNINGS LIMIT %s", (MAX_REPORTED_ERRORS,))
	ids = []
	for _level, _code, message in cur.fetchall():
		if "Duplicate entry" in message:
			ids.append(message.split("'")[1])
	first_lines = {}
	if ids:
		cur.execute(
			"SELECT rqa_id, line_no FROM gf_civic_staging WHERE rqa_id IN %s",
			(tuple(ids),),
		)
		first_lines = dict(cur.fetchall())
	# The second line of each: read the staging file again (only on this error path).
	wanted, errors = set(ids), []
	with open(prepared.path("staging"), encoding="utf-8") as f:
		for row in f:
			rqa_id, rest = row.split("\t", 1)
			if rqa_id in wanted:
				line = int(rest.split("\t")[7])
				if line != first_lines.get(rqa_id):
					errors.append(
						(
							line,
							"rqa_id",
							_("rqa_id {0} is also on line {1}").format(rqa_id, first_lines.get(rqa_id)),
						)
					)
	errors.sort()
	total = prepared.rows - loaded
	detail = f" {_('Line {0}: {1}').format(errors[0][0], errors[0][2])}" if errors else ""
	return AddressFileError(
		_("Nothing was loaded: {0} row(s) repeat an rqa_id.").format(total) + detail, errors, total
	)


def _merge_sql() -> str:
	target = "`tabCivic Address`"
	insert_columns = (
		"name, creation, modified, modified_by, owner, docstatus, idx, rqa_id, street_ref, "
		+ ", ".join(_DATA_COLUMNS)
	)
	select_columns = "rqa_id, %(now)s, %(now)s, %(user)s, %(user)s, 0, 0, rqa_id, street_ref, " + ", ".join(
		_DATA_COLUMNS
	)
	same = " AND ".join(f"{target}.`{c}` <=> VALUES(`{c}`)" for c in _DATA_COLUMNS)
	# MariaDB applies the assignments left to right: modified is decided on the old values,
	# modified_by then sees whether modified moved.
	updates = [
		f"{target}.modified = IF({same}, {target}.modified, VALUES(modified))",
		f"{target}.modified_by = IF({target}.modified <=> VALUES(modified), VALUES(modified_by), "
		f"{target}.modified_by)",
		*(f"{target}.`{c}` = VALUES(`{c}`)" for c in _DATA_COLUMNS),
		f"{target}.street_ref = VALUES(street_ref)",
	]
	return (
		f"INSERT INTO {target} ({insert_columns}) "
		f"SELECT {select_columns} FROM gf_civic_staging "
		f"ON DUPLICATE KEY UPDATE {', '.join(updates)}"
	)


# Rarity of every word and pair: the number of streets it is on.
REFRESH_VOCAB_SQL = """
	INSERT INTO gf_civic_vocab (tok, df)
	SELECT tok, COUNT(*) FROM gf_civic_token {where} GROUP BY tok
	ON DUPLICATE KEY UPDATE df = VALUES(df)"""
REFRESH_META_SQL = """
	INSERT INTO gf_civic_meta (k, v) SELECT 'streets', COUNT(*) FROM gf_civic_street
	ON DUPLICATE KEY UPDATE v = VALUES(v)"""


def _apply(
	connection, prepared: _Prepared, progress: Progress, result: LoadResult, rebuild: bool = False
) -> None:
	now = frappe.utils.now_datetime().strftime("%Y-%m-%d %H:%M:%S.%f")
	user = frappe.session.user if getattr(frappe.local, "session", None) else "Administrator"
	timings = result.timings
	with connection.cursor() as cur:
		cur.execute("DROP TEMPORARY TABLE IF EXISTS gf_civic_staging")
		cur.execute(_staging_ddl())
		try:
			t = time.monotonic()
			progress("stage", 0, prepared.rows)
			loaded = _load_file(
				cur, prepared.path("staging"), "gf_civic_staging", _STAGING_COLUMNS, ignore=True
			)
			timings["stage"] = time.monotonic() - t
			if loaded != prepared.rows:
				raise _duplicate_error(cur, prepared, loaded)
			progress("stage", loaded, prepared.rows)

			t = time.monotonic()
			progress("index", 0, None)
			if rebuild:
				# In the transaction: searches see the old index until the new one commits.
				for table in INDEX_TABLES:
					cur.execute(f"DELETE FROM {table}")
			_load_file(cur, prepared.path("streets"), "gf_civic_street")
			_load_file(cur, prepared.path("tokens"), "gf_civic_token", ignore=True)
			_load_file(cur, prepared.path("spelling"), "gf_civic_spelling", ignore=True)
			_load_file(cur, prepared.path("postal"), "gf_civic_postal_street", ignore=True)
			timings["index"] = time.monotonic() - t

			t = time.monotonic()
			progress("merge", 0, prepared.rows)
			cur.execute(_merge_sql(), {"now": now, "user": user})
			timings["merge"] = time.monotonic() - t

			t = time.monotonic()
			cur.execute(REFRESH_VOCAB_SQL.format(where=""))
			cur.execute(REFRESH_META_SQL)
			cur.execute(
				"SELECT COUNT(*), COALESCE(SUM(creation = %(now)s), 0) FROM `tabCivic Address` "
				"WHERE modified = %(now)s",
				{"now": now},
			)
			touched, inserted = (int(v) for v in cur.fetchone())
			timings["finish"] = time.monotonic() - t
			t = time.monotonic()
			connection.commit()
			timings["commit"] = time.monotonic() - t
			progress("merge", prepared.rows, prepared.rows)
		except BaseException:
			connection.rollback()
			raise
		finally:
			cur.execute("DROP TEMPORARY TABLE IF EXISTS gf_civic_staging")
	result.count("created", inserted)
	result.count("updated", touched - inserted)
	result.count("unchanged", prepared.rows - touched)


def load_csv(path: str, progress: Progress | None = None, rebuild: bool = False) -> LoadResult:
	"""Load an RQA extract (CSV, UTF-8, header row): new ids are added, known ids updated.

	``progress(stage, done, total)`` is called now and then; stages are ``check``, ``stage``,
	``index`` and ``merge``. Raises :class:`AddressFileError` (with every bad line, up to 50)
	and loads nothing when any row is bad. ``rebuild`` replaces the whole search index by the
	one of this file (see :func:`rebuild_index`).
	"""
	progress = progress or _noop
	started = time.monotonic()
	if not os.path.isfile(path):
		raise AddressFileError(_("File {0} not found").format(path))
	ensure_search_tables()
	frappe.db.commit()  # nosemgrep: the load runs on its own connection and must see the tables
	connection = _connect()
	try:
		with connection.cursor() as cur:
			cur.execute("SELECT GET_LOCK(%s, 0)", (lock_name(),))
			if not cur.fetchone()[0]:
				raise LoadInProgressError(_("Another address load is running; try again when it is done"))
		result = LoadResult()
		prepared = _prepare(path, connection, progress, rebuild)
		try:
			result.new_streets = prepared.new_streets
			result.timings["check"] = prepared.check_seconds
			_apply(connection, prepared, progress, result, rebuild)
		finally:
			shutil.rmtree(prepared.folder, ignore_errors=True)
	finally:
		connection.close()  # releases the lock
	result.seconds = time.monotonic() - started
	return result


def rebuild_index(progress: Progress | None = None) -> LoadResult:
	"""Rebuild the search index from the Civic Address records, e.g. after a change in how
	addresses are normalised: the records are written out in the extract format and loaded
	back, which leaves them unchanged (``modified`` included) and replaces the index in the
	same transaction."""
	fd, path = tempfile.mkstemp(prefix="gf-civic-export-", suffix=".csv")
	try:
		with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
			writer = csv.writer(f, lineterminator="\n")
			writer.writerow(records.COLUMNS)
			columns = ", ".join(f"`{c}`" for c in records.COLUMNS)
			last, done = "", 0
			while True:
				# Keyset pages: constant cost per page on millions of rows.
				rows = frappe.db.sql(
					f"SELECT {columns} FROM `tabCivic Address` WHERE name > %s ORDER BY name LIMIT 50000",
					last,
				)
				if not rows:
					break
				writer.writerows([("" if v is None else v) for v in row] for row in rows)
				last, done = rows[-1][0], done + len(rows)
				(progress or _noop)("export", done, None)
		if not done:
			# No address: nothing to load, an empty index (the caller commits).
			for table in INDEX_TABLES:
				frappe.db.sql(f"DELETE FROM {table}")
			frappe.db.sql(REFRESH_META_SQL)
			return LoadResult()
		return load_csv(path, progress, rebuild=True)
	finally:
		os.unlink(path)


# ---------------------------------------------------------------------------------------------
# One address at a time (a desk edit)


def index_address(doc) -> int:
	"""Put one saved Civic Address into the search index; returns its street reference.

	The desk path of what :func:`load_csv` does in bulk: find or add the street, its words and
	their spelling keys, the postal code's street, then set ``street_ref`` without touching
	``modified``.
	"""
	if not search_tables_exist():
		return 0  # created on migrate; DDL here would commit the caller's transaction
	key = street_key(doc.street_generic, doc.street_link, doc.street_specific, doc.street_direction)
	muni = municipality_tokens(doc.municipality)
	skey = "|".join(
		((doc.municipality_code or "").strip(), key.generic or "", key.direction or "", " ".join(key.tokens))
	)
	street_id = frappe.db.sql("SELECT street_id FROM gf_civic_street WHERE skey = %s", skey)
	if street_id:
		street_id = street_id[0][0]
	else:
		# A named lock keeps a desk edit from taking a street id a running load is handing out.
		if not frappe.db.sql("SELECT GET_LOCK(%s, 10)", lock_name())[0][0]:
			raise LoadInProgressError(_("An address load is running; try again when it is done"))
		try:
			street_id = int(
				frappe.db.sql("SELECT COALESCE(MAX(street_id), 0) + 1 FROM gf_civic_street")[0][0]
			)
			frappe.db.sql(
				"""INSERT INTO gf_civic_street
				(street_id, skey, generic, direction, street_tokens, municipality_tokens)
				VALUES (%s, %s, %s, %s, %s, %s)""",
				(
					street_id,
					skey,
					key.generic or "",
					key.direction or "",
					" ".join(key.tokens),
					" ".join(muni),
				),
			)
		finally:
			frappe.db.sql("SELECT RELEASE_LOCK(%s)", lock_name())
		words = list(dict.fromkeys(key.tokens + muni))
		if words:
			entries = words + pair_keys(key.tokens, muni)
			frappe.db.sql(
				"INSERT IGNORE INTO gf_civic_token (tok, street_id) VALUES "
				+ ", ".join(["(%s, %s)"] * len(entries)),
				[v for entry in entries for v in (entry, street_id)],
			)
			spelling = [(k, word) for word in words for k in sorted(delete_keys(word))]
			frappe.db.sql(
				"INSERT IGNORE INTO gf_civic_spelling (del_key, tok) VALUES "
				+ ", ".join(["(%s, %s)"] * len(spelling)),
				[v for pair in spelling for v in pair],
			)
			frappe.db.sql(REFRESH_VOCAB_SQL.format(where="WHERE tok IN %(words)s"), {"words": tuple(entries)})
		frappe.db.sql(REFRESH_META_SQL)
	postal = compact_postal_code(doc.postal_code)
	if postal:
		frappe.db.sql(
			"INSERT IGNORE INTO gf_civic_postal_street (postal, street_id) VALUES (%s, %s)",
			(postal, street_id),
		)
	if doc.street_ref != street_id:
		doc.db_set("street_ref", street_id, update_modified=False)
	return street_id


def delete_addresses(rqa_ids: list[str]) -> int:
	"""Delete addresses (retired from the reference) and the index entries of streets left empty.

	Runs in the caller's transaction; returns the number of addresses deleted.
	"""
	streets: set[int] = set()
	deleted = 0
	for chunk in chunks(rqa_ids, 5000):
		streets.update(
			frappe.db.sql(
				"SELECT DISTINCT street_ref FROM `tabCivic Address` WHERE name IN %s", (chunk,), pluck=True
			)
		)
		frappe.db.sql("DELETE FROM `tabCivic Address` WHERE name IN %s", (chunk,))
		deleted += int(frappe.db.sql("SELECT ROW_COUNT()")[0][0])
	empty = [
		street_id
		for street_id in streets
		if not frappe.db.sql("SELECT 1 FROM `tabCivic Address` WHERE street_ref = %s LIMIT 1", street_id)
	]
	if empty:
		empty_ids = (tuple(empty),)
		words = frappe.db.sql(
			"SELECT DISTINCT tok FROM gf_civic_token WHERE street_id IN %s", empty_ids, pluck=True
		)
		for table in ("gf_civic_street", "gf_civic_token", "gf_civic_postal_street"):
			frappe.db.sql(f"DELETE FROM {table} WHERE street_id IN %s", empty_ids)
		if words:
			words = (tuple(words),)
			frappe.db.sql(
				"""UPDATE gf_civic_vocab v SET df = (SELECT COUNT(*) FROM gf_civic_token t WHERE t.tok = v.tok)
				WHERE v.tok IN %s""",
				words,
			)
			frappe.db.sql(
				"DELETE FROM gf_civic_spelling WHERE tok IN %s AND tok IN "
				"(SELECT tok FROM gf_civic_vocab WHERE df = 0)",
				words,
			)
			frappe.db.sql("DELETE FROM gf_civic_vocab WHERE tok IN %s AND df = 0", words)
		frappe.db.sql(REFRESH_META_SQL)
	return deleted
