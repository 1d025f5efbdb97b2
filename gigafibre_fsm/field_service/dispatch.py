"""Dispatch: which technicians go where, and when.

A technician is a User with the role Field Technician; their skills are Dispatch Tags (the
User's "Technician Skills"). A job asks for tags (Fibre, Installation, TV, Téléphonie…).
:func:`suggest` ranks the technicians for a job and a day — those with every required skill
and free that day first — and says why the others rank lower; :func:`assign` puts
technicians on a job for a date, refusing one without a required skill (naming the skill),
and tells the customer by SMS once committed.
"""

import frappe
from frappe import _
from frappe.utils import getdate

from gigafibre_fsm.roles import DISPATCHER, SYSTEM_MANAGER, TECHNICIAN

DISPATCHERS = (DISPATCHER, SYSTEM_MANAGER)
OPEN_STATUSES = ("Scheduled", "In Progress")


class MissingSkillError(frappe.ValidationError):
	http_status_code = 400


class NotATechnicianError(frappe.ValidationError):
	http_status_code = 400


def only_dispatchers() -> None:
	# Not frappe.only_for: it lets everyone through while tests run, and this is tested.
	if set(DISPATCHERS).isdisjoint(frappe.get_roles()):
		frappe.throw(_("Only dispatchers assign technicians"), frappe.PermissionError)


def technicians() -> list[dict]:
	"""Enabled users with the Field Technician role, with their skills."""
	users = frappe.get_all(
		"Has Role", filters={"role": TECHNICIAN, "parenttype": "User"}, pluck="parent", distinct=True
	)
	rows = frappe.get_all(
		"User",
		filters={"name": ("in", users or [""]), "enabled": 1},
		fields=["name", "full_name"],
		order_by="name",
	)
	skills: dict[str, set[str]] = {}
	for row in frappe.get_all(
		"Dispatch Job Tag",
		filters={"parenttype": "User", "parent": ("in", [r.name for r in rows] or [""])},
		fields=["parent", "tag"],
	):
		skills.setdefault(row.parent, set()).add(row.tag)
	return [
		{"technician": r.name, "full_name": r.full_name, "skills": skills.get(r.name, set())} for r in rows
	]


def check_technician(user: str) -> None:
	if not user or not frappe.db.exists("User", user) or TECHNICIAN not in frappe.get_roles(user):
		frappe.throw(_("{0} is not a field technician").format(user), NotATechnicianError)


def set_skills(user: str, skills: list[str]) -> dict:
	check_technician(user)
	wanted = list(dict.fromkeys(s.strip() for s in skills or [] if s and s.strip()))
	unknown = [s for s in wanted if not frappe.db.exists("Dispatch Tag", s)]
	if unknown:
		frappe.throw(_("{0} is not a skill (Dispatch Tag)").format(", ".join(unknown)), MissingSkillError)
	doc = frappe.get_doc("User", user)
	doc.set("dispatch_skills", [{"tag": s} for s in wanted])
	doc.flags.ignore_permissions = True
	doc.save(ignore_permissions=True)
	return {"technician": user, "skills": wanted}


def jobs_on(day, user: str | None = None) -> dict[str, int]:
	"""Open jobs per technician on ``day``."""
	rows = frappe.db.sql(
		"""select t.technician, count(distinct j.name) from `tabDispatch Job Technician` t
		join `tabDispatch Job` j on j.name = t.parent and t.parenttype = 'Dispatch Job'
		where j.scheduled_date = %s and j.status in %s group by t.technician""",
		(getdate(day), OPEN_STATUSES),
	)
	return {user: int(count) for user, count in rows}


def required_tags(job) -> list[str]:
	return [row.tag for row in job.required_tags]


def suggest(dispatch_job: str, day) -> list[dict]:
	job = frappe.get_doc("Dispatch Job", dispatch_job)
	required = required_tags(job)
	busy = jobs_on(day)
	ranked = []
	for tech in technicians():
		missing = [tag for tag in required if tag not in tech["skills"]]
		count = busy.get(tech["technician"], 0)
		if job.is_assigned_to(tech["technician"]):
			count = max(count - 1, 0)  # this very job is not another one that day
		if missing:
			why = _("Missing: {0}").format(", ".join(_(m) for m in missing))
		elif count:
			why = _("{0} job(s) that day").format(count)
		else:
			why = _("Every skill, free that day")
		ranked.append(
			{
				"technician": tech["technician"],
				"full_name": tech["full_name"],
				"missing_skills": missing,
				"jobs_that_day": count,
				"why": why,
			}
		)
	ranked.sort(
		key=lambda r: (
			bool(r["missing_skills"]),
			len(r["missing_skills"]),
			r["jobs_that_day"],
			r["technician"],
		)
	)
	return ranked


