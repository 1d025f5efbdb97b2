"""``bench --site SITE import-legacy [--tables account,delivery,…] [--dry-run]``."""

import click
from frappe.commands import get_site, pass_context


@click.command("import-legacy")
@click.option("--tables", default="", help="Comma-separated legacy tables to import (default: all)")
@click.option("--dry-run", is_flag=True, default=False, help="Read and validate everything, write nothing")
@pass_context
def import_legacy_command(context, tables: str = "", dry_run: bool = False):
	"""Import the legacy PHP application's databases (site config `legacy_db` or Gigafibre Settings)."""
	import frappe
	from frappe.utils import update_progress_bar

	from gigafibre_fsm.legacy.importer import STEPS, import_legacy

	site = get_site(context)
	names = [t.strip() for t in tables.split(",") if t.strip()]
	unknown = [t for t in names if t not in STEPS]
	if unknown:
		raise click.BadParameter(f"unknown tables {', '.join(unknown)}; known: {', '.join(STEPS)}")
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		state = {"table": None}

		def progress(table: str, done: int, total: int) -> None:
			if state["table"] and state["table"] != table:
				print()
			state["table"] = table
			update_progress_bar(f"{table:<20}", min(done, total), max(total, 1), absolute=True)

		summary = import_legacy(tables=names, dry_run=dry_run, progress=progress)
		print()
		if summary is None:
			click.secho(
				"No legacy database configured (site config legacy_db or Gigafibre Settings).", fg="yellow"
			)
			return
		print_summary(summary)
	finally:
		frappe.destroy()


def print_summary(summary: dict) -> None:
	heading = "dry run (nothing written)" if summary["dry_run"] else f"run {summary['run']}"
	click.secho(f"Legacy import, {heading}, {summary['seconds']} s", bold=True)
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


commands = [import_legacy_command]
