"""Legacy rows → the values of the documents they become. Pure Python: no frappe, no database.

Each ``convert_*`` function takes one legacy row (a dict, as pymysql reads it) and the
:class:`Context` the importer filled from the legacy database and the site (which legacy ids
became which records, the catalogue, the staff users…), and returns a :class:`Plan`: the
document(s) to write, with the warnings about values it had to leave out. A row that cannot
become a record raises :class:`Rejected` with the reason. Nothing here decides what the
doctypes decide (statuses allowed, uniqueness, required links): the importer runs the
doctypes' own rules on the plans.

Values follow the cleaning rules of ``clean.py`` and the app's own normalisers (DIDs, MACs,
serials, postal codes), so that "unknown" is empty, never 0, and every repaired value is the
one a person would have typed.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.clean import Invalid
from gigafibre_fsm.network.fibre_port import RESERVED_PREFIX
from gigafibre_fsm.rules.address import format_coordinate, location_title, parse_coordinate
from gigafibre_fsm.rules.phone import format_phone, normalize_phone
from gigafibre_fsm.service.identifiers import normalize_mac, normalize_serial

# Reasons are stored in English and grouped on in the reconciliation report.
ORPHAN = "Orphan: {0} does not exist"
PARENT_NOT_IMPORTED = "Not imported: its {0} was not imported"
DUPLICATE = "Duplicate of another row"
SUPERSEDED = "Superseded by a newer row"
MISSING = "Missing required value"
INVALID = "Invalid value left out"
REPAIRED = "Value repaired by a guess"
LOSSY = "Characters lost in the legacy data"
UNKNOWN_CODE = "Unknown code"
UNKNOWN_PRODUCT = "Unknown product"
PHP_ARRAY = "Malformed PHP array"
NO_TARGET = "No matching record"
NOT_A_NUMBER = "Not a number"

# Québec is west of Greenwich: a positive longitude there is a sign typed wrong.
QUEBEC_LATITUDES = (44.0, 63.0)


@dataclass
class Issue:
	"""Why a row, or a value of it, did not make it into the new system as it was."""

	reason: str
	details: str = ""
	amount: Decimal | None = None
	table: str | None = None  # another source table than the row's (merged rows)
	legacy_id: str | None = None


class Rejected(Exception):
	def __init__(self, reason: str, details: str = "", amount: Decimal | None = None):
		super().__init__(f"{reason}: {details}" if details else reason)
		self.issue = Issue(reason, details, amount)


class Skipped(Rejected):
	"""Not imported on purpose: a duplicate, or an older version of another row."""


@dataclass
class Plan:
	"""What one legacy row becomes: a main document, maybe others, and what was left out."""

	doctype: str
	values: dict
	others: list[tuple[str, dict]] = field(default_factory=list)
	warnings: list[Issue] = field(default_factory=list)
	amount: Decimal | None = None  # the row's money, imported with it
	merged: list[tuple[str, Any]] = field(default_factory=list)  # (source table, id) folded in
	extra: dict = field(default_factory=dict)  # values another step writes from the same row

	def payload(self) -> dict:
		"""What the ledger's hash covers: every value written from the row."""
		return {"doctype": self.doctype, "values": self.values, "others": self.others, "extra": self.extra}


@dataclass
class Context:
	"""What the converters need to know beyond the row itself; filled by the importer."""

	now: datetime | None = None
	# Legacy ids present in the source (to tell an orphan from a parent that was rejected).
	source_ids: dict[str, set] = field(default_factory=lambda: defaultdict(set))
	# Legacy id → name of the record it became, per source table.
	names: dict[str, dict] = field(default_factory=lambda: defaultdict(dict))
	customer_groups: set[str] = field(default_factory=set)
	territory: str | None = None
	company: str | None = None
	currency: str = "CAD"
	price_list: str | None = None
	item_group: str | None = None
	vocabulary: tuple[str, ...] = clean.QUEBEC_WORDS
	cities: dict[str, str] = field(default_factory=dict)  # city_key → spelling kept
	municipality_codes: dict[str, str] = field(default_factory=dict)  # city_key → CAUCA code
	suspensions: dict[int, list[dict]] = field(default_factory=dict)  # account id → rows
	first_delivery: dict[int, dict] = field(default_factory=dict)  # account id → delivery row
	services_by_delivery: dict[int, list[dict]] = field(default_factory=dict)
	services: dict[int, dict] = field(default_factory=dict)  # service id → row
	products: dict[int, dict] = field(default_factory=dict)  # product id → row
	item_codes: set[str] = field(default_factory=set)  # Items that exist (by item code)
	staff: dict[int, dict] = field(default_factory=dict)  # staff id → row
	users_by_email: dict[str, str] = field(default_factory=dict)
	olts: dict[str, str] = field(default_factory=dict)  # IP → OLT name
	wifi: dict[str, dict] = field(default_factory=dict)  # MAC → newest genieacs.wifi row
	voip: dict[str, dict] = field(default_factory=dict)  # serial → newest genieacs.voip row
	radius: dict[int, dict] = field(default_factory=dict)  # device id → service row with RADIUS
	phone_addr: dict[str, dict] = field(default_factory=dict)  # DID → newest phone_addr row
	provisioning: dict[str, dict] = field(default_factory=dict)  # DID → newest phone_provisioning row
	line_dids: set[str] = field(default_factory=set)  # DIDs of pbx lines
	location_status: dict[str, str] = field(default_factory=dict)  # location name → status
	location_drop: dict[str, str] = field(default_factory=dict)  # location name → drop holding it


