"""The customers whose card is a Paysafe token: this app cannot charge it, so each is to be
asked for a card on Stripe. Customers who already have a Stripe card on auto-pay are done and
left out; the legacy PPA flags say who paid automatically and will be missed first."""

import frappe
from frappe import _


def execute(filters=None):
	return columns(), rows()


def columns() -> list[dict]:
	return [
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 160,
		},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 200},
		{
			"fieldname": "payment_method",
			"label": _("Payment Method"),
			"fieldtype": "Link",
			"options": "Payment Method",
			"width": 120,
		},
		{
			"fieldname": "paid_automatically",
			"label": _("Paid Automatically (legacy PPA)"),
			"fieldtype": "Check",
			"width": 120,
		},
		{"fieldname": "has_stripe_card", "label": _("Has a Stripe Card"), "fieldtype": "Check", "width": 110},
		{"fieldname": "outstanding", "label": _("Outstanding"), "fieldtype": "Currency", "width": 120},
	]


def rows() -> list[dict]:
	methods = frappe.get_all(
		"Payment Method",
		filters={"processor": "Paysafe", "disabled": 0},
		fields=["name", "customer", "customer_name"],
		order_by="customer_name, creation",
	)
	customers = sorted({m.customer for m in methods})
	if not customers:
		return []
	stripe = frappe.get_all(
		"Payment Method",
		filters={"customer": ("in", customers), "processor": "Stripe", "disabled": 0},
		fields=["customer", "ppa_enabled"],
	)
	moved = {s.customer for s in stripe if s.ppa_enabled}
	has_card = {s.customer for s in stripe}
	flags = {
		c.name: c
		for c in frappe.get_all(
			"Customer",
			filters={"name": ("in", customers)},
			fields=["name", "ppa_enabled", "stripe_ppa_enabled"],
		)
	}
	owed = dict(
		frappe.get_all(
			"Sales Invoice",
			filters={"customer": ("in", customers), "docstatus": 1, "outstanding_amount": (">", 0)},
			fields=["customer", "sum(outstanding_amount) as outstanding"],
			group_by="customer",
			as_list=True,
		)
	)
	out, seen = [], set()
	for method in methods:
		if method.customer in moved or method.customer in seen:
			continue
		seen.add(method.customer)
		flag = flags.get(method.customer) or frappe._dict()
		out.append(
			{
				"customer": method.customer,
				"customer_name": method.customer_name,
				"payment_method": method.name,
				"paid_automatically": int(bool(flag.ppa_enabled or flag.stripe_ppa_enabled)),
				"has_stripe_card": int(method.customer in has_card),
				"outstanding": owed.get(method.customer, 0),
			}
		)
	return out
