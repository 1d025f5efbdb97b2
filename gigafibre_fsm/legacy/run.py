"""The legacy import run: the PHP application's MariaDB data into the app's records, repeatably.

One run for the patch that ``bench migrate`` runs and for ``bench --site SITE import-legacy
[--tables …] [--dry-run]``::

    from gigafibre_fsm.legacy.run import import_legacy

    summary = import_legacy(tables=["account", "delivery"], dry_run=False, progress=callback)

The run takes the site's import lock, checks that the site is set up for what it writes
(``legacy/preconditions.py``: else it refuses before its first write, naming what to do),
resumes or starts a Legacy Import Run, runs the steps of the selected tables
(``legacy/tables/``, in the order of :data:`tables.STEPS`) in two lanes, commits a batch at a
time with the run's counts, and closes the accounts at the end. What a step does with each row
is ``legacy/step.py``.

**Idempotent by legacy id.** Every record carries its legacy id (a unique column); a Legacy
Record per legacy row keeps a keyed hash (HMAC with the site's encryption key, so secrets in
the hashed values cannot be guessed from it) of the values the row gave. A re-run converts
every row again and compares: same hash → unchanged, nothing written; different → the record
is updated through ``doc.save()`` with all its controller's rules; no record with that legacy
id → created. Nothing is created twice: the legacy-id columns are unique in the database.

**Resumable.** Rows are read in key order and written a batch at a time in one transaction
together with the run's counts and the last key of the batch; a run killed half-way is found
by the next one (its status is still Running while no process holds the import lock) and
resumed after the last key committed. Everything a step needs is rebuilt from the legacy
database and the site, never from memory of the dead process, so the result equals an
uninterrupted run.

**Dirty data never stops the import and is never silently dropped.** A row that cannot be
imported (orphan, no required value, refused by the doctype with its typed error) is a
Legacy Import Log row "Rejected" with the reason, the details and the raw row (secret columns
masked), and leaves nothing behind (its documents are taken back before the batch's INSERT, a
save it made is undone to a savepoint); a duplicate row or an older version of a row is
"Skipped"; a row imported with a value left out (an invalid email, a quote line whose product
is unknown) gets a "Warning". History is not refused by rules made for new records: a date or
a technician the legacy system did not record is imported unknown, and flagged.

**Fast.** New records go through :mod:`gigafibre_fsm.legacy.bulk`, which runs the doctypes'
own validation in memory and writes multi-row INSERTs (its docstring lists exactly which
controller checks run and why that equals a save). Items (116 rows, whose insert makes their
Item Prices) and OLTs use ``doc.insert()``. The steps run in two lanes (:data:`LANES`), the
second in its own process (legacy/worker.py) that dies with the first: ERPNext's Quotation
validation (price lists, item details, party details: ~50 ms a quote) runs beside the bulk
steps instead of after them; a step waits for the steps of the other lane it needs.

**Dry run.** Everything runs in one transaction that is rolled back at the end: the same
reads, conversions, validation and INSERTs, so the database's own keys are checked too, and
nothing stays (the summary is returned and printed instead of a run document).
"""

import json
import os
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

import frappe
from frappe import _
from frappe.utils import now, now_datetime

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.bulk import Index, Namer, update_rows
from gigafibre_fsm.legacy.convert import Context
from gigafibre_fsm.legacy.preconditions import SiteSetup, check, site_setup
from gigafibre_fsm.legacy.reconciliation import COUNTS, added_up
from gigafibre_fsm.legacy.source import LegacySource, get_config
from gigafibre_fsm.legacy.step import Batch, Step, Tally, legacy_names, masked
from gigafibre_fsm.legacy.tables import STEPS
from gigafibre_fsm.legacy.tables.equipment import radius_homes

BATCH = 2000
LOCK = "gigafibre_legacy_import"

