"""Installation day, phone service: "Configurer VoIP" gives each IP phone of a location its line.

:func:`configure_location`, in the caller's transaction and all or nothing:

1. a customer's own number typed in is checked first (NANP, not another line's, not an
   Assigned or Retired number of the inventory): a refusal names it and nothing is written;
2. the Service Location's row is locked, so two configurations of one location run one after
   the other (the second finds the phones have their lines);
3. each IP Phone equipment of the location that no line in service names gets a VoIP Line:
   the typed number for the first phone (recorded as a DID in Porting), else the next Free DID
   taken under a row lock (voip/dids.py); the line names the equipment, which keeps the only
   SIP password (a phone without a SIP account gets one, as an order makes it); voicemail on,
   to the customer's email, with a PIN; the 911 address copied part by part from the location
   (voip/e911.py) — a location whose address lacks a part the 911 centre needs gives a line
   that waits in Pending 911 (voip/e911_lines.py); the number set Assigned (Porting while the
   port is under way);
4. the location's "Configure VoIP" task (found by its key) is Completed;
5. after the commit, one job per new line creates its SIP account at the PBX
   (integrations/pbx.py): :func:`create_pbx_account` is idempotent (the line's row locked, the
   PBX asked for the user name before creating), records the PBX's reference or the error,
   and :func:`retry_pbx_accounts` (scheduler) tries again the lines still without an account.
"""

import secrets

import frappe
from frappe import _
from frappe.utils import add_to_date, now_datetime, today
from frappe.utils.password import get_decrypted_password

from gigafibre_fsm.exceptions import refuse
from gigafibre_fsm.field_service.task_types import CONFIGURE_VOIP
from gigafibre_fsm.orders.order_input import random_password
from gigafibre_fsm.status_flow import in_service
from gigafibre_fsm.voip import dids, e911
from gigafibre_fsm.voip.accounts import IP_PHONE, phones_without_line
from gigafibre_fsm.voip.doctype.did.did import ASSIGNED

LINE = "VoIP Line"
EQUIPMENT = "Service Equipment"
TASK_DONE = ("Completed", "Cancelled")
# Caller-ID names (CNAM) carry 15 characters.
CALLER_ID_LENGTH = 15
JOB = "gigafibre_fsm.voip.lines.create_pbx_account"
SAVEPOINT = "gigafibre_configure_voip"


class NoIPPhoneError(frappe.ValidationError):
	"""The location has no IP phone to carry a line."""

	http_status_code = 409


def configure_location(location: str, ported_number: str | None = None, task: str | None = None) -> dict:
	"""Give every IP phone of ``location`` without a line its line (see the module's docstring).
	``task``: the "Configure VoIP" task the request came from (closed with the others)."""
	ported = dids.porting(ported_number) if (ported_number or "").strip() else None
	frappe.db.savepoint(SAVEPOINT)
	try:
		answer = _configure(location, ported, task)
	except BaseException:
		try:
			frappe.db.rollback(save_point=SAVEPOINT)
		except Exception:
			pass  # a deadlock ended the whole transaction: nothing is left to undo
		raise
	frappe.db.release_savepoint(SAVEPOINT)
	for line in answer["new_lines"]:
		enqueue_pbx_account(line)
	return answer


def _configure(location_name: str, ported: str | None, task: str | None) -> dict:
	location = frappe.db.get_value(
		"Service Location",
		location_name,
		["name", "customer", "status", *e911.PARTS],
		as_dict=True,
		for_update=True,
	)
	if not location:
		refuse(
			"service_location",
			_("Service Location {0} not found").format(location_name),
			frappe.DoesNotExistError,
		)
	if not in_service(location.status):
		refuse(
			"service_location",
			_("Service Location {0} is {1}: a line is given to a location in service").format(
				location.name, _(location.status)
			),
		)
	phones = frappe.get_all(
		EQUIPMENT,
		filters={"service_location": location.name, "equipment_type": IP_PHONE},
		fields=["name", "sip_username", "sip_line", "status", "creation"],
		order_by="creation asc",
	)
	if not [p for p in phones if p.status != "Returned"]:
		refuse(
			"service_location",
			_(
				"Service Location {0} has no IP phone: add a Service Equipment of type IP Phone to it, "
				"then configure VoIP again"
			).format(location.name),
			NoIPPhoneError,
		)
	lines = frappe.get_all(
		LINE,
		filters={"service_location": location.name},
		fields=["name", "equipment", "sip_username", "status", "did"],
	)
	waiting = phones_without_line(phones, lines)
	if ported and not waiting:
		refuse(
			"ported_number",
			_("Every IP phone of Service Location {0} already has its line: {1} was not given").format(
				location.name, ported
			),
			NoIPPhoneError,
		)
	customer = frappe.db.get_value(
		"Customer",
		location.customer,
		["customer_name", "email_id", "language", "customer_group"],
		as_dict=True,
	)
	new_lines = []
	for phone in waiting:
		number, status = (ported, dids.lock_ported(ported)) if ported else (dids.take_free(), ASSIGNED)
		ported = None  # the typed number is the first phone's
		username = phone.sip_username or give_sip_account(phone, location.name)
		line = make_line(location, customer, phone.name, username, number)
		dids.assign(number, line.name, status)
		new_lines.append(line.name)
	closed = close_configure_tasks(location.name, task)
	all_lines = frappe.get_all(
		LINE,
		filters={"service_location": location.name, "status": ("!=", "Cancelled")},
		fields=["name", "did", "equipment", "sip_username", "status"],
		order_by="creation asc",
	)
	return {
		"service_location": location.name,
		"new_lines": new_lines,
		"lines": [
			{**line, "did_status": frappe.db.get_value("DID", line.did, "status")} for line in all_lines
		],
		"closed_tasks": closed,
	}


