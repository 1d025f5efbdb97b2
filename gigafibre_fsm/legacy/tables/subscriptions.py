"""service → Service Subscription: a product at a location, at its negotiated price.

A service the legacy system recorded without its start date (0, its "unknown") is history:
imported with the date empty and flagged unknown, not refused by the rule that an active
subscription has one. An end date before the start is left out, with a warning.

A service's RADIUS account (radius_user/radius_pwd) lives on its device's equipment when the
device carries it (equipment.py, :func:`~gigafibre_fsm.legacy.tables.equipment.radius_homes`);
any other — no device linked, a device the legacy database does not hold, a device carrying
another service's account — is kept on the subscription, its password encrypted like every
Password field, never in the log (the raw row masks it).
"""

from decimal import Decimal

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.clean import Invalid
from gigafibre_fsm.legacy.convert import (
	INVALID,
	UNKNOWN_CODE,
	UNKNOWN_PRODUCT,
	Context,
	Notes,
	Plan,
	Rejected,
	money,
	parent,
	positive,
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


def subscription_radius(row: dict, ctx: Context) -> dict:
	"""The RADIUS account the subscription keeps: the service's own, unless its device carries it."""
	user = clean.clean_text(row.get("radius_user"))
	home = ctx.radius.get(positive(row.get("device_id")))
	if not user or (home and home["id"] == row["id"]):
		return {"radius_username": None, "radius_password": None}
	return {"radius_username": user, "radius_password": row.get("radius_pwd") or None}


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
	start = to_date(notes, row.get("date_orig"), "date_orig")
	end = to_date(notes, row.get("date_end"), "date_end")
	if start and end and end < start:
		notes.warn(INVALID, f"date_end {end} before date_orig {start}: end date left out")
		end = None
	values = {
		"customer": customer,
		"service_location": location,
		"status": status,
		"item": item,
		"rate": service_rate(notes, row, product),
		"billing_interval": billing,
		"start_date": start,
		# 0 (or an impossible date) was the legacy system's "unknown": a service that started
		# keeps its history with the date unknown (a pending one has not started yet).
		"start_date_unknown": 1 if not start and status != "Pending" else 0,
		"end_date": end,
		"notes": notes.text(row.get("comment"), multiline=True, what="comment"),
		**subscription_radius(row, ctx),
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
		self.imp.load_radius()
		self.duplicates = self.source.duplicates("service")
		self.writer = self.new_writer()

	def convert(self, source_table, row):
		return convert_service(row, self.ctx)
