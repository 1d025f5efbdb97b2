"""A step of the legacy import: one legacy table (and those read with it) into one doctype.

Every table module of ``legacy/tables/`` defines its step as a :class:`Step` with what is its
own (what it loads, how a row converts, how a record is created or updated); the life of a
step is here, the same for all:

1. ``prepare()`` loads what the conversion needs, from the legacy database and the site,
   never from an earlier process (a resumed run rebuilds it all);
2. the rows are read a page at a time in key order, after the last key a run committed;
   each row is skipped (a duplicate, an older version), converted (:mod:`convert`), and
   compared with the ledger: a keyed hash of the values it gave (:func:`row_hash`). Same hash
   → unchanged; a record with its legacy id → updated through ``doc.save()``; else created
   (validated in memory by ``bulk.BulkWriter`` and INSERTed with the batch). A doctype that
   refuses the row (its typed error) rejects it; the batch goes on;
3. each page is one transaction: its records, its log rows, its ledger rows and the run's
   counts (:class:`Tally`) with the page's last key;
4. ``finalize()`` accounts for the rows of the step's other tables that folded into no
   record, ``totals()`` adds up the money tables, and the step is marked done.

Every row read ends in exactly one outcome (``rules.outcomes``): a skipped or rejected row is
a Legacy Import Log row with its reason and the raw row, secret columns masked.
"""

import hashlib
import hmac
import json
import time
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import frappe

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.bulk import BulkWriter
from gigafibre_fsm.legacy.convert import DUPLICATE, Issue, Plan, Rejected, Skipped
from gigafibre_fsm.legacy.reconciliation import COUNTS, MONEY, TableCounts

# Legacy columns holding secrets: masked in the raw rows the log keeps.
SECRET_COLUMNS = {
	"password",
	"ppa_account",
	"token",
	"profile_id",
	"card_id",
	"vm_password",
	"radius_pwd",
	"sip_password",
}
# Errors a doctype raises to refuse a row (all of the app's typed errors are ValidationErrors).
REFUSALS = (frappe.ValidationError, frappe.DuplicateEntryError, frappe.NameError)


# ---------------------------------------------------------------------------------------
# Counting and logging


@dataclass(kw_only=True)
class Tally(TableCounts):
	"""A source table's counts in one run, and how far the run got with it (a row of the run's
	Tables)."""

	step: str = ""
	target_doctype: str | None = None
	last_key: str | None = None
	done: int = 0
	seconds: float = 0.0
	row_name: str | None = None

	def row_values(self) -> dict:
		"""The values of its row of the run's Tables."""
		values = {k: getattr(self, k) for k in (*COUNTS, "last_key", "done", "seconds")}
		values.update({k: getattr(self, k) for k in MONEY if getattr(self, k) is not None})
		return values


@dataclass
class LogEntry:
	table: str
	legacy_id: str | None
	outcome: str
	issue: Issue
	raw: dict | None = None
	reference: tuple[str, str] | None = None


class Counts(dict):
	"""The counts of a batch, per source table (made on first use)."""

	def __missing__(self, table: str) -> TableCounts:
		counts = self[table] = TableCounts(source_table=table)
		return counts


@dataclass
class Batch:
	"""What one batch wrote, flushed together with the run's counts in one transaction."""

	logs: list[LogEntry] = field(default_factory=list)
	ledger: list[tuple] = field(default_factory=list)
	counts: Counts = field(default_factory=Counts)
	created: dict[str, tuple[str, str]] = field(default_factory=dict)  # name → (table, legacy id) inserted


def _json_default(value):
	if isinstance(value, Decimal):
		return str(value)
	if isinstance(value, datetime | date):
		return value.isoformat()
	if isinstance(value, bytes):
		return value.decode("utf-8", "replace")
	return str(value)


def row_hash(payload: dict, key: bytes) -> str:
	"""A keyed hash of the values a row gave: stable across runs, useless without the site key."""
	data = json.dumps(payload, sort_keys=True, default=_json_default, separators=(",", ":"))
	return hmac.new(key, data.encode(), hashlib.blake2b).hexdigest()[:40]


