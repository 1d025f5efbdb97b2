"""Install, migrate and uninstall: roles, custom fields, issue and task types and our roles'
access to ERPNext's doctypes and reports (from the matrix in roles.py).

Install writes down what it created (roles, issue types, which ERPNext doctypes still had
their standard permissions), so uninstall gives back exactly that and nothing more.
"""

import frappe

from gigafibre_fsm.field_service import task_types
from gigafibre_fsm.network.civic_address.schema import drop_search_tables, ensure_search_tables
from gigafibre_fsm.roles import API_ROLES, RIGHTS, ROLES, STANDARD_DOCTYPES
from gigafibre_fsm.setup import custom_fields, report_access, site
from gigafibre_fsm.setup.install_record import forget, record, remember

# Issue types of the service desk (ERPNext's Issue already links an Issue Type and a Project).
ISSUE_TYPES = ("Installation", "Support", "Réparation")
DISPATCH_TAGS = ("Fibre", "Installation", "TV", "Téléphonie")


def before_install():
	create_roles()


def after_install():
	custom_fields.create()
	create_issue_types()
	create_task_types()
	create_dispatch_tags()
	grant_standard_doctype_access()
	report_access.grant_standard_report_access()
	site.ensure()


def after_migrate():
	"""A field, role or right added in a later version reaches sites installed before it."""
	if "gigafibre_fsm" not in frappe.get_installed_apps():
		return
	create_roles()
	custom_fields.create()
	create_issue_types()
	create_task_types()
	create_dispatch_tags()
	grant_standard_doctype_access()
	report_access.grant_standard_report_access()
	ensure_search_tables()
	site.ensure()


def before_uninstall():
	drop_search_tables()
	custom_fields.delete()
	revoke_standard_doctype_access()
	report_access.revoke_standard_report_access()
	delete_issue_types()
	delete_task_types()
	delete_roles()
	site.remove_unused()
	forget()


def create_roles():
	"""Our roles: the staff's with desk access, an integration's API role without."""
	created = []
	for role in ROLES:
		desk_access = 0 if role in API_ROLES else 1
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": desk_access}).insert(
				ignore_permissions=True
			)
			created.append(role)
		elif role in API_ROLES and frappe.db.get_value("Role", role, "desk_access") != desk_access:
			frappe.db.set_value("Role", role, "desk_access", desk_access)
	if created:
		remember("roles", created)


def delete_roles():
	for role in record().get("roles", []):
		for doctype in ("Has Role", "Custom DocPerm", "DocPerm"):
			frappe.db.delete(doctype, {"role": role})
		frappe.delete_doc("Role", role, ignore_permissions=True, force=True, ignore_missing=True)


def create_issue_types():
	created = []
	for issue_type in ISSUE_TYPES:
		if not frappe.db.exists("Issue Type", issue_type):
			frappe.get_doc({"doctype": "Issue Type", "__newname": issue_type}).insert(ignore_permissions=True)
			created.append(issue_type)
	if created:
		remember("issue_types", created)


def create_task_types():
	"""The keys of the app's tasks (field_service/task_types.py), as ERPNext Task Types."""
	created = []
	for task_type in task_types.ALL:
		if not frappe.db.exists("Task Type", task_type.key):
			frappe.get_doc(
				{"doctype": "Task Type", "__newname": task_type.key, "description": task_type.description}
			).insert(ignore_permissions=True)
			created.append(task_type.key)
	if created:
		remember("task_types", created)


def delete_task_types():
	"""Remove the task types install created, unless tasks now use them."""
	for name in record().get("task_types", []):
		if not frappe.db.exists("Task", {"type": name}):
			frappe.delete_doc("Task Type", name, ignore_permissions=True, force=True, ignore_missing=True)


def create_dispatch_tags():
	"""The skills an installation job asks for (orders/pipeline.py); removed with their doctype."""
	for tag in DISPATCH_TAGS:
		if not frappe.db.exists("Dispatch Tag", tag):
			frappe.get_doc({"doctype": "Dispatch Tag", "tag_name": tag}).insert(ignore_permissions=True)


def delete_issue_types():
	"""Remove the issue types install created, unless tickets now use them."""
	for issue_type in record().get("issue_types", []):
		if not frappe.db.exists("Issue", {"issue_type": issue_type}):
			frappe.delete_doc(
				"Issue Type", issue_type, ignore_permissions=True, force=True, ignore_missing=True
			)


def grant_standard_doctype_access():
	"""Give our roles exactly the matrix's rights on ERPNext's doctypes (Custom DocPerm)."""
	from frappe.permissions import add_permission

	recorded = record()
	if "untouched_perms" not in recorded:
		untouched = [dt for dt in STANDARD_DOCTYPES if not frappe.db.exists("Custom DocPerm", {"parent": dt})]
		remember("untouched_perms", untouched)
	for doctype, grants in STANDARD_DOCTYPES.items():
		changed = False
		for role, granted in grants.items():
			name = frappe.db.get_value(
				"Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0}
			)
			if not name:
				# Copies ERPNext's standard rows into Custom DocPerm first, as the desk does.
				add_permission(doctype, role, 0, "read")
				name = frappe.db.get_value(
					"Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0}
				)
			current = frappe.db.get_value("Custom DocPerm", name, list(RIGHTS), as_dict=True)
			wanted = {right: 1 if right in granted else 0 for right in RIGHTS}
			if any(int(current[r] or 0) != v for r, v in wanted.items()):
				frappe.db.set_value("Custom DocPerm", name, wanted)
				changed = True
		if changed:
			frappe.clear_cache(doctype=doctype)


def revoke_standard_doctype_access():
	untouched = record().get("untouched_perms", [])
	for doctype in STANDARD_DOCTYPES:
		if doctype in untouched:
			frappe.db.delete("Custom DocPerm", {"parent": doctype})
		else:
			frappe.db.delete("Custom DocPerm", {"parent": doctype, "role": ("in", ROLES)})
		frappe.clear_cache(doctype=doctype)
