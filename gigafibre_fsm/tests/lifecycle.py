"""Install → migrate → uninstall of gigafibre_fsm on a real ERPNext site.

Run by the test command with the bench's Python from the bench's sites folder:
	python lifecycle.py SITE BENCH_DIR [FOREIGN_SITE]
It drives the real `bench` commands and reads the site's database between them; with a
FOREIGN_SITE (a new ERPNext site, its setup wizard not done, without the app) it then tells a
real company's story there (tests/foreign_company.py). It prints one line per check and ends
with "lifecycle: N passed, N failed"; exit status 1 on failure.
"""

import subprocess
import sys

import frappe

from gigafibre_fsm.tests.checks import Checks

APP = "gigafibre_fsm"
# A field and an issue type the site had before the app came: the app must leave them be.
SITE_FIELD_NAME = "stripe_id"
SITE_FIELD = f"Customer-{SITE_FIELD_NAME}"
SITE_ISSUE_TYPE = "Support"


def prepare_site_own_records(site: str) -> None:
	"""Before install: the site already has a Customer.stripe_id of its own and a Support type."""
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		if not frappe.db.exists("Custom Field", SITE_FIELD):
			frappe.get_doc(
				{
					"doctype": "Custom Field",
					"dt": "Customer",
					"fieldname": SITE_FIELD_NAME,
					"fieldtype": "Data",
					"label": "Stripe (site's own field)",
					"insert_after": "customer_name",
				}
			).insert(ignore_permissions=True)
		if not frappe.db.exists("Issue Type", SITE_ISSUE_TYPE):
			frappe.get_doc({"doctype": "Issue Type", "__newname": SITE_ISSUE_TYPE}).insert(
				ignore_permissions=True
			)
		frappe.db.commit()  # nosemgrep
	finally:
		frappe.destroy()


def remove_site_own_records(site: str) -> None:
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		frappe.delete_doc(
			"Custom Field", SITE_FIELD, ignore_permissions=True, force=True, ignore_missing=True
		)
		frappe.db.sql_ddl(f"alter table `tabCustomer` drop column if exists `{SITE_FIELD_NAME}`")
		frappe.delete_doc(
			"Issue Type", SITE_ISSUE_TYPE, ignore_permissions=True, force=True, ignore_missing=True
		)
		frappe.db.commit()  # nosemgrep
	finally:
		frappe.destroy()


def bench(bench_dir: str, *args: str) -> None:
	print("$ bench", " ".join(args), flush=True)
	result = subprocess.run(["bench", *args], cwd=bench_dir, capture_output=True, text=True)
	if result.returncode != 0:
		print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
		raise SystemExit(f"bench {' '.join(args)} failed with status {result.returncode}")


def snapshot(site: str) -> dict:
	"""Everything install writes to the site, as plain data that can be compared."""
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		from frappe.model import data_fieldtypes

		from gigafibre_fsm.roles import ROLES, STANDARD_DOCTYPES
		from gigafibre_fsm.setup.custom_fields import CUSTOM_FIELDS

		modules = frappe.get_all("Module Def", filters={"app_name": APP}, pluck="name")
		doctypes = frappe.get_all(
			"DocType",
			filters={"module": ("in", modules or [""])},
			fields=["name", "modified"],
			order_by="name",
		)
		tables = {}
		for dt in [d.name for d in doctypes if not frappe.db.get_value("DocType", d.name, "issingle")]:
			tables[dt] = frappe.db.sql(
				"select column_name, column_type, column_key from information_schema.columns"
				" where table_schema = database() and table_name = %s order by column_name",
				f"tab{dt}",
			)
		existing_tables = set(
			frappe.db.sql_list(
				"select table_name from information_schema.tables where table_schema = database()"
			)
		)
		custom_fields = {}
		custom_columns = {}
		for dt, fields in CUSTOM_FIELDS.items():
			names = [f["fieldname"] for f in fields]
			custom_fields[dt] = frappe.get_all(
				"Custom Field",
				filters={"dt": dt, "fieldname": ("in", names)},
				fields=["fieldname", "fieldtype", "modified"],
				order_by="fieldname",
			)
			custom_columns[dt] = frappe.db.sql(
				"select column_name from information_schema.columns where table_schema = database()"
				" and table_name = %s and column_name in %s order by column_name",
				(f"tab{dt}", names),
			)
		return {
			"installed": APP in frappe.get_installed_apps(),
			"modules": sorted(modules),
			"doctypes": [(d.name, str(d.modified)) for d in doctypes],
			"tables": tables,
			"custom_fields": custom_fields,
			"custom_columns": custom_columns,
			"roles": sorted(frappe.get_all("Role", filters={"name": ("in", ROLES)}, pluck="name")),
			"custom_perms": sorted(
				frappe.get_all(
					"Custom DocPerm", filters={"role": ("in", ROLES)}, fields=["parent", "role", "modified"]
				),
				key=lambda p: (p.parent, p.role),
			),
			"workspace": frappe.db.get_value("Workspace", "Gigafibre", "modified"),
			"standard_doctype_perms": sorted(
				(p.parent, p.role, p.permlevel, p.read, p.write, p.create)
				for p in frappe.get_all(
					"Custom DocPerm",
					filters={"parent": ("in", list(STANDARD_DOCTYPES))},
					fields=["parent", "role", "permlevel", "read", "write", "create"],
				)
			),
			"expected_custom_fields": sum(len(f) for f in CUSTOM_FIELDS.values()),
			"expected_custom_columns": sum(
				1 for fields in CUSTOM_FIELDS.values() for f in fields if f["fieldtype"] in data_fieldtypes
			),
			"existing_tables": existing_tables,
			"site_field": frappe.db.get_value("Custom Field", SITE_FIELD, ["name", "module"], as_dict=True),
			"site_field_column": frappe.db.has_column("Customer", SITE_FIELD_NAME),
			"site_issue_type": frappe.db.exists("Issue Type", SITE_ISSUE_TYPE),
		}
	finally:
		frappe.destroy()


