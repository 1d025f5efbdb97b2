"""The standard catalogue loaded into a site's Items (the data is orders/standard_catalogue.json).

An administrator loads it once from Gigafibre Settings (**Load the standard catalogue**); the
demo and the test site load it too. Only the Items a site does not have are created: a price
or an attribute already on the site is the business's, changed in the Item form. The tests
ask for ``refresh`` to bring the standard SKUs' engine attributes back to the data's.
"""

import frappe

from gigafibre_fsm.orders.offer import clear_catalogue_cache
from gigafibre_fsm.orders.pricing import ITEM_FIELDS
from gigafibre_fsm.orders.standard_catalogue import OWN_FIELDS, standard_items
from gigafibre_fsm.setup.site import ITEM_GROUP, UOM

# Every attribute the engine reads but a product's identity, price and zone prices.
ENGINE_FIELDS = tuple(f for f in ITEM_FIELDS if f not in OWN_FIELDS)


def service_item_group() -> str:
	"""The Item Group of the services the app sells (made by the app's setup)."""
	return ITEM_GROUP if frappe.db.exists("Item Group", ITEM_GROUP) else "All Item Groups"


def _attributes(item: dict) -> dict:
	values = dict.fromkeys(ENGINE_FIELDS)
	values.update({"combo_ready": 0, "free_qty": 0, "max_order_qty": 0})
	values.update({k: v for k, v in item.items() if k in ENGINE_FIELDS})
	return values


def load_standard_catalogue(refresh: bool = False) -> dict:
	"""Create the standard Items the site lacks; with ``refresh``, also put the standard
	engine attributes back on those it has. Returns what was done."""
	created, refreshed, kept = [], [], []
	for item in standard_items():
		sku, wanted = item["item_code"], _attributes(item)
		if frappe.db.exists("Item", sku):
			if refresh:
				current = frappe.db.get_value("Item", sku, list(ENGINE_FIELDS), as_dict=True)
				changed = {k: v for k, v in wanted.items() if (current.get(k) or None) != (v or None)}
				if changed:
					frappe.db.set_value("Item", sku, {**changed, "offered": 1})
					refreshed.append(sku)
					continue
			kept.append(sku)
			continue
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": sku,
				"item_name": item["item_name"],
				"item_group": service_item_group(),
				"stock_uom": UOM,
				"is_stock_item": 0,
				"include_item_in_manufacturing": 0,
				"standard_rate": item["standard_rate"],
				"offered": 1,
				**wanted,
			}
		).insert(ignore_permissions=True)
		created.append(sku)
	clear_catalogue_cache()
	return {"created": created, "refreshed": refreshed, "kept": kept}


def standard_rate(sku: str) -> float:
	"""What a subscription line of ``sku`` charges: a discount's is negative (demo data)."""
	item = next(i for i in standard_items() if i["item_code"] == sku)
	return -item["standard_rate"] if item["service_type"] == "discount" else item["standard_rate"]
