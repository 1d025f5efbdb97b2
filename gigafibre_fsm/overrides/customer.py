"""Customer, as this app extends it: its Gigafibre records on the form, and checks on the
fields the app adds."""

import frappe
from frappe import _

from gigafibre_fsm.exceptions import PaymentDetailsError


def get_dashboard_data(data):
	"""Show every Gigafibre record of the customer in the form's Connections (Customer 360)."""
	data.setdefault("transactions", [])
	data["transactions"] += [
		{"label": _("Service"), "items": ["Service Location", "Service Subscription", "Service Equipment"]},
		{"label": _("Field Service"), "items": ["Dispatch Job", "VoIP Line"]},
		{"label": _("Collections"), "items": ["Payment Arrangement", "Payment Method", "Suspension Log"]},
	]
	return data


def validate(doc, method=None):
	if doc.get("stripe_id"):
		doc.stripe_id = doc.stripe_id.strip()
		if not doc.stripe_id.startswith("cus_"):
			frappe.throw(
				_("Stripe Customer ID must start with cus_ (got {0})").format(frappe.bold(doc.stripe_id)),
				PaymentDetailsError,
			)