def diff(before: dict, after: dict) -> dict:
	return {k: (before[k], after[k]) for k in before if before[k] != after[k]}


def main(site: str, bench_dir: str, foreign_site: str | None = None) -> int:
	checks = Checks()
	if snapshot(site)["installed"]:
		bench(bench_dir, "--site", site, "uninstall-app", APP, "--yes", "--no-backup", "--force")
	remove_site_own_records(site)

	baseline = snapshot(site)
	prepare_site_own_records(site)
	bench(bench_dir, "--site", site, "install-app", APP)
	installed = snapshot(site)
	checks.check(installed["installed"], "install-app installs the app")
	checks.check(
		len(installed["doctypes"]) >= 18, "install creates the app's doctypes", installed["doctypes"]
	)
	app_tables = {f"tab{dt}" for dt, _modified in installed["doctypes"]} & installed["existing_tables"]
	checks.check(
		len(app_tables) == len([dt for dt in installed["tables"]]),
		"every non-single doctype of the app has its table",
		sorted(app_tables),
	)
	checks.check(
		{t for t in installed["existing_tables"] if t.startswith("gf_civic_")}
		>= {"gf_civic_street", "gf_civic_token"},
		"install creates the address search index",
	)
	n_fields = sum(len(v) for v in installed["custom_fields"].values())
	checks.check(
		n_fields == installed["expected_custom_fields"],
		"install creates every custom field",
		f"{n_fields} of {installed['expected_custom_fields']}",
	)
	n_columns = sum(len(v) for v in installed["custom_columns"].values())
	checks.check(
		n_columns == installed["expected_custom_columns"],
		"every custom field that stores a value has its column",
		f"{n_columns} of {installed['expected_custom_columns']}",
	)
	checks.check(
		installed["site_field"] and not installed["site_field"].module,
		"install leaves the site's own field of the same name alone",
		installed["site_field"],
	)
	checks.check(len(installed["roles"]) == 6, "install creates the six roles", installed["roles"])
	checks.check(bool(installed["workspace"]), "install creates the Gigafibre workspace")

	bench(bench_dir, "--site", site, "migrate")
	migrated = snapshot(site)
	changes = diff(installed, migrated)
	checks.check(not changes, "migrate right after install changes nothing", changes)

	bench(bench_dir, "--site", site, "uninstall-app", APP, "--yes", "--no-backup")
	removed = snapshot(site)
	checks.check(not removed["installed"], "uninstall-app removes the app")
	ours_left = {
		dt: [f for f in fields if f.fieldname != SITE_FIELD_NAME or dt != "Customer"]
		for dt, fields in removed["custom_fields"].items()
	}
	checks.check(not any(ours_left.values()), "no custom field of the app is left", ours_left)
	columns_left = {
		dt: [c for c in cols if c[0] != SITE_FIELD_NAME or dt != "Customer"]
		for dt, cols in removed["custom_columns"].items()
	}
	checks.check(not any(columns_left.values()), "no custom column of the app is left", columns_left)
	checks.check(
		bool(removed["site_field"]) and removed["site_field_column"],
		"the site's own field and its column survive uninstall",
	)
	checks.check(bool(removed["site_issue_type"]), "an issue type the site had before install is kept")
	checks.check(not removed["doctypes"] and not removed["modules"], "no doctype or module is left")
	# The address search index lives in plain tables beside its doctype.
	app_tables |= {t for t in installed["existing_tables"] if t.startswith("gf_civic_")}
	tables_left = sorted(app_tables & removed["existing_tables"])
	checks.check(not tables_left, "no table of the app is left", tables_left)
	checks.check(not removed["roles"] and not removed["custom_perms"], "no role or permission is left")
	checks.check(not removed["workspace"], "no workspace is left")
	checks.check(
		removed["standard_doctype_perms"] == baseline["standard_doctype_perms"],
		"ERPNext doctypes' permissions are as before install",
		diff(baseline, removed).get("standard_doctype_perms"),
	)

	remove_site_own_records(site)
	if foreign_site:
		from gigafibre_fsm.tests import foreign_company

		try:
			foreign_company.run(checks, foreign_site, bench_dir, snapshot, diff)
		except SystemExit as stopped:
			checks.check(False, "a real company's site: every step runs", stopped)
	print(f"lifecycle: {checks.passed} passed, {checks.failed} failed")
	return 1 if checks.failed else 0


if __name__ == "__main__":
	sys.exit(main(*sys.argv[1:4]))
