"""Stored option values in one language: English, shown in French by the translations."""

import frappe

RENAMES = {
	("Service Equipment", "status"): {"En inventaire": "In Stock", "Actif": "Active", "Retourné": "Returned"},
	("Service Equipment", "equipment_type"): {
		"Routeur": "Router",
		"Décodeur TV": "TV Box",
		"Téléphone IP": "IP Phone",
	},
	("Dispatch Job Equipment", "equipment_type"): {
		"Routeur": "Router",
		"Décodeur TV": "TV Box",
		"Téléphone IP": "IP Phone",
	},
	("Dispatch Job", "job_type"): {"Réparation": "Repair", "Retrait d'équipement": "Equipment Removal"},
	("Fibre Drop", "status"): {"Not installed": "Not Installed"},
}


def execute():
	for (doctype, fieldname), renames in RENAMES.items():
		for old, new in renames.items():
			frappe.db.sql(
				f"update `tab{doctype}` set `{fieldname}` = %s where `{fieldname}` = %s",  # nosemgrep
				(new, old),
			)
		# Saved list filters and versions keep the old words: harmless, they are history.
