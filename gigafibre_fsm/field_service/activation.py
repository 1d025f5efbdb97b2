"""Completing an installation: the service goes live and is billed, in one transaction.

When the technician completes an installation job (api/field.py), :func:`complete_installation`
runs each of :data:`STEPS` in the request's transaction — the Service Location, its
Subscriptions and its Equipment become Active; the job's technician tasks are closed (found by
their keys); the job is Completed with each technician's departure; the installation invoice
is made and submitted (billing/invoicing.py); the "Service activé!" message is queued — so a
failure at any step leaves everything as it was before the completion. Only once that is
committed is the card charged (orders/unpaid.py), outside the transaction.

A job completed already answers what its completion made, and charges nothing more.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from gigafibre_fsm.billing.invoicing import installation_invoice
from gigafibre_fsm.exceptions import IncompleteRecordError
from gigafibre_fsm.field_service import task_types
from gigafibre_fsm.voip import e911_lines

INSTALLATION = "Installation"
# The tasks the technician's visit finishes.
TECHNICIAN_TASKS = (
	task_types.SITE_INSTALLATION.key,
	task_types.VERIFY_ONT_SIGNAL.key,
	task_types.CONFIRM_SERVICE.key,
)


class CompletionError(IncompleteRecordError):
	"""The job cannot be completed as it is (not started, equipment not scanned…)."""


@dataclass
class Completion:
	job: "frappe.Document"
	notes: str | None
	day: object
	location: "frappe.Document | None" = None
	web_order: str | None = None
	records: dict = field(default_factory=dict)


def today():
	return getdate(frappe.flags.current_date or None)


def completed_answer(job) -> dict:
	"""What a completion made, read back (a second completion answers the same)."""
	location = job.service_location
	invoice = frappe.db.get_value(
		"Sales Invoice",
		{"service_location": location, "docstatus": 1, "web_order": ("is", "set")},
		["name", "grand_total"],
		as_dict=True,
		order_by="creation asc",
	)
	return {
		"dispatch_job": job.name,
		"status": job.status,
		"activated": {
			"service_location": location,
			"subscriptions": frappe.get_all(
				"Service Subscription", {"service_location": location, "status": "Active"}, pluck="name"
			),
			"equipment": [row.service_equipment for row in job.equipment if row.service_equipment],
		},
		"invoice": invoice.name if invoice else None,
		"grand_total": invoice.grand_total if invoice else None,
	}


def complete_installation(dispatch_job: str, notes: str | None = None) -> tuple[dict, bool]:
	"""Complete an installation job in the caller's transaction; returns the answer and whether
	this call completed it (False: it was completed already)."""
	job = frappe.get_doc("Dispatch Job", dispatch_job, for_update=True)
	if job.status == "Completed":
		return completed_answer(job), False
	check_can_complete(job)
	completion = Completion(job=job, notes=notes, day=today())
	completion.location = frappe.get_doc("Service Location", job.service_location, for_update=True)
	completion.web_order = frappe.db.get_value(
		"Web Order", {"service_location": job.service_location}, "name"
	)
	for step in STEPS:
		step(completion)
	return completed_answer(job), True


def check_can_complete(job) -> None:
	if job.job_type != INSTALLATION:
		frappe.throw(
			_("Only an installation job activates a service ({0})").format(job.name), CompletionError
		)
	if job.status != "In Progress":
		frappe.throw(
			_("Start the job before completing it ({0} is {1})").format(job.name, _(job.status)),
			CompletionError,
		)
	if not job.service_location:
		frappe.throw(_("The job {0} has no service location").format(job.name), CompletionError)
	missing = [
		f"{_(row.equipment_type)} {row.service_equipment}"
		for row in job.equipment
		if row.service_equipment
		and not frappe.db.get_value("Service Equipment", row.service_equipment, "serial_number")
	]
	if missing:
		frappe.throw(
			_("Scan the equipment before completing the job: {0}").format(", ".join(missing)), CompletionError
		)


def activate_location(c: Completion) -> None:
	if c.location.status != "Active":
		c.location.status = "Active"
		c.location.save(ignore_permissions=True)


def activate_subscriptions(c: Completion) -> None:
	for name in frappe.get_all(
		"Service Subscription", {"service_location": c.location.name, "status": "Pending"}, pluck="name"
	):
		subscription = frappe.get_doc("Service Subscription", name)
		subscription.status = "Active"
		subscription.start_date = subscription.start_date or c.day
		subscription.save(ignore_permissions=True)


def activate_equipment(c: Completion) -> None:
	for row in c.job.equipment:
		if not row.service_equipment:
			continue
		equipment = frappe.get_doc("Service Equipment", row.service_equipment)
		if equipment.status == "In Stock":
			equipment.status = "Active"
			equipment.save(ignore_permissions=True)


def close_technician_tasks(c: Completion) -> None:
	if not c.job.project:
		return
	for name in frappe.get_all(
		"Task",
		{
			"project": c.job.project,
			"type": ("in", TECHNICIAN_TASKS),
			"status": ("not in", ("Completed", "Cancelled")),
		},
		pluck="name",
	):
		task = frappe.get_doc("Task", name)
		task.status = "Completed"
		task.completed_on = c.day
		task.flags.ignore_permissions = True
		task.save(ignore_permissions=True)


def complete_job(c: Completion) -> None:
	now = now_datetime()
	for row in c.job.technicians:
		if row.arrival_time and not row.departure_time:
			row.departure_time = now
	if c.notes:
		c.job.notes = "\n\n".join(p for p in (c.job.notes, c.notes) if p)
	c.job.status = "Completed"
	c.job.save(ignore_permissions=True)


def make_invoice(c: Completion) -> None:
	if not c.web_order:
		return  # a location without an order (imported): billed by the monthly run
	invoice = installation_invoice(
		c.web_order, c.day, customer=c.location.customer, service_location=c.location.name
	)
	c.records["invoice"] = invoice.name
	# The installation invoice billed the rest of the month: the monthly run starts after it.
	from gigafibre_fsm.billing.periods import last_of

	for name in frappe.get_all(
		"Service Subscription",
		{"service_location": c.location.name, "status": "Active", "billing_interval": "Monthly"},
		pluck="name",
	):
		frappe.db.set_value(
			"Service Subscription", name, "billed_through", last_of(c.day), update_modified=False
		)


def queue_service_activated(c: Completion) -> None:
	if not c.web_order:
		return
	from gigafibre_fsm.orders import tasks

	c.records["notifications"] = tasks.queue_service_activated(c.web_order)


# The completion's steps, in order; a test makes each fail in turn and finds nothing changed.
STEPS: list[Callable[[Completion], None]] = [
	e911_lines.put_lines_in_service,
	activate_location,
	activate_subscriptions,
	activate_equipment,
	close_technician_tasks,
	complete_job,
	make_invoice,
	queue_service_activated,
]
