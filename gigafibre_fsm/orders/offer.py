"""What can be sold at an address and at what price: the catalogue, the plans a drop carries,
the quote of a basket. The website and the agents' desk page ask the same questions here.

The catalogue is the Items the pricing engine reads (orders/pricing.py), cached: every
availability, quote and order needs it, and it changes only when an Item is saved (which
clears the cache, hooks.py).
"""

import frappe

from gigafibre_fsm.billing.tax_template import quebec_rates
from gigafibre_fsm.network.coverage import Site, load_site
from gigafibre_fsm.orders import pricing
from gigafibre_fsm.orders.order_input import read_commitment, read_items

CATALOGUE_CACHE_KEY = "gigafibre_fsm:catalogue_rows"
ITEM_FILTERS = {"service_type": ["is", "set"], "disabled": 0, "offered": 1}
# The API's names of the plan groups (API.md), by the engine's kinds.
PLAN_GROUPS = {
	"internet": pricing.INTERNET,
	"tv": pricing.TV,
	"tv_addons": pricing.TV_ADDON,
	"phone": pricing.PHONE,
}
NOTICE_JOB = "gigafibre_fsm.orders.offer.notify_support"


def catalogue_rows() -> list[dict]:
	"""The Item rows the pricing engine reads, cached; an Item the engine cannot use is left
	out of the offer (and reported) rather than taking the website down."""
	return frappe.cache.get_value(CATALOGUE_CACHE_KEY, _usable_rows)


def _usable_rows() -> list[dict]:
	rows = frappe.get_all("Item", fields=list(pricing.ITEM_FIELDS), filters=ITEM_FILTERS, order_by="name")
	usable, broken, seen = [], [], set()
	for row in rows:
		try:
			item = pricing.item_from_row(row)
			if item.sku.upper() in seen:
				raise pricing.CatalogueError(item.sku, pricing._("two Items with this code"))
		except pricing.CatalogueError as error:
			broken.append((error.sku, error.render()))
			continue
		seen.add(item.sku.upper())
		usable.append(row)
	if broken:
		report_broken_items(broken)
	return usable


def report_broken_items(broken: list[tuple[str, str]]) -> None:
	"""An Error Log and a notice to Gigafibre Support, whatever the request (a guest's GET is
	rolled back: both are written outside its transaction)."""
	text = "\n".join(f"{sku}: {message}" for sku, message in broken)
	frappe.log_error(
		title="Catalogue: Items left out of the offer",
		message=f"The pricing engine cannot use these Items; they are not sold until corrected:\n{text}",
		reference_doctype="Item",
		defer_insert=True,
	)
	frappe.enqueue(
		NOTICE_JOB,
		queue="short",
		job_id=f"gigafibre_fsm:catalogue_notice:{frappe.local.site}",
		deduplicate=True,
		broken=broken,
	)


def notify_support(broken: list[list[str]]) -> None:
	"""A notification to each Gigafibre Support user for each Item left out of the offer."""
	from gigafibre_fsm.roles import SUPPORT

	users = frappe.get_all(
		"Has Role",
		filters={"role": SUPPORT, "parenttype": "User"},
		pluck="parent",
		distinct=True,
	)
	users = [u for u in users if frappe.db.get_value("User", u, "enabled")]
	for sku, message in broken:
		subject = frappe._("{0} is not offered: {1}").format(sku, message)
		for user in users:
			if frappe.db.exists(
				"Notification Log", {"for_user": user, "document_name": sku, "subject": subject, "read": 0}
			):
				continue
			frappe.get_doc(
				{
					"doctype": "Notification Log",
					"for_user": user,
					"type": "Alert",
					"document_type": "Item",
					"document_name": sku,
					"subject": subject,
				}
			).insert(ignore_permissions=True)


def clear_catalogue_cache(doc=None, method=None) -> None:
	frappe.cache.delete_value(CATALOGUE_CACHE_KEY)


def load_catalogue() -> dict[str, pricing.CatalogueItem]:
	return pricing.catalogue_from_items(catalogue_rows())


def plans_at(site: Site) -> dict[str, list[dict]]:
	"""The plans offered at an address, priced for its drop's zone: internet and TV only where
	the port is free (and no faster than the drop), phone everywhere."""
	plans = pricing.available_plans(load_catalogue(), max_speed_mbps=site.sellable_speed, zone=site.zone)
	for rows in plans.values():
		for plan in rows:
			plan["monthly"] = float(plan["monthly"])
	return {group: plans[kind] for group, kind in PLAN_GROUPS.items()}


def quote_at(
	address_id: str | None,
	items: object,
	commitment_months: object = 0,
	install_date: object = None,
	*,
	special_discounts: bool = False,
) -> pricing.Quote:
	"""The price of a basket at an address. Raises the engine's and the checks' errors naming
	the field (the API answers them as 4xx); an agent may add a special discount (RAB_X)."""
	address_id = str(address_id or "").strip()
	if not address_id:
		raise pricing.PricingError("address_id", pricing._("This field is required"))
	site = load_site(address_id)
	return pricing.price_order(
		load_catalogue(),
		read_items(items),
		max_speed_mbps=site.sellable_speed,
		zone=site.zone,
		commitment_months=read_commitment(commitment_months),
		install_date=install_date,
		allow_special_discounts=special_discounts,
		tax_rates=quebec_rates(),
	)
