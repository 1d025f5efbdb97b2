"""Checks a site that was made by an older version of the app (with its demo data) and then
migrated to this checkout by `bench migrate`: stored values renamed, addresses split, fields
added, keys filled, secrets encrypted, and every record still passing this version's rules.

Run by the test command with the bench's Python from the bench's sites folder:
	python upgrade_check.py SITE
It prints one line per check and ends with "upgrade: N passed, N failed"; exit status 1 on failure.
"""

import sys

import frappe

from gigafibre_fsm.tests.checks import Checks


def run(checks: Checks) -> None:
	from gigafibre_fsm.field_service import task_types
	from gigafibre_fsm.network.fibre_port import drop_status
	from gigafibre_fsm.roles import APP_DOCTYPES, RIGHTS, STANDARD_DOCTYPES
	from gigafibre_fsm.rules.address import location_title, street_line
	from gigafibre_fsm.setup.custom_fields import CUSTOM_FIELDS
	from gigafibre_fsm.setup.install_record import INSTALL_RECORD_KEY
	from gigafibre_fsm.status_flow import FLOWS

	counts = {
		dt: frappe.db.count(dt) for dt in ("Customer", "Service Location", "Service Equipment", "Fibre Drop")
	}
	checks.check(all(counts.values()), "the older version's demo data is there", counts)

	for doctype, flow in FLOWS.items():
		stored = set(frappe.get_all(doctype, pluck="status", distinct=True))
		checks.check(
			stored <= set(flow.statuses), f"{doctype}: every stored status is a status of the flow", stored
		)
	types = set(frappe.get_all("Service Equipment", pluck="equipment_type", distinct=True))
	types |= set(frappe.get_all("Dispatch Job Equipment", pluck="equipment_type", distinct=True))
	checks.check(
		types <= {"ONT", "Router", "TV Box", "IP Phone"}, "equipment types are stored in English", types
	)

	locations = frappe.get_all(
		"Service Location",
		fields=[
			"name",
			"civic_number",
			"civic_suffix",
			"street",
			"apartment",
			"city",
			"address_line",
			"location_title",
		],
	)
	bad = [
		loc.name
		for loc in locations
		if not loc.street
		or loc.address_line != street_line(loc.civic_number, loc.civic_suffix, loc.street)
		or loc.location_title
		!= location_title(loc.civic_number, loc.civic_suffix, loc.street, loc.apartment, loc.city)
	]
	checks.check(not bad, "every location's address is split into parts and its line derived", bad)
	checks.check(
		all(loc.civic_number for loc in locations),
		"civic numbers were taken out of the old one-line addresses",
	)

	for doctype, fields in CUSTOM_FIELDS.items():
		meta = frappe.get_meta(doctype)
		missing = [f["fieldname"] for f in fields if not meta.get_field(f["fieldname"])]
		checks.check(not missing, f"{doctype}: every custom field of this version is there", missing)

	for doctype, columns in {
		"Service Location": ("latitude", "frame", "ont_id"),
		"Fibre Drop": ("longitude", "port", "ont_slot"),
	}.items():
		types = frappe.db.sql(
			"select column_name, data_type, is_nullable from information_schema.columns"
			" where table_schema = database() and table_name = %s and column_name in %s",
			(f"tab{doctype}", columns),
		)
		checks.check(
			all(t[1] == "varchar" and t[2] == "YES" for t in types) and len(types) == len(columns),
			f"{doctype}: positions and coordinates can be unknown",
			types,
		)
	zeros = frappe.db.sql("select count(*) from `tabService Location` where latitude in ('0', '0.0')")[0][0]
	checks.check(zeros == 0, "no coordinate stands at 0 for unknown", zeros)

	drops = frappe.get_all(
		"Fibre Drop", fields=["name", "status", "installed_serial", "box_not_installed", "position_key"]
	)
	checks.check(
		all(d.status == drop_status(d.installed_serial, d.box_not_installed) for d in drops),
		"every drop's status follows its installed serial",
	)
	checks.check(all(d.position_key for d in drops), "every drop with a known position has its unique key")
	held = frappe.get_all(
		"Service Location",
		filters={"status": ("!=", "Disconnected"), "fibre_drop": ("is", "set")},
		fields=["name", "fibre_drop", "active_fibre_drop"],
	)
	checks.check(
		all(loc.active_fibre_drop == loc.fibre_drop for loc in held),
		"every location in service holds its drop by the unique key",
		[loc.name for loc in held if loc.active_fibre_drop != loc.fibre_drop],
	)
	lines = frappe.get_all("VoIP Line", filters={"status": "Active"}, fields=["name", "did", "active_did"])
	checks.check(
		all(line.active_did == line.did for line in lines),
		"every active line holds its DID by the unique key",
	)

	# Installation tasks of older orders (tests/upgrade_seed.py) are found by their key now.
	project = frappe.db.get_value("Project", {"project_name": "Installation - upgrade seed"})
	seeded = frappe.get_all("Task", filters={"project": project or ""}, fields=["subject", "type"])
	checks.check(len(seeded) == 9, "the older orders' tasks are there", len(seeded))
	wrong_keys = [
		(t.subject, t.type) for t in seeded if (t.type or None) != task_types.key_of_subject(t.subject)
	]
	checks.check(not wrong_keys, "every installation task has its key, and no other task got one", wrong_keys)
	checks.check(
		frappe.db.get_value("Task", {"project": project or "", "type": "Verify ONT Signal"}, "subject")
		== "Vérifier signal ONT",
		"installation day finds « Vérifier signal ONT » by its key",
	)

	plain = frappe.db.sql(
		"select count(*) from `tabPayment Method` where (ifnull(profile_id, '') != '' and profile_id not regexp '^[*]+$')"
		" or (ifnull(card_id, '') != '' and card_id not regexp '^[*]+$')"
		" or (ifnull(stripe_payment_method_id, '') != '' and stripe_payment_method_id not regexp '^[*]+$')"
	)[0][0]
	checks.check(plain == 0, "no processor id is left in plain text", plain)

	checks.check(
		bool(frappe.db.get_default(INSTALL_RECORD_KEY)), "what the first install created is on record"
	)
	wrong = []
	for doctype, grants in STANDARD_DOCTYPES.items():
		for role, granted in grants.items():
			row = frappe.db.get_value(
				"Custom DocPerm",
				{"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0},
				list(RIGHTS),
				as_dict=True,
			)
			if not row or {r for r in RIGHTS if row[r]} != set(granted):
				wrong.append(f"{role} on {doctype}")
	checks.check(not wrong, "our roles' rights on ERPNext's doctypes are the matrix's", wrong)

	# The checks this version's controllers make still hold on every migrated record.
	refused = []
	for doctype in APP_DOCTYPES:
		if frappe.get_meta(doctype).issingle:
			continue
		for name in frappe.get_all(doctype, pluck="name"):
			doc = frappe.get_doc(doctype, name)
			frappe.db.savepoint("revalidate")
			try:
				doc.save(ignore_permissions=True)
			except Exception as e:
				refused.append(f"{doctype} {name}: {e}")
			finally:
				frappe.db.rollback(save_point="revalidate")
	checks.check(not refused, "every migrated record saves under this version's rules", refused)


def main(site: str) -> int:
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	checks = Checks()
	try:
		run(checks)
	finally:
		frappe.db.rollback()
		frappe.destroy()
	print(f"upgrade: {checks.passed} passed, {checks.failed} failed")
	return 1 if checks.failed else 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1]))
