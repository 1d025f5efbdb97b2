"""``bench --site SITE import-legacy [--tables account,delivery,…] [--dry-run]``."""

import sys
import threading

import click
from frappe.commands import get_site, pass_context


@click.command("import-legacy")
@click.option("--tables", default="", help="Comma-separated legacy tables to import (default: all)")
@click.option("--dry-run", is_flag=True, default=False, help="Read and validate everything, write nothing")
@pass_context
def import_legacy_command(context, tables: str = "", dry_run: bool = False):
	"""Import the legacy PHP application's databases (site config `legacy_db` or Gigafibre Settings)."""
	import frappe
	from frappe.utils import strip_html

	from gigafibre_fsm.legacy.preconditions import ImportPreconditionError
	from gigafibre_fsm.legacy.run import import_legacy
	from gigafibre_fsm.legacy.tables import STEPS

	site = get_site(context)
	names = [t.strip() for t in tables.split(",") if t.strip()]
	unknown = [t for t in names if t not in STEPS]
	if unknown:
		raise click.BadParameter(f"unknown tables {', '.join(unknown)}; known: {', '.join(STEPS)}")
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		bars = ProgressBars()
		try:
			summary = import_legacy(tables=names, dry_run=dry_run, progress=bars.update)
		except ImportPreconditionError as error:
			# The site is not set up for what the import writes: what to do, not a traceback.
			bars.close()
			click.secho(strip_html(str(error)), fg="red", err=True)
			sys.exit(1)
		bars.close()
		if summary is None:
			click.secho(
				"No legacy database configured (site config legacy_db or Gigafibre Settings).", fg="yellow"
			)
			return
		print_summary(summary)
	finally:
		frappe.destroy()


class ProgressBars:
	"""One bar per legacy table: finished tables stay on their own line, the running ones (one per
	lane of the import) share the last line."""

	WIDTH = 24

	def __init__(self, stream=sys.stdout):
		self.stream = stream
		self.running: dict[str, tuple[int, int]] = {}
		self.finished: set[str] = set()
		self.lock = threading.Lock()

	def bar(self, table: str, done: int, total: int) -> str:
		filled = int(self.WIDTH * done / total) if total else self.WIDTH
		return f"{table:<20} [{'=' * filled:<{self.WIDTH}}] {done}/{total}"

	def update(self, table: str, done: int, total: int) -> None:
		with self.lock:
			if table in self.finished:
				return
			self.running[table] = (done, total)
			if done >= total:
				self.stream.write("\r\033[K" + self.bar(table, done, total) + "\n")
				del self.running[table]
				self.finished.add(table)
			self.stream.write("\r\033[K" + "   ".join(self.bar(t, *v) for t, v in self.running.items()))
			self.stream.flush()

	def close(self) -> None:
		with self.lock:
			self.stream.write("\r\033[K")
			self.stream.flush()


def print_summary(summary: dict) -> None:
	heading = "dry run, nothing written" if summary["dry_run"] else f"run {summary['run']}"
	click.secho(f"Legacy import ({heading}): {summary['seconds']} s", bold=True)
	columns = ("source_rows", "created", "updated", "unchanged", "skipped", "rejected", "warnings")
	print(f"{'table':<20}" + "".join(f"{c:>12}" for c in columns))
	for table, counts in summary["tables"].items():
		print(f"{table:<20}" + "".join(f"{counts.get(c) or 0:>12}" for c in columns))
	for table, counts in summary["tables"].items():
		if counts.get("source_total") is not None:
			print(
				f"{table}: source {counts['source_total']} = imported {counts['imported_total']} "
				f"+ not imported {counts['excluded_total']}"
			)
	if not summary["dry_run"]:
		print("Rejected rows and their reasons: the Legacy Reconciliation report and Legacy Import Log.")


commands = [import_legacy_command]
