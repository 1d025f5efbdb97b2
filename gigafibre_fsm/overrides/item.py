"""Item, as the app sells it: a product whose pricing attributes the engine can use.

An Item with a service type that is offered to new customers must be one the pricing engine
accepts (orders/pricing.py): the form refuses it on save, with the engine's reason, so a
catalogue mistake never reaches the website. An Item not offered (the legacy import's
incomplete products) may stay incomplete.
"""

import frappe
from frappe import _

from gigafibre_fsm.orders import pricing


class InvalidCatalogueItemError(frappe.ValidationError):
	pass


def validate(doc, method=None):
	if not doc.get("service_type") or not doc.get("offered") or doc.get("disabled"):
		return
	try:
		pricing.item_from_row({field: doc.get(field) for field in pricing.ITEM_FIELDS})
	except pricing.CatalogueError as error:
		frappe.throw(
			_("{0} cannot be sold as it is: {1}").format(frappe.bold(doc.item_code), error.render(_)),
			InvalidCatalogueItemError,
			title=_("Pricing attributes"),
		)