# ---------------------------------------------------------------------------------------
# Shared helpers


class Notes:
	"""Collects the warnings of one row while its values are cleaned."""

	def __init__(self, table: str | None = None):
		self.table = table
		self.warnings: list[Issue] = []

	def value(self, result, default=None):
		"""A cleaning rule's result: the value, or ``default`` with a warning when it is Invalid."""
		if isinstance(result, Invalid):
			self.warnings.append(Issue(INVALID, str(result)))
			return default
		return result

	def text(self, value, vocabulary=clean.QUEBEC_WORDS, multiline=False, what="text") -> str | None:
		text = clean.clean_text(value, multiline=multiline)
		if text and clean.text_is_lossy(text, single_line=not multiline):
			restored = clean.restore_lossy(text, vocabulary) if not multiline else text
			if clean.text_is_lossy(restored, single_line=not multiline):
				self.warnings.append(Issue(LOSSY, f"{what} {text!r}"))
			text = restored
		return text

	def warn(self, reason: str, details: str = "", amount: Decimal | None = None) -> None:
		self.warnings.append(Issue(reason, details, amount))


def legacy_key(value) -> str | None:
	"""A legacy id as stored in a legacy-id field; 0 and NULL mean none."""
	if value is None or value == "" or value == 0:
		return None
	return str(value)


def _positive(value) -> int | None:
	try:
		number = int(value)
	except (TypeError, ValueError):
		return None
	return number if number > 0 else None


def parent(ctx: Context, table: str, ident, what: str | None = None) -> str:
	"""The record a parent row became, or Rejected as an orphan / a child of a rejected row."""
	key = _positive(ident)
	name = ctx.names[table].get(key) if key is not None else None
	if name:
		return name
	what = what or table
	if key is None or key not in ctx.source_ids[table]:
		raise Rejected(ORPHAN.format(what), f"{what} {ident}")
	raise Rejected(PARENT_NOT_IMPORTED.format(what), f"{what} {ident}")


def to_date(notes: Notes, value, what: str) -> date | None:
	return notes.value(clean.unix_to_date(value, what=what))


def to_datetime(notes: Notes, value, what: str) -> datetime | None:
	return notes.value(clean.unix_to_datetime(value, naive=True, what=what))


def money(notes: Notes, value, what: str) -> Decimal | None:
	return notes.value(clean.to_money(value, what=what))


def city(ctx: Context, notes: Notes, value) -> str | None:
	text = notes.text(value, ctx.vocabulary, what="city")
	if not text:
		return None
	return ctx.cities.get(clean.city_key(text), text)


def coordinates(notes: Notes, latitude, longitude) -> tuple[str | None, str | None]:
	"""Latitude and longitude as stored: unknown or impossible → empty, a flipped sign corrected."""
	try:
		lat = parse_coordinate(latitude, 90)
		lng = parse_coordinate(longitude, 180)
	except ValueError as error:
		notes.warn(INVALID, f"coordinates {latitude!r}, {longitude!r}: {error}")
		return None, None
	if lat is None or lng is None:
		if any(value is not None and str(value).strip() for value in (latitude, longitude)):
			# 0 (the legacy system's "unknown") or half a position: nowhere to put it.
			notes.warn(INVALID, f"coordinates {latitude!r}, {longitude!r}: not a position")
		return None, None
	if not QUEBEC_LATITUDES[0] <= lat <= QUEBEC_LATITUDES[1]:
		notes.warn(INVALID, f"latitude {lat}: not in Québec")
		return None, None
	if lng > 0:
		notes.warn(REPAIRED, f"longitude {lng}: positive in Québec, sign corrected")
		lng = -lng
	return format_coordinate(lat), format_coordinate(lng)


def postal_code(notes: Notes, value) -> str | None:
	return notes.value(clean.clean_postal_code(value))


def phone_number(notes: Notes, value, what: str) -> str | None:
	"""A customer's phone as a DID in its readable form; kept as typed when it is not one."""
	text = clean.clean_text(value)
	if not text:
		return None
	did = normalize_phone(text)
	if did:
		return format_phone(did)
	notes.warn(INVALID, f"{what} {text!r}: not a 10-digit number, kept as typed")
	return text


def split(ctx: Context, notes: Notes, address1, address2=None):
	parts = clean.clean_address(address1, address2)
	street = parts.street
	if street and clean.text_is_lossy(street, single_line=True):
		street = notes.text(street, ctx.vocabulary, what="street")
	return parts._replace(street=street)


