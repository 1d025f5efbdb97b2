"""What every table's conversion shares. Pure Python: no frappe, no database.

Each table module of ``legacy/tables/`` has a ``convert_*`` function that takes one legacy
row (a dict, as pymysql reads it) and the :class:`Context` the run filled from the legacy
database and the site (which legacy ids became which records, the catalogue, the staff
users…), and returns a :class:`Plan`: the document(s) to write, with the warnings about
values it had to leave out. A row that cannot become a record raises :class:`Rejected` with
the reason. Nothing here decides what the doctypes decide (statuses allowed, uniqueness,
required links): the steps run the doctypes' own rules on the plans.

Values follow the cleaning rules of ``clean.py`` and the app's own rules (``rules.address``
for postal codes, coordinates and address lines, ``rules.phone`` for phone numbers,
``service.identifiers`` for MACs and serials), so that "unknown" is empty, never 0, and every
repaired value is the one a person would have typed.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.clean import Invalid
from gigafibre_fsm.rules.address import format_coordinate, parse_coordinate
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
NOT_OFFERED = "Imported not offered: the pricing engine cannot sell it as it is"

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
	"""What the conversions need to know beyond the row itself; filled by the run and its steps."""

	now: datetime | None = None
	# Legacy ids present in the source (to tell an orphan from a parent that was rejected).
	source_ids: dict[str, set] = field(default_factory=lambda: defaultdict(set))
	# Legacy id → name of the record it became, per source table.
	names: dict[str, dict] = field(default_factory=lambda: defaultdict(dict))
	territory: str | None = None
	company: str | None = None
	currency: str = "CAD"
	price_list: str | None = None
	item_group: str | None = None
	uom: str = "Nos"
	vocabulary: tuple[str, ...] = clean.QUEBEC_WORDS
	cities: dict[str, str] = field(default_factory=dict)  # city_key → spelling kept
	municipality_codes: dict[str, str] = field(default_factory=dict)  # city_key → CAUCA code
	account_statuses: dict[int, str | None] = field(default_factory=dict)  # account id → status
	suspensions: dict[int, list[dict]] = field(default_factory=dict)  # account id → rows
	first_delivery: dict[int, dict] = field(default_factory=dict)  # account id → delivery row
	services_by_delivery: dict[int, list[dict]] = field(default_factory=dict)
	services: dict[int, dict] = field(default_factory=dict)  # service id → row
	products: dict[int, dict] = field(default_factory=dict)  # product id → row
	item_codes: set[str] = field(default_factory=set)  # Items that exist (by item code)
	line_profiles: dict[int, dict] = field(default_factory=dict)  # fibre_lineprofile by id
	olts: dict[str, str] = field(default_factory=dict)  # IP → OLT name
	wifi: dict[str, dict] = field(default_factory=dict)  # MAC → newest genieacs.wifi row
	voip: dict[str, dict] = field(default_factory=dict)  # serial → newest genieacs.voip row
	radius: dict[int, dict] = field(default_factory=dict)  # device id → service row with RADIUS
	phone_addr: dict[str, dict] = field(default_factory=dict)  # DID → newest phone_addr row
	provisioning: dict[str, dict] = field(default_factory=dict)  # DID → newest phone_provisioning row
	line_dids: set[str] = field(default_factory=set)  # DIDs of pbx lines


class Notes:
	"""Collects the warnings of one row while its values are cleaned."""

	def __init__(self):
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


# ---------------------------------------------------------------------------------------
# Legacy ids and parents


def legacy_key(value) -> str | None:
	"""A legacy id as stored in a legacy-id field; 0 and NULL mean none."""
	if value is None or value == "" or value == 0:
		return None
	return str(value)


def positive(value) -> int | None:
	"""A legacy id or a count: a whole number above 0, else None (0 meant "none")."""
	try:
		number = int(value)
	except (TypeError, ValueError):
		return None
	return number if number > 0 else None


def parent(ctx: Context, table: str, ident, what: str | None = None) -> str:
	"""The record a parent row became, or Rejected as an orphan / a child of a rejected row."""
	key = positive(ident)
	name = ctx.names[table].get(key) if key is not None else None
	if name:
		return name
	what = what or table
	if key is None or key not in ctx.source_ids[table]:
		raise Rejected(ORPHAN.format(what), f"{what} {ident}")
	raise Rejected(PARENT_NOT_IMPORTED.format(what), f"{what} {ident}")


def with_amount(find, amount):
	"""Run a parent lookup, carrying the row's amount into the rejection for the reconciliation."""
	try:
		return find()
	except Rejected as rejected:
		rejected.issue.amount = amount
		raise


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


# ---------------------------------------------------------------------------------------
# Values


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
	"""A customer's phone in its readable form; kept as typed when it is not a 10-digit number."""
	text = clean.clean_text(value)
	if not text:
		return None
	did = normalize_phone(text)
	if did:
		return format_phone(did)
	notes.warn(INVALID, f"{what} {text!r}: not a 10-digit number, kept as typed")
	return text


def mac_address(notes: Notes, value, what: str = "mac") -> str | None:
	"""A MAC in the equipment's form; a value that is not one is left out with a warning."""
	text = clean.clean_text(value)
	mac = normalize_mac(text)
	if text and not mac:
		notes.warn(INVALID, f"{what} {text!r}: not a MAC address")
	return mac


def serial_number(notes: Notes, value, what: str = "sn") -> str | None:
	"""A serial in the equipment's form; a value that is not one is left out with a warning."""
	text = clean.clean_text(value)
	serial = normalize_serial(text)
	if text and not serial:
		notes.warn(INVALID, f"{what} {text!r}: not a serial number")
	return serial


def split(ctx: Context, notes: Notes, address1, address2=None):
	"""Address lines in parts (``rules.address.split_address``), a damaged street restored."""
	parts = clean.clean_address(address1, address2)
	street = parts.street
	if street and clean.text_is_lossy(street, single_line=True):
		street = notes.text(street, ctx.vocabulary, what="street")
	return parts._replace(street=street)
