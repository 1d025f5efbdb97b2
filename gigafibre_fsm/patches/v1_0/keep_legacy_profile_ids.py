"""The legacy id of a payment method now says which legacy table it came from
(profile-<id>, ppa-<account>, stripe-<account>): rename the column before the model sync,
keeping the ids older versions imported from account_profile."""

import frappe


def execute():
	table = "tabPayment Method"
	if not frappe.db.table_exists("Payment Method") or not frappe.db.has_column(
		"Payment Method", "legacy_account_profile_id"
	):
		return
	if not frappe.db.has_column("Payment Method", "legacy_payment_method_id"):
		frappe.db.sql_ddl(
			f"alter table `{table}` change `legacy_account_profile_id` `legacy_payment_method_id` varchar(140)"
		)
	frappe.db.sql(
		f"update `{table}` set legacy_payment_method_id = concat('profile-', legacy_payment_method_id)"
		" where ifnull(legacy_payment_method_id, '') != '' and legacy_payment_method_id not like '%-%'"
	)