def masked(row: dict | None) -> str | None:
	"""The raw row the log keeps, its secret columns masked."""
	if row is None:
		return None
	safe = {k: ("***" if k in SECRET_COLUMNS and v not in (None, "") else v) for k, v in row.items()}
	return json.dumps(safe, ensure_ascii=False, default=_json_default, sort_keys=True)


# ---------------------------------------------------------------------------------------
# The step


class Step:
	"""One legacy table (and those read with it) into one doctype.

	``importer`` is the run (``legacy.run.Importer``): its context, ledger, tallies and
	writers are shared by the steps of the run.
	"""

	key = ""  # the legacy table that drives the step (the name ``--tables`` takes)
	doctype = ""  # what its rows become
	legacy_field = ""  # the doctype's unique field holding the legacy id
	sources: tuple[str, ...] = ()  # every table it reads rows of, each counted on its own
	money_column = ""  # of a money table: the amount a row not imported leaves out
	# Whether create() writes to the database itself (doc.insert) instead of queueing validated
	# documents for the batch's INSERT: then a row that fails is undone to a savepoint.
	creates_at_once = False

	def __init__(self, importer):
		self.imp = importer
		self.ctx = importer.ctx
		self.source = importer.source
		self.writer: BulkWriter | None = None
		self.existing: dict[str, str] = {}  # legacy id → name of the record
		self.duplicates: dict[int, int] = {}  # id of a duplicate row → id of the row it repeats
		self.folded: set[tuple[str, int]] = set()  # rows of other tables folded into a record

	# -- the step's life -----------------------------------------------------------------

	def run(self) -> None:
		started = time.monotonic()
		tallies = [self.imp.tally(s, self) for s in self.sources]
		if all(t.done for t in tallies):
			return
		self.prepare()
		self.imp.load_ledger(self.sources)
		for source_table, tally in zip(self.sources, tallies, strict=True):
			self.read(source_table, tally)
		# The step ends in one transaction: rows of the other tables that folded into no
		# record, and every table of the step marked done.
		batch = Batch()
		self.finalize(batch)
		for tally in tallies:
			tally.done = 1
			tally.seconds = round((tally.seconds or 0) + time.monotonic() - started, 1)
		self.imp.flush(batch, {t.source_table: None for t in tallies})
		self.totals(tallies)
		for tally in tallies:
			self.imp.save_tally(tally)
			self.imp.progress(tally.source_table, tally.source_rows or 0, tally.source_rows or 0)
		self.imp.commit()

	def prepare(self) -> None:
		"""Load what the conversion needs; rebuilt from the databases on every run."""

	def finalize(self, batch: Batch) -> None:
		"""Rows of secondary tables that did not fold into any record."""

	def totals(self, tallies: list[Tally]) -> None:
		"""Money tables: source, imported and not-imported totals (Decimal)."""

	def read(self, source_table: str, tally: Tally) -> None:
		total = self.count(source_table)
		after = int(tally.last_key) if tally.last_key and str(tally.last_key).lstrip("-").isdigit() else None
		done = tally.source_rows or 0
		self.imp.progress(source_table, done, total)
		for page in self.pages(source_table, after):
			batch = Batch()
			for row in page:
				self.handle(source_table, row, batch)
			self.write(batch)
			done += len(page)
			self.imp.flush(batch, {source_table: str(page[-1]["id"])})
			self.imp.progress(source_table, done, total)

	def count(self, source_table: str) -> int:
		return self.source.count(source_table)

	def pages(self, source_table: str, after):
		return self.source.pages(source_table, after, self.imp.batch_size)

	# -- one row -------------------------------------------------------------------------

	def convert(self, source_table: str, row: dict) -> Plan:
		raise NotImplementedError

	def skip_reason(self, source_table: str, row: dict) -> Issue | None:
		issue = duplicate_issue(self.duplicates, row)
		if issue and self.money_column:
			amount = clean.to_money(row.get(self.money_column))
			issue.amount = amount if isinstance(amount, Decimal) else None
		return issue

	def handle(self, source_table: str, row: dict, batch: Batch) -> None:
		key = str(row["id"])
		counts = batch.counts[source_table]
		counts.source_rows += 1
		skip = self.skip_reason(source_table, row)
		if skip:
			self.set_aside(batch, "skipped", source_table, key, skip, row)
			return
		try:
			plan = self.convert(source_table, row)
		except Skipped as skipped:
			self.set_aside(batch, "skipped", source_table, key, skipped.issue, row)
			return
		except Rejected as rejected:
			self.set_aside(batch, "rejected", source_table, key, rejected.issue, row)
			return
		digest = row_hash(plan.payload(), self.imp.hash_key)
		ledger = self.imp.ledger.get((source_table, key))
		existing = self.find_existing(source_table, key, plan)
		try:
			if existing and ledger and ledger[2] == digest:
				outcome, name = "unchanged", existing
			elif existing:
				name = at_once(lambda: self.update(source_table, key, existing, plan, row, batch))
				outcome = "updated"
			elif self.creates_at_once:
				name = at_once(lambda: self.create(source_table, key, plan, row, batch))
				outcome = "created"
			else:
				name = self.create(source_table, key, plan, row, batch)
				outcome = "created"
		except REFUSALS as error:
			frappe.clear_messages()
			issue = Issue(
				f"{plan.doctype} refused: {type(error).__name__}", error_text(error), refused_amount(plan)
			)
			self.set_aside(batch, "rejected", source_table, key, issue, row)
			return
		except Exception as error:
			# A controller that fails on a value instead of refusing it: the row is not imported,
			# the import goes on, and the log says it failed (not refused) so it stands out.
			frappe.clear_messages()
			details = f"{error_text(error)}\n{traceback.format_exc(limit=-3)}"
			issue = Issue(
				f"{plan.doctype} failed: {type(error).__name__}", details[:2000], refused_amount(plan)
			)
			self.set_aside(batch, "rejected", source_table, key, issue, row)
			return
		counts.count(outcome)
		if outcome != "unchanged":
			batch.ledger.append((source_table, key, plan.doctype, name, digest))
		for table, _ident in plan.merged:
			batch.counts[table].count(outcome)
		self.folded.update(plan.merged)
		if plan.warnings:
			counts.warnings += 1
			for issue in plan.warnings:
				self.log(batch, source_table, key, "Warning", issue, row, (plan.doctype, name))

	def find_existing(self, source_table: str, key: str, plan: Plan) -> str | None:
		return self.existing.get(key)

	def log(self, batch, table, key, outcome, issue, row=None, reference=None) -> None:
		batch.logs.append(LogEntry(table, key, outcome, issue, row, reference))

	def set_aside(self, batch: Batch, outcome: str, table: str, key: str, issue: Issue, row=None) -> None:
		"""A row skipped or rejected: counted, and logged with its reason."""
		batch.counts[table].count(outcome)
		self.log(batch, table, key, outcome.capitalize(), issue, row)

	# -- creating and updating -----------------------------------------------------------

	def create(self, source_table: str, key: str, plan: Plan, row: dict, batch: Batch) -> str:
		doc = self.writer.new(plan.values)
		self.writer.validate(doc)
		self.accept(doc, batch, source_table, key)
		self.existing[key] = doc.name
		return doc.name

	def accept(self, doc, batch: Batch, source_table: str, key: str) -> None:
		"""Queue a validated document for the batch's INSERT."""
		self.writer.accept(doc)
		batch.created[doc.name] = (source_table, key)

	def update(self, source_table, key, name, plan: Plan, row, batch) -> str:
		update_doc(plan.doctype, name, plan.values)
		return name

	def write(self, batch: Batch) -> None:
		"""INSERT the batch's new documents."""
		if self.writer:
			written = {d.name for d in self.writer.flush()}
			self.refused_at_insert(batch, written)

	def refused_at_insert(self, batch: Batch, written: set[str]) -> None:
		"""Rows the database refused after all (a concurrent writer took a unique value)."""
		for name, (table, key) in batch.created.items():
			if name in written:
				continue
			batch.ledger = [e for e in batch.ledger if (e[0], e[1]) != (table, key)]
			batch.counts[table].count("created", -1)
			self.existing.pop(key, None)
			issue = Issue(f"{self.writer.doctype} refused: IntegrityError", "a unique key the database holds")
			self.set_aside(batch, "rejected", table, key, issue)

	def load_existing(self) -> None:
		self.existing = legacy_names(self.doctype, self.legacy_field)

	def new_writer(self, doctype: str | None = None) -> BulkWriter:
		return BulkWriter(doctype or self.doctype, self.imp.index, self.imp.namer, dry_run=self.imp.dry_run)

	# -- money ---------------------------------------------------------------------------

	def source_money(self) -> Decimal:
		"""The total of the step's money column in the legacy table (unusable values left out)."""
		total = Decimal("0.00")
		column = self.money_column
		for row in self.source.query(f"select `{column}` from {self.source.table(self.key)}"):
			value = clean.to_money(row[column])
			if isinstance(value, Decimal):
				total += value
		return total

	def money_totals(self, tally: Tally, source_total: Decimal, imported_sql: str) -> None:
		"""Totals of a money table, exact: the database's sums read as text (never a float)."""
		excluded = "select sum(amount) from `tabLegacy Import Log` where run = %s and source_table = %s"
		tally.source_total = clean.to_money(source_total)
		tally.imported_total = decimal_sql(imported_sql)
		tally.excluded_total = decimal_sql(excluded, (self.imp.run_name, tally.source_table))