# ---------------------------------------------------------------------------------------
# account → Customer (+ Contact, Address)


def person_name(notes: Notes, ctx: Context, row: dict) -> tuple[str | None, str | None]:
	first = notes.text(row.get("first_name"), ctx.vocabulary, what="first name")
	last = notes.text(row.get("last_name"), ctx.vocabulary, what="last name")
	return first, last


def is_suspended(row: dict, suspensions: list[dict], now_ts: int) -> bool:
	"""Suspended: the account says so (status 2), or a dated suspension is still running."""
	if row.get("status") == 2:
		return True
	if row.get("status") == 0:
		return False
	for suspension in suspensions:
		start, end = suspension.get("date_start") or 0, suspension.get("date_end") or 0
		if start > 0 and (end == 0 or end > now_ts):
			return True
	return False


def convert_account(row: dict, ctx: Context) -> Plan:
	notes = Notes()
	first, last = person_name(notes, ctx, row)
	company = notes.text(row.get("company"), ctx.vocabulary, what="company")
	person = " ".join(p for p in (first, last) if p) or None
	customer_name = company or person or f"Compte {row['id']}"
	if not (company or person):
		notes.warn(MISSING, "no name: named after the account number")
	group = clean.customer_group(row.get("group_id"))
	if isinstance(group, Invalid):
		fallback = "Commercial" if company or row.get("commercial") else "Résidentiel"
		notes.warn(UNKNOWN_CODE, f"{group}, {fallback} used")
		group = fallback
	status = clean.account_status(row.get("status"))
	if isinstance(status, Invalid):
		notes.warn(UNKNOWN_CODE, f"{status}, kept enabled")
		status = None
	language = clean.language(row.get("language")) if row.get("language") else None
	if isinstance(language, Invalid):
		notes.warn(INVALID, str(language))
		language = None
	stripe_id = clean.clean_text(row.get("stripe_id"))
	if stripe_id and not stripe_id.startswith("cus_"):
		notes.warn(INVALID, f"stripe_id {stripe_id!r}: not a Stripe customer id")
		stripe_id = None
	now_ts = int(ctx.now.timestamp()) if ctx.now else 0
	customer = {
		"customer_name": customer_name[:140],
		"customer_type": "Company" if company else "Individual",
		"customer_group": group,
		"territory": ctx.territory,
		"language": language,
		# A closed account is disabled after its history is in (Importer.close_accounts).
		"disabled": 0,
		"is_suspended": 1 if is_suspended(row, ctx.suspensions.get(row["id"], []), now_ts) else 0,
		"stripe_id": stripe_id,
		"ppa_enabled": 1 if row.get("ppa") == 1 else 0,
		"stripe_ppa_enabled": 1 if row.get("stripe_ppa") == 1 else 0,
		"legacy_customer_id": str(row["id"]),
	}
	plan = Plan("Customer", customer, warnings=notes.warnings, extra={"status": status})
	contact = account_contact(row, ctx, notes, first, last, company)
	if contact:
		plan.others.append(("Contact", contact))
	address = account_address(row, ctx, notes, customer_name)
	if address:
		plan.others.append(("Address", address))
	return plan


def account_contact(row, ctx, notes: Notes, first, last, company) -> dict | None:
	email = notes.value(clean.clean_email(row.get("email")))
	phone = phone_number(notes, row.get("phone"), "phone")
	cell = phone_number(notes, row.get("cell"), "cell")
	if not (first or last or email or phone or cell):
		return None
	phones = []
	if phone:
		phones.append({"phone": phone, "is_primary_phone": 1, "is_primary_mobile_no": 0})
	if cell and cell != phone:
		phones.append({"phone": cell, "is_primary_phone": 0, "is_primary_mobile_no": 1})
	return {
		"first_name": first or (None if last else company) or "",
		"last_name": last,
		"company_name": company,
		"is_primary_contact": 1,
		"email_ids": [{"email_id": email, "is_primary": 1}] if email else [],
		"phone_nos": phones,
		"legacy_customer_id": str(row["id"]),
	}


def account_address(row, ctx: Context, notes: Notes, customer_name: str) -> dict | None:
	"""The billing address: the account's first service address (the legacy account has none)."""
	delivery = ctx.first_delivery.get(row["id"])
	if not delivery:
		return None
	scratch = Notes()  # the location import reports this address's problems once
	parts = split(ctx, scratch, delivery.get("address1"), delivery.get("address2"))
	town = city(ctx, scratch, delivery.get("city"))
	if not (parts.street and town):
		return None
	line = location_title(parts.civic_number, parts.civic_suffix, parts.street, parts.apartment, None)
	return {
		"address_title": customer_name[:140],
		"address_type": "Billing",
		"address_line1": line[:240],
		"city": town,
		"state": scratch.value(clean.clean_province(delivery.get("state")), "QC"),
		"pincode": scratch.value(clean.clean_postal_code(delivery.get("zip"))),
		"country": "Canada",
		"is_primary_address": 1,
		"legacy_customer_id": str(row["id"]),
	}


