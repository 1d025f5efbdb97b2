"""Records an older version's orders left that its demo does not make, written into the
upgrade site before `bench migrate` (the upgrade layer of the test command).

Runs while the bench still holds the older app, so it uses Frappe only, never this app's
modules: an installation project whose tasks carry their French titles and no key, as every
order placed before tasks had keys left them.
	python upgrade_seed.py SITE
"""

import sys

import frappe

OLD_TITLES = (
	"Préparer équipement",
	"Assigner technicien",
	"Activer port OLT 0/3/7",
	"Configurer WiFi",
	"Configurer VoIP",
	"Installation sur site",
	"Vérifier signal ONT",
	"Confirmer service fonctionnel",
)
PROJECT = "Installation - upgrade seed"


def main(site: str) -> None:
	frappe.init(site=site)
	frappe.connect()
	try:
		project = frappe.db.get_value("Project", {"project_name": PROJECT})
		if not project:
			company = frappe.db.get_value("Company", {}, "name")
			project = (
				frappe.get_doc(
					{"doctype": "Project", "project_name": PROJECT, "company": company, "status": "Open"}
				)
				.insert(ignore_permissions=True)
				.name
			)
			for title in OLD_TITLES:
				frappe.get_doc({"doctype": "Task", "subject": title, "project": project}).insert(
					ignore_permissions=True
				)
			# A task a person typed, which no patch may touch.
			frappe.get_doc({"doctype": "Task", "subject": "Appeler le client", "project": project}).insert(
				ignore_permissions=True
			)
		frappe.db.commit()
		print(f"upgrade seed: {len(OLD_TITLES) + 1} tasks without keys in {PROJECT}")
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main(sys.argv[1])