def assign(dispatch_job: str, users: list[str], day) -> dict:
	if not users:
		frappe.throw(_("Choose at least one technician"), NotATechnicianError)
	job = frappe.get_doc("Dispatch Job", dispatch_job, for_update=True)
	required = required_tags(job)
	skills = {t["technician"]: t["skills"] for t in technicians()}
	for user in users:
		check_technician(user)
		missing = [tag for tag in required if tag not in skills.get(user, set())]
		if missing:
			frappe.throw(
				_("{0} cannot take this job: missing skill {1}").format(
					user, ", ".join(_(m) for m in missing)
				),
				MissingSkillError,
			)
	before = ([row.technician for row in job.technicians], str(job.scheduled_date or ""))
	kept = {row.technician: row for row in job.technicians if row.technician in users}
	job.set("technicians", [])
	for user in dict.fromkeys(users):
		row = kept.get(user)
		job.append(
			"technicians",
			{
				"technician": user,
				"arrival_time": row.arrival_time if row else None,
				"departure_time": row.departure_time if row else None,
			},
		)
	job.scheduled_date = getdate(day)
	if job.status == "Cancelled":
		job.status = "Scheduled"
	job.save(ignore_permissions=True)
	if before != ([row.technician for row in job.technicians], str(job.scheduled_date)):
		from gigafibre_fsm.orders import tasks

		tasks.queue_job_message(job.name, tasks.JOB_SCHEDULED)
	return {
		"dispatch_job": job.name,
		"status": job.status,
		"scheduled_date": str(job.scheduled_date),
		"technicians": [row.technician for row in job.technicians],
	}


def calendar_events(start, end, technician: str | None = None, status: str | None = None) -> list[dict]:
	"""Dispatch Jobs between two dates for the calendar view, coloured by status."""
	from gigafibre_fsm.status_flow import FLOWS

	filters = {"scheduled_date": ("between", (getdate(start), getdate(end)))}
	if status:
		filters["status"] = status
	if technician:
		filters["name"] = (
			"in",
			frappe.get_all(
				"Dispatch Job Technician",
				{"technician": technician, "parenttype": "Dispatch Job"},
				pluck="parent",
			)
			or [""],
		)
	colours = FLOWS["Dispatch Job"].colours
	return [
		{
			"name": job.name,
			"scheduled_date": job.scheduled_date,
			"title": f"{job.customer_name or job.name} — {_(job.job_type)}",
			"status": job.status,
			"color": colours.get(job.status),
			"allDay": 1,
		}
		for job in frappe.get_list(
			"Dispatch Job",
			filters=filters,
			fields=["name", "scheduled_date", "customer_name", "job_type", "status"],
			limit_page_length=0,
		)
	]


def board(day) -> dict:
	"""Today's jobs per technician, and the open jobs no technician has yet (with the
	customer's preferred dates)."""
	day = getdate(day)
	jobs = frappe.get_all(
		"Dispatch Job",
		filters={"status": ("in", OPEN_STATUSES)},
		fields=[
			"name",
			"status",
			"job_type",
			"customer_name",
			"address",
			"scheduled_date",
			"preferred_date_1",
			"preferred_date_2",
			"preferred_date_3",
			"contact_me",
		],
		order_by="scheduled_date asc, name asc",
		limit_page_length=500,
	)
	crew: dict[str, list[str]] = {}
	for row in frappe.get_all(
		"Dispatch Job Technician",
		filters={"parenttype": "Dispatch Job", "parent": ("in", [j.name for j in jobs] or [""])},
		fields=["parent", "technician"],
	):
		crew.setdefault(row.parent, []).append(row.technician)
	per_technician: dict[str, list[dict]] = {t["technician"]: [] for t in technicians()}
	unassigned = []
	for job in jobs:
		job["technicians"] = crew.get(job.name, [])
		job["tags"] = frappe.get_all(
			"Dispatch Job Tag", {"parent": job.name, "parenttype": "Dispatch Job"}, pluck="tag"
		)
		if not job["technicians"]:
			unassigned.append(job)
		elif job.scheduled_date == day:
			for user in job["technicians"]:
				per_technician.setdefault(user, []).append(job)
	return {"date": str(day), "technicians": per_technician, "unassigned": unassigned}