# Two lanes, one per core: each runs its steps in order; a step waits for the steps of the
# other lane it needs (DEPENDS). Lane 1 runs in a second process (legacy/worker.py). The steps
# that write Service Location rows (fibre, ip_history, delivery_history) share lane 0, so the
# two processes never lock the same rows. The quotes (ERPNext's Quotation validation, ~60 ms a
# quote) wait for the customers and are the longest step: their lane holds only the catalogue
# and the staff before them; the arrangements, work orders, payment methods and suspensions,
# which wait for the customers too, end lane 0.
LANES = (
	(
		"account",
		"delivery",
		"service",
		"device",
		"fibre",
		"pbx",
		"ip_history",
		"delivery_history",
		"accord_paiement",
		"bon_travail",
		"account_profile",
		"account_suspension",
	),
	("product", "staff", "soumission"),
)
DEPENDS = {
	"delivery": ("account",),
	"service": ("account", "delivery", "product"),
	"device": ("account", "delivery"),
	"fibre": ("delivery",),
	"soumission": ("account", "product"),
	"accord_paiement": ("account", "staff"),
	"bon_travail": ("account", "product", "staff"),
	"account_profile": ("account",),
	"pbx": ("account", "delivery", "device"),
	"account_suspension": ("account",),
	"ip_history": ("delivery",),
	"delivery_history": ("delivery",),
}
# Every source table, in the order of the steps: the order of the run's Tables and summary.
SOURCE_TABLES = tuple(table for step in STEPS.values() for table in step.sources)


class ImportLockedError(frappe.ValidationError):
	pass


class WorkerError(frappe.ValidationError):
	pass


def import_legacy(
	tables: Iterable[str] | None = None,
	dry_run: bool = False,
	progress: Callable[[str, int, int], None] | None = None,
	**options,
) -> dict | None:
	"""Import the configured legacy database; None when the site has none configured."""
	config = get_config()
	if not config:
		return None
	source = LegacySource(config)
	try:
		return Importer(source, tables=tables, dry_run=dry_run, progress=progress, **options).run()
	finally:
		source.close()


