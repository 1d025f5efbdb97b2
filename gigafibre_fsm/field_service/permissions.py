"""Who sees which dispatch job: a Field Technician sees only the jobs they are on.

Enforced in the query conditions (lists, reports, links) and in has_permission (opening,
saving, the REST API), so no client-side filter is trusted.
"""

import frappe

TECHNICIAN = "Field Technician"
# Roles that see every job, whatever else the user is.
SEE_ALL = frozenset({"System Manager", "Administrator", "Dispatcher", "Gigafibre Support", "Sales Agent"})


def sees_only_own_jobs(user: str) -> bool:
	roles = set(frappe.get_roles(user))
	return TECHNICIAN in roles and not roles & SEE_ALL


def dispatch_job_query_conditions(user: str | None = None) -> str:
	user = user or frappe.session.user
	if not sees_only_own_jobs(user):
		return ""
	return (
		"exists (select 1 from `tabDispatch Job Technician` djt"
		" where djt.parent = `tabDispatch Job`.name and djt.parenttype = 'Dispatch Job'"
		f" and djt.technician = {frappe.db.escape(user)})"
	)


def dispatch_job_has_permission(
	doc, ptype: str | None = None, user: str | None = None, **kwargs
) -> bool | None:
	user = user or frappe.session.user
	if not sees_only_own_jobs(user):
		return None
	if doc.is_new():
		return None
	# Check the saved assignment, so a technician cannot add themselves to a job and save it.
	return bool(
		frappe.db.exists(
			"Dispatch Job Technician",
			{"parent": doc.name, "parenttype": "Dispatch Job", "technician": user},
		)
	)
