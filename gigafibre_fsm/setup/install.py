"""Install and uninstall: roles, custom fields, issue types and the access our roles need
on ERPNext's doctypes. Uninstall removes what install added, so a site is left as it was."""

import json

import frappe

from gigafibre_fsm.setup import custom_fields

ROLES = ("Gigafibre Support", "Dispatcher", "Field Technician", "Sales Agent", "Collections")

# Issue types of the service desk (ERPNext's Issue already links an Issue Type and a Project).
ISSUE_TYPES = ("Installation", "Support", "Réparation")

# What our roles may do on ERPNext doctypes they work with every day.
STANDARD_DOCTYPE_ACCESS = {
	"Customer": {
		"read": ROLES,
		"write": ("Gigafibre Support", "Sales Agent", "Collections"),
		"create": ("Sales Agent",),
	},
	"Lead": {
		"read": ("Sales Agent", "Gigafibre Support"),
		"write": ("Sales Agent",),
		"create": ("Sales Agent",),
	},
	"Issue": {
		"read": ROLES,
		"write": ("Gigafibre Support", "Dispatcher"),
		"create": ("Gigafibre Support", "Dispatcher", "Sales Agent"),
	},
	"Project": {"read": ("Gigafibre Support", "Dispatcher", "Field Technician", "Sales Agent")},
	"Item": {"read": ROLES},
}


def before_install():
	create_roles()


def after_install():
	custom_fields.create()
	create_issue_types()
	grant_standard_doctype_access()


def before_uninstall():
	custom_fields.delete()
	revoke_standard_doctype_access()
	delete_roles()


def create_roles():
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def delete_roles():
	for role in ROLES:
		for doctype in ("Has Role", "Custom DocPerm", "DocPerm"):
			frappe.db.delete(doctype, {"role": role})
		frappe.delete_doc("Role", role, ignore_permissions=True, force=True, ignore_missing=True)


def create_issue_types():
	for issue_type in ISSUE_TYPES:
		if not frappe.db.exists("Issue Type", issue_type):
			frappe.get_doc({"doctype": "Issue Type", "__newname": issue_type}).insert(ignore_permissions=True)


# Doctypes whose permissions were still ERPNext's own when the app was installed: uninstall
# returns them to that state instead of leaving a customised copy behind.
UNTOUCHED_PERMS_KEY = "gigafibre_fsm_untouched_perm_doctypes"


def grant_standard_doctype_access():
	from frappe.permissions import add_permission, update_permission_property

	if frappe.db.get_default(UNTOUCHED_PERMS_KEY) is None:
		untouched = [
			dt for dt in STANDARD_DOCTYPE_ACCESS if not frappe.db.exists("Custom DocPerm", {"parent": dt})
		]
		frappe.db.set_default(UNTOUCHED_PERMS_KEY, json.dumps(untouched))
	for doctype, rights in STANDARD_DOCTYPE_ACCESS.items():
		for ptype, roles in rights.items():
			for role in roles:
				if not frappe.db.exists(
					"Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0}
				):
					add_permission(doctype, role, 0, "read")
				if ptype != "read":
					update_permission_property(doctype, role, 0, ptype, 1, validate=False)


def revoke_standard_doctype_access():
	untouched = json.loads(frappe.db.get_default(UNTOUCHED_PERMS_KEY) or "[]")
	for doctype in STANDARD_DOCTYPE_ACCESS:
		if doctype in untouched:
			frappe.db.delete("Custom DocPerm", {"parent": doctype})
		else:
			frappe.db.delete("Custom DocPerm", {"parent": doctype, "role": ("in", ROLES)})
		frappe.clear_cache(doctype=doctype)
	frappe.db.set_default(UNTOUCHED_PERMS_KEY, None)
	frappe.db.delete("DefaultValue", {"defkey": UNTOUCHED_PERMS_KEY})
