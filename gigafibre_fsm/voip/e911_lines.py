"""A phone line's 911 address kept true to the place it rings from.

- On every save of a VoIP Line its 911 address is compared with its Service Location's
  address by the pure comparer (voip/e911.py): Match, Mismatch or Missing and the parts
  concerned are stored on the line (:func:`set_match`).
- A line enters Active only with a matching 911 address (:func:`check_can_enter_service`);
  the legacy import writes what the legacy system says and the 911 audit shows it.
- A location whose address moves (a move, a correction, the legacy import's update) flags its
  lines for re-registration, stores their new comparison and opens one support task, found
  again by its key (:func:`location_address_changed`, from the location's ``on_update``).
- Completing an installation refuses a line whose 911 address does not match, naming it, and
  puts the matching lines that waited for it in service (:func:`put_lines_in_service`, a step
  of field_service/activation.py).
"""

import frappe
from frappe import _
from frappe.utils import today

from gigafibre_fsm.exceptions import IncompleteRecordError
from gigafibre_fsm.rules.phone import format_phone
from gigafibre_fsm.voip import e911

LINE = "VoIP Line"
ACTIVE, PENDING_911, CANCELLED = "Active", "Pending 911", "Cancelled"
TASK_DONE = ("Completed", "Cancelled")
LOCATION_FIELDS = ["name", "location_title", *e911.COMPARED]


class E911AddressError(IncompleteRecordError):
	"""A line cannot be put in service: its 911 address is missing or not its location's."""

	http_status_code = 409


def part_labels(parts: list[str] | str | None) -> str:
	"""The parts as people read them ("Street, Postal Code"), translated."""
	if isinstance(parts, str):
		parts = [p.strip() for p in parts.split(",") if p.strip()]
	return ", ".join(_(frappe.unscrub(part)) for part in parts or [])


def location_address(location: str | None) -> dict | None:
	if not location:
		return None
	return frappe.db.get_value("Service Location", location, LOCATION_FIELDS, as_dict=True)


def set_match(line, service: dict | None = None) -> tuple[str, list[str]]:
	"""Store the comparison of the line's 911 address with its location's address."""
	if service is None:
		service = location_address(line.service_location)
	status, parts = e911.compare(service, line.as_dict() if hasattr(line, "as_dict") else line)
	line.e911_match = status
	line.e911_differences = ", ".join(parts) or None
	return status, parts


def check_can_enter_service(line) -> None:
	"""A line moved into Active must have a matching 911 address (a move of an existing line;
	a new line is made Pending 911 by Configure VoIP when its address does not match)."""
	if line.flags.in_import or frappe.flags.in_import or line.status != ACTIVE or line.is_new():
		return
	before = line.get_doc_before_save()
	if not before or before.status == ACTIVE:
		return
	if line.e911_match != e911.MATCH:
		refuse_line(line.name, line.did, line.e911_match, line.e911_differences)


def refuse_line(name: str, did: str, status: str | None, parts) -> None:
	if status == e911.MISSING:
		why = _("its 911 address is incomplete ({0})").format(part_labels(parts))
	else:
		why = _("its 911 address does not match its service location's ({0})").format(part_labels(parts))
	frappe.throw(
		_(
			"VoIP Line {0} ({1}) cannot be put in service: {2}. Correct the 911 address and register it "
			"again first"
		).format(name, format_phone(did), why),
		E911AddressError,
		title=_("911 Address"),
	)


# ---------------------------------------------------------------------------------------
# A location's address moved


def location_address_changed(location) -> list[str]:
	"""From the Service Location's ``on_update``: when its address moved, its lines (not
	cancelled) are flagged for re-registration with their new comparison, and one support
	task is opened (or the open one kept). Returns the lines flagged."""
	before = location.get_doc_before_save()
	if not before:
		return []
	moved = e911.changed_parts(before.as_dict(), location.as_dict())
	if not moved:
		return []
	names = frappe.get_all(
		LINE,
		filters={"service_location": location.name, "status": ("!=", CANCELLED)},
		pluck="name",
		order_by="creation asc",
	)
	if not names:
		return []
	service = {f: location.get(f) for f in LOCATION_FIELDS}
	lines = [frappe.get_doc(LINE, name, for_update=True) for name in names]
	task = open_task(location, lines, moved)
	for line in lines:
		line.e911_reregister = 1
		line.e911_task = task
		line.e911_synced = 0
		set_match(line, service)
		line.flags.ignore_permissions = True
		line.save(ignore_version=False)
	return names


def open_task(location, lines, moved: list[str]) -> str:
	"""The support task to register the lines' 911 address again: the open one a line names,
	else a new one of the key :data:`e911.REGISTER_911`."""
	for line in lines:
		if line.e911_task and frappe.db.get_value("Task", line.e911_task, "status") not in (None, *TASK_DONE):
			return line.e911_task
	task_type = e911.REGISTER_911
	if not frappe.db.exists("Task Type", task_type.key):
		frappe.get_doc(
			{"doctype": "Task Type", "__newname": task_type.key, "description": task_type.description}
		).insert(ignore_permissions=True)
	project = frappe.db.get_value("Project", {"service_location": location.name}, "name")
	description = "\n".join(
		[
			_("The address of Service Location {0} changed ({1}).").format(location.name, part_labels(moved)),
			_("Register the 911 address of these lines again: {0}").format(
				", ".join(f"{line.name} ({format_phone(line.did)})" for line in lines)
			),
		]
	)
	task = frappe.get_doc(
		{
			"doctype": "Task",
			"subject": f"{task_type.title} {location.location_title or location.name}"[:140],
			"type": task_type.key,
			"team": task_type.team,
			"project": project,
			"description": description,
			"exp_start_date": today(),
		}
	).insert(ignore_permissions=True)
	return task.name


def close_task_when_done(task: str | None) -> bool:
	"""Complete the 911 task once none of its lines waits for re-registration."""
	if not task or frappe.db.exists(LINE, {"e911_task": task, "e911_reregister": 1}):
		return False
	doc = frappe.get_doc("Task", task, for_update=True)
	if doc.status in TASK_DONE:
		return False
	doc.status = "Completed"
	doc.completed_on = today()
	doc.flags.ignore_permissions = True
	doc.save()
	return True


# ---------------------------------------------------------------------------------------
# Completing an installation


def put_lines_in_service(completion) -> list[str]:
	"""A step of completing an installation (field_service/activation.py): every line of the
	location not cancelled must have a matching 911 address — the first that has not is refused
	by name, before anything is written — then the lines that waited (Pending 911) go Active
	and get their PBX account after the commit. Returns the lines put in service."""
	location = completion.location
	service = {f: location.get(f) for f in LOCATION_FIELDS}
	lines = frappe.get_all(
		LINE,
		filters={"service_location": location.name, "status": ("in", (ACTIVE, PENDING_911))},
		fields=["name", "did", "status", *e911.PARTS.values()],
		order_by="creation asc",
	)
	for line in lines:
		status, parts = e911.compare(service, line)
		if status != e911.MATCH:
			refuse_line(line.name, line.did, status, parts)
	from gigafibre_fsm.voip.lines import enqueue_pbx_account

	started = []
	for line in lines:
		if line.status != PENDING_911:
			continue
		doc = frappe.get_doc(LINE, line.name, for_update=True)
		doc.status = ACTIVE
		doc.flags.ignore_permissions = True
		doc.save()
		enqueue_pbx_account(doc.name)
		started.append(doc.name)
	return started