# ---------------------------------------------------------------------------------------
# What the steps share


def duplicate_issue(duplicates: dict, row: dict) -> Issue | None:
	"""Why a row is skipped when it repeats another row (``LegacySource.duplicates``)."""
	original = duplicates.get(row["id"])
	if original is None:
		return None
	return Issue(DUPLICATE, f"same values as row {original}")


def legacy_names(doctype: str, fieldname: str) -> dict[str, str]:
	"""{legacy id: record name} of the records of a doctype that carry one in ``fieldname``."""
	return {
		str(key): name
		for key, name in frappe.db.sql(
			f"select `{fieldname}`, name from `tab{doctype}` where ifnull(`{fieldname}`, '') != ''"
		)
	}


def decimal_sql(sql: str, values=None) -> Decimal:
	"""A SUM as a Decimal: frappe.db turns DECIMAL columns into floats, their text is exact."""
	value = frappe.db.sql(f"select cast(({sql}) as char)", *([values] if values else []))[0][0]
	return clean.to_money(Decimal(value or "0"))


def refused_amount(plan: Plan) -> Decimal | None:
	"""All the money of a refused row: what it would have imported and what it left out."""
	amounts = [plan.amount, *(w.amount for w in plan.warnings)]
	amounts = [a for a in amounts if a is not None]
	return sum(amounts, Decimal("0.00")) if amounts else None