# ---------------------------------------------------------------------------------------
# delivery → Service Location

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


def convert_delivery(row: dict, ctx: Context, account_statuses: dict[int, str | None]) -> Plan:
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
		"status": location_status(services, account_statuses.get(row.get("account_id"))),
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
# product → Item

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
		"stock_uom": "Nos",
		"is_stock_item": 0,
		"include_item_in_manufacturing": 0,
		"disabled": 0 if row.get("active", 1) else 1,
		# ERPNext keeps a list price positive; a discount's sign is its service type.
		"standard_rate": abs(price),
		"service_type": category.lower() if category else None,
		"billing_interval": ITEM_BILLING.get(billing),
		"combo_ready": 1 if row.get("combo_ready") else 0,
		"download_mbps": _positive(row.get("download_mbps")),
		"upload_mbps": _positive(row.get("upload_mbps")),
		"olt_line_profile": _positive(row.get("lineprofile")),
		"olt_service_profile": _positive(row.get("serviceprofile")),
		"legacy_product_id": str(row["id"]),
	}
	return Plan("Item", values, warnings=notes.warnings)


# ---------------------------------------------------------------------------------------
# service → Service Subscription


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
# device → Service Equipment (+ genieacs.wifi, genieacs.voip, service.radius_*)


def device_secrets(
	ctx: Context, notes: Notes, row: dict, serial: str | None, mac: str | None
) -> tuple[dict, list]:
	"""What the old ACS pushed to the device and the RADIUS account of its service."""
	values: dict = {}
	merged: list = []
	wifi = ctx.wifi.get(mac) if mac else None
	if wifi:
		values.update(
			wifi_ssid=notes.text(wifi.get("ssid"), what="ssid"),
			wifi_ssid_5g=clean.clean_text(wifi.get("ssid_5g")),
			wifi_password=wifi.get("password") or None,
			wifi_enabled=1 if wifi.get("enabled", 1) else 0,
		)
		merged.append(("genieacs.wifi", wifi["id"]))
	voip = ctx.voip.get(serial) if serial else None
	if voip:
		values.update(
			sip_username=clean.clean_text(voip.get("sip_user")),
			sip_password=voip.get("sip_password") or None,
			sip_line=_positive(voip.get("line")) or 1,
		)
		merged.append(("genieacs.voip", voip["id"]))
	service = ctx.radius.get(row["id"])
	if service:
		values.update(
			radius_username=clean.clean_text(service.get("radius_user")),
			radius_password=service.get("radius_pwd") or None,
		)
		product = ctx.products.get(service.get("product_id")) or {}
		values.update(
			line_profile=_positive(product.get("lineprofile")),
			service_profile=_positive(product.get("serviceprofile")),
		)
		merged.append(("service.radius", service["id"]))
	return values, merged


def convert_device(row: dict, ctx: Context) -> Plan:
	notes = Notes()
	equipment_type = clean.device_category(row.get("category"))
	if isinstance(equipment_type, Invalid):
		raise Rejected(UNKNOWN_CODE, str(equipment_type))
	status = clean.device_status(row.get("status"))
	if isinstance(status, Invalid):
		raise Rejected(UNKNOWN_CODE, str(status))
	customer = location = None
	if _positive(row.get("account_id")):
		customer = parent(ctx, "account", row.get("account_id"))
		if _positive(row.get("delivery_id")):
			location = parent(ctx, "delivery", row.get("delivery_id"))
	raw_serial = clean.clean_text(row.get("sn"))
	serial = normalize_serial(raw_serial) if raw_serial else None
	if raw_serial and not serial:
		notes.warn(INVALID, f"sn {raw_serial!r}: not a serial number")
	raw_mac = clean.clean_text(row.get("mac"))
	mac = normalize_mac(raw_mac) if raw_mac else None
	if raw_mac and not mac:
		notes.warn(INVALID, f"mac {raw_mac!r}: not a MAC address")
	values = {
		"equipment_type": equipment_type,
		"status": status,
		"serial_number": serial,
		"mac_address": mac,
		"customer": customer,
		"service_location": location,
		"brand": clean.clean_text(row.get("manufacturer")),
		"model": clean.clean_text(row.get("model")),
		"legacy_device_id": str(row["id"]),
	}
	secrets, merged = device_secrets(ctx, notes, row, serial, mac)
	values.update(secrets)
	return Plan("Service Equipment", values, warnings=notes.warnings, merged=merged)


# ---------------------------------------------------------------------------------------
# fibre → Fibre Drop


def drop_serial(notes: Notes, value) -> str | None:
	"""fibre.sn: empty = free, ``RESERVED-…`` = held, else the ONT's serial (the equipment's form)."""
	text = clean.clean_text(value)
	if not text:
		return None
	if text.upper().startswith(RESERVED_PREFIX):
		return text.upper()
	serial = normalize_serial(text)
	if not serial:
		notes.warn(INVALID, f"sn {text!r}: not a serial number, kept as typed")
		return text.upper()
	return serial


