"""What a Field Technician may see: the dispatch jobs they are on, and the customers,
locations, subscriptions, equipment, phone lines, projects, tasks and tickets of those jobs
(of the tasks, they change only the technicians' own).

Enforced on the server twice from one SQL condition per doctype: in the list queries
(`permission_query_conditions`: lists, reports, link searches, get_list, /api/resource) and
per document (`has_permission`: opening, saving, the REST API). The Dispatch Job's child
tables get the same condition, so their rows cannot be listed around the parent's rules.
A user who also holds a role that reads the doctype in full is not restricted.
"""

import frappe
from frappe.permissions import get_valid_perms

from gigafibre_fsm.roles import DISPATCH_JOB_TABLES, TECHNICIAN

UNRESTRICTED = frozenset({"Administrator", "System Manager"})


def is_job_scoped(user: str, doctype: str) -> bool:
	"""Whether ``user`` reads ``doctype`` only through their dispatch jobs."""
	if user == "Administrator":
		return False
	roles = set(frappe.get_roles(user))
	if TECHNICIAN not in roles or roles & UNRESTRICTED:
		return False
	# Asked for every row of every list: remember the answer for this request.
	if not hasattr(frappe.local, "gigafibre_job_scope"):
		frappe.local.gigafibre_job_scope = {}
	cache = frappe.local.gigafibre_job_scope
	key = (user, doctype, frozenset(roles))
	if key not in cache:
		parent = "Dispatch Job" if doctype in DISPATCH_JOB_TABLES else doctype
		cache[key] = not any(
			p.get("read") and p.get("role") != TECHNICIAN for p in get_valid_perms(parent, user)
		)
	return cache[key]


def _my_jobs(user: str) -> str:
	return (
		"select djt.parent from `tabDispatch Job Technician` djt"
		f" where djt.parenttype = 'Dispatch Job' and djt.technician = {frappe.db.escape(user)}"
	)


def _of_my_jobs(column: str, user: str) -> str:
	return f"select dj.{column} from `tabDispatch Job` dj where dj.name in ({_my_jobs(user)})"


def scope_condition(doctype: str, user: str) -> str:
	"""The SQL condition on ``tab<doctype>`` that keeps a technician within their jobs."""
	table = f"`tab{doctype}`"
	jobs = _my_jobs(user)
	locations = _of_my_jobs("service_location", user)
	# A work order without a location covers the customer's services at large.
	customers_without_location = (
		f"select dj.customer from `tabDispatch Job` dj where dj.name in ({jobs})"
		" and ifnull(dj.service_location, '') = ''"
	)
	if doctype == "Dispatch Job":
		return f"{table}.name in ({jobs})"
	if doctype in DISPATCH_JOB_TABLES:
		return f"{table}.parenttype = 'Dispatch Job' and {table}.parent in ({jobs})"
	if doctype == "Customer":
		return f"{table}.name in ({_of_my_jobs('customer', user)})"
	if doctype == "Service Location":
		return f"{table}.name in ({locations})"
	if doctype == "Project":
		return f"{table}.name in ({_of_my_jobs('project', user)})"
	if doctype == "Task":
		return f"{table}.project in ({_of_my_jobs('project', user)})"
	if doctype == "Issue":
		return f"{table}.name in ({_of_my_jobs('issue', user)})"
	at_my_places = (
		f"({table}.service_location in ({locations}) or {table}.customer in ({customers_without_location}))"
	)
	if doctype == "Service Equipment":
		brought = (
			"select dje.service_equipment from `tabDispatch Job Equipment` dje"
			f" where dje.parenttype = 'Dispatch Job' and dje.parent in ({jobs})"
		)
		return f"({at_my_places} or {table}.name in ({brought}))"
	return at_my_places


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions hook for every job-scoped doctype and child table."""
	user = user or frappe.session.user
	if not doctype or not is_job_scoped(user, doctype):
		return ""
	return scope_condition(doctype, user)


def has_permission(doc, ptype: str | None = None, user: str | None = None, **kwargs) -> bool | None:
	"""has_permission hook: a scoped technician reaches a saved record only through a job."""
	user = user or frappe.session.user
	if doc.is_new() or not is_job_scoped(user, doc.doctype):
		return None
	if doc.doctype == "Task" and ptype not in (None, "read", "print") and doc.get("team") != TECHNICIAN:
		# Of their jobs' tasks, a technician changes only those of the technicians' team.
		return False
	# The saved record is checked, so editing a job to add oneself and saving it does not work.
	return bool(
		frappe.db.sql(
			f"select 1 from `tab{doc.doctype}` where name = %s and {scope_condition(doc.doctype, user)}",
			doc.name,
		)
	)
