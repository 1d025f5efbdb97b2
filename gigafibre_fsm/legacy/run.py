"""The legacy import: the PHP application's MariaDB data into the app's records, repeatably.

One importer for the patch that ``bench migrate`` runs and for ``bench --site SITE
import-legacy [--tables …] [--dry-run]``::

    from gigafibre_fsm.legacy.run import import_legacy

    summary = import_legacy(tables=["account", "delivery"], dry_run=False, progress=callback)

Steps, base records first (a step names the legacy table that drives it; the others it reads
are in brackets)::

    account (+ account_suspension, first delivery) → Customer, Contact, Address
    delivery (+ service statuses)                   → Service Location
    product                                         → Item
    service                                         → Service Subscription
    device (+ genieacs.wifi, genieacs.voip, service.radius_*) → Service Equipment
    fibre                                           → Fibre Drop, linked to its location
    soumission                                      → Quotation
    staff                                           → User (mapped by email, else created disabled)
    accord_paiement                                 → Payment Arrangement
    bon_travail (+ bon_travail_item)                → Dispatch Job
    account_profile (+ account.ppa_*, account.stripe_id) → Payment Method
    pbx (+ phone_addr, phone_provisioning)          → VoIP Line
    account_suspension                              → Suspension Log
    ip_history                                      → IP History rows of the location
    delivery_history                                → Address History rows of the location

Not imported: service_snapshot (bandwidth samples), voicemeup, tele_wiz, soumission_template,
fibre_lineprofile/fibre_serviceprofile (the profile numbers travel on the products), and the
columns account.password (the portal's md5), account.vip/date_orig, soumission.po/tax,
pbx.user_context/country_whitelist/call_911, phone_addr.enhanced_capable/info/names.

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
masked); a duplicate row or an older version of a row is "Skipped"; a row imported with a
value left out (an invalid email, a quote line whose product is unknown) gets a "Warning".

**Fast.** New records go through :mod:`gigafibre_fsm.legacy.bulk`, which runs the doctypes'
own validation in memory and writes multi-row INSERTs (its docstring lists exactly which
controller checks run and why that equals a save). Items (116 rows, whose insert makes their
Item Prices) and OLTs use ``doc.insert()``. The steps run in two lanes (:data:`LANES`), the
second in its own process (legacy/worker.py) that dies with the first: ERPNext's Quotation
validation (price lists, item details, party details: ~50 ms a quote) runs beside the bulk
steps instead of after them; a step waits for the steps of the other lane it needs.

**Decisions.** Staff (technicians of work orders, agents of arrangements) become Users:
mapped by email to an existing user, else created disabled and without roles, named after
their email (``legacy-staff-<id>@gigafibre.invalid`` when they have none), each logged as a
warning; an administrator enables those who still work. Customers of closed accounts are
disabled after their history is in (:meth:`Importer.close_accounts`): ERPNext refuses a
quotation for a disabled customer, and the legacy quotes were made while the account was
open. A location is as active as its best service; a disconnected one holds no fibre drop.
Legacy work orders have no type: they are imported as completed Support jobs. A drop's
status is never written: its installed serial is ``fibre.sn`` in the equipment's serial
form and the Fibre Drop's own rule decides. Quotes keep their lines net of taxes (the legacy
``tax`` flag has no Quotation field).

**Dry run.** Everything runs in one transaction that is rolled back at the end: the same
reads, conversions, validation and INSERTs, so the database's own keys are checked too, and
nothing stays (the summary is returned and printed instead of a run document).
"""

import hashlib
import hmac
import json
import os
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import now, now_datetime

from gigafibre_fsm.legacy import clean, convert
from gigafibre_fsm.legacy.bulk import BulkWriter, Index, Namer, update_rows
from gigafibre_fsm.legacy.convert import Context, Issue, Plan, Rejected, Skipped
from gigafibre_fsm.legacy.source import LegacySource, get_config
from gigafibre_fsm.network.fibre_port import port_key

BATCH = 2000
LOCK = "gigafibre_legacy_import"
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
MONEY_TABLES = {"accord_paiement", "bon_travail", "soumission"}


class ImportLockedError(frappe.ValidationError):
	pass


# ---------------------------------------------------------------------------------------
# Counting


@dataclass
class Tally:
	"""The counts of one source table in one run (a row of the run's Tables)."""

	source_table: str
	step: str
	target_doctype: str | None
	source_rows: int = 0
	created: int = 0
	updated: int = 0
	unchanged: int = 0
	skipped: int = 0
	rejected: int = 0
	warnings: int = 0
	last_key: str | None = None
	done: int = 0
	seconds: float = 0.0
	source_total: Decimal | None = None
	imported_total: Decimal | None = None
	excluded_total: Decimal | None = None
	row_name: str | None = None

	COUNTS = ("source_rows", "created", "updated", "unchanged", "skipped", "rejected", "warnings")

	def as_dict(self) -> dict:
		values = {k: getattr(self, k) for k in (*self.COUNTS, "last_key", "done", "seconds")}
		for key in ("source_total", "imported_total", "excluded_total"):
			if getattr(self, key) is not None:
				values[key] = getattr(self, key)
		return values


@dataclass
class LogEntry:
	table: str
	legacy_id: str | None
	outcome: str
	issue: Issue
	raw: dict | None = None
	reference: tuple[str, str] | None = None


@dataclass
class Batch:
	"""What one batch wrote, flushed together with the run's counts in one transaction."""

	logs: list[LogEntry] = field(default_factory=list)
	ledger: list[tuple] = field(default_factory=list)
	counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
	created: dict[str, tuple[str, str]] = field(default_factory=dict)  # name → (table, legacy id) inserted


# ---------------------------------------------------------------------------------------
# Hashing


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
	if row is None:
		return None
	safe = {k: ("***" if k in SECRET_COLUMNS and v not in (None, "") else v) for k, v in row.items()}
	return json.dumps(safe, ensure_ascii=False, default=_json_default, sort_keys=True)