def port_number(notes: Notes, value, what: str) -> str | None:
	if value is None or value == "":
		return None
	number = _as_port(value)
	if number is None:
		notes.warn(INVALID, f"{what} {value!r}: not a port number")
	return number


def _as_port(value) -> str | None:
	try:
		number = int(value)
	except (TypeError, ValueError):
		return None
	return str(number) if number >= 0 else None


def convert_fibre(row: dict, ctx: Context) -> Plan:
	notes = Notes()
	street = notes.text(row.get("rue"), ctx.vocabulary, what="rue")
	if not street:
		raise Rejected(MISSING, "no street (rue)")
	latitude, longitude = coordinates(notes, row.get("latitude"), row.get("longitude"))
	olt = None
	ip = clean.clean_text(row.get("info_connect"))
	if ip:
		olt = ctx.olts.get(ip)
		if not olt:
			notes.warn(INVALID, f"info_connect {ip!r}: not an OLT address")
	location = None
	service = ctx.services.get(_positive(row.get("service_id")))
	if service:
		location = ctx.names["delivery"].get(service.get("delivery_id"))
	values = {
		"civic_number": clean.clean_text(row.get("civique")),
		"street": street[:140],
		"city": city(ctx, notes, row.get("ville")),
		"postal_code": postal_code(notes, row.get("zip")),
		"latitude": latitude,
		"longitude": longitude,
		"olt": olt,
		"frame": port_number(notes, row.get("frame"), "frame"),
		"slot": port_number(notes, row.get("slot"), "slot"),
		"port": port_number(notes, row.get("port"), "port"),
		"ont_slot": port_number(notes, row.get("ontid"), "ontid"),
		"installed_serial": drop_serial(notes, row.get("sn")),
		"box_not_installed": 1 if row.get("boitier_pas_install") else 0,
		"service_location": location,
		"zone_tarifaire": clean.clean_text(row.get("zone_tarifaire")),
		"max_speed_mbps": _positive(row.get("max_speed_mbps")),
		"legacy_fibre_id": str(row["id"]),
		"legacy_service_id": legacy_key(row.get("service_id")),
	}
	return Plan("Fibre Drop", values, warnings=notes.warnings)


# ---------------------------------------------------------------------------------------
# soumission → Quotation


def quote_lines(notes: Notes, ctx: Context, row: dict) -> tuple[list[dict], Decimal]:
	"""Both PHP arrays as Quotation Item rows; returns them and the total of the lines left out."""
	items, left_out = [], Decimal("0.00")
	for column in ("materiel", "mensuel"):
		decoded = clean.decode_php_lines(row.get(column))
		for error in decoded.errors:
			notes.warn(PHP_ARRAY, f"{column}: {error}")
		for line in decoded.lines:
			sku = (line["sku"] or "").strip().upper()
			total = line["tot"] if line["tot"] is not None else Decimal("0.00")
			if not sku or sku not in ctx.item_codes:
				notes.warn(UNKNOWN_PRODUCT, f"{column}: line {sku or '(no sku)'} {line['desc']!r}", total)
				left_out += total
				continue
			qty = line["qte"]
			if not qty:
				notes.warn(INVALID, f"{column}: line {sku} quantity 0", total)
				left_out += total
				continue
			# The legacy total is what the customer saw; the rate follows from it.
			rate = line["amt"] if line["amt"] is not None else total / qty
			items.append(
				{
					"item_code": sku,
					"description": line["desc"] or sku,
					"qty": float(qty),
					"rate": rate,
					# As the pricing engine writes it: ERPNext would replace a rate of 0 with the
					# Item's list price when price_list_rate is empty.
					"price_list_rate": rate,
					"legacy_total": total,
				}
			)
	return items, left_out


def convert_soumission(row: dict, ctx: Context) -> Plan:
	notes = Notes()
	items, left_out = quote_lines(notes, ctx, row)
	amount = sum((i.pop("legacy_total") for i in items), Decimal("0.00"))
	customer = _with_amount(lambda: parent(ctx, "account", row.get("account_id")), amount + left_out)
	transaction_date = to_date(notes, row.get("date"), "date")
	if not transaction_date:
		raise Rejected(MISSING, "no quote date", amount + left_out)
	if not items:
		details = "; ".join(i.details for i in notes.warnings) or "materiel and mensuel hold no line"
		raise Rejected(MISSING, f"no quote line: {details}"[:1000], left_out)
	values = {
		"quotation_to": "Customer",
		"party_name": customer,
		"transaction_date": transaction_date,
		"company": ctx.company,
		"currency": ctx.currency,
		"conversion_rate": 1,
		"selling_price_list": ctx.price_list,
		"price_list_currency": ctx.currency,
		"plc_conversion_rate": 1,
		"order_type": "Sales",
		"ignore_pricing_rule": 1,
		"title": notes.text(row.get("name"), what="name"),
		"terms": notes.text(row.get("text"), multiline=True, what="text"),
		"items": items,
		"legacy_soumission_id": str(row["id"]),
	}
	return Plan("Quotation", values, warnings=notes.warnings, amount=amount)


