"""Search queries for the Dispatch Job form's link fields."""

import frappe


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def technicians(doctype: str, txt: str, searchfield: str, start: int, page_len: int, filters: dict) -> list:
	"""Enabled users with the Field Technician role, by name or email."""
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
