"""The Customer form's 360 panel (public/js/customer_360.js): one read, a preview of what an action
will change, and the actions that are not collections' own endpoints (suspend and restore are
api/desk.py's ``suspend_customer`` / ``restore_customer``). Each checks, calls
service/customer_360.py, returns."""

import frappe

from gigafibre_fsm.api.guard import Refusals
from gigafibre_fsm.service import customer_360


def _only(roles: tuple[str, ...]) -> None:
	# Not frappe.only_for: it lets everyone through while tests run, and this is tested.
	if set(roles).isdisjoint(frappe.get_roles()):
		frappe.throw(
			frappe._("Only {0} may do this").format(" / ".join(frappe._(role) for role in roles)),
			frappe.PermissionError,
		)


@frappe.whitelist(methods=["GET"])
def get(customer: str | None = None) -> dict:
	"""Everything the panel shows of the customer, the sections the user may read."""
	with Refusals():
		return customer_360.gather(customer)


@frappe.whitelist(methods=["GET"])
def preview(customer: str | None = None, action: str | None = None) -> dict:
	"""The records an action will change (suspend, restore, payment_link); nothing is written."""
	with Refusals():
		return customer_360.preview(customer, action)


@frappe.whitelist(methods=["POST"])
def new_arrangement(
	customer: str | None = None,
	amount: float | str | None = None,
	due_date: str | None = None,
	cutoff_date: str | None = None,
	method: str | None = None,
	note: str | None = None,
) -> dict:
	with Refusals():
		return customer_360.new_arrangement(customer, amount, due_date, cutoff_date, method, note)


@frappe.whitelist(methods=["POST"])
def new_ticket(
	customer: str | None = None,
	subject: str | None = None,
	issue_type: str | None = None,
	service_location: str | None = None,
	description: str | None = None,
) -> dict:
	with Refusals():
		return customer_360.new_ticket(customer, subject, issue_type, service_location, description)


@frappe.whitelist(methods=["POST"])
def send_technician(
	customer: str | None = None,
	service_location: str | None = None,
	job_type: str | None = None,
	preferred_date: str | None = None,
	issue: str | None = None,
	notes: str | None = None,
) -> dict:
	with Refusals():
		return customer_360.send_technician(
			customer, service_location, job_type, preferred_date, issue, notes
		)


@frappe.whitelist(methods=["POST"])
def resend_payment_link(customer: str | None = None) -> dict:
	_only(customer_360.LINK_SENDERS)
	frappe.has_permission("Customer", "read", customer, throw=True)
	with Refusals():
		return customer_360.resend_payment_link(customer)


@frappe.whitelist(methods=["POST"])
def convert_quote(
	customer: str | None = None, quotation: str | None = None, service_location: str | None = None
) -> dict:
	with Refusals():
		return customer_360.convert_quote(customer, quotation, service_location)
