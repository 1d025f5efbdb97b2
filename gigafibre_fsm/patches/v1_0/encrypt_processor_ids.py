"""Paysafe profile and card ids and Stripe payment method ids became Password fields: move
the plain values older versions stored into Frappe's encrypted store."""

import frappe
from frappe.utils.password import set_encrypted_password

FIELDS = ("profile_id", "card_id", "stripe_payment_method_id")


def execute():
	for fieldname in FIELDS:
		rows = frappe.db.sql(
			f"select name, `{fieldname}` from `tabPayment Method`"  # nosemgrep
			f" where ifnull(`{fieldname}`, '') != '' and `{fieldname}` not regexp '^\\\\*+$'"
		)
		for name, value in rows:
			set_encrypted_password("Payment Method", name, value, fieldname)
			frappe.db.set_value("Payment Method", name, fieldname, "*" * len(value), update_modified=False)
