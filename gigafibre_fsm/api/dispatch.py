"""Dispatchers (API.md "Dispatch"): technicians' skills, the ranked technicians for a job and a
day, assigning a job, and the calendar's events. Dispatcher or System Manager only (403)."""

import frappe
from frappe.utils import getdate

from gigafibre_fsm.api.guard import use_request_language
from gigafibre_fsm.field_service import dispatch


@frappe.whitelist(methods=["POST"])
def set_skills(technician: str | None = None, skills: list | None = None) -> dict:
	dispatch.only_dispatchers()
	use_request_language(frappe.local.lang)
	return dispatch.set_skills(technician, skills or [])


@frappe.whitelist(methods=["GET"])
def suggest_technicians(dispatch_job: str | None = None, date: str | None = None) -> list[dict]:
	dispatch.only_dispatchers()
	use_request_language(frappe.local.lang)
	if not dispatch_job or not frappe.db.exists("Dispatch Job", dispatch_job):
		frappe.throw(frappe._("Dispatch job {0} not found").format(dispatch_job), frappe.DoesNotExistError)
	return dispatch.suggest(dispatch_job, getdate(date) if date else getdate())


@frappe.whitelist(methods=["POST"])
def assign(
	dispatch_job: str | None = None, technicians: list | None = None, scheduled_date: str | None = None
) -> dict:
	dispatch.only_dispatchers()
	use_request_language(frappe.local.lang)
	if not dispatch_job or not frappe.db.exists("Dispatch Job", dispatch_job):
		frappe.throw(frappe._("Dispatch job {0} not found").format(dispatch_job), frappe.DoesNotExistError)
	return dispatch.assign(
		dispatch_job, technicians or [], getdate(scheduled_date) if scheduled_date else getdate()
	)


@frappe.whitelist(methods=["GET"])
def calendar_events(
	start: str | None = None, end: str | None = None, filters: str | None = None
) -> list[dict]:
	"""The Dispatch Job calendar's events (filtered by technician from the calendar's sidebar)."""
	frappe.has_permission("Dispatch Job", "read", throw=True)
	chosen = {}
	parsed = frappe.parse_json(filters) if filters else []
	for condition in parsed if isinstance(parsed, list) else [parsed]:
		if isinstance(condition, list) and len(condition) >= 4:
			chosen[condition[1]] = condition[3]
		elif isinstance(condition, dict):
			chosen.update(condition)
	return dispatch.calendar_events(start, end, chosen.get("technician"), chosen.get("status"))


@frappe.whitelist(methods=["GET"])
def board(date: str | None = None) -> dict:
	"""The dispatcher's board: the day's jobs per technician and the jobs nobody has yet."""
	dispatch.only_dispatchers()
	return dispatch.board(getdate(date) if date else getdate())
