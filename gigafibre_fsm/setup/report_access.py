"""Our roles on ERPNext's own reports (roles.STANDARD_REPORTS), as the desk's Role Permission
for Page and Report does it: a Custom Role for the report, holding the report's own roles and
ours, because a Custom Role replaces the report's roles rather than adding to them."""

import frappe

from gigafibre_fsm.roles import ROLES, STANDARD_REPORTS


def report_roles(report: str) -> set[str]:
	return set(frappe.get_all("Has Role", {"parent": report, "parenttype": "Report"}, pluck="role"))


def grant_standard_report_access() -> None:
	for report, roles in STANDARD_REPORTS.items():
		if not frappe.db.exists("Report", report):
			continue  # ERPNext without that report: nothing to open
		name = frappe.db.get_value("Custom Role", {"report": report})
		doc = frappe.get_doc("Custom Role", name) if name else frappe.new_doc("Custom Role")
		have = {row.role for row in doc.roles}
		wanted = (have or report_roles(report)) | set(roles)
		missing = [role for role in sorted(wanted - have) if frappe.db.exists("Role", role)]
		if name and not missing:
			continue
		doc.report = report
		for role in missing:
			doc.append("roles", {"role": role})
		doc.save(ignore_permissions=True)


def revoke_standard_report_access() -> None:
	"""Take our roles off; a Custom Role left with only the report's own roles goes too."""
	for report in STANDARD_REPORTS:
		name = frappe.db.get_value("Custom Role", {"report": report})
		if not name:
			continue
		doc = frappe.get_doc("Custom Role", name)
		kept = [row for row in doc.roles if row.role not in ROLES]
		if {row.role for row in kept} <= report_roles(report):
			frappe.delete_doc("Custom Role", name, ignore_permissions=True, force=True)
		elif len(kept) != len(doc.roles):
			doc.set("roles", kept)
			doc.save(ignore_permissions=True)
