"""Sites installed before install kept a record: write down what the first install created,
so uninstall can give back exactly that."""

import json

import frappe

from gigafibre_fsm.roles import ROLES, STANDARD_DOCTYPES
from gigafibre_fsm.setup.install import ISSUE_TYPES
from gigafibre_fsm.setup.install_record import INSTALL_RECORD_KEY

OLD_KEY = "gigafibre_fsm_untouched_perm_doctypes"


def execute():
	if frappe.db.get_default(INSTALL_RECORD_KEY):
		return
	old = frappe.db.get_default(OLD_KEY)
	untouched = json.loads(old) if old else []
	# Doctypes the matrix added since: untouched if nobody customised them yet.
	untouched += [
		dt
		for dt in STANDARD_DOCTYPES
		if dt not in untouched and not frappe.db.exists("Custom DocPerm", {"parent": dt})
	]
	record = {
		# The first version created these roles and issue types whenever they were missing.
		"roles": sorted(ROLES),
		"issue_types": sorted(t for t in ISSUE_TYPES if frappe.db.exists("Issue Type", t)),
		"untouched_perms": sorted(untouched),
	}
	frappe.db.set_default(INSTALL_RECORD_KEY, json.dumps(record))
	frappe.db.delete("DefaultValue", {"defkey": OLD_KEY})
