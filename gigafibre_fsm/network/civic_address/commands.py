"""Bench commands of the civic-address reference.

- ``bench --site SITE load-addresses FILE.csv`` loads an Adresses Québec (RQA) extract into
  Civic Address and its search index; a re-load of a newer extract updates the addresses by
  ``rqa_id``. A file with a bad row loads nothing and the command lists the bad lines.
- ``bench --site SITE rebuild-address-index`` rebuilds the search index from the records
  (after a change in how addresses are normalised).
- ``bench --site SITE match-fibre-drops`` links the fibre drops to their addresses (every
  drop but the confirmed ones; ``--unmatched-only`` for those without an address): the batch
  of network/drop_matching.py, which the Fibre Drop list's menu also queues
  (network/tasks.py).

``gigafibre_fsm/commands.py`` adds :data:`commands` to the app's command list.
"""

import sys
import time
from contextlib import contextmanager

import click
from frappe.commands import get_site, pass_context


def _progress_printer():
	"""``progress(stage, done, total)``: one line a stage, rewritten as it goes (stderr)."""
	from frappe import _

	started = time.monotonic()
	current = [None]
	names = {
		"export": _("Reading addresses"),
		"check": _("Checking rows"),
		"stage": _("Staging rows"),
		"index": _("Indexing streets"),
		"merge": _("Saving addresses"),
		"match": _("Matching fibre drops"),
	}

	def progress(stage: str, done: int, total: int | None) -> None:
		if current[0] not in (None, stage):
			click.echo("", err=True)  # the previous stage's line stays
		current[0] = stage
		count = f"{done:,}" + (f"/{total:,}" if total else "")
		elapsed = time.monotonic() - started
		click.echo(f"\r{names.get(stage, stage)}: {count} ({elapsed:.0f} s)", nl=False, err=True)

	return progress


@contextmanager
def _connected(context):
	"""The command's site, connected for the block and closed after it, whatever happens."""
	import frappe

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		yield
	finally:
		frappe.destroy()


def _fail(message: str) -> None:
	click.secho(message, fg="red", err=True)
	sys.exit(1)


def _done(message: str) -> None:
	click.echo("", err=True)  # the progress line stays
	click.secho(message, fg="green")


def _run(context, load) -> None:
	"""Connect to the site, run ``load(progress)``, print its result or why nothing was loaded."""
	import frappe
	from frappe import _

	from gigafibre_fsm.network.civic_address.loader import AddressFileError, LoadInProgressError

	try:
		with _connected(context):
			result = load(_progress_printer())
			frappe.db.commit()  # nosemgrep: a bench command; the load itself commits on its own connection
			summary = _(
				"{0} addresses in {1} s: {2} new, {3} updated, {4} unchanged ({5} new streets)"
			).format(
				f"{result.rows:,}",
				f"{result.seconds:.0f}",
				f"{result.created:,}",
				f"{result.updated:,}",
				f"{result.unchanged:,}",
				f"{result.new_streets:,}",
			)
	except AddressFileError as e:
		click.echo("", err=True)
		click.secho(str(e), fg="red", err=True)
		for line, column, message in e.errors:
			where = f" [{column}]" if column else ""
			click.echo(f"  {_('Line {0}').format(line)}: {message}{where}", err=True)
		if e.total > len(e.errors):
			click.echo(f"  … {_('{0} more').format(e.total - len(e.errors))}", err=True)
		sys.exit(1)
	except LoadInProgressError as e:
		_fail(str(e))
	_done(summary)


@click.command("load-addresses")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, resolve_path=True))
@pass_context
def load_addresses(context, path: str):
	"""Load an RQA civic-address extract (CSV, UTF-8, header row) into Civic Address."""
	from gigafibre_fsm.network.civic_address.loader import load_csv

	_run(context, lambda progress: load_csv(path, progress=progress))


@click.command("rebuild-address-index")
@pass_context
def rebuild_address_index(context):
	"""Rebuild the civic-address search index from the Civic Address records."""
	from gigafibre_fsm.network.civic_address.loader import rebuild_index

	_run(context, rebuild_index)


@click.command("match-fibre-drops")
@click.option("--unmatched-only", is_flag=True, help="Only drops without an address (Unmatched, Rejected)")
@click.option("--drop", "drops", multiple=True, help="Only this drop (repeatable)")
@pass_context
def match_fibre_drops(context, unmatched_only: bool = False, drops: tuple[str, ...] = ()):
	"""Link the fibre drops to their civic addresses; confirmed links are left as they are."""
	from frappe import _

	from gigafibre_fsm.network.drop_matching import MatchingInProgressError, match_drops

	try:
		with _connected(context):
			printer = _progress_printer()
			summary = match_drops(
				names=list(drops) or None,
				unmatched_only=unmatched_only,
				progress=lambda done, total: printer("match", done, total),
			)
			statuses = ", ".join(
				f"{_(status)} {count:,}" for status, count in sorted(summary.statuses.items())
			)
			message = _("{0} fibre drops in {1} s, {2} changed: {3}").format(
				f"{summary.drops:,}", f"{summary.seconds:.1f}", f"{summary.changed:,}", statuses or "-"
			)
	except MatchingInProgressError as e:
		_fail(str(e))
	_done(message)


commands = [load_addresses, rebuild_address_index, match_fibre_drops]