# ---------------------------------------------------------------------------------------
# staff → User


def staff_email(row: dict) -> str | None:
	email = clean.clean_email(row.get("email"))
	return email if isinstance(email, str) else None


# ---------------------------------------------------------------------------------------
# accord_paiement → Payment Arrangement


def convert_accord(row: dict, ctx: Context) -> Plan:
	notes = Notes()
	amount = money(notes, row.get("montant"), "montant")
	customer = _with_amount(lambda: parent(ctx, "account", row.get("account_id")), amount)
	method = clean.arrangement_method(row.get("method"))
	if isinstance(method, Invalid):
		notes.warn(UNKNOWN_CODE, f"{method}, Unset used")
		method = "Unset"
	status = clean.arrangement_status(row.get("status"))
	if isinstance(status, Invalid):
		raise Rejected(UNKNOWN_CODE, str(status), amount)
	agent = None
	if _positive(row.get("staff_id")):
		agent = ctx.names["staff"].get(row["staff_id"])
		if not agent:
			notes.warn(NO_TARGET, f"staff_id {row['staff_id']}: no such staff member")
	values = {
		"customer": customer,
		"amount": amount,
		"method": method,
		"status": status,
		"agent": agent,
		"agreed_date": to_date(notes, row.get("date_accord"), "date_accord"),
		"due_date": to_date(notes, row.get("date_echeance"), "date_echeance"),
		"cutoff_date": to_date(notes, row.get("date_coupure"), "date_coupure"),
		"note": notes.text(row.get("note"), multiline=True, what="note"),
		"reason": notes.text(row.get("raison_changement"), multiline=True, what="raison_changement"),
		"legacy_accord_id": str(row["id"]),
	}
	return Plan("Payment Arrangement", values, warnings=notes.warnings, amount=amount)


def _with_amount(find, amount):
	"""Run a parent lookup, carrying the row's amount into the rejection for the reconciliation."""
	try:
		return find()
	except Rejected as rejected:
		rejected.issue.amount = amount
		raise


# ---------------------------------------------------------------------------------------
# bon_travail (+ bon_travail_item) → Dispatch Job


def technician_row(ctx, notes: Notes, staff_id, arrive, depart, which: str) -> dict | None:
	if not _positive(staff_id):
		return None
	user = ctx.names["staff"].get(staff_id)
	if not user:
		notes.warn(NO_TARGET, f"{which} {staff_id}: no such staff member")
		return None
	return {
		"technician": user,
		"arrival_time": to_datetime(notes, arrive, f"heure_arrive_{which}"),
		"departure_time": to_datetime(notes, depart, f"heure_depart_{which}"),
		"legacy_staff_id": str(staff_id),
	}


def convert_bon(row: dict, ctx: Context, items: list[dict]) -> Plan:
	notes = Notes()
	total = money(notes, row.get("total"), "total")
	customer = _with_amount(lambda: parent(ctx, "account", row.get("account_id")), total)
	technicians = []
	for staff_id, arrive, depart, which in (
		(row.get("tech1"), row.get("heure_arrive_t1"), row.get("heure_depart_t1"), "t1"),
		(row.get("tech2"), row.get("heure_arrive_t2"), row.get("heure_depart_t2"), "t2"),
	):
		tech = technician_row(ctx, notes, staff_id, arrive, depart, which)
		if tech and all(t["technician"] != tech["technician"] for t in technicians):
			technicians.append(tech)
	parts = []
	for item in items:
		product = ctx.names["product"].get(item.get("product_id"))
		if not product:
			notes.warn(UNKNOWN_PRODUCT, f"bon_travail_item {item['id']}: product {item.get('product_id')}")
		parts.append(
			{
				"item": product,
				"description": notes.text(item.get("desc"), what="desc"),
				"qty": float(clean.to_decimal(item.get("qte")) or 0) if item.get("qte") is not None else 1,
				"rate": money(notes, item.get("price"), "price"),
				"legacy_bon_travail_item_id": str(item["id"]),
			}
		)
	values = {
		"job_type": "Support",
		"customer": customer,
		# Work orders in the legacy system are records of visits done.
		"status": "Completed",
		"scheduled_date": to_date(notes, row.get("date"), "date"),
		"technicians": technicians,
		"parts": parts,
		"subtotal": money(notes, row.get("subtotal"), "subtotal"),
		"tps": money(notes, row.get("tps"), "tps"),
		"tvq": money(notes, row.get("tvq"), "tvq"),
		"total": total,
		"notes": notes.text(row.get("note"), multiline=True, what="note"),
		"legacy_bon_travail_id": str(row["id"]),
	}
	return Plan(
		"Dispatch Job",
		values,
		warnings=notes.warnings,
		amount=total,
		merged=[("bon_travail_item", i["id"]) for i in items],
	)


