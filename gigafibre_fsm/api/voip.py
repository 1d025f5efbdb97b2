"""The desk's phone-service endpoints: "Configure VoIP" from its task (or from the location),
numbers added to the DID inventory by range, a line's PBX account asked for again.

Gigafibre Support and System Managers only (the "Configure VoIP" task is support's), who must
also be allowed to create VoIP Lines; each endpoint hands over to voip/lines.py or
voip/dids.py, which refuse with the field they are about.
"""

import frappe
from frappe import _

from gigafibre_fsm.api.guard import Refusals, use_request_language
from gigafibre_fsm.field_service.task_types import CONFIGURE_VOIP
from gigafibre_fsm.roles import SUPPORT, SYSTEM_MANAGER
from gigafibre_fsm.voip import dids, e911_registration, lines

CONFIGURERS = (SUPPORT, SYSTEM_MANAGER)
# A configuration the database undid to break a deadlock with another is tried again.
ATTEMPTS = 3


def _only_configurers(doctype: str = "VoIP Line", right: str = "create") -> None:
	# Not frappe.only_for: it lets everyone through while tests run, and this is tested.
	if set(CONFIGURERS).isdisjoint(frappe.get_roles()):
		frappe.throw(
			_("Only {0} configure phone lines").format(" / ".join(_(role) for role in CONFIGURERS)),
			frappe.PermissionError,
		)
	frappe.has_permission(doctype, right, throw=True)


def _location_of_task(task: str) -> str:
	values = frappe.db.get_value("Task", task, ["type", "project"], as_dict=True)
	if not values:
		frappe.throw(_("Task {0} not found").format(task), frappe.DoesNotExistError)
	if values.type != CONFIGURE_VOIP.key:
		frappe.throw(
			_("Task {0} is not a {1} task").format(task, _(CONFIGURE_VOIP.key)), frappe.ValidationError
		)
	location = frappe.db.get_value("Project", values.project, "service_location") if values.project else None
	if not location:
		frappe.throw(
			_("The project of task {0} names no Service Location: configure VoIP from the location").format(
				task
			),
			frappe.ValidationError,
		)
	return location


@frappe.whitelist(methods=["POST"])
def configure(
	task: str | None = None, service_location: str | None = None, ported_number: str | None = None
) -> dict:
	"""Give each IP phone of the task's (or the given) location without a line its line: the
	customer's own number when typed (ported), else the next Free DID; closes "Configure VoIP"."""
	_only_configurers()
	use_request_language(frappe.local.lang)
	location = _location_of_task(task) if task else service_location
	if not location:
		frappe.throw(_("Give the task or the Service Location to configure"), frappe.ValidationError)
	frappe.get_doc("Service Location", location).check_permission("read")
	for attempt in range(ATTEMPTS):
		try:
			with Refusals():
				return lines.configure_location(location, ported_number=ported_number, task=task)
		except frappe.QueryDeadlockError:
			# The database chose this request to undo: nothing of it is left, so it starts again.
			frappe.db.rollback()
			if attempt == ATTEMPTS - 1:
				raise


@frappe.whitelist(methods=["POST"])
def add_dids(first: str | None = None, last: str | None = None) -> dict:
	"""Add the numbers from ``first`` to ``last`` to the DID inventory (Free)."""
	_only_configurers("DID", "create")
	use_request_language(frappe.local.lang)
	with Refusals():
		return dids.add_range(first, last)


@frappe.whitelist(methods=["POST"])
def create_pbx_account(line: str) -> dict:
	"""Create the line's SIP account at the PBX now (as the job does); the line tells the outcome."""
	_only_configurers("VoIP Line", "write")
	frappe.get_doc("VoIP Line", line).check_permission("write")
	lines.create_pbx_account(line)
	return frappe.db.get_value("VoIP Line", line, ["name", "pbx_account", "pbx_error"], as_dict=True)


# ---------------------------------------------------------------------------------------
# 911: a line's registration, an orphan's removal


def _lines_of(lines: str | list) -> list[str]:
	if isinstance(lines, str):
		lines = frappe.parse_json(lines) if lines.strip().startswith("[") else [lines]
	names = [str(name) for name in lines or [] if name]
	if not names:
		frappe.throw(_("Choose the lines"), frappe.ValidationError)
	return names


@frappe.whitelist(methods=["POST"])
def register_911(line: str) -> dict:
	"""Register the line's location's address as its 911 address with the 911 provider; the line
	records it with who and when."""
	_only_configurers("VoIP Line", "write")
	use_request_language(frappe.local.lang)
	frappe.get_doc("VoIP Line", line).check_permission("write")
	with Refusals():
		return e911_registration.register(line)


@frappe.whitelist(methods=["POST"])
def deregister_911(lines: str | list) -> list[dict]:
	"""Remove the 911 registration of orphan lines' numbers (the report "Orphan 911
	Registrations"); all or nothing."""
	_only_configurers("VoIP Line", "write")
	use_request_language(frappe.local.lang)
	names = _lines_of(lines)
	for name in names:
		frappe.get_doc("VoIP Line", name).check_permission("write")
	with Refusals():
		return [e911_registration.deregister(name) for name in names]
