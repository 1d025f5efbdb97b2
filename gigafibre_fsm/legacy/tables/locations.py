"""delivery → Service Location: the premises, its address in parts, and its status.

A location is as alive as its best service (without services, as its account); its address
is split by ``rules.address.split_address`` and its municipality takes the spelling kept for
it across the legacy data.
"""

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.convert import (
	MISSING,
	Context,
	Notes,
	Plan,
	Rejected,
	city,
	coordinates,
	parent,
	postal_code,
	split,
)
from gigafibre_fsm.legacy.step import Step

# ---------------------------------------------------------------------------------------
# Conversion

SERVICE_TO_LOCATION = (("Active", "Active"), ("Suspended", "Suspended"), ("Pending", "Pending Install"))


def location_status(services: list[dict], account_status: str | None) -> str:
	"""A location is as alive as its best service; without services, as its account."""
	statuses = {clean.service_status(s.get("status")) for s in services}
	for service, location in SERVICE_TO_LOCATION:
		if service in statuses:
			return location
	if services:
		return "Disconnected"
	return "Pending Install" if account_status == "Active" else "Disconnected"


def connection_type(services: list[dict], products: dict[int, dict]) -> str:
	skus = [(products.get(s.get("product_id")) or {}).get("sku") or "" for s in services]
	categories = {((products.get(s.get("product_id")) or {}).get("category") or "").lower() for s in services}
	if any(sku.upper().startswith("WIFI") for sku in skus):
		return "Wireless"
	if any(sku.upper().startswith("DSL") for sku in skus):
		return "Other"
	if "internet" not in categories and "phone" in categories:
		return "Phone only"
	return "Fibre"


def convert_delivery(row: dict, ctx: Context) -> Plan:
	customer = parent(ctx, "account", row.get("account_id"))
	notes = Notes()
	parts = split(ctx, notes, row.get("address1"), row.get("address2"))
	if not parts.street:
		raise Rejected(MISSING, f"no street in address1 {row.get('address1')!r}")
	town = city(ctx, notes, row.get("city"))
	if not town:
		raise Rejected(MISSING, "no city")
	latitude, longitude = coordinates(notes, row.get("latitude"), row.get("longitude"))
	services = ctx.services_by_delivery.get(row["id"], [])
	values = {
		"customer": customer,
		"status": location_status(services, ctx.account_statuses.get(row.get("account_id"))),
		"connection_type": connection_type(services, ctx.products),
		"civic_number": parts.civic_number,
		"civic_suffix": parts.civic_suffix,
		"street": parts.street[:140],
		"apartment": parts.apartment,
		"city": town,
		"municipality_code": ctx.municipality_codes.get(clean.city_key(town)),
		"province": notes.value(clean.clean_province(row.get("state")), "QC"),
		"postal_code": postal_code(notes, row.get("zip")),
		"latitude": latitude,
		"longitude": longitude,
		"legacy_delivery_id": str(row["id"]),
	}
	return Plan("Service Location", values, warnings=notes.warnings)


# ---------------------------------------------------------------------------------------
# Step


class DeliveryStep(Step):
	key = "delivery"
	doctype = "Service Location"
	legacy_field = "legacy_delivery_id"
	sources = ("delivery",)

	def prepare(self):
		self.load_existing()
		self.imp.prepare_common()
		self.imp.load_parents("account")
		self.imp.load_products()
		self.imp.load_services()
		self.imp.load_account_statuses()
		self.writer = self.new_writer()

	def convert(self, source_table, row):
		return convert_delivery(row, self.ctx)
