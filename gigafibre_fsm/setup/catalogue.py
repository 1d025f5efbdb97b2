"""The product catalogue carried over from the legacy system (SKU, price, speeds, OLT profile).

Used to create the Items of a new site; prices are the list prices before taxes (CAD).
"""

import frappe

# sku, name, service_type, rate, billing, down, up, line profile
CATALOGUE = [
	("FTTH25", "Internet 25/5", "internet", 49.95, "Monthly", 25, 5, 100),
	("FTTH80I", "Internet 80/80", "internet", 79.95, "Monthly", 80, 80, 101),
	("FTTH150I", "Internet 150/150", "internet", 99.95, "Monthly", 150, 150, 102),
	("FTTH500I", "Internet 500/500", "internet", 99.95, "Monthly", 500, 500, 103),
	("FTTH1500I", "Internet 1.5G/1G", "internet", 109.95, "Monthly", 1500, 1000, 104),
	("TVBSKINNY", "Télé Skinny", "tv", 25.00, "Monthly", None, None, None),
	("TVBSTANDARD", "Télé Standard", "tv", 30.00, "Monthly", None, None, None),
	("TVBEVO", "Télé Évolution", "tv", 35.00, "Monthly", None, None, None),
	("TELE", "Télé (base)", "tv", 0.00, "Monthly", None, None, None),
	("TELEPMENS", "Téléphonie résidentielle", "phone", 28.95, "Monthly", None, None, None),
	("SERV911", "Service 911", "phone", 0.69, "Monthly", None, None, None),
	("ACTTELEP", "Activation téléphonie", "fee", 69.95, "Once", None, None, None),
	("INSTFTTH", "Installation FTTH standard", "fee", 0.00, "Once", None, None, None),
	("DECODEUR", "Décodeur TV", "equipment", 0.00, "Once", None, None, None),
	("RAB2X", "Rabais 2 services", "discount", -5.00, "Monthly", None, None, None),
	("RAB3X", "Rabais 3 services", "discount", -10.00, "Monthly", None, None, None),
	("RAB4X", "Rabais 4 services", "discount", -15.00, "Monthly", None, None, None),
	("RAB_X", "Rabais spécial", "discount", -20.00, "Monthly", None, None, None),
	("RAB24M", "Rabais engagement 24 mois", "discount", -15.00, "Monthly", None, None, None),
	("RAB36M", "Rabais engagement 36 mois", "discount", -15.00, "Monthly", None, None, None),
]


def service_item_group() -> str:
	"""ERPNext's setup makes a "Services" group; fall back to the root on a bare site."""
	return "Services" if frappe.db.exists("Item Group", "Services") else "All Item Groups"


def ensure_items() -> None:
	"""Create the catalogue's Items that the site does not have yet."""
	item_group = service_item_group()
	for sku, name, service_type, rate, _billing, down, up, profile in CATALOGUE:
		if frappe.db.exists("Item", sku):
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
				# ERPNext writes a discount's price as a positive list price; the sign lives here.
				"standard_rate": abs(rate),
				"service_type": service_type,
				"combo_ready": 1 if service_type in ("internet", "tv", "phone") else 0,
				"download_mbps": down,
				"upload_mbps": up,
				"olt_line_profile": profile,
			}
		).insert(ignore_permissions=True)


def rate_of(sku: str) -> float:
	return next(rate for s, _n, _t, rate, *_ in CATALOGUE if s == sku)


def billing_of(sku: str) -> str:
	return next(billing for s, _n, _t, _r, billing, *_ in CATALOGUE if s == sku)