# ---------------------------------------------------------------------------------------
# account_profile, account.ppa_*, account.stripe_id → Payment Method


def convert_profile(row: dict, ctx: Context) -> Plan:
	customer = parent(ctx, "account", row.get("account_id"))
	values = {
		"customer": customer,
		"processor": "Paysafe",
		"profile_id": clean.clean_text(row.get("profile_id")),
		"card_id": clean.clean_text(row.get("card_id")),
		"processor_token": clean.clean_text(row.get("token")),
		"initial_transaction": clean.clean_text(row.get("initial_transaction")),
		"legacy_payment_method_id": f"profile-{row['id']}",
		"legacy_account_id": str(row.get("account_id")),
	}
	return Plan("Payment Method", values)


def convert_ppa(row: dict, ctx: Context) -> Plan:
	customer = parent(ctx, "account", row.get("id"))
	notes = Notes()
	values = {
		"customer": customer,
		"processor": "Bank Draft",
		"account_holder": notes.text(row.get("ppa_name"), ctx.vocabulary, what="ppa_name"),
		"institution_number": clean.clean_text(row.get("ppa_code")),
		"transit_number": clean.clean_text(row.get("ppa_branch")),
		"account_number": clean.clean_text(row.get("ppa_account")),
		"ppa_enabled": 1 if row.get("ppa") == 1 else 0,
		"ppa_fixed_amount": 1 if row.get("ppa_fixed") else 0,
		"ppa_amount": money(notes, row.get("ppa_amount"), "ppa_amount"),
		"ppa_amount_buffer": money(notes, row.get("ppa_amount_buffer"), "ppa_amount_buffer"),
		"legacy_payment_method_id": f"ppa-{row['id']}",
		"legacy_account_id": str(row["id"]),
	}
	return Plan("Payment Method", values, warnings=notes.warnings)


def convert_stripe(row: dict, ctx: Context) -> Plan:
	customer = parent(ctx, "account", row.get("id"))
	values = {
		"customer": customer,
		"processor": "Stripe",
		"stripe_customer_id": clean.clean_text(row.get("stripe_id")),
		"ppa_enabled": 1 if row.get("stripe_ppa") == 1 else 0,
		"legacy_payment_method_id": f"stripe-{row['id']}",
		"legacy_account_id": str(row["id"]),
	}
	return Plan("Payment Method", values)


# ---------------------------------------------------------------------------------------
# pbx + phone_addr + phone_provisioning → VoIP Line


LINE_STATUS = {"Active": "Active", "Pending": "Active", "Suspended": "Suspended", "Cancelled": "Cancelled"}


def did_of(value) -> str | None:
	return normalize_phone(clean.clean_text(value)) if value else None


def e911_values(notes: Notes, ctx: Context, addr: dict) -> dict:
	civic = clean.clean_text(addr.get("street_number"))
	parts = clean.clean_address(f"{civic} x") if civic else None
	town = city(ctx, notes, addr.get("city"))
	cls = (clean.clean_text(addr.get("class_service")) or "RES").upper()
	if cls not in ("RES", "BUS"):
		notes.warn(UNKNOWN_CODE, f"class_service {cls!r}, RES used")
		cls = "RES"
	return {
		"e911_civic_number": parts.civic_number if parts and parts.civic_number else civic,
		"e911_civic_suffix": parts.civic_suffix if parts else None,
		"e911_apartment": clean.clean_text(addr.get("apt")),
		"e911_street": notes.text(addr.get("street_name"), ctx.vocabulary, what="street_name"),
		"e911_city": town,
		"e911_province": notes.value(clean.clean_province(addr.get("state")), "QC"),
		"e911_postal_code": postal_code(notes, addr.get("zip")),
		"e911_cauca_code": clean.clean_text(addr.get("code_cauca")),
		"e911_class": cls,
		"legacy_phone_addr_id": str(addr["id"]),
	}


def ata_values(notes: Notes, prov: dict) -> dict:
	raw_mac = clean.clean_text(prov.get("mac"))
	mac = normalize_mac(raw_mac) if raw_mac else None
	if raw_mac and not mac:
		notes.warn(INVALID, f"mac {raw_mac!r}: not a MAC address")
	return {
		"ata_model": (clean.clean_text(prov.get("app")) or "").upper() or None,
		"ata_mac": mac,
		"ata_password": prov.get("password") or None,
		"international_calls": 1 if prov.get("internationnal") else 0,
		"legacy_phone_provisioning_id": str(prov["id"]),
	}