class Importer:
	"""One import run: the selected steps, in one process or in two lanes (see :data:`LANES`)."""

	def __init__(
		self,
		source: LegacySource,
		*,
		tables: Iterable[str] | None = None,
		dry_run: bool = False,
		progress: Callable[[str, int, int], None] | None = None,
		batch_size: int = BATCH,
		parallel: bool = True,
		run_name: str | None = None,
	):
		self.source = source
		self.dry_run = dry_run
		self.progress = progress or (lambda table, done, total: None)
		self.batch_size = batch_size
		# One transaction cannot span two processes: a dry run runs in one.
		self.parallel = parallel and not dry_run
		names = list(tables or [])
		unknown = [t for t in names if t not in STEPS]
		if unknown:
			frappe.throw(
				_("Unknown legacy tables: {0}. Known: {1}").format(", ".join(unknown), ", ".join(STEPS))
			)
		self.requested = names
		self.selected = [key for key in STEPS if not names or key in names]
		self.index = Index()
		self.namer = Namer()
		self.ctx = Context(now=now_datetime())
		from frappe.utils.password import get_encryption_key

		self.hash_key = get_encryption_key().encode()
		self.tallies: dict[str, Tally] = {}
		self.run_name = run_name
		self.ledger: dict[tuple[str, str], tuple[str, str, str]] = {}
		self.worker = None
		self.setup: SiteSetup | None = None
		self._common = False
		self._ledger_loaded: set[str] = set()
		self._radius_loaded = False

	# -- running -------------------------------------------------------------------------

	def run(self) -> dict:
		"""The whole run, from the process that holds the import lock."""
		if not frappe.db.sql("select get_lock(%s, 0)", (self.lock_name(),))[0][0]:
			frappe.throw(_("Another legacy import is running on this site"), ImportLockedError)
		flags = (frappe.flags.in_import, frappe.flags.mute_emails)
		started = time.monotonic()
		try:
			# Before the run's first write (its Legacy Import Run), a dry run's too.
			self.setup = check(self.selected)
			frappe.flags.in_import = frappe.flags.mute_emails = True
			self.start()
			if self.parallel:
				lanes = [[k for k in lane if k in self.selected] for lane in LANES]
				if lanes[1]:
					self.worker = start_worker(self, lanes[1])
				self.run_steps(lanes[0])
				self.wait_for_worker()
			else:
				self.run_steps(self.selected)
			if "account" in self.selected:
				self.close_accounts()
			self.finish("Completed")
		except BaseException:
			self.stop_worker()
			frappe.db.rollback()
			if not self.dry_run:
				self.finish("Failed", traceback.format_exc())
			raise
		finally:
			frappe.flags.in_import, frappe.flags.mute_emails = flags
			frappe.db.sql("select release_lock(%s)", (self.lock_name(),))
		if self.dry_run:
			frappe.db.rollback()
		return self.summary(time.monotonic() - started)

	def run_steps(self, keys: Iterable[str]) -> None:
		for key in keys:
			self.wait_for(DEPENDS.get(key, ()))
			STEPS[key](self).run()

	def wait_for(self, keys: Iterable[str]) -> None:
		"""Wait until the other lane has finished the steps this one needs."""
		keys = [k for k in keys if k in self.selected]
		while keys and not self.steps_done(keys):
			if self.worker is not None and self.worker.poll() is not None:
				self.wait_for_worker()  # raises: the other lane stopped before doing them
			time.sleep(0.3)

	def steps_done(self, keys: list[str]) -> bool:
		if all(self.tallies.get(s) and self.tallies[s].done for k in keys for s in STEPS[k].sources):
			return True
		frappe.db.rollback()  # a fresh view of what the other process committed
		done = frappe.db.sql(
			"select step, source_table from `tabLegacy Import Run Table` where parent = %s and done = 1",
			(self.run_name,),
		)
		finished = {(step, table) for step, table in done}
		return all((k, s) in finished for k in keys for s in STEPS[k].sources)

	def wait_for_worker(self) -> None:
		if self.worker is None:
			return
		output, _ignored = self.worker.communicate()
		code, self.worker = self.worker.returncode, None
		if code:
			raise WorkerError(
				_("The second lane of the import stopped (exit {0}): {1}").format(code, output[-2000:])
			)

	def stop_worker(self) -> None:
		if self.worker is not None and self.worker.poll() is None:
			self.worker.kill()
			self.worker.wait()
		self.worker = None

	def lock_name(self) -> str:
		return f"{LOCK}:{frappe.conf.db_name}"

	def start(self) -> None:
		"""Resume a run a dead process left Running, or begin a new one."""
		requested = ",".join(self.requested)
		if not self.dry_run and not self.run_name:
			for name, tables in frappe.db.sql(
				"select name, ifnull(requested_tables, '') from `tabLegacy Import Run` "
				"where status = 'Running' and dry_run = 0 order by creation desc"
			):
				if tables == requested and not self.run_name:
					self.run_name = name
					frappe.db.sql(
						"update `tabLegacy Import Run` set attempts = ifnull(attempts, 1) + 1 where name = %s",
						(name,),
					)
				else:
					frappe.db.set_value("Legacy Import Run", name, "status", "Interrupted")
		if self.run_name:
			self.load_tallies()
		else:
			run = frappe.get_doc(
				{
					"doctype": "Legacy Import Run",
					"status": "Running",
					"dry_run": 1 if self.dry_run else 0,
					"requested_tables": requested or None,
					"started": now(),
					"attempts": 1,
				}
			)
			run.insert(ignore_permissions=True)
			self.run_name = run.name
		self.namer.prepare(STEPS[key].doctype for key in self.selected)
		self.commit()

	def finish(self, status: str, error: str | None = None) -> None:
		if not self.run_name or self.dry_run:
			return
		if status == "Completed":
			frappe.db.rollback()
			self.tallies = {}
			self.load_tallies()
		total = added_up(list(self.tallies.values()))
		totals = {f"total_{k}": getattr(total, k) for k in COUNTS if k != "warnings"}
		frappe.db.set_value(
			"Legacy Import Run",
			self.run_name,
			{"status": status, "finished": now(), "error": error, **totals},
			update_modified=True,
		)
		frappe.db.commit()  # nosemgrep: the run's outcome must survive the caller's rollback

	def commit(self) -> None:
		if not self.dry_run:
			frappe.db.commit()  # nosemgrep: commit per batch, so a killed run resumes

	def summary(self, seconds: float) -> dict:
		tables = sorted(
			self.tallies.items(),
			key=lambda kv: SOURCE_TABLES.index(kv[0]) if kv[0] in SOURCE_TABLES else 99,
		)
		return {
			"run": None if self.dry_run else self.run_name,
			"dry_run": self.dry_run,
			"seconds": round(seconds, 1),
			"tables": {name: t.row_values() for name, t in tables},
		}

	def close_accounts(self) -> None:
		"""Disable the customers of closed accounts written by this run, once their history is in.

		ERPNext refuses a quotation for a disabled customer; the legacy quotes, work orders and
		arrangements were made while the account was open, so the account is closed after them.
		"""
		closed = {
			str(r["id"])
			for r in self.source.query(f"select id from {self.source.table('account')} where status = 0")
		}
		rows = frappe.db.sql(
			"select r.legacy_id, r.reference_name, c.disabled from `tabLegacy Record` r "
			"join `tabCustomer` c on c.name = r.reference_name "
			"where r.source_table = 'account' and r.run = %s",
			(self.run_name,),
		)
		changes = [
			{"name": name, "disabled": int(key in closed), "modified": now()}
			for key, name, disabled in rows
			if int(disabled or 0) != int(key in closed)
		]
		if changes:
			update_rows("Customer", changes)
		self.commit()

	# -- tallies -------------------------------------------------------------------------

	def tally(self, source_table: str, step: Step) -> Tally:
		if source_table not in self.tallies:
			tally = Tally(source_table=source_table, step=step.key, target_doctype=step.doctype)
			child = frappe.get_doc(
				{
					"doctype": "Legacy Import Run Table",
					"parent": self.run_name,
					"parenttype": "Legacy Import Run",
					"parentfield": "tables",
					# Both lanes add rows: the position follows the steps' order, not the clock.
					"idx": SOURCE_TABLES.index(source_table) + 1,
					"source_table": source_table,
					"step": step.key,
					"target_doctype": step.doctype,
				}
			)
			child.db_insert()
			tally.row_name = child.name
			self.tallies[source_table] = tally
		return self.tallies[source_table]

	def load_tallies(self) -> None:
		# Money columns as text: frappe.db turns DECIMAL into float.
		for row in frappe.db.sql(
			"select *, cast(source_total as char) source_total, cast(imported_total as char) imported_total, "
			"cast(excluded_total as char) excluded_total from `tabLegacy Import Run Table` "
			"where parent = %s order by idx",
			(self.run_name,),
			as_dict=True,
		):
			self.tallies[row.source_table] = Tally.from_row({**row, "row_name": row.name})

	def save_tally(self, tally: Tally) -> None:
		frappe.db.set_value(
			"Legacy Import Run Table", tally.row_name, tally.row_values(), update_modified=False
		)

	# -- writing a batch -----------------------------------------------------------------

	def flush(self, batch: Batch, tallies: dict[str, str | None]) -> None:
		"""Write the batch's log and ledger rows and its counts, then commit (one transaction)."""
		stamp, user = now(), frappe.session.user
		# Every value a placeholder: pymysql sends one multi-row INSERT only for a VALUES list
		# of placeholders (with a literal in it, it sends one statement per row).
		if batch.logs:
			frappe.db._cursor.executemany(
				"insert into `tabLegacy Import Log` (name, creation, modified, owner, modified_by, docstatus, idx, "
				"run, source_table, legacy_id, outcome, reason, amount, reference_doctype, reference_name, details, "
				"raw_row) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
				[
					(
						frappe.generate_hash(length=12),
						stamp,
						stamp,
						user,
						user,
						0,
						0,
						self.run_name,
						e.issue.table or e.table,
						e.issue.legacy_id or e.legacy_id,
						e.outcome,
						e.issue.reason[:140],
						e.issue.amount or 0,
						e.reference[0] if e.reference else None,
						e.reference[1] if e.reference else None,
						e.issue.details,
						masked(e.raw),
					)
					for e in batch.logs
				],
			)
		# New ledger rows are INSERTed and known ones UPDATEd (no upsert: the two lanes insert at
		# the same time, and plain inserts of distinct keys never wait on each other).
		new = [e for e in batch.ledger if (e[0], e[1]) not in self.ledger]
		known = [e for e in batch.ledger if (e[0], e[1]) in self.ledger]
		if new:
			frappe.db._cursor.executemany(
				"insert into `tabLegacy Record` (name, creation, modified, owner, modified_by, docstatus, idx, "
				"source_table, legacy_id, reference_doctype, reference_name, row_hash, run) "
				"values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
				[
					(f"{t}:{k}", stamp, stamp, user, user, 0, 0, t, k, doctype, name, digest, self.run_name)
					for t, k, doctype, name, digest in new
				],
			)
		if known:
			frappe.db._cursor.executemany(
				"update `tabLegacy Record` set modified = %s, reference_doctype = %s, reference_name = %s, "
				"row_hash = %s, run = %s where name = %s",
				[
					(stamp, doctype, name, digest, self.run_name, f"{t}:{k}")
					for t, k, doctype, name, digest in known
				],
			)
		for t, k, doctype, name, digest in batch.ledger:
			self.ledger[(t, k)] = (doctype, name, digest)
		for source_table in set(tallies) | set(batch.counts):
			tally = self.tallies[source_table]
			if source_table in batch.counts:
				tally.add(batch.counts[source_table])
			if tallies.get(source_table) is not None:
				tally.last_key = tallies[source_table]
			self.save_tally(tally)
		self.namer.release()
		self.commit()

	def load_ledger(self, tables: Iterable[str]) -> None:
		tables = [t for t in tables if t not in self._ledger_loaded]
		if not tables:
			return
		self._ledger_loaded.update(tables)
		for table, key, doctype, name, digest in frappe.db.sql(
			"select source_table, legacy_id, reference_doctype, reference_name, row_hash "
			"from `tabLegacy Record` where source_table in %s",
			(tuple(tables),),
		):
			self.ledger[(table, key)] = (doctype, name, digest)

	# -- what the steps share: the context, loaded once per run ---------------------------

	def load_parents(self, *tables: str) -> None:
		"""The records the rows of these tables became, by legacy id (``ctx.names``), and the ids
		the source holds (``ctx.source_ids``): a row whose parent is in neither is an orphan, one
		whose parent was not imported shares its fate (``convert.parent``)."""
		for table in tables:
			step = STEPS[table]
			self.ctx.names[table] = {
				int(k) if k.isdigit() else k: n
				for k, n in legacy_names(step.doctype, step.legacy_field).items()
			}
			if not self.ctx.source_ids.get(table):
				self.ctx.source_ids[table] = {
					r["id"] for r in self.source.query(f"select id from {self.source.table(table)}")
				}

	def prepare_common(self) -> None:
		"""Settings and vocabularies every step may need, loaded once per run."""
		if self._common:
			return
		ctx, source = self.ctx, self.source
		# Checked by run() before the first write; the second lane reads it in its process.
		setup = self.setup or site_setup(self.selected)
		ctx.company = setup.company
		ctx.currency = setup.currency or "CAD"
		ctx.price_list = setup.price_list
		ctx.territory = setup.territory
		ctx.item_group = setup.item_group
		ctx.uom = setup.uom
		# Municipalities as spelled most carefully anywhere in the legacy data.
		counts: Counter = Counter()
		codes: dict[str, Counter] = defaultdict(Counter)
		for table, column in (
			("delivery", "city"),
			("fibre", "ville"),
			("phone_addr", "city"),
			("delivery_history", "city"),
		):
			extra = ", code_cauca" if table == "phone_addr" else ""
			for row in source.query(
				f"select `{column}` city{extra}, count(*) n from {source.table(table)} group by `{column}`{extra}"
			):
				text = clean.clean_text(row["city"])
				if text and not clean.text_is_lossy(text, single_line=True):
					counts[text] += row["n"]
					if row.get("code_cauca"):
						codes[clean.city_key(text)][clean.clean_text(row["code_cauca"])] += row["n"]
		ctx.cities = clean.city_spellings(dict(counts))
		ctx.municipality_codes = {key: c.most_common(1)[0][0] for key, c in codes.items() if c}
		words = set(clean.QUEBEC_WORDS)
		for spelling in ctx.cities.values():
			words.update(spelling.replace("-", " ").split())
		ctx.vocabulary = tuple(sorted(words))
		self._common = True

	def load_account_statuses(self) -> None:
		"""Each account's status (Active, Closed, Suspended; None for an unknown code)."""
		if not self.ctx.account_statuses:
			self.ctx.account_statuses = {
				r["id"]: (lambda s: s if isinstance(s, str) else None)(clean.account_status(r["status"]))
				for r in self.source.query(f"select id, status from {self.source.table('account')}")
			}

	def load_products(self) -> None:
		if not self.ctx.products:
			self.ctx.products = {
				r["id"]: r for r in self.source.query(f"select * from {self.source.table('product')}")
			}

	def load_services(self) -> None:
		if not self.ctx.services:
			rows = self.source.query(
				"select id, account_id, delivery_id, product_id, device_id, status "
				f"from {self.source.table('service')}"
			)
			self.ctx.services = {r["id"]: r for r in rows}
			self.ctx.services_by_delivery = defaultdict(list)
			for r in rows:
				self.ctx.services_by_delivery[r["delivery_id"]].append(r)
			self.load_products()

	def load_radius(self) -> None:
		"""The RADIUS account each legacy device carries (``equipment.radius_homes``); the
		service and device steps both need it, the same."""
		if self._radius_loaded:
			return
		table = self.source.table("service")
		services = self.source.query(f"select * from {table} where ifnull(radius_user, '') != '' order by id")
		devices = {r["id"] for r in self.source.query(f"select id from {self.source.table('device')}")}
		self.ctx.radius = radius_homes(services, devices, self.source.duplicates("service"))
		self._radius_loaded = True

	def load_staff(self) -> None:
		self.load_ledger(["staff"])
		self.ctx.names["staff"] = {int(k): v[1] for (t, k), v in self.ledger.items() if t == "staff"}


