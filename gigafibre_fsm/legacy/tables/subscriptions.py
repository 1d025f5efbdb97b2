"""service → Service Subscription: a product at a location, at its negotiated price."""

from decimal import Decimal

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.clean import Invalid
from gigafibre_fsm.legacy.convert import (
	UNKNOWN_CODE,
	UNKNOWN_PRODUCT,
	Context,
	Notes,
	Plan,
	Rejected,
	money,
	parent,
	to_date,
)
from gigafibre_fsm.legacy.step import Step

# ---------------------------------------------------------------------------------------
# Conversion


def service_rate(notes: Notes, row: dict, product: dict) -> Decimal:
	"""The negotiated price when there is one, else the product's (negative for a discount)."""
	if row.get("hijack_price") is not None:
		hijack = money(notes, row.get("hijack_price"), "hijack_price")
		if hijack is not None:
			return hijack
	return money(notes, product.get("price"), "product price") or Decimal("0.00")


def convert_service(row: dict, ctx: Context) -> Plan:
	customer = parent(ctx, "account", row.get("account_id"))
	location = parent(ctx, "delivery", row.get("delivery_id"))
	product = ctx.products.get(row.get("product_id"))
	item = ctx.names["product"].get(row.get("product_id"))
	if not product or not item:
		raise Rejected(UNKNOWN_PRODUCT, f"product {row.get('product_id')}")
	notes = Notes()
	status = clean.service_status(row.get("status"))
	if isinstance(status, Invalid):
		raise Rejected(UNKNOWN_CODE, str(status))
	billing = clean.billing_interval(row.get("payment_recurrence") or product.get("recurrence") or "monthly")
	if isinstance(billing, Invalid):
		notes.warn(UNKNOWN_CODE, f"{billing}, Monthly used")
		billing = "Monthly"
	values = {
		"customer": customer,
		"service_location": location,
		"status": status,
		"item": item,
		"rate": service_rate(notes, row, product),
		"billing_interval": billing,
		"start_date": to_date(notes, row.get("date_orig"), "date_orig"),
		"end_date": to_date(notes, row.get("date_end"), "date_end"),
		"notes": notes.text(row.get("comment"), multiline=True, what="comment"),
		"legacy_service_id": str(row["id"]),
	}
	return Plan("Service Subscription", values, warnings=notes.warnings)


# ---------------------------------------------------------------------------------------
# Step


class ServiceStep(Step):
	key = "service"
	doctype = "Service Subscription"
	legacy_field = "legacy_service_id"
	sources = ("service",)

	def prepare(self):
		self.load_existing()
		self.imp.load_parents("account", "delivery", "product")
		self.imp.load_products()
		self.duplicates = self.source.duplicates("service")
		self.writer = self.new_writer()

	def convert(self, source_table, row):
		return convert_service(row, self.ctx)
