"""product → Item: the legacy catalogue, by SKU.

An Item the site's catalogue already has under the same code is adopted (linked, its curated
values kept); the others are inserted through ``doc.insert()`` (116 rows, whose insert makes
their Item Prices) and follow their legacy product on a re-run.
"""

from decimal import Decimal

import frappe

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.clean import Invalid
from gigafibre_fsm.legacy.convert import (
	INVALID,
	MISSING,
	UNKNOWN_CODE,
	Context,
	Notes,
	Plan,
	Rejected,
	money,
	positive,
)
from gigafibre_fsm.legacy.step import Step, insert_new, update_doc

# ---------------------------------------------------------------------------------------
# Conversion

ITEM_BILLING = {"Monthly": "Monthly", "Once": "Once"}


def item_code(row: dict) -> str | None:
	sku = clean.clean_text(row.get("sku"))
	return sku.upper() if sku else None


def convert_product(row: dict, ctx: Context) -> Plan:
	notes = Notes()
	code = item_code(row)
	if not code:
		raise Rejected(MISSING, "no sku")
	name = notes.text(row.get("name"), ctx.vocabulary, what="name") or code
	category = clean.product_category(row.get("category"))
	if isinstance(category, Invalid):
		notes.warn(UNKNOWN_CODE, f"{category}: no service type")
		category = None
	billing = notes.value(clean.billing_interval(row.get("recurrence")))
	if billing and billing not in ITEM_BILLING:
		notes.warn(INVALID, f"recurrence {row.get('recurrence')!r}: an Item is billed monthly or once")
	price = money(notes, row.get("price"), "price") or Decimal("0.00")
	values = {
		"item_code": code,
		"item_name": name[:140],
		"description": name,
		"item_group": ctx.item_group,
		"stock_uom": ctx.uom,
		"is_stock_item": 0,
		"include_item_in_manufacturing": 0,
		"disabled": 0 if row.get("active", 1) else 1,
		# ERPNext keeps a list price positive; a discount's sign is its service type.
		"standard_rate": abs(price),
		"service_type": category.lower() if category else None,
		"billing_interval": ITEM_BILLING.get(billing),
		"combo_ready": 1 if row.get("combo_ready") else 0,
		"download_mbps": positive(row.get("download_mbps")),
		"upload_mbps": positive(row.get("upload_mbps")),
		"olt_line_profile": positive(row.get("lineprofile")),
		"olt_service_profile": positive(row.get("serviceprofile")),
		"legacy_product_id": str(row["id"]),
	}
	return Plan("Item", values, warnings=notes.warnings)


# ---------------------------------------------------------------------------------------
# Step


class ProductStep(Step):
	key = "product"
	doctype = "Item"
	legacy_field = "legacy_product_id"
	sources = ("product",)
	creates_at_once = True

	def prepare(self):
		self.load_existing()
		self.imp.prepare_common()
		self.by_code = {n.casefold(): n for n in frappe.get_all("Item", pluck="name")}

	def convert(self, source_table, row):
		return convert_product(row, self.ctx)

	def create(self, source_table, key, plan, row, batch):
		code = plan.values["item_code"]
		adopted = self.by_code.get(code.casefold())
		if adopted:
			# The site's catalogue already has this SKU: link it, keep its curated values.
			frappe.db.set_value("Item", adopted, "legacy_product_id", key)
			self.existing[key] = adopted
			return adopted
		doc = insert_new("Item", plan.values)
		self.existing[key] = doc.name
		self.by_code[doc.name.casefold()] = doc.name
		self.imp.index.add(doc)
		return doc.name

	def update(self, source_table, key, name, plan, row, batch):
		# An Item the site's catalogue had before the first import keeps its curated values;
		# an Item the import made follows its legacy product (its code never changes).
		first_run = frappe.db.sql("select min(creation) from `tabLegacy Import Run`")[0][0]
		item = frappe.db.get_value("Item", name, ["item_code", "creation"], as_dict=True)
		if item.item_code != plan.values["item_code"] or (first_run and item.creation < first_run):
			return name
		values = {k: v for k, v in plan.values.items() if k not in ("item_code", "item_group")}
		update_doc("Item", name, values)
		return name