def start_worker(importer: Importer, steps: list[str]):
	"""The second lane: the same import in another process, on the same run document.

	It gets the connection on its standard input (never on its command line), dies with this
	process (PR_SET_PDEATHSIG), and reports its progress as JSON lines.
	"""
	import subprocess
	import sys
	import threading

	config = importer.source.config
	message = {
		"site": frappe.local.site,
		"sites_path": frappe.local.sites_path,
		"run": importer.run_name,
		"steps": steps,
		"requested": importer.requested,
		"batch_size": importer.batch_size,
		"parent": os.getpid(),
		"config": {k: getattr(config, k) for k in config.__dataclass_fields__},
	}
	process = subprocess.Popen(
		[sys.executable, "-m", "gigafibre_fsm.legacy.worker"],
		stdin=subprocess.PIPE,
		stdout=subprocess.PIPE,
		stderr=subprocess.STDOUT,
		text=True,
		cwd=frappe.local.sites_path,
	)
	process.stdin.write(json.dumps(message))
	process.stdin.close()
	lines: list[str] = []

	def relay():
		for line in process.stdout:
			if line.startswith("{"):
				try:
					update = json.loads(line)
					importer.progress(update["table"], update["done"], update["total"])
					continue
				except (ValueError, KeyError):
					pass
			lines.append(line)

	reader = threading.Thread(target=relay, daemon=True)
	reader.start()

	class Worker:
		def poll(self):
			return process.poll()

		def communicate(self):
			process.wait()
			reader.join(timeout=5)
			return "".join(lines), None

		@property
		def returncode(self):
			return process.returncode

		def kill(self):
			process.kill()

		def wait(self):
			process.wait()

	return Worker()
