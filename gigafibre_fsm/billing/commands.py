"""``bench --site SITE run-billing [--date YYYY-MM-DD] [--dry-run]`` and
``bench --site SITE run-collections [--date YYYY-MM-DD]``."""

import sys

import click
from frappe.commands import get_site, pass_context


@click.command("run-billing")
@click.option("--date", "day", default=None, help="The day of the run (default today): bills its month")
@click.option("--dry-run", is_flag=True, default=False, help="Compute every invoice, write none")
@pass_context
def run_billing_command(context, day: str | None = None, dry_run: bool = False):
	"""Invoice every customer whose billing day has come (one invoice per customer and month)."""
	import frappe

	from gigafibre_fsm.billing import monthly

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")

		def progress(done: int, total: int) -> None:
			width = 30
			filled = int(width * done / total) if total else width
			sys.stdout.write(f"\r[{'=' * filled:<{width}}] {done}/{total} customers")
			sys.stdout.flush()

		summary = monthly.run(frappe.utils.getdate(day) if day else None, dry_run=dry_run, progress=progress)
		sys.stdout.write("\n")
		click.echo(
			f"run-billing {summary['period']}{' (dry run)' if dry_run else ''}: {summary['invoices']} invoices, "
			f"{summary['already_billed']} already billed, {len(summary['rejected'])} rejected, "
			f"{summary['grand_total']:.2f} $ in {summary['seconds']} s ({summary['run']})"
		)
		# A customer that cannot be billed is listed (and on the Billing Run), not a failed run.
		for customer, reason in summary["rejected"]:
			click.echo(f"  not billed: {customer}: {reason}")
	finally:
		frappe.destroy()


@click.command("run-collections")
@click.option("--date", "day", default=None, help="The day of the run (default today)")
@pass_context
def run_collections_command(context, day: str | None = None):
	"""Reminders, suspensions and restorations due that day (a second run the same day changes nothing)."""
	import frappe

	from gigafibre_fsm.billing import collections

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	failed = True
	try:
		frappe.set_user("Administrator")

		def progress(done: int, total: int) -> None:
			width = 30
			filled = int(width * done / total) if total else width
			sys.stdout.write(f"\r[{'=' * filled:<{width}}] {done}/{total} customers with something to do")
			sys.stdout.flush()

		summary = collections.run(frappe.utils.getdate(day) if day else None, progress=progress)
		sys.stdout.write("\n")
		click.echo(
			f"run-collections {summary['date']}: {summary['customers']} customers read, "
			f"{summary['reminders']} arrangement reminders, {summary['notices']} dunning notices, "
			f"{summary['kept']} arrangements kept, {summary['missed']} missed, {summary['suspended']} suspended, "
			f"{summary['restored']} restored, {len(summary['failed'])} failed in {summary['seconds']} s"
		)
		for customer, reason in summary["failed"]:
			click.echo(f"  failed: {customer}: {reason}", err=True)
		failed = bool(summary["failed"])
	finally:
		frappe.destroy()
	if failed:
		sys.exit(1)


commands = [run_billing_command, run_collections_command]
