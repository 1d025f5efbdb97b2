"""What the app made on a site (roles, issue and task types, the site's sales set-up…),
written down as a site default, so uninstall gives back exactly that and nothing more."""

import json

import frappe

INSTALL_RECORD_KEY = "gigafibre_fsm_install_record"


def record() -> dict:
	return json.loads(frappe.db.get_default(INSTALL_RECORD_KEY) or "{}")


def remember(key: str, values: list[str]) -> None:
	current = record()
	current[key] = sorted(set(current.get(key, [])) | set(values))
	frappe.db.set_default(INSTALL_RECORD_KEY, json.dumps(current))


def forget() -> None:
	frappe.db.delete("DefaultValue", {"defkey": INSTALL_RECORD_KEY})
