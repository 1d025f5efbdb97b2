"""Search queries for the Dispatch Job form's link fields."""

import frappe
from frappe import _

from gigafibre_fsm.roles import DISPATCHER, SUPPORT, SYSTEM_MANAGER

TECHNICIAN_PICKERS = (DISPATCHER, SUPPORT, SYSTEM_MANAGER)


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def technicians(doctype: str, txt: str, searchfield: str, start: int, page_len: int, filters: dict) -> list:
	"""Enabled users with the Field Technician role, by name or email: for the people who
	assign technicians to jobs, not for every logged-in user."""
	# frappe.only_for lets everything through in tests: check the roles ourselves.
	if frappe.session.user != "Administrator" and not set(frappe.get_roles()) & set(TECHNICIAN_PICKERS):
		frappe.throw(_("Only dispatch and support staff can pick technicians"), frappe.PermissionError)
	has_role = frappe.qb.DocType("Has Role")
	user = frappe.qb.DocType("User")
	pattern = f"%{txt}%"
	return (
		frappe.qb.from_(user)
		.join(has_role)
		.on(has_role.parent == user.name)
		.select(user.name, user.full_name)
		.where(has_role.role == "Field Technician")
		.where(has_role.parenttype == "User")
		.where(user.enabled == 1)
		.where((user.name.like(pattern)) | (user.full_name.like(pattern)))
		.orderby(user.full_name)
		.limit(page_len)
		.offset(start)
		.run()
	)
