"""A card the website's checkout saved is on auto-pay (billing/delivery.py): the cards saved
before the checkout ticked "Charge Automatically (PPA)" get it. Safe to run twice."""

import frappe


def execute():
	methods = frappe.get_all(
		"Web Order",
		filters={"source": "Website", "payment_method": ("is", "set")},
		pluck="payment_method",
	)
	if methods:
		frappe.db.set_value(
			"Payment Method",
			{"name": ("in", methods), "processor": "Stripe", "ppa_enabled": 0},
			"ppa_enabled",
			1,
			update_modified=False,
		)
