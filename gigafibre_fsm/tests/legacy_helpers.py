"""Undoing a legacy import on a test or benchmark site: the records it wrote, by their legacy ids.

For the integration tests (legacy/test_legacy_import.py) and bench/legacy_import.py only:
production data is never removed.
"""

import frappe

# Every record the import writes, by the legacy id fields that mark it.
TARGETS = {
	"Customer": ("legacy_customer_id",),
	"Contact": ("legacy_customer_id",),
	"Address": ("legacy_customer_id",),
	"Item": ("legacy_product_id",),
	"Service Location": ("legacy_delivery_id",),
	"Service Subscription": ("legacy_service_id",),
	"Service Equipment": ("legacy_device_id",),
	"Fibre Drop": ("legacy_fibre_id",),
	"Quotation": ("legacy_soumission_id",),
	"Payment Arrangement": ("legacy_accord_id",),
	"Dispatch Job": ("legacy_bon_travail_id",),
	"Payment Method": ("legacy_payment_method_id",),
	"VoIP Line": ("legacy_pbx_id", "legacy_phone_addr_id"),
	"Suspension Log": ("legacy_suspension_id",),
}
LEGACY_DOCTYPES = ("Legacy Import Log", "Legacy Record", "Legacy Import Run Table", "Legacy Import Run")


def imported_names(doctype: str) -> list[str]:
	condition = " or ".join(f"ifnull(`{f}`, '') != ''" for f in TARGETS[doctype])
	return frappe.db.sql_list(f"select name from `tab{doctype}` where {condition}")


def site_before_import() -> dict:
	"""What the site held before an import, so that removing the import leaves it untouched."""
	return {
		"items": set(frappe.get_all("Item", pluck="name")),
		"groups": set(frappe.get_all("Customer Group", pluck="name")),
		"olts": set(frappe.get_all("OLT", pluck="name")),
		"users": set(frappe.get_all("User", pluck="name")),
		"contacts": set(frappe.get_all("Contact", pluck="name")),
	}


def remove_imported(before: dict, started: str, keep_catalogue: bool = False) -> None:
	"""Delete what the import wrote (and give adopted catalogue Items back their own state)."""
	frappe.db.rollback()
	for doctype in TARGETS:
		names = imported_names(doctype)
		if doctype == "Item":
			if keep_catalogue:
				continue
			adopted = [n for n in names if n in before["items"]]
			if adopted:
				frappe.db.sql("update tabItem set legacy_product_id = null where name in %s", (adopted,))
			names = [n for n in names if n not in before["items"]]
			if names:
				frappe.db.sql("delete from `tabItem Price` where item_code in %s", (names,))
		if not names:
			continue
		for table in frappe.get_meta(doctype).get_table_fields():
			frappe.db.sql(
				f"delete from `tab{table.options}` where parenttype = %s and parent in %s", (doctype, names)
			)
		if doctype in ("Contact", "Address"):
			frappe.db.sql(
				"delete from `tabDynamic Link` where parenttype = %s and parent in %s", (doctype, names)
			)
		frappe.db.sql("delete from `__Auth` where doctype = %s and name in %s", (doctype, names))
		frappe.db.sql(f"delete from `tab{doctype}` where name in %s", (names,))
	if not keep_catalogue:
		staff = [
			u
			for u in frappe.db.sql_list(
				"select reference_name from `tabLegacy Record` where source_table = 'staff'"
			)
			if u not in before["users"]
		]
		if staff:
			for table in ("Has Role", "User Social Login", "User Email", "Block Module"):
				frappe.db.sql(f"delete from `tab{table}` where parent in %s", (staff,))
			frappe.db.sql(
				"delete from tabDocShare where share_doctype = 'User' and share_name in %s", (staff,)
			)
			frappe.db.sql("delete from tabDefaultValue where parent in %s", (staff,))
			contacts = [
				c for c in frappe.get_all("Contact", filters={"user": ("in", staff)}, pluck="name")
				if c not in before["contacts"]
			]  # fmt: skip
			if contacts:
				for table in ("Contact Email", "Contact Phone", "Dynamic Link"):
					frappe.db.sql(f"delete from `tab{table}` where parent in %s", (contacts,))
				frappe.db.sql("delete from tabContact where name in %s", (contacts,))
			frappe.db.sql("delete from tabUser where name in %s", (staff,))
		olts = [o for o in frappe.get_all("OLT", pluck="name") if o not in before["olts"]]
		if olts:
			frappe.db.sql("delete from tabOLT where name in %s", (olts,))
		groups = [g for g in frappe.get_all("Customer Group", pluck="name") if g not in before["groups"]]
		for group in groups:
			frappe.delete_doc("Customer Group", group, force=True, ignore_permissions=True)
	records = "" if not keep_catalogue else " where source_table not in ('staff', 'product')"
	frappe.db.sql(f"delete from `tabLegacy Record`{records}")
	for doctype in ("Legacy Import Log", "Legacy Import Run Table", "Legacy Import Run"):
		frappe.db.sql(f"delete from `tab{doctype}` where creation >= %s", (started,))
	frappe.db.commit()  # nosemgrep: undoes what the import committed