# ---------------------------------------------------------------------------------------
# The run


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
		self._common = False
		self._ledger_loaded: set[str] = set()

	# -- running -------------------------------------------------------------------------

	def run(self) -> dict:
		"""The whole run, from the process that holds the import lock."""
		if not frappe.db.sql("select get_lock(%s, 0)", (self.lock_name(),))[0][0]:
			frappe.throw(_("Another legacy import is running on this site"), ImportLockedError)
		flags = (frappe.flags.in_import, frappe.flags.mute_emails)
		frappe.flags.in_import = frappe.flags.mute_emails = True
		started = time.monotonic()
		try:
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
		self.commit()

	def load_tallies(self) -> None:
		# Money columns as text: frappe.db turns DECIMAL into float.
		for row in frappe.db.sql(
			"select *, cast(source_total as char) source_total, cast(imported_total as char) imported_total, "
			"cast(excluded_total as char) excluded_total from `tabLegacy Import Run Table` "
			"where parent = %s order by idx",
			(self.run_name,),
			as_dict=True,
		):
			tally = Tally(row.source_table, row.step, row.target_doctype, row_name=row.name)
			for key in (*Tally.COUNTS, "last_key", "done", "seconds"):
				setattr(tally, key, row.get(key))
			for key in ("source_total", "imported_total", "excluded_total"):
				if row.source_table in MONEY_TABLES and row.get(key) is not None:
					setattr(tally, key, clean.to_money(Decimal(row.get(key))))
			self.tallies[row.source_table] = tally

	def finish(self, status: str, error: str | None = None) -> None:
		if not self.run_name or self.dry_run:
			return
		if status == "Completed":
			frappe.db.rollback()
			self.tallies = {}
			self.load_tallies()
		totals = {f"total_{k}": sum(getattr(t, k) or 0 for t in self.tallies.values()) for k in Tally.COUNTS}
		totals.pop("total_warnings")
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
		order = [s for key in STEPS for s in STEPS[key].sources]
		tables = sorted(self.tallies.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
		return {
			"run": None if self.dry_run else self.run_name,
			"dry_run": self.dry_run,
			"seconds": round(seconds, 1),
			"tables": {name: t.as_dict() for name, t in tables},
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

	def tally(self, source_table: str, step: "Step") -> Tally:
		if source_table not in self.tallies:
			tally = Tally(source_table, step.key, step.doctype)
			child = frappe.get_doc(
				{
					"doctype": "Legacy Import Run Table",
					"parent": self.run_name,
					"parenttype": "Legacy Import Run",
					"parentfield": "tables",
					# Both lanes add rows: the position follows the steps' order, not the clock.
					"idx": [s for key in STEPS for s in STEPS[key].sources].index(source_table) + 1,
					"source_table": source_table,
					"step": step.key,
					"target_doctype": step.doctype,
				}
			)
			child.db_insert()
			tally.row_name = child.name
			self.tallies[source_table] = tally
		return self.tallies[source_table]

	def save_tally(self, tally: Tally) -> None:
		frappe.db.set_value("Legacy Import Run Table", tally.row_name, tally.as_dict(), update_modified=False)

	# -- writing a batch -----------------------------------------------------------------

	def flush(self, batch: Batch, tallies: dict[str, str | None]) -> None:
		"""Write the batch's log and ledger rows and its counts, then commit (one transaction)."""
		stamp, user = now(), frappe.session.user
		if batch.logs:
			frappe.db._cursor.executemany(
				"insert into `tabLegacy Import Log` (name, creation, modified, owner, modified_by, docstatus, idx, "
				"run, source_table, legacy_id, outcome, reason, amount, reference_doctype, reference_name, details, "
				"raw_row) values (%s, %s, %s, %s, %s, 0, 0, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
				[
					(
						frappe.generate_hash(length=12),
						stamp,
						stamp,
						user,
						user,
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
				"values (%s, %s, %s, %s, %s, 0, 0, %s, %s, %s, %s, %s, %s)",
				[
					(f"{t}:{k}", stamp, stamp, user, user, t, k, doctype, name, digest, self.run_name)
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
			for outcome, number in batch.counts.get(source_table, {}).items():
				setattr(tally, outcome, (getattr(tally, outcome) or 0) + number)
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

	# -- context -------------------------------------------------------------------------

	def names(self, table: str, doctype: str, fieldname: str) -> dict:
		"""{legacy id (int): record name} of the records imported from a table."""
		found = {}
		for key, name in frappe.db.sql(
			f"select `{fieldname}`, name from `tab{doctype}` where ifnull(`{fieldname}`, '') != ''"
		):
			found[int(key) if str(key).isdigit() else key] = name
		self.ctx.names[table] = found
		return found

	def source_ids(self, table: str) -> set:
		if not self.ctx.source_ids.get(table):
			self.ctx.source_ids[table] = {
				r["id"] for r in self.source.query(f"select id from {self.source.table(table)}")
			}
		return self.ctx.source_ids[table]

	def prepare_common(self) -> None:
		"""Settings and vocabularies every step may need, loaded once per run."""
		if self._common:
			return
		ctx, source = self.ctx, self.source
		from gigafibre_fsm.setup.catalogue import service_item_group

		ctx.company = frappe.db.get_single_value("Global Defaults", "default_company") or frappe.db.get_value(
			"Company", {}, "name"
		)
		ctx.currency = (
			ctx.company and frappe.get_cached_value("Company", ctx.company, "default_currency")
		) or "CAD"
		ctx.price_list = (
			frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"
		)
		ctx.territory = (
			frappe.db.get_single_value("Selling Settings", "territory")
			or ("Canada" if frappe.db.exists("Territory", "Canada") else None)
			or frappe.db.get_value(
				"Territory", {"is_group": 1, "parent_territory": ("in", ("", None))}, "name"
			)
		)
		ctx.item_group = service_item_group()
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

	def load_staff(self) -> None:
		self.load_ledger(["staff"])
		self.ctx.names["staff"] = {int(k): v[1] for (t, k), v in self.ledger.items() if t == "staff"}


class WorkerError(frappe.ValidationError):
	pass


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


# Two lanes, one per core: each runs its steps in order; a step waits for the steps of the
# other lane it needs (DEPENDS). Lane 1 runs in a second process (legacy/worker.py). The steps
# that write Service Location rows (fibre, ip_history, delivery_history) share lane 0, so the
# two processes never lock the same rows.
LANES = (
	("account", "delivery", "service", "device", "fibre", "pbx", "ip_history", "delivery_history"),
	(
		"product",
		"staff",
		"soumission",
		"accord_paiement",
		"bon_travail",
		"account_profile",
		"account_suspension",
	),
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
	"pbx": ("account", "delivery"),
	"account_suspension": ("account",),
	"ip_history": ("delivery",),
	"delivery_history": ("delivery",),
}


# ---------------------------------------------------------------------------------------
# Steps


class Step:
	"""One legacy table (and those read with it) into one doctype."""

	key = ""
	doctype = ""
	legacy_field = ""
	sources: tuple[str, ...] = ()

	def __init__(self, importer: Importer):
		self.imp = importer
		self.ctx = importer.ctx
		self.source = importer.source
		self.writer: BulkWriter | None = None
		self.existing: dict[str, str] = {}  # legacy id → name of the record

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

	def finalize(self, batch: "Batch") -> None:
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
		return None

	def handle(self, source_table: str, row: dict, batch: Batch) -> None:
		key = str(row["id"])
		counts = batch.counts[source_table]
		counts["source_rows"] += 1
		skip = self.skip_reason(source_table, row)
		if skip:
			self.log(batch, source_table, key, "Skipped", skip, row)
			counts["skipped"] += 1
			return
		try:
			plan = self.convert(source_table, row)
		except Skipped as skipped:
			self.log(batch, source_table, key, "Skipped", skipped.issue, row)
			counts["skipped"] += 1
			return
		except Rejected as rejected:
			self.log(batch, source_table, key, "Rejected", rejected.issue, row)
			counts["rejected"] += 1
			return
		digest = row_hash(plan.payload(), self.imp.hash_key)
		ledger = self.imp.ledger.get((source_table, key))
		existing = self.find_existing(source_table, key, plan)
		try:
			if existing and ledger and ledger[2] == digest:
				outcome, name = "unchanged", existing
			elif existing:
				name = self.update(source_table, key, existing, plan, row, batch)
				outcome = "updated"
			else:
				name = self.create(source_table, key, plan, row, batch)
				outcome = "created"
		except REFUSALS as error:
			frappe.clear_messages()
			issue = Issue(
				f"{plan.doctype} refused: {type(error).__name__}", _strip(error), refused_amount(plan)
			)
			self.log(batch, source_table, key, "Rejected", issue, row)
			counts["rejected"] += 1
			return
		except Exception as error:
			# A controller that fails on a value instead of refusing it: the row is not imported,
			# the import goes on, and the log says it failed (not refused) so it stands out.
			frappe.clear_messages()
			details = f"{_strip(error)}\n{traceback.format_exc(limit=-3)}"
			issue = Issue(
				f"{plan.doctype} failed: {type(error).__name__}", details[:2000], refused_amount(plan)
			)
			self.log(batch, source_table, key, "Rejected", issue, row)
			counts["rejected"] += 1
			return
		counts[outcome] += 1
		if outcome != "unchanged":
			batch.ledger.append((source_table, key, plan.doctype, name, digest))
		for table, _ident in plan.merged:
			batch.counts[table][outcome] += 1
		self.merged(plan, outcome)
		if plan.warnings:
			counts["warnings"] += 1
			for issue in plan.warnings:
				self.log(batch, source_table, key, "Warning", issue, row, (plan.doctype, name))

	def merged(self, plan: Plan, outcome: str) -> None:
		"""Remember rows folded into a record, for finalize()."""

	def find_existing(self, source_table: str, key: str, plan: Plan) -> str | None:
		return self.existing.get(key)

	def log(self, batch, table, key, outcome, issue, row=None, reference=None) -> None:
		batch.logs.append(LogEntry(table, key, outcome, issue, row, reference))

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
			batch.counts[table]["created"] -= 1
			batch.counts[table]["rejected"] += 1
			self.existing.pop(key, None)
			issue = Issue(f"{self.writer.doctype} refused: IntegrityError", "a unique key the database holds")
			self.log(batch, table, key, "Rejected", issue)

	def load_existing(self) -> None:
		self.existing = {
			str(k): n
			for k, n in frappe.db.sql(
				f"select `{self.legacy_field}`, name from `tab{self.doctype}` where ifnull(`{self.legacy_field}`, '') != ''"
			)
		}

	def new_writer(self, doctype: str | None = None) -> BulkWriter:
		return BulkWriter(doctype or self.doctype, self.imp.index, self.imp.namer, dry_run=self.imp.dry_run)

	# -- money ---------------------------------------------------------------------------

	def money_totals(self, tally: Tally, source_total: Decimal, imported_sql: str) -> None:
		"""Totals of a money table, exact: the database's sums read as text (never a float)."""
		excluded = "select sum(amount) from `tabLegacy Import Log` where run = %s and source_table = %s"
		tally.source_total = clean.to_money(source_total)
		tally.imported_total = decimal_sql(imported_sql)
		tally.excluded_total = decimal_sql(excluded, (self.imp.run_name, tally.source_table))


def decimal_sql(sql: str, values=None) -> Decimal:
	"""A SUM as a Decimal: frappe.db turns DECIMAL columns into floats, their text is exact."""
	value = frappe.db.sql(f"select cast(({sql}) as char)", *([values] if values else []))[0][0]
	return clean.to_money(Decimal(value or "0"))


def refused_amount(plan: Plan) -> Decimal | None:
	"""All the money of a refused row: what it would have imported and what it left out."""
	amounts = [plan.amount, *(w.amount for w in plan.warnings)]
	amounts = [a for a in amounts if a is not None]
	return sum(amounts, Decimal("0.00")) if amounts else None


def _strip(error: Exception) -> str:
	from frappe.utils import strip_html

	return strip_html(str(error))[:1000]


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


# ---------------------------------------------------------------------------------------
# account → Customer, Contact, Address


class AccountStep(Step):
	key = "account"
	doctype = "Customer"
	legacy_field = "legacy_customer_id"
	sources = ("account",)

	def prepare(self):
		self.load_existing()
		self.imp.prepare_common()
		ensure_customer_groups()
		ctx = self.ctx
		ctx.suspensions = defaultdict(list)
		for row in self.source.query(f"select * from {self.source.table('account_suspension')}"):
			ctx.suspensions[row["account_id"]].append(row)
		ctx.first_delivery = {
			r["account_id"]: r
			for r in self.source.query(
				f"select d.* from {self.source.table('delivery')} d join (select min(id) id from "
				f"{self.source.table('delivery')} group by account_id) f on f.id = d.id"
			)
		}
		self.templates = {}
		self.contacts = self.legacy_map("Contact")
		self.addresses = self.legacy_map("Address")
		self.writer = self.new_writer()
		self.contact_writer = self.new_writer("Contact")
		self.address_writer = self.new_writer("Address")

	def legacy_map(self, doctype):
		return {
			str(k): n
			for k, n in frappe.db.sql(
				f"select legacy_customer_id, name from `tab{doctype}` where ifnull(legacy_customer_id, '') != ''"
			)
		}

	def convert(self, source_table, row):
		return convert.convert_account(row, self.ctx)

	def create(self, source_table, key, plan, row, batch):
		customer = self.writer.new(plan.values)
		self.writer.validate(customer)
		others = dict(plan.others)
		contact = address = None
		self.accept(customer, batch, source_table, key)
		if "Contact" in others:
			contact = self.child_doc(self.contact_writer, others["Contact"], customer, batch, key, row)
		if "Address" in others:
			address = self.child_doc(self.address_writer, others["Address"], customer, batch, key, row)
		# What ERPNext's Customer.on_update writes right after the insert (create_primary_contact…).
		if contact:
			customer.customer_primary_contact = contact.name
			customer.email_id = contact.email_id
			customer.mobile_no = contact.mobile_no
		if address:
			customer.customer_primary_address = address.name
			customer.primary_address = self.address_display(address)
		self.existing[key] = customer.name
		return customer.name

	def address_display(self, address) -> str:
		"""get_address_display's text: the same template, compiled once per country."""
		from frappe.contacts.doctype.address.address import get_address_templates
		from frappe.utils.jinja import get_jenv

		values = address.as_dict()
		if address.country not in self.templates:
			_name, template = get_address_templates(values)
			self.templates[address.country] = get_jenv().from_string(template)
		return self.templates[address.country].render(values)

	def child_doc(self, writer, values, customer, batch, key, row):
		values = dict(values, links=[{"link_doctype": "Customer", "link_name": customer.name}])
		try:
			doc = writer.new(values)
			writer.validate(doc)
			writer.accept(doc)
			return doc
		except REFUSALS as error:
			frappe.clear_messages()
			issue = Issue(f"{writer.doctype} refused: {type(error).__name__}", _strip(error))
			self.log(batch, "account", key, "Warning", issue, row, ("Customer", customer.name))
			return None

	def update(self, source_table, key, name, plan, row, batch):
		update_doc("Customer", name, plan.values)
		for doctype, values in plan.others:
			known = (self.contacts if doctype == "Contact" else self.addresses).get(key)
			if known:
				update_doc(doctype, known, values)
			else:
				insert_new(doctype, {**values, "links": [{"link_doctype": "Customer", "link_name": name}]})
		return name

	def write(self, batch):
		written = {d.name for d in self.writer.flush()}
		self.contact_writer.flush()
		self.address_writer.flush()
		self.refused_at_insert(batch, written)


# ---------------------------------------------------------------------------------------
# delivery → Service Location


class DeliveryStep(Step):
	key = "delivery"
	doctype = "Service Location"
	legacy_field = "legacy_delivery_id"
	sources = ("delivery",)

	def prepare(self):
		self.load_existing()
		self.imp.prepare_common()
		self.imp.names("account", "Customer", "legacy_customer_id")
		self.imp.source_ids("account")
		self.imp.load_products()
		self.imp.load_services()
		self.account_status = {
			r["id"]: (lambda s: s if isinstance(s, str) else None)(clean.account_status(r["status"]))
			for r in self.source.query(f"select id, status from {self.source.table('account')}")
		}
		self.writer = self.new_writer()

	def convert(self, source_table, row):
		return convert.convert_delivery(row, self.ctx, self.account_status)


# ---------------------------------------------------------------------------------------
# product → Item


class ProductStep(Step):
	key = "product"
	doctype = "Item"
	legacy_field = "legacy_product_id"
	sources = ("product",)

	def prepare(self):
		self.load_existing()
		self.imp.prepare_common()
		self.by_code = {n.casefold(): n for n in frappe.get_all("Item", pluck="name")}

	def convert(self, source_table, row):
		return convert.convert_product(row, self.ctx)

	def find_existing(self, source_table, key, plan):
		return self.existing.get(key)

	def create(self, source_table, key, plan, row, batch):
		code = plan.values["item_code"]
		adopted = self.by_code.get(code.casefold())
		if adopted:
			# The site's catalogue already has this SKU: link it, keep its curated values.
			frappe.db.set_value("Item", adopted, "legacy_product_id", key)
			self.existing[key] = adopted
			return adopted
		doc = insert_new("Item", plan.values)
		self.existing[key] = doc.name
		self.by_code[doc.name.casefold()] = doc.name
		self.imp.index.add(doc)
		return doc.name

	def update(self, source_table, key, name, plan, row, batch):
		# An Item the site's catalogue had before the first import keeps its curated values;
		# an Item the import made follows its legacy product (its code never changes).
		first_run = frappe.db.sql("select min(creation) from `tabLegacy Import Run`")[0][0]
		item = frappe.db.get_value("Item", name, ["item_code", "creation"], as_dict=True)
		if item.item_code != plan.values["item_code"] or (first_run and item.creation < first_run):
			return name
		values = {k: v for k, v in plan.values.items() if k not in ("item_code", "item_group")}
		update_doc("Item", name, values)
		return name


# ---------------------------------------------------------------------------------------
# service → Service Subscription


class ServiceStep(Step):
	key = "service"
	doctype = "Service Subscription"
	legacy_field = "legacy_service_id"
	sources = ("service",)

	def prepare(self):
		self.load_existing()
		self.imp.names("account", "Customer", "legacy_customer_id")
		self.imp.names("delivery", "Service Location", "legacy_delivery_id")
		self.imp.names("product", "Item", "legacy_product_id")
		self.imp.source_ids("account")
		self.imp.source_ids("delivery")
		self.imp.load_products()
		self.duplicates = self.source.duplicates("service")
		self.writer = self.new_writer()

	def skip_reason(self, source_table, row):
		return duplicate_issue(self.duplicates, row)

	def convert(self, source_table, row):
		return convert.convert_service(row, self.ctx)


def duplicate_issue(duplicates: dict, row: dict) -> Issue | None:
	original = duplicates.get(row["id"])
	if original is None:
		return None
	return Issue(convert.DUPLICATE, f"same values as row {original}")


# ---------------------------------------------------------------------------------------
# device → Service Equipment (+ genieacs.wifi, genieacs.voip, service RADIUS)


class DeviceStep(Step):
	key = "device"
	doctype = "Service Equipment"
	legacy_field = "legacy_device_id"
	sources = ("device", "genieacs.wifi", "genieacs.voip", "service.radius")

	def prepare(self):
		self.load_existing()
		imp, ctx = self.imp, self.ctx
		imp.names("account", "Customer", "legacy_customer_id")
		imp.names("delivery", "Service Location", "legacy_delivery_id")
		imp.source_ids("account")
		imp.source_ids("delivery")
		imp.load_products()
		self.duplicates = self.source.duplicates("device")
		self.wifi_rows = self.source.query(f"select * from {self.source.table('genieacs.wifi')}")
		self.voip_rows = self.source.query(f"select * from {self.source.table('genieacs.voip')}")
		ctx.wifi, self.wifi_superseded = convert.newest_by(
			self.wifi_rows, lambda r: normalize(clean.clean_text(r.get("serial")), "mac")
		)
		ctx.voip, self.voip_superseded = convert.newest_by(
			self.voip_rows, lambda r: normalize(clean.clean_text(r.get("serial")), "serial")
		)
		self.radius_rows = self.source.query(
			f"select * from {self.source.table('service')} where ifnull(radius_user, '') != '' order by id"
		)
		# The device's RADIUS account: its active service first, then the newest.
		ctx.radius = {}
		for service in sorted(self.radius_rows, key=lambda s: (s.get("status") == 1, s["id"])):
			if service.get("device_id"):
				ctx.radius[service["device_id"]] = service
		self.folded: set[tuple[str, int]] = set()
		self.writer = self.new_writer()

	def skip_reason(self, source_table, row):
		return duplicate_issue(self.duplicates, row)

	def convert(self, source_table, row):
		return convert.convert_device(row, self.ctx)

	def merged(self, plan, outcome):
		self.folded.update(plan.merged)

	def pages(self, source_table, after):
		if source_table == "device":
			return super().pages(source_table, after)
		return iter(())

	def count(self, source_table):
		if source_table == "service.radius":
			return len(self.radius_rows)
		return super().count(source_table)

	def finalize(self, batch):
		"""Secondary rows that folded into no equipment: superseded, or nothing to fold into."""
		folded = self.folded | self.folded_before()
		for table, rows, superseded in (
			("genieacs.wifi", self.wifi_rows, self.wifi_superseded),
			("genieacs.voip", self.voip_rows, self.voip_superseded),
			("service.radius", self.radius_rows, {}),
		):
			counts = batch.counts[table]
			counts["source_rows"] += len(rows)
			for row in rows:
				if (table, row["id"]) in folded:
					continue
				if row["id"] in superseded:
					issue = Issue(
						convert.SUPERSEDED, f"row {superseded[row['id']]} is newer for the same device"
					)
					self.log(batch, table, str(row["id"]), "Skipped", issue, row)
					counts["skipped"] += 1
				else:
					what = {"genieacs.wifi": "MAC", "genieacs.voip": "serial"}.get(table, "device")
					issue = Issue(convert.NO_TARGET, f"no imported equipment with this {what}")
					self.log(batch, table, str(row["id"]), "Rejected", issue, row)
					counts["rejected"] += 1

	def folded_before(self) -> set:
		"""Rows folded by batches an earlier attempt of this run committed (a resumed run)."""
		folded = set()
		mac_serial = {}
		for legacy_id, serial, mac in frappe.db.sql(
			"select legacy_device_id, serial_number, mac_address from `tabService Equipment` "
			"where ifnull(legacy_device_id, '') != ''"
		):
			mac_serial[legacy_id] = (serial, mac)
		for serial, mac in mac_serial.values():
			if mac and mac in self.ctx.wifi:
				folded.add(("genieacs.wifi", self.ctx.wifi[mac]["id"]))
			if serial and serial in self.ctx.voip:
				folded.add(("genieacs.voip", self.ctx.voip[serial]["id"]))
		for device_id, service in self.ctx.radius.items():
			if str(device_id) in mac_serial:
				folded.add(("service.radius", service["id"]))
		return folded


def normalize(text: str | None, kind: str) -> str | None:
	from gigafibre_fsm.service.identifiers import normalize_mac, normalize_serial

	if not text:
		return None
	return normalize_mac(text) if kind == "mac" else normalize_serial(text)


# ---------------------------------------------------------------------------------------
# fibre → Fibre Drop (and the location it serves)


class FibreStep(Step):
	key = "fibre"
	doctype = "Fibre Drop"
	legacy_field = "legacy_fibre_id"
	sources = ("fibre",)

	def prepare(self):
		self.load_existing()
		imp = self.imp
		imp.prepare_common()
		imp.names("delivery", "Service Location", "legacy_delivery_id")
		imp.load_services()
		self.ensure_olts()
		self.index = imp.index
		self.index.want("Service Location", ["status", "customer", "fibre_drop"])
		self.held: dict[str, str] = {
			loc: drop
			for loc, drop in frappe.db.sql(
				"select name, fibre_drop from `tabService Location` where ifnull(fibre_drop, '') != ''"
			)
		}
		self.writer = self.new_writer()
		self.location_updates: list[dict] = []

	def ensure_olts(self):
		"""One OLT per address the drops name (created once, as an engineer would)."""
		rows = self.source.query(
			f"select info_connect ip, ville, count(*) n from {self.source.table('fibre')} "
			"where ifnull(info_connect, '') != '' group by info_connect, ville order by n desc"
		)
		existing = {ip: name for name, ip in frappe.db.sql("select name, ip_address from `tabOLT`") if ip}
		seen = {}
		for row in rows:
			ip = clean.clean_text(row["ip"])
			if not ip or ip in seen:
				continue
			seen[ip] = row["ville"]
		for ip, town in seen.items():
			if ip in existing:
				continue
			if isinstance(clean.clean_ip(ip), clean.Invalid):
				continue
			site = self.ctx.cities.get(clean.city_key(clean.clean_text(town) or ""), clean.clean_text(town))
			doc = insert_new("OLT", {"olt_name": f"OLT {ip}", "ip_address": ip, "site": site})
			existing[ip] = doc.name
			self.imp.index.add(doc)
		self.ctx.olts = existing

	def convert(self, source_table, row):
		plan = convert.convert_fibre(row, self.ctx)
		location = plan.values.get("service_location")
		if location and self.index.value("Service Location", location, "status") == "Disconnected":
			# A disconnected location holds no port (its next save would release it); the drop
			# keeps its legacy service id and the serial the legacy table had.
			plan.values["service_location"] = location = None
		if location:
			holder = self.held.get(location)
			if holder and holder != self.existing.get(str(row["id"])):
				plan.warnings.append(
					Issue(convert.NO_TARGET, f"location {location} already has drop {holder}")
				)
				plan.values["service_location"] = None
		return plan

	def create(self, source_table, key, plan, row, batch):
		doc = self.writer.new(plan.values)
		self.writer.validate(doc)
		if doc.service_location:
			self.link_location(doc)
		self.accept(doc, batch, source_table, key)
		self.existing[key] = doc.name
		return doc.name

	def link_location(self, drop) -> None:
		"""The location's side of the link, as its own save computes it (set_keys_in_service)."""
		location = drop.service_location
		status = self.index.value("Service Location", location, "status")
		in_service = status != "Disconnected"
		values = {
			"name": location,
			"fibre_drop": drop.name,
			"olt": drop.olt,
			"olt_ip": drop.olt_ip,  # fetch_from olt.ip_address, as the drop fetched it
			"frame": drop.frame,
			"slot": drop.slot,
			"port": drop.port,
			"ont_id": drop.ont_slot,
			"active_fibre_drop": drop.name if in_service else None,
			"active_port": port_key(drop.olt, drop.frame, drop.slot, drop.port, drop.ont_slot)
			if in_service
			else None,
			"modified": now(),
			"modified_by": frappe.session.user,
		}
		for fieldname in ("active_fibre_drop", "active_port"):
			if values[fieldname] and self.index.other(
				"Service Location", fieldname, values[fieldname], location
			):
				from gigafibre_fsm.exceptions import PortUnavailableError

				frappe.throw(
					_("OLT {0} port {1} ONT {2} already serves another location").format(
						drop.olt, drop.olt_port, drop.ont_slot
					),
					PortUnavailableError,
				)
		self.held[location] = drop.name
		self.index.update("Service Location", location, values)
		self.location_updates.append(values)

	def update(self, source_table, key, name, plan, row, batch):
		update_doc("Fibre Drop", name, {k: v for k, v in plan.values.items() if k != "service_location"})
		location = plan.values.get("service_location")
		if location and frappe.db.get_value("Service Location", location, "fibre_drop") != name:
			update_doc("Service Location", location, {"fibre_drop": name})
			self.held[location] = name
		return name

	def write(self, batch):
		super().write(batch)
		if self.location_updates:
			update_rows("Service Location", self.location_updates)
			self.location_updates = []


# ---------------------------------------------------------------------------------------
# soumission → Quotation


class SoumissionStep(Step):
	key = "soumission"
	doctype = "Quotation"
	legacy_field = "legacy_soumission_id"
	sources = ("soumission",)

	def prepare(self):
		self.load_existing()
		imp = self.imp
		imp.prepare_common()
		imp.names("account", "Customer", "legacy_customer_id")
		imp.source_ids("account")
		self.ctx.item_codes = {n.upper() for n in frappe.get_all("Item", pluck="name")}
		self.writer = self.new_writer()

	def convert(self, source_table, row):
		plan = convert.convert_soumission(row, self.ctx)
		for item in plan.values["items"]:
			item.setdefault("uom", "Nos")
			item.setdefault("conversion_factor", 1)
		return plan

	def totals(self, tallies):
		source_total = Decimal("0.00")
		for row in self.source.query(f"select materiel, mensuel from {self.source.table('soumission')}"):
			for column in ("materiel", "mensuel"):
				for line in clean.decode_php_lines(row[column]).lines:
					source_total += line["tot"] or Decimal("0.00")
		self.money_totals(
			tallies[0],
			source_total,
			"select sum(i.amount) from `tabQuotation Item` i join `tabQuotation` q on q.name = i.parent "
			"where ifnull(q.legacy_soumission_id, '') != ''",
		)


# ---------------------------------------------------------------------------------------
# staff → User


class StaffStep(Step):
	key = "staff"
	doctype = "User"
	sources = ("staff",)

	def prepare(self):
		self.existing = {}
		self.writer = self.new_writer()
		self.by_email = {}
		for user in frappe.get_all("User", fields=["name", "email"]):
			self.by_email[user.name.casefold()] = user.name
			if user.email:
				self.by_email[user.email.casefold()] = user.name

	def find_existing(self, source_table, key, plan):
		ledger = self.imp.ledger.get(("staff", key))
		if ledger and frappe.db.exists("User", ledger[1]):
			return ledger[1]
		return None

	def convert(self, source_table, row):
		notes = convert.Notes()
		email = convert.staff_email(row) or f"legacy-staff-{row['id']}@gigafibre.invalid"
		values = {
			"email": email,
			"first_name": notes.text(row.get("first_name"), what="first name") or f"Staff {row['id']}",
			"last_name": notes.text(row.get("last_name"), what="last name"),
		}
		return Plan("User", values, warnings=notes.warnings)

	def create(self, source_table, key, plan, row, batch):
		known = self.by_email.get(plan.values["email"].casefold())
		if known:
			return known
		# A technician or agent of the old system with no account here: a disabled user with no
		# role, so their name shows on the history and an administrator can enable them.
		doc = self.writer.new(
			{**plan.values, "enabled": 0, "send_welcome_email": 0, "user_type": "System User"},
			name=plan.values["email"],
		)
		self.writer.validate(doc)
		self.writer.accept(doc)
		# Written at once: User.validate_username looks for taken usernames in the database.
		self.writer.flush()
		plan.warnings.append(Issue("Disabled user created for staff", plan.values["email"]))
		self.by_email[plan.values["email"].casefold()] = doc.name
		return doc.name

	def update(self, source_table, key, name, plan, row, batch):
		return name


# ---------------------------------------------------------------------------------------
# accord_paiement → Payment Arrangement


class AccordStep(Step):
	key = "accord_paiement"
	doctype = "Payment Arrangement"
	legacy_field = "legacy_accord_id"
	sources = ("accord_paiement",)

	def prepare(self):
		self.load_existing()
		self.imp.names("account", "Customer", "legacy_customer_id")
		self.imp.source_ids("account")
		self.imp.load_staff()
		self.duplicates = self.source.duplicates("accord_paiement")
		self.writer = self.new_writer()

	def skip_reason(self, source_table, row):
		issue = duplicate_issue(self.duplicates, row)
		if issue:
			issue.amount = clean.to_money(row.get("montant")) if row.get("montant") is not None else None
			if isinstance(issue.amount, clean.Invalid):
				issue.amount = None
		return issue

	def convert(self, source_table, row):
		return convert.convert_accord(row, self.ctx)

	def totals(self, tallies):
		total = Decimal("0.00")
		for row in self.source.query(f"select montant from {self.source.table('accord_paiement')}"):
			value = clean.to_money(row["montant"])
			if isinstance(value, Decimal):
				total += value
		self.money_totals(
			tallies[0],
			total,
			"select sum(amount) from `tabPayment Arrangement` where ifnull(legacy_accord_id, '') != ''",
		)


# ---------------------------------------------------------------------------------------
# bon_travail (+ items) → Dispatch Job


class BonStep(Step):
	key = "bon_travail"
	doctype = "Dispatch Job"
	legacy_field = "legacy_bon_travail_id"
	sources = ("bon_travail", "bon_travail_item")

	def prepare(self):
		self.load_existing()
		imp = self.imp
		imp.names("account", "Customer", "legacy_customer_id")
		imp.names("product", "Item", "legacy_product_id")
		imp.source_ids("account")
		imp.load_staff()
		self.duplicates = self.source.duplicates("bon_travail")
		self.items = defaultdict(list)
		self.item_rows = self.source.query(
			f"select * from {self.source.table('bon_travail_item')} order by id"
		)
		for item in self.item_rows:
			self.items[item["bon_id"]].append(item)
		self.folded = set()
		self.writer = self.new_writer()

	def skip_reason(self, source_table, row):
		issue = duplicate_issue(self.duplicates, row)
		if issue:
			total = clean.to_money(row.get("total"))
			issue.amount = total if isinstance(total, Decimal) else None
		return issue

	def convert(self, source_table, row):
		return convert.convert_bon(row, self.ctx, self.items.get(row["id"], []))

	def merged(self, plan, outcome):
		self.folded.update(plan.merged)

	def pages(self, source_table, after):
		return super().pages(source_table, after) if source_table == "bon_travail" else iter(())

	def finalize(self, batch):
		known = {
			str(k)
			for (k,) in frappe.db.sql(
				"select legacy_bon_travail_item_id from `tabDispatch Job Part` where ifnull(legacy_bon_travail_item_id, '') != ''"
			)
		}
		batch.counts["bon_travail_item"]["source_rows"] += len(self.item_rows)
		for item in self.item_rows:
			if ("bon_travail_item", item["id"]) in self.folded or str(item["id"]) in known:
				continue
			issue = Issue(
				convert.PARENT_NOT_IMPORTED.format("bon_travail"), f"bon_travail {item.get('bon_id')}"
			)
			self.log(batch, "bon_travail_item", str(item["id"]), "Rejected", issue, item)
			batch.counts["bon_travail_item"]["rejected"] += 1

	def totals(self, tallies):
		total = Decimal("0.00")
		for row in self.source.query(f"select total from {self.source.table('bon_travail')}"):
			value = clean.to_money(row["total"])
			if isinstance(value, Decimal):
				total += value
		self.money_totals(
			tallies[0],
			total,
			"select sum(total) from `tabDispatch Job` where ifnull(legacy_bon_travail_id, '') != ''",
		)


# ---------------------------------------------------------------------------------------
# account_profile, account.ppa_*, account.stripe_id → Payment Method


class PaymentMethodStep(Step):
	key = "account_profile"
	doctype = "Payment Method"
	legacy_field = "legacy_payment_method_id"
	sources = ("account_profile", "account.ppa", "account.stripe")
	PREFIX = {"account_profile": "profile", "account.ppa": "ppa", "account.stripe": "stripe"}

	def prepare(self):
		self.load_existing()
		self.imp.names("account", "Customer", "legacy_customer_id")
		self.imp.source_ids("account")
		self.writer = self.new_writer()

	def pages(self, source_table, after):
		if source_table == "account_profile":
			return super().pages(source_table, after)
		where = (
			"ppa = 1 or ifnull(ppa_account, '') != ''"
			if source_table == "account.ppa"
			else "ifnull(stripe_id, '') != ''"
		)
		return self.source.pages("account", after, self.imp.batch_size, where)

	def count(self, source_table):
		if source_table == "account_profile":
			return super().count(source_table)
		where = (
			"ppa = 1 or ifnull(ppa_account, '') != ''"
			if source_table == "account.ppa"
			else "ifnull(stripe_id, '') != ''"
		)
		return self.source.query(f"select count(*) n from {self.source.table('account')} where {where}")[0][
			"n"
		]

	def convert(self, source_table, row):
		if source_table == "account_profile":
			return convert.convert_profile(row, self.ctx)
		if source_table == "account.ppa":
			return convert.convert_ppa(row, self.ctx)
		return convert.convert_stripe(row, self.ctx)

	def find_existing(self, source_table, key, plan):
		return self.existing.get(plan.values["legacy_payment_method_id"])

	def create(self, source_table, key, plan, row, batch):
		doc = self.writer.new(plan.values)
		self.writer.validate(doc)
		self.accept(doc, batch, source_table, key)
		self.existing[plan.values["legacy_payment_method_id"]] = doc.name
		return doc.name


# ---------------------------------------------------------------------------------------
# pbx + phone_addr + phone_provisioning → VoIP Line


class PbxStep(Step):
	key = "pbx"
	doctype = "VoIP Line"
	legacy_field = "legacy_pbx_id"
	sources = ("pbx", "phone_addr", "phone_provisioning")

	def prepare(self):
		imp, ctx = self.imp, self.ctx
		imp.prepare_common()
		imp.names("account", "Customer", "legacy_customer_id")
		imp.names("delivery", "Service Location", "legacy_delivery_id")
		imp.source_ids("account")
		imp.load_services()
		self.pbx_duplicates = self.source.duplicates("pbx")
		self.addr_duplicates = self.source.duplicates("phone_addr")
		pbx_rows = self.source.query(f"select id, phone from {self.source.table('pbx')}")
		ctx.line_dids = {
			convert.did_of(r["phone"]) for r in pbx_rows if r["id"] not in self.pbx_duplicates
		} - {None}
		self.addr_rows = [
			r
			for r in self.source.query(f"select * from {self.source.table('phone_addr')}")
			if r["id"] not in self.addr_duplicates
		]
		self.prov_rows = self.source.query(f"select * from {self.source.table('phone_provisioning')}")
		ctx.phone_addr, self.addr_superseded = convert.newest_by(
			self.addr_rows, lambda r: convert.did_of(r["phone"])
		)
		ctx.provisioning, self.prov_superseded = convert.newest_by(
			self.prov_rows, lambda r: convert.did_of(r["phone"])
		)
		self.account_status = {
			r["id"]: (lambda s: s if isinstance(s, str) else None)(clean.account_status(r["status"]))
			for r in self.source.query(f"select id, status from {self.source.table('account')}")
		}
		self.by_pbx = self.legacy_map("legacy_pbx_id")
		self.by_addr = self.legacy_map("legacy_phone_addr_id")
		self.folded = set()
		self.writer = self.new_writer()

	def legacy_map(self, fieldname):
		return {
			str(k): n
			for k, n in frappe.db.sql(
				f"select `{fieldname}`, name from `tabVoIP Line` where ifnull(`{fieldname}`, '') != ''"
			)
		}

	def pages(self, source_table, after):
		if source_table == "pbx":
			return super().pages(source_table, after)
		if source_table == "phone_addr":
			# 911 registrations with no line: imported as cancelled lines that keep the address.
			return self.source.pages("phone_addr", after, self.imp.batch_size)
		return iter(())

	def skip_reason(self, source_table, row):
		if source_table == "pbx":
			return duplicate_issue(self.pbx_duplicates, row)
		if source_table == "phone_addr":
			issue = duplicate_issue(self.addr_duplicates, row)
			if issue:
				return issue
			if row["id"] in self.addr_superseded:
				return Issue(
					convert.SUPERSEDED, f"row {self.addr_superseded[row['id']]} is newer for the same DID"
				)
		return None

	def convert(self, source_table, row):
		if source_table == "pbx":
			return convert.convert_pbx(row, self.ctx, self.account_status)
		did = convert.did_of(row.get("phone"))
		if did in self.ctx.line_dids:
			raise _Folded()
		return convert.convert_phone_addr(row, self.ctx)

	def handle(self, source_table, row, batch):
		try:
			super().handle(source_table, row, batch)
		except _Folded:
			# Counted with the line it folded into (or rejected in finalize if none took it).
			batch.counts[source_table]["source_rows"] -= 1

	def find_existing(self, source_table, key, plan):
		return (self.by_pbx if source_table == "pbx" else self.by_addr).get(key)

	def create(self, source_table, key, plan, row, batch):
		doc = self.writer.new(plan.values)
		self.writer.validate(doc)
		self.accept(doc, batch, source_table, key)
		(self.by_pbx if source_table == "pbx" else self.by_addr)[key] = doc.name
		return doc.name

	def merged(self, plan, outcome):
		self.folded.update(plan.merged)

	def finalize(self, batch):
		known_addr = set(self.legacy_map("legacy_phone_addr_id"))
		known_prov = set(self.legacy_map("legacy_phone_provisioning_id"))
		counts = batch.counts["phone_addr"]
		for row in self.addr_rows:
			if convert.did_of(row["phone"]) not in self.ctx.line_dids or row["id"] in self.addr_superseded:
				continue  # read as a row of its own, or skipped as superseded
			counts["source_rows"] += 1
			if ("phone_addr", row["id"]) in self.folded:
				continue
			if str(row["id"]) in known_addr:
				counts["unchanged"] += 1
				continue
			issue = Issue(convert.PARENT_NOT_IMPORTED.format("line"), f"the pbx line of {row['phone']}")
			self.log(batch, "phone_addr", str(row["id"]), "Rejected", issue, row)
			counts["rejected"] += 1
		counts = batch.counts["phone_provisioning"]
		counts["source_rows"] += len(self.prov_rows)
		for row in self.prov_rows:
			if ("phone_provisioning", row["id"]) in self.folded:
				continue
			if row["id"] in self.prov_superseded:
				issue = Issue(
					convert.SUPERSEDED, f"row {self.prov_superseded[row['id']]} is newer for the same DID"
				)
				self.log(batch, "phone_provisioning", str(row["id"]), "Skipped", issue, row)
				counts["skipped"] += 1
			elif str(row["id"]) in known_prov:
				counts["unchanged"] += 1
			else:
				issue = Issue(convert.NO_TARGET, f"no imported line for {row.get('phone')}")
				self.log(batch, "phone_provisioning", str(row["id"]), "Rejected", issue, row)
				counts["rejected"] += 1


class _Folded(Exception):
	pass


# ---------------------------------------------------------------------------------------
# account_suspension → Suspension Log


class SuspensionStep(Step):
	key = "account_suspension"
	doctype = "Suspension Log"
	legacy_field = "legacy_suspension_id"
	sources = ("account_suspension",)

	def prepare(self):
		self.load_existing()
		self.imp.names("account", "Customer", "legacy_customer_id")
		self.imp.source_ids("account")
		self.duplicates = self.source.duplicates("account_suspension")
		self.writer = self.new_writer()

	def skip_reason(self, source_table, row):
		return duplicate_issue(self.duplicates, row)

	def convert(self, source_table, row):
		return convert.convert_suspension(row, self.ctx)


# ---------------------------------------------------------------------------------------
# ip_history, delivery_history → child rows of Service Location


class HistoryStep(Step):
	parentfield = ""
	convert_row: Callable | None = None

	def prepare(self):
		self.imp.prepare_common()
		self.imp.names("delivery", "Service Location", "legacy_delivery_id")
		self.imp.source_ids("delivery")
		self.load_existing()
		self.duplicates = self.source.duplicates(self.key)
		self.next_idx = defaultdict(int)
		for parent, idx in frappe.db.sql(
			f"select parent, max(idx) from `tab{self.doctype}` where parenttype = 'Service Location' group by parent"
		):
			self.next_idx[parent] = idx or 0
		self.writer = self.new_writer()
		self.touched: set[str] = set()

	def skip_reason(self, source_table, row):
		return duplicate_issue(self.duplicates, row)

	def convert(self, source_table, row):
		return type(self).convert_row(row, self.ctx)

	def create(self, source_table, key, plan, row, batch):
		values = dict(plan.values)
		parent = values.pop("parent")
		self.next_idx[parent] += 1
		doc = self.writer.new(
			{
				**values,
				"parent": parent,
				"parenttype": "Service Location",
				"parentfield": self.parentfield,
				"idx": self.next_idx[parent],
			}
		)
		self.writer.validate(doc)
		self.accept(doc, batch, source_table, key)
		self.existing[key] = doc.name
		self.touched.add(parent)
		return parent

	def update(self, source_table, key, name, plan, row, batch):
		values = dict(plan.values)
		parent = values.pop("parent")
		location = frappe.get_doc("Service Location", parent)
		for child in location.get(self.parentfield):
			if child.get(self.legacy_field) == key:
				child.update(values)
		location.flags.in_import = True
		location.save(ignore_permissions=True)
		return parent

	def write(self, batch):
		super().write(batch)
		if self.touched:
			# A row added to a location is a change of the location, as a save would date it.
			stamp = now()
			update_rows(
				"Service Location",
				[{"name": n, "modified": stamp, "modified_by": frappe.session.user} for n in self.touched],
			)
			self.touched = set()


class IPHistoryStep(HistoryStep):
	key = "ip_history"
	doctype = "IP History"
	legacy_field = "legacy_ip_history_id"
	parentfield = "ip_history"
	sources = ("ip_history",)
	convert_row = staticmethod(convert.convert_ip)


class DeliveryHistoryStep(HistoryStep):
	key = "delivery_history"
	doctype = "Address History"
	legacy_field = "legacy_delivery_history_id"
	parentfield = "address_history"
	sources = ("delivery_history",)
	convert_row = staticmethod(convert.convert_delivery_history)


STEPS: dict[str, type[Step]] = {
	step.key: step
	for step in (
		AccountStep,
		ProductStep,
		DeliveryStep,
		ServiceStep,
		DeviceStep,
		FibreStep,
		SoumissionStep,
		StaffStep,
		AccordStep,
		BonStep,
		PaymentMethodStep,
		PbxStep,
		SuspensionStep,
		IPHistoryStep,
		DeliveryHistoryStep,
	)
}


def ensure_customer_groups() -> None:
	"""The two groups the legacy accounts belong to."""
	for group in clean.CUSTOMER_GROUP.values():
		if not frappe.db.exists("Customer Group", group):
			parent = frappe.db.get_value(
				"Customer Group", {"is_group": 1, "parent_customer_group": ("in", ("", None))}, "name"
			)
			insert_new(
				"Customer Group",
				{"customer_group_name": group, "parent_customer_group": parent, "is_group": 0},
			)


# ---------------------------------------------------------------------------------------
# Entry point


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
