"""product → Item: the legacy catalogue, by SKU, with what the pricing engine needs to sell it.

The legacy product has a type, a price, a recurrence, speeds and OLT profiles; the pricing
engine (orders/pricing.py) also needs the rules the legacy code kept in its own logic: that
RAB3X rewards three services, RAB24M a 24-month commitment, that SERV911 comes with each
phone line, the TV box with TV. Those come from the standard catalogue
(:func:`~gigafibre_fsm.orders.standard_catalogue.rules_for`: the same SKU's attributes, else
its family's), so a site whose catalogue is the legacy one quotes like one that loaded the
standard catalogue. What the legacy product says of itself is kept: its name, its price (the
company's, even where the standard catalogue has another), its recurrence, its speeds (else
those of its line profile in ``fibre_lineprofile``) and profiles; the standard catalogue's
kind wins over the legacy category, which is coarser (the legacy "phone" held the line, its
911 fee and its activation).

Every legacy product is imported. One the engine still cannot use (an internet plan without
a speed, a discount without a rule, a yearly recurrence the catalogue does not bill, an
unknown type) is imported not offered to new customers (Item ``offered`` = 0: the website
and the agents do not sell it, the customers who have it keep it), with the engine's reason
as a warning in the import log, for an administrator to complete. A product the legacy system
no longer sold (``active`` = 0) is not offered either, and stays billable.

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
	NOT_OFFERED,
	UNKNOWN_CODE,
	Context,
	Notes,
	Plan,
	Rejected,
	money,
	positive,
)
from gigafibre_fsm.legacy.step import Step, insert_new, update_doc
from gigafibre_fsm.orders import pricing
from gigafibre_fsm.orders.standard_catalogue import rules_for

# ---------------------------------------------------------------------------------------
# Conversion

ITEM_BILLING = {"Monthly": "Monthly", "Once": "Once"}
# The engine's rules a legacy product has no column for: from the standard catalogue only.
RULE_FIELDS = (
	"discount_rule",
	"combo_count",
	"commitment_months",
	"added_with",
	"added_quantity",
	"free_qty",
	"max_order_qty",
)


def item_code(row: dict) -> str | None:
	sku = clean.clean_text(row.get("sku"))
	return sku.upper() if sku else None


def first(*values):
	"""The first value that is set (0 and empty mean unset for these attributes)."""
	return next((v for v in values if v not in (None, "", 0)), None)


def product_billing(notes: Notes, row: dict, rules: dict) -> tuple[str | None, str | None]:
	"""(the Item's billing interval, why the product cannot be sold as it is billed)."""
	billing = clean.billing_interval(row.get("recurrence")) if row.get("recurrence") else None
	if isinstance(billing, Invalid):
		notes.warn(INVALID, str(billing))
		billing = None
	if billing == "Annual":
		return None, f"recurrence {row.get('recurrence')!r}: the catalogue bills monthly or once"
	return ITEM_BILLING.get(billing) or rules.get("billing_interval"), None


def convert_product(row: dict, ctx: Context) -> Plan:
	notes = Notes()
	code = item_code(row)
	if not code:
		raise Rejected(MISSING, "no sku")
	name = notes.text(row.get("name"), ctx.vocabulary, what="name") or code
	rules = rules_for(code)
	category = clean.product_category(row.get("category"))
	if isinstance(category, Invalid):
		if not rules.get("service_type"):
			notes.warn(UNKNOWN_CODE, f"{category}: no service type")
		category = None
	billing, unsellable = product_billing(notes, row, rules)
	price = money(notes, row.get("price"), "price") or Decimal("0.00")
	profile = ctx.line_profiles.get(positive(row.get("lineprofile"))) or {}
	values = {
		"item_code": code,
		"item_name": name[:140],
		"description": name,
		"item_group": ctx.item_group,
		"stock_uom": ctx.uom,
		"is_stock_item": 0,
		"include_item_in_manufacturing": 0,
		# A product no longer sold is not offered, but never disabled: the customers who kept
		# it are still billed for it, and ERPNext refuses a disabled Item on an invoice.
		"disabled": 0,
		# ERPNext keeps a list price positive; a discount's sign is its service type.
		"standard_rate": abs(price),
		"service_type": rules.get("service_type") or (category.lower() if category else None),
		"billing_interval": billing,
		"combo_ready": 1 if first(rules.get("combo_ready"), row.get("combo_ready")) else 0,
		"download_mbps": first(
			positive(row.get("download_mbps")),
			positive(profile.get("down_mbps")),
			rules.get("download_mbps"),
		),
		"upload_mbps": first(
			positive(row.get("upload_mbps")), positive(profile.get("up_mbps")), rules.get("upload_mbps")
		),
		"olt_line_profile": first(positive(row.get("lineprofile")), rules.get("olt_line_profile")),
		"olt_service_profile": positive(row.get("serviceprofile")),
		**{field: rules.get(field) for field in RULE_FIELDS},
		"legacy_product_id": str(row["id"]),
	}
	if "combo_ready" in rules:
		values["combo_ready"] = 1 if rules["combo_ready"] else 0
	if not unsellable:
		try:
			pricing.item_from_row({field: values.get(field) for field in pricing.ITEM_FIELDS})
		except pricing.CatalogueError as error:
			unsellable = error.render()
	values["offered"] = 0 if unsellable or not row.get("active", 1) else 1
	if unsellable:
		notes.warn(NOT_OFFERED, unsellable)
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
		# The speeds of a product that has none of its own are its line profile's.
		self.ctx.line_profiles = {
			r["id"]: r for r in self.source.query(f"select * from {self.source.table('fibre_lineprofile')}")
		}

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
