"""Bench commands of the civic-address reference.

- ``bench --site SITE load-addresses FILE.csv`` loads an Adresses Québec (RQA) extract into
  Civic Address and its search index; a re-load of a newer extract updates the addresses by
  ``rqa_id``. A file with a bad row loads nothing and the command lists the bad lines.
- ``bench --site SITE rebuild-address-index`` rebuilds the search index from the records
  (after a change in how addresses are normalised).

``gigafibre_fsm/commands.py`` adds :data:`commands` to the app's command list.
"""

import sys
import time

import click
from frappe.commands import get_site, pass_context


def _progress_printer():
	from frappe import _

	started = time.monotonic()
	current = [None]
	names = {
		"export": _("Reading addresses"),
		"check": _("Checking rows"),
		"stage": _("Staging rows"),
		"index": _("Indexing streets"),
		"merge": _("Saving addresses"),
	}

	def progress(stage: str, done: int, total: int | None) -> None:
		if current[0] not in (None, stage):
			click.echo("", err=True)  # the previous stage's line stays
		current[0] = stage
		count = f"{done:,}" + (f"/{total:,}" if total else "")
		elapsed = time.monotonic() - started
		click.echo(f"\r{names.get(stage, stage)}: {count} ({elapsed:.0f} s)", nl=False, err=True)

	return progress


def _run(context, load) -> None:
	"""Connect to the site, run ``load(progress)``, print its result or why nothing was loaded."""
	import frappe
	from frappe import _

	from gigafibre_fsm.network.civic_address.loader import AddressFileError, LoadInProgressError

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		result = load(_progress_printer())
		frappe.db.commit()  # nosemgrep: a bench command; the load itself commits on its own connection
		summary = _("{0} addresses in {1} s: {2} new, {3} updated, {4} unchanged ({5} new streets)").format(
			f"{result.rows:,}",
			f"{result.seconds:.0f}",
			f"{result.inserted:,}",
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
		click.secho(str(e), fg="red", err=True)
		sys.exit(1)
	finally:
		frappe.destroy()
	click.echo("", err=True)
	click.secho(summary, fg="green")


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


commands = [load_addresses, rebuild_address_index]