def give_sip_account(phone, location: str) -> str:
	"""A SIP account for an IP phone that has none, as an order makes it (orders/pipeline.py)."""
	doc = frappe.get_doc(EQUIPMENT, phone.name)
	taken = frappe.get_all(
		EQUIPMENT, filters={"service_location": location, "sip_line": (">", 0)}, pluck="sip_line"
	)
	line_number = doc.sip_line or max([0, *taken]) + 1
	doc.update(
		{
			"sip_username": f"{location.lower()}-{line_number}",
			"sip_password": random_password(16),
			"sip_line": line_number,
		}
	)
	doc.flags.ignore_permissions = True
	doc.save()
	return doc.sip_username


def make_line(location, customer, equipment: str, username: str, number: str):
	language = "en" if (customer.language or "").lower().startswith("en") else "fr"
	address = e911.address_of(location)
	line = frappe.get_doc(
		{
			"doctype": LINE,
			"did": number,
			"status": "Active",
			"customer": location.customer,
			"service_location": location.name,
			"equipment": equipment,
			"sip_username": username,
			"caller_id_name": (customer.customer_name or "")[:CALLER_ID_LENGTH] or None,
			"language": language,
			"voicemail_enabled": 1,
			"voicemail_email": customer.email_id or None,
			"voicemail_password": f"{secrets.randbelow(10_000):04d}",
			"e911_class": "BUS" if customer.customer_group == "Commercial" else "RES",
			**address,
		}
	).insert(ignore_permissions=True)
	if line.e911_match != e911.MATCH:
		# A location whose address lacks a part the 911 centre needs: the line waits for it.
		line.status = "Pending 911"
		line.save(ignore_permissions=True)
	return line


def close_configure_tasks(location: str, task: str | None = None) -> list[str]:
	"""Complete the location's open "Configure VoIP" tasks (its projects', and ``task``)."""
	projects = frappe.get_all("Project", filters={"service_location": location}, pluck="name")
	names = set(
		frappe.get_all(
			"Task",
			filters={
				"project": ("in", projects or [""]),
				"type": CONFIGURE_VOIP.key,
				"status": ("not in", TASK_DONE),
			},
			pluck="name",
		)
	)
	if task:
		names.add(task)
	closed = []
	for name in sorted(names):
		doc = frappe.get_doc("Task", name, for_update=True)
		if doc.status in TASK_DONE:
			continue
		doc.status = "Completed"
		doc.completed_on = today()
		doc.flags.ignore_permissions = True
		doc.save()
		closed.append(name)
	return closed


# ---------------------------------------------------------------------------------------
# The PBX account, after the commit


def job_id(line: str) -> str:
	return f"gigafibre-pbx-account::{line}"


def enqueue_pbx_account(line: str, after_commit: bool = True) -> None:
	frappe.enqueue(
		JOB,
		queue="short",
		job_id=job_id(line),
		deduplicate=True,
		enqueue_after_commit=after_commit,
		line=line,
	)


def create_pbx_account(line: str) -> str | None:
	"""Create the line's SIP account at the PBX unless it has one; record the PBX's reference
	(or the error, for the retry) in a commit of its own. Returns the reference."""
	from gigafibre_fsm.integrations import pbx

	row = frappe.db.get_value(
		LINE,
		line,
		["name", "status", "equipment", "sip_username", "pbx_account", "caller_id_name", "did"],
		as_dict=True,
		for_update=True,  # a second job for the same line waits, then finds the account
	)
	if not row or row.pbx_account or row.status != "Active" or not row.equipment:
		frappe.db.rollback()
		return row.pbx_account if row else None
	try:
		secret = get_decrypted_password(EQUIPMENT, row.equipment, "sip_password", raise_exception=False)
		if not (row.sip_username and secret):
			raise pbx.PBXError(f"equipment {row.equipment} has no SIP user name or password")
		ref = pbx.ensure_account(row.caller_id_name or row.did, row.sip_username, secret)
	except Exception as error:
		frappe.db.rollback()
		cause = f"{type(error).__name__}: {error}"[:1000]
		frappe.db.set_value(LINE, row.name, "pbx_error", cause, update_modified=False)
		frappe.log_error(title=f"PBX account of VoIP Line {row.name} not created", message=cause)
		frappe.db.commit()  # nosemgrep: the failure is kept for the retry and the desk
		return None
	frappe.db.set_value(LINE, row.name, {"pbx_account": ref, "pbx_error": None}, update_modified=False)
	frappe.db.commit()  # nosemgrep: the PBX has the account: the line must say so
	return ref


def retry_pbx_accounts() -> list[str]:
	"""Scheduler: enqueue again the active lines with a SIP account's equipment and no PBX
	account, made more than five minutes ago (their first job failed or was lost). Lines of the
	legacy import are left alone: their accounts are on the legacy PBX."""
	lines = frappe.get_all(
		LINE,
		filters={
			"status": "Active",
			"equipment": ("is", "set"),
			"pbx_account": ("is", "not set"),
			"legacy_pbx_id": ("is", "not set"),
			"creation": ("<", add_to_date(now_datetime(), minutes=-5)),
		},
		pluck="name",
		limit=200,
	)
	for line in lines:
		enqueue_pbx_account(line, after_commit=False)
	return lines
