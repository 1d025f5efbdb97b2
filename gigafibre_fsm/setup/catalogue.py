"""The product catalogue carried over from the legacy system: the one place it is written.

Used to create the Items of a new site and to bring the pricing engine's attributes of
existing ones up to date. Prices are the list prices before taxes (CAD); a discount's price
is the amount it takes off (ERPNext keeps list prices positive; the engine makes the line
negative). What each attribute means is in orders/pricing.py.

The TV box (DECODEUR) had no price in the legacy catalogue (it was always given away); its
list price here, 120.00, is what a second box costs, the first being offered.
"""

import frappe

from gigafibre_fsm.orders.offer import clear_catalogue_cache
from gigafibre_fsm.orders.pricing import ITEM_FIELDS

_INTERNET = {"billing_interval": "Monthly", "combo_ready": 1}


def _internet(sku, name, rate, down, up, profile):
	return (
		sku,
		name,
		"internet",
		rate,
		{**_INTERNET, "download_mbps": down, "upload_mbps": up, "olt_line_profile": profile},
	)


def _discount(sku, name, amount, rule, **more):
	return (sku, name, "discount", amount, {"billing_interval": "Monthly", "discount_rule": rule, **more})


# sku, name, service_type, list price, the engine's attributes (Item custom fields)
CATALOGUE = [
	_internet("FTTH25", "Internet 25/5", 49.95, 25, 5, 100),
	_internet("FTTH80I", "Internet 80/80", 79.95, 80, 80, 101),
	_internet("FTTH150I", "Internet 150/150", 99.95, 150, 150, 102),
	_internet("FTTH500I", "Internet 500/500", 99.95, 500, 500, 103),
	_internet("FTTH1500I", "Internet 1.5G/1G", 109.95, 1500, 1000, 104),
	("TVBSKINNY", "Télé Skinny", "tv", 25.00, {"billing_interval": "Monthly", "combo_ready": 1}),
	("TVBSTANDARD", "Télé Standard", "tv", 30.00, {"billing_interval": "Monthly", "combo_ready": 1}),
	("TVBEVO", "Télé Évolution", "tv", 35.00, {"billing_interval": "Monthly", "combo_ready": 1}),
	# The free base package does not earn a combo discount.
	("TELE", "Télé (base)", "tv", 0.00, {"billing_interval": "Monthly", "combo_ready": 0}),
	("TVSPORTS", "Forfait Sports", "tv_addon", 12.00, {"billing_interval": "Monthly"}),
	("TVFILMS", "Forfait Films et séries", "tv_addon", 15.00, {"billing_interval": "Monthly"}),
	("TVJEUNESSE", "Forfait Jeunesse", "tv_addon", 5.00, {"billing_interval": "Monthly"}),
	("TVINTL", "Forfait International", "tv_addon", 25.00, {"billing_interval": "Monthly"}),
	(
		"TELEPMENS",
		"Téléphonie résidentielle",
		"phone",
		28.95,
		{"billing_interval": "Monthly", "combo_ready": 1},
	),
	(
		"SERV911",
		"Service 911",
		"fee",
		0.69,
		{
			"billing_interval": "Monthly",
			"combo_ready": 0,
			"added_with": "phone",
			"added_quantity": "per_unit",
		},
	),
	(
		"ACTTELEP",
		"Activation téléphonie",
		"fee",
		69.95,
		{"billing_interval": "Once", "added_with": "phone", "added_quantity": "per_order"},
	),
	(
		"INSTFTTH",
		"Installation FTTH standard",
		"fee",
		0.00,
		{"billing_interval": "Once", "added_with": "internet", "added_quantity": "per_order"},
	),
	(
		"DECODEUR",
		"Décodeur TV",
		"equipment",
		120.00,
		{
			"billing_interval": "Once",
			"added_with": "tv",
			"added_quantity": "at_least_one",
			"free_qty": 1,
			"max_order_qty": 4,
		},
	),
	_discount("RAB2X", "Rabais 2 services", 5.00, "combo", combo_count=2),
	_discount("RAB3X", "Rabais 3 services", 10.00, "combo", combo_count=3),
	_discount("RAB4X", "Rabais 4 services", 15.00, "combo", combo_count=4),
	_discount("RAB_X", "Rabais spécial", 20.00, "special"),
	_discount("RAB24M", "Rabais engagement 24 mois", 15.00, "commitment", commitment_months=24),
	_discount("RAB36M", "Rabais engagement 36 mois", 15.00, "commitment", commitment_months=36),
]

# Every attribute the catalogue sets, so an Item that lost one (or never had it) gets it back:
# what the pricing engine reads, but the Item's own identity, price and zone prices.
ENGINE_FIELDS = tuple(
	f for f in ITEM_FIELDS if f not in ("item_code", "item_name", "standard_rate", "disabled", "zone_prices")
)


def service_item_group() -> str:
	"""ERPNext's setup makes a "Services" group; fall back to the root on a bare site."""
	return "Services" if frappe.db.exists("Item Group", "Services") else "All Item Groups"


def _attributes(service_type: str, fields: dict) -> dict:
	values = dict.fromkeys(ENGINE_FIELDS)
	values.update({"combo_ready": 0, "free_qty": 0, "max_order_qty": 0, "service_type": service_type})
	values.update(fields)
	return values


def ensure_items() -> None:
	"""Create the catalogue's missing Items and bring the engine's attributes of the others up
	to date. A price already on the site is the business's to change and is left alone."""
	item_group = service_item_group()
	for sku, name, service_type, rate, fields in CATALOGUE:
		wanted = _attributes(service_type, fields)
		if frappe.db.exists("Item", sku):
			current = frappe.db.get_value("Item", sku, list(ENGINE_FIELDS), as_dict=True)
			changed = {k: v for k, v in wanted.items() if (current.get(k) or None) != (v or None)}
			if changed:
				frappe.db.set_value("Item", sku, changed)
				clear_catalogue_cache()
			continue
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": sku,
				"item_name": name,
				"item_group": item_group,
				"stock_uom": "Nos",
				"is_stock_item": 0,
				"include_item_in_manufacturing": 0,
				"standard_rate": rate,
				**wanted,
			}
		).insert(ignore_permissions=True)


def rate_of(sku: str) -> float:
	"""What a subscription line of ``sku`` charges a month: a discount's is negative."""
	return next(-rate if t == "discount" else rate for s, _n, t, rate, _f in CATALOGUE if s == sku)


def billing_of(sku: str) -> str:
	return next(f.get("billing_interval") or "Monthly" for s, _n, _t, _r, f in CATALOGUE if s == sku)


def service_type_of(sku: str) -> str:
	return next(t for s, _n, t, _r, _f in CATALOGUE if s == sku)