def error_text(error: Exception) -> str:
	from frappe.utils import strip_html

	return strip_html(str(error))[:1000]


ROW_SAVEPOINT = "legacy_step_row"


def at_once(write):
	"""A row's write that reaches the database at once (saves, inserts), undone whole when it
	fails: a row counted rejected leaves nothing behind. Updates are rare (a re-run writes
	only what changed), so the savepoint costs the first import nothing."""
	frappe.db.savepoint(ROW_SAVEPOINT)
	try:
		result = write()
	except BaseException:
		frappe.db.rollback(save_point=ROW_SAVEPOINT)
		raise
	frappe.db.release_savepoint(ROW_SAVEPOINT)
	return result


def insert_new(doctype: str, values: dict):
	"""doc.insert() of a record with the doctype's defaults, as Data Import makes them."""
	doc = frappe.new_doc(doctype)
	doc.update(values)
	doc.flags.in_import = True
	doc.insert(ignore_permissions=True)
	return doc


def update_doc(doctype: str, name: str, values: dict) -> None:
	"""Bring an imported record up to its legacy row through its controller (a normal save)."""
	doc = frappe.get_doc(doctype, name)
	for fieldname, value in values.items():
		df = doc.meta.get_field(fieldname)
		if df and df.fieldtype in ("Table", "Table MultiSelect"):
			doc.set(fieldname, [])
			for child in value:
				doc.append(fieldname, child)
		elif df:
			doc.set(fieldname, value)
	doc.flags.in_import = True
	doc.save(ignore_permissions=True)