def convert_pbx(row: dict, ctx: Context, account_statuses: dict) -> Plan:
	customer = parent(ctx, "account", row.get("account_id"))
	notes = Notes()
	did = did_of(row.get("phone"))
	if not did:
		raise Rejected(INVALID, f"phone {row.get('phone')!r}: not a 10-digit North-American number")
	location = ctx.names["delivery"].get(_positive(row.get("delivery_id")))
	if _positive(row.get("delivery_id")) and not location:
		notes.warn(NO_TARGET, f"delivery {row.get('delivery_id')}: not imported, line without location")
	service = ctx.services.get(_positive(row.get("service_id")))
	status = clean.service_status(service.get("status")) if service else None
	if not isinstance(status, str):
		status = {"Closed": "Cancelled", "Suspended": "Suspended"}.get(
			account_statuses.get(row.get("account_id")) or "", "Active"
		)
	language = clean.language(row.get("language")) if row.get("language") else "fr"
	values = {
		"did": did,
		"status": LINE_STATUS[status],
		"customer": customer,
		"service_location": location,
		"caller_id_name": notes.text(row.get("name"), ctx.vocabulary, what="name"),
		"sip_username": did,
		"sip_password": row.get("password") or None,
		"extension": clean.clean_text(row.get("int_code")),
		"max_calls": _positive(row.get("max_calls")),
		"call_timeout": _positive(row.get("call_timeout")),
		"language": notes.value(language, "fr"),
		"voicemail_enabled": 1 if row.get("has_vm") else 0,
		"voicemail_email": notes.value(clean.clean_email(row.get("vm_email"))),
		"voicemail_password": clean.clean_text(row.get("vm_password")),
		"legacy_pbx_id": str(row["id"]),
	}
	merged = []
	addr = ctx.phone_addr.get(did)
	if addr:
		values.update(e911_values(notes, ctx, addr))
		merged.append(("phone_addr", addr["id"]))
	prov = ctx.provisioning.get(did)
	if prov:
		values.update(ata_values(notes, prov))
		merged.append(("phone_provisioning", prov["id"]))
	return Plan("VoIP Line", values, warnings=notes.warnings, merged=merged)


def convert_phone_addr(row: dict, ctx: Context) -> Plan:
	"""A 911 registration no line carries any more: a cancelled line that keeps its address."""
	customer = parent(ctx, "account", row.get("account_id"))
	notes = Notes()
	did = did_of(row.get("phone"))
	if not did:
		raise Rejected(INVALID, f"phone {row.get('phone')!r}: not a 10-digit North-American number")
	values = {"did": did, "status": "Cancelled", "customer": customer, "sip_username": did}
	values.update(e911_values(notes, ctx, row))
	return Plan("VoIP Line", values, warnings=notes.warnings)


# ---------------------------------------------------------------------------------------
# account_suspension → Suspension Log


def convert_suspension(row: dict, ctx: Context) -> Plan:
	customer = parent(ctx, "account", row.get("account_id"))
	notes = Notes()
	values = {
		"customer": customer,
		"from_date": to_date(notes, row.get("date_start"), "date_start"),
		"to_date": to_date(notes, row.get("date_end"), "date_end"),
		"suspended_by": None,  # the legacy system did not record who
		"reason": notes.text(row.get("note"), multiline=True, what="note"),
		"legacy_suspension_id": str(row["id"]),
	}
	return Plan("Suspension Log", values, warnings=notes.warnings)


# ---------------------------------------------------------------------------------------
# ip_history, delivery_history → rows of the Service Location


def convert_ip(row: dict, ctx: Context) -> Plan:
	location = parent(ctx, "delivery", row.get("delivery_id"))
	notes = Notes()
	ip = clean.clean_ip(row.get("ip"))
	if isinstance(ip, Invalid):
		raise Rejected(INVALID, str(ip))
	if ip is None:
		raise Rejected(MISSING, "no IP address")
	values = {
		"parent": location,
		"ip_address": ip,
		"assigned_on": to_datetime(notes, row.get("date"), "date"),
		"legacy_ip_history_id": str(row["id"]),
	}
	return Plan("IP History", values, warnings=notes.warnings)


def convert_delivery_history(row: dict, ctx: Context) -> Plan:
	location = parent(ctx, "delivery", row.get("delivery_id"))
	notes = Notes()
	parts = split(ctx, notes, row.get("address1"), row.get("address2"))
	line = location_title(parts.civic_number, parts.civic_suffix, parts.street, None, None)
	values = {
		"parent": location,
		"changed_on": to_datetime(notes, row.get("date_orig"), "date_orig"),
		"address_line": line[:140] or None,
		"apartment": parts.apartment,
		"city": city(ctx, notes, row.get("city")),
		"province": notes.value(clean.clean_province(row.get("state")), "QC"),
		"postal_code": postal_code(notes, row.get("zip")),
		"legacy_delivery_history_id": str(row["id"]),
	}
	return Plan("Address History", values, warnings=notes.warnings)


def newest_by(rows, key) -> tuple[dict, dict[int, int]]:
	"""The newest row (highest id) for each key, and for the others the id that supersedes them."""
	newest: dict = {}
	for row in sorted(rows, key=lambda r: r["id"]):
		k = key(row)
		if k:
			newest[k] = row
	superseded = {}
	for row in rows:
		k = key(row)
		if k and newest[k]["id"] != row["id"]:
			superseded[row["id"]] = newest[k]["id"]
	return newest, superseded
