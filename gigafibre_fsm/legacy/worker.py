"""The second lane of a legacy import run, in its own process (started by run.start_worker).

Reads what to do as JSON on its standard input, runs its steps on the same Legacy Import Run
(waiting for the other lane's steps it depends on), prints its progress as JSON lines, and
dies with the process that started it. With ``"mode": "run"`` it runs a whole import instead
(the tests run one in a process they can kill).
"""

import ctypes
import json
import os
import signal
import sys


def die_with_parent(parent: int) -> None:
	"""PR_SET_PDEATHSIG: a SIGKILL to the import kills its second lane too (Linux)."""
	try:
		ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
	except OSError:
		pass
	if os.getppid() != parent:
		os._exit(1)


def main() -> int:
	message = json.loads(sys.stdin.read())
	if message.get("mode") == "run":
		return run_import(message)
	die_with_parent(message["parent"])
	import frappe

	from gigafibre_fsm.legacy.run import Importer
	from gigafibre_fsm.legacy.source import LegacyConfig, LegacySource

	frappe.init(site=message["site"], sites_path=message["sites_path"])
	frappe.connect()
	source = None
	try:
		frappe.set_user("Administrator")
		frappe.flags.in_import = frappe.flags.mute_emails = True
		source = LegacySource(LegacyConfig(**message["config"]))

		def progress(table: str, done: int, total: int) -> None:
			print(json.dumps({"table": table, "done": done, "total": total}), flush=True)

		importer = Importer(
			source,
			tables=message["requested"],
			progress=progress,
			batch_size=message["batch_size"],
			parallel=False,
			run_name=message["run"],
		)
		importer.load_tallies()
		importer.run_steps(message["steps"])
		return 0
	finally:
		if source:
			source.close()
		frappe.destroy()


def run_import(message: dict) -> int:
	"""A whole run in a process of its own, configured on stdin (the tests kill it half-way)."""
	import frappe

	from gigafibre_fsm.legacy.run import Importer
	from gigafibre_fsm.legacy.source import LegacyConfig, LegacySource

	frappe.init(site=message["site"], sites_path=message["sites_path"])
	frappe.connect()
	source = LegacySource(LegacyConfig(**message["config"]))
	try:
		frappe.set_user("Administrator")
		summary = Importer(
			source,
			tables=message.get("tables"),
			batch_size=message.get("batch_size", 2000),
			parallel=message.get("parallel", True),
		).run()
		print(json.dumps(summary, default=str), flush=True)
		return 0
	finally:
		source.close()
		frappe.destroy()


if __name__ == "__main__":
	sys.exit(main())
