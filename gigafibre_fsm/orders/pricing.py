"""The one pricing engine: website quote, agent order and first invoice. Pure Python.

Everything it knows about products comes from the catalogue it is given — plain data built
from Item rows by `catalogue_from_items()` — never from SKUs written in this module: the
price, the billing (monthly or once), the kind of product, the speeds, whether it counts
toward combo discounts, the discount rules, the zone prices, which items come
automatically with a service (SERV911 with every phone line, ACTTELEP once per order
with phone, the installation with internet, a TV box with TV) and how many units are
offered free (the first TV box).

    catalogue = catalogue_from_items(frappe.get_all("Item", fields=ITEM_FIELDS, filters=...))
    quote = price_order(catalogue, [{"sku": "FTTH500I", "qty": 1}], max_speed_mbps=1500, zone="Z1")
    quote.due_at_installation.total, quote.monthly.total, quote.to_dict(), quote.quotation_items()

Rules, each explained where it is applied:
- money is `Decimal`, rounded half-up to the cent (`to_cents`), as Québec invoices do;
- the number of services for combo discounts is a count of subscriptions (`count_services`);
- the first month is pro-rated by days (`Proration`);
- TPS and TVQ are computed separately on the same taxable base, each rounded (`Totals`,
  billing/taxes.py);
- bad input raises a `PricingError` subclass naming the field, for a 4xx answer; a bad
  catalogue raises `CatalogueError`, which is the site's fault, not the customer's.
"""

import calendar
import datetime
import json
import numbers
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from gigafibre_fsm.billing.taxes import QUEBEC, ZERO, TaxRates, Totals, to_cents

INTERNET, TV, TV_ADDON, PHONE, FEE, DISCOUNT, EQUIPMENT = (
	"internet",
	"tv",
	"tv_addon",
	"phone",
	"fee",
	"discount",
	"equipment",
)
KINDS = (INTERNET, TV, TV_ADDON, PHONE, FEE, DISCOUNT, EQUIPMENT)
# What a customer subscribes to; an order must hold at least one.
SERVICE_KINDS = (INTERNET, TV, TV_ADDON, PHONE)
# Kinds whose presence can bring an item with it (Item field `added_with`).
PARENT_KINDS = (INTERNET, TV, PHONE)

MONTHLY, ONCE = "monthly", "once"
BILLINGS = (MONTHLY, ONCE)

COMBO, COMMITMENT, SPECIAL = "combo", "commitment", "special"
DISCOUNT_RULES = (COMBO, COMMITMENT, SPECIAL)
# Why a negative line is there; FREE_UNIT is the credit for units offered free, PRORATION
# the days of the installation month before the installation (a line without an Item).
FREE_UNIT = "free_unit"
PRORATION = "proration"
PRORATION_SKU = ""

# How many units of an item that comes with a service (Item field `added_quantity`):
# one per unit of the service (SERV911 per phone line), one per order (ACTTELEP,
# installation), or at least one, more when the customer asks (TV boxes).
PER_UNIT, PER_ORDER, AT_LEAST_ONE = "per_unit", "per_order", "at_least_one"
ADDED_QUANTITIES = (PER_UNIT, PER_ORDER, AT_LEAST_ONE)

# One plan, one package, one of each add-on per location; other items up to MAX_QTY
# unless the Item says otherwise (`max_order_qty`).
SINGLE_UNIT_KINDS = (INTERNET, TV, TV_ADDON, DISCOUNT)
MAX_QTY = 10

# Item fields `catalogue_from_items` reads: the Frappe side passes
# frappe.get_all("Item", fields=ITEM_FIELDS, filters={"service_type": ["is", "set"]}).
ITEM_FIELDS = (
	"item_code",
	"item_name",
	"standard_rate",
	"disabled",
	"service_type",
	"billing_interval",
	"combo_ready",
	"download_mbps",
	"upload_mbps",
	"olt_line_profile",
	"discount_rule",
	"combo_count",
	"commitment_months",
	"zone_prices",
	"added_with",
	"added_quantity",
	"free_qty",
	"max_order_qty",
)


class Message(str):
	"""Text a person reads, left untranslated here: the web layer translates it."""


def _(text: str) -> Message:
	"""Mark text for Frappe's translation extractor (which looks for `_("…")`)."""
	return Message(text)


# ---------------------------------------------------------------------------------------
# Errors


class PricingError(ValueError):
	"""Invalid input to the engine: the web layer answers 4xx with `field` and the message.

	`template` and `params` are kept apart so the message is translated before the values
	go in: `err.render(frappe._)`; `str(err)` is the untranslated message.
	"""

	http_status = 400

	def __init__(self, field: str, template: str, *params: object) -> None:
		self.field = field
		self.template = template
		self.params = params
		super().__init__(template.format(*params))

	@property
	def message(self) -> str:
		return str(self)

	def render(self, translate: Callable[[str], str] | None = None) -> str:
		"""The message with the template and the words in it passed through `translate` (frappe._)."""
		if translate is None:
			return str(self)
		params = [translate(p) if isinstance(p, Message) else p for p in self.params]
		return translate(self.template).format(*params)

	def __reduce__(self):
		# Exceptions pickle as cls(*args); ours take (field, template, *params).
		return (type(self), (self.field, self.template, *self.params))


class EmptyBasketError(PricingError):
	"""No service in the order (an order is at least one internet, TV or phone service)."""


class UnknownItemError(PricingError):
	"""A SKU that is not in the catalogue, or blank."""


class DuplicateItemError(PricingError):
	"""The same SKU twice in one basket: the client must send one line with its quantity."""


class QuantityError(PricingError):
	"""A quantity that is not a whole number, or outside 1 … the item's maximum."""


class ConflictingItemsError(PricingError):
	"""Two items of which an order may hold one: two internet plans, two TV packages."""


class MissingRequirementError(PricingError):
	"""An item without what it needs: a TV add-on without a TV package, TV without internet."""


class AutomaticItemError(PricingError):
	"""An item the engine adds or refuses by itself (SERV911, combo discounts…) sent by the client."""


class ServiceUnavailableError(PricingError):
	"""A fibre service where the address has no fibre drop."""


class SpeedUnavailableError(ServiceUnavailableError):
	"""An internet plan faster than the drop's maximum speed."""


class InvalidCommitmentError(PricingError):
	"""A commitment length the catalogue has no discount for."""


class InvalidInstallDateError(PricingError):
	"""An installation date that is not a date."""


class CatalogueError(ValueError):
	"""An Item whose attributes the engine cannot use: a set-up error, not the customer's.

	Deliberately not a `PricingError`, so the web layer does not blame the visitor (4xx)
	for the site's catalogue.
	"""

	def __init__(self, sku: str, template: str, *params: object) -> None:
		self.sku = sku
		self.template = template
		self.params = params
		super().__init__(f"{sku}: {template.format(*params)}")

	def render(self, translate: Callable[[str], str] | None = None) -> str:
		"""The message without the SKU, translated by `translate` (frappe._) when given."""
		if translate is None:
			return self.template.format(*self.params)
		params = [translate(p) if isinstance(p, Message) else p for p in self.params]
		return translate(self.template).format(*params)

	def __reduce__(self):
		return (type(self), (self.sku, self.template, *self.params))


# ---------------------------------------------------------------------------------------
# Catalogue


@dataclass(frozen=True)
class CatalogueItem:
	"""One product as the engine sees it; built from an Item by `catalogue_from_items`.

	`price` is the list price before taxes, never negative: a discount's price is the
	amount taken off (ERPNext keeps list prices positive), and the engine makes its line
	negative. `zone_prices` replaces `price` in the zones it names.
	"""

	sku: str
	name: str
	kind: str
	price: Decimal
	billing: str
	down_mbps: int | None = None
	up_mbps: int | None = None
	line_profile: int | None = None
	combo_ready: bool = False
	discount_rule: str | None = None
	combo_count: int | None = None
	commitment_months: int | None = None
	zone_prices: Mapping[str, Decimal] = field(default_factory=dict)
	added_with: str | None = None
	added_quantity: str | None = None
	free_qty: int = 0
	max_qty: int | None = None

	def __post_init__(self) -> None:
		def fail(template: str, *params: object) -> None:
			raise CatalogueError(self.sku or "?", template, *params)

		if not self.sku:
			fail(_("an item needs a code"))
		if self.kind not in KINDS:
			fail(_("kind {0} is not one of {1}"), repr(self.kind), ", ".join(KINDS))
		if self.billing not in BILLINGS:
			fail(_("billing {0} is not one of {1}"), repr(self.billing), ", ".join(BILLINGS))
		if not isinstance(self.price, Decimal) or self.price < 0:
			fail(_("the price {0} must be zero or more"), self.price)
		zones = {}
		for zone, price in self.zone_prices.items():
			if not isinstance(price, Decimal) or price < 0:
				fail(_("the price {0} in zone {1} must be zero or more"), price, zone)
			zones[_zone_key(zone)] = price
		# Frozen: keep the zone table read-only too.
		object.__setattr__(self, "zone_prices", MappingProxyType(zones))

		if self.kind == DISCOUNT:
			if self.discount_rule not in DISCOUNT_RULES:
				fail(_("a discount needs a rule: {0}"), ", ".join(DISCOUNT_RULES))
			if self.discount_rule == COMBO and not (self.combo_count or 0) >= 2:
				fail(_("a combo discount needs the number of services it rewards (2 or more)"))
			if self.discount_rule == COMMITMENT and not (self.commitment_months or 0) > 0:
				fail(_("a commitment discount needs its number of months"))
		elif self.discount_rule:
			fail(_("only a discount has a discount rule"))
		for label, number in (
			(_("the download speed"), self.down_mbps),
			(_("the upload speed"), self.up_mbps),
			(_("the OLT line profile"), self.line_profile),
			(_("the number of services"), self.combo_count),
			(_("the number of months"), self.commitment_months),
		):
			if number is not None and number < 0:
				fail(_("{0} cannot be negative ({1})"), label, number)
		if self.kind == INTERNET and not (self.down_mbps or 0) > 0:
			fail(_("an internet plan needs its download speed"))
		if bool(self.added_with) != bool(self.added_quantity):
			fail(_("an item added with a service needs both the service and the quantity rule"))
		if self.added_with and self.added_with not in PARENT_KINDS:
			fail(_("added with {0}: not one of {1}"), repr(self.added_with), ", ".join(PARENT_KINDS))
		if self.added_quantity and self.added_quantity not in ADDED_QUANTITIES:
			fail(
				_("added quantity {0}: not one of {1}"),
				repr(self.added_quantity),
				", ".join(ADDED_QUANTITIES),
			)
		if self.added_with and self.kind in (*SERVICE_KINDS, DISCOUNT):
			fail(_("a service or a discount cannot come automatically with another service"))
		if self.free_qty < 0 or (self.free_qty and self.kind != EQUIPMENT):
			fail(_("only equipment can have units offered free"))
		if self.max_qty is not None and self.max_qty < 1:
			fail(_("the maximum quantity must be 1 or more"))

	@property
	def recurring(self) -> bool:
		return self.billing == MONTHLY

	@property
	def automatic(self) -> bool:
		"""Added by the engine alone: the client never sends it."""
		return self.added_quantity in (PER_UNIT, PER_ORDER) or self.discount_rule in (COMBO, COMMITMENT)

	@property
	def order_limit(self) -> int:
		"""The most units of this item one order may hold."""
		if self.max_qty:
			return self.max_qty
		return 1 if self.kind in SINGLE_UNIT_KINDS else MAX_QTY

	def price_in(self, zone: str | None) -> Decimal:
		"""The list price at a drop of this zone: the zone's own price, else the standard one."""
		if zone is not None:
			zone_price = self.zone_prices.get(_zone_key(zone))
			if zone_price is not None:
				return zone_price
		return self.price


Catalogue = Mapping[str, CatalogueItem]


def _zone_key(zone: str) -> str:
	return str(zone).strip().upper()


def _row_int(row: Mapping, fieldname: str, sku: str) -> int | None:
	"""An Int field; Frappe stores an empty Int as 0, which here means "not set"."""
	value = row.get(fieldname)
	if value in (None, ""):
		return None
	try:
		number = int(value)
	except (TypeError, ValueError):
		raise CatalogueError(sku, _("{0} {1} is not a whole number"), fieldname, repr(value)) from None
	return number or None


def _row_money(value: object, sku: str, what: str) -> Decimal:
	try:
		# str() first: Frappe hands Currency fields over as floats (49.95 → "49.95").
		return to_cents(Decimal(str(value if value not in (None, "") else 0)))
	except (InvalidOperation, TypeError, ValueError):
		raise CatalogueError(sku, _("{0} {1} is not an amount"), what, repr(value)) from None


def _row_choice(row: Mapping, fieldname: str) -> str | None:
	value = row.get(fieldname)
	if value is None:
		return None
	return str(value).strip().lower() or None


def _row_zone_prices(value: object, sku: str) -> dict[str, Decimal]:
	"""The JSON field `zone_prices`: {"Z2": 104.95}; Frappe returns a JSON field as text."""
	if value in (None, "", "{}"):
		return {}
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			raise CatalogueError(sku, _("the prices by zone {0} are not JSON"), repr(value)) from None
	if not isinstance(value, Mapping):
		raise CatalogueError(sku, _("the prices by zone must be an object like {0}"), '{"Z2": 104.95}')
	prices = {}
	for zone, price in value.items():
		amount = _row_money(price, sku, f"price in zone {zone!r}")
		if amount < 0:
			raise CatalogueError(sku, _("the price in zone {0} is negative"), zone)
		prices[str(zone)] = amount
	return prices


# A kind's billing when the Item leaves `billing_interval` empty; a fee has none, since
# SERV911 is monthly and ACTTELEP once.
_DEFAULT_BILLING = {
	INTERNET: MONTHLY,
	TV: MONTHLY,
	TV_ADDON: MONTHLY,
	PHONE: MONTHLY,
	DISCOUNT: MONTHLY,
	EQUIPMENT: ONCE,
}


def item_from_row(row: Mapping) -> CatalogueItem:
	"""One `CatalogueItem` from an Item row (a dict with the fields in `ITEM_FIELDS`)."""
	sku = str(row.get("item_code") or "").strip()
	if not sku:
		raise CatalogueError("?", _("an Item row without item_code"))
	kind = _row_choice(row, "service_type")
	if kind is None:
		raise CatalogueError(sku, _("the service type is not set"))
	billing = _row_choice(row, "billing_interval") or _DEFAULT_BILLING.get(kind)
	if billing is None:
		raise CatalogueError(sku, _("the billing interval (Monthly or Once) is not set"))
	price = _row_money(row.get("standard_rate"), sku, "standard_rate")
	if kind == DISCOUNT:
		# catalogue.py once kept discounts negative; whichever sign, the size is what counts.
		price = abs(price)
	elif price < 0:
		raise CatalogueError(sku, _("the standard rate is negative"))
	return CatalogueItem(
		sku=sku,
		name=str(row.get("item_name") or sku),
		kind=kind,
		price=price,
		billing=billing,
		down_mbps=_row_int(row, "download_mbps", sku),
		up_mbps=_row_int(row, "upload_mbps", sku),
		line_profile=_row_int(row, "olt_line_profile", sku),
		combo_ready=bool(_row_int(row, "combo_ready", sku)),
		discount_rule=_row_choice(row, "discount_rule"),
		combo_count=_row_int(row, "combo_count", sku),
		commitment_months=_row_int(row, "commitment_months", sku),
		zone_prices=_row_zone_prices(row.get("zone_prices"), sku),
		added_with=_row_choice(row, "added_with"),
		added_quantity=_row_choice(row, "added_quantity"),
		free_qty=_row_int(row, "free_qty", sku) or 0,
		max_qty=_row_int(row, "max_order_qty", sku),
	)


def catalogue_from_items(rows: Iterable[Mapping]) -> dict[str, CatalogueItem]:
	"""The engine's catalogue (SKU → `CatalogueItem`) from Item rows.

	Rows without a `service_type` are ERPNext items this app does not sell and are left
	out, as are disabled ones. Keys keep the Item's code; lookups ignore case.
	"""
	catalogue: dict[str, CatalogueItem] = {}
	for row in rows:
		if not row.get("service_type") or row.get("disabled"):
			continue
		item = item_from_row(row)
		if item.sku.upper() in (s.upper() for s in catalogue):
			raise CatalogueError(item.sku, _("two Items with this code"))
		catalogue[item.sku] = item
	return catalogue


def available_plans(catalogue: Catalogue, *, max_speed_mbps: int | None, zone: str | None = None) -> dict:
	"""What the customer can choose at a drop, priced for its zone, for the availability page.

	Internet plans above the drop's maximum are left out; without fibre (`max_speed_mbps`
	None) only phone remains. Items the engine adds by itself are not offered.
	"""
	has_fibre = bool(max_speed_mbps)
	plans: dict[str, list[dict]] = {INTERNET: [], TV: [], TV_ADDON: [], PHONE: []}
	for item in catalogue.values():
		if item.kind not in plans or item.automatic or item.added_with:
			continue
		if item.kind == INTERNET and not (has_fibre and item.down_mbps <= max_speed_mbps):
			continue
		if item.kind in (TV, TV_ADDON) and not has_fibre:
			continue
		plan = {"sku": item.sku, "name": item.name, "monthly": item.price_in(zone)}  # Decimal
		if item.kind == INTERNET:
			plan.update(down_mbps=item.down_mbps, up_mbps=item.up_mbps)
		plans[item.kind].append(plan)
	plans[INTERNET].sort(key=lambda p: (p["down_mbps"], p["monthly"]))
	for kind in (TV, TV_ADDON, PHONE):
		plans[kind].sort(key=lambda p: (p["monthly"], p["sku"]))
	return plans


# ---------------------------------------------------------------------------------------
# Result


@dataclass(frozen=True)
class QuoteLine:
	"""One line of a quote, quotation or invoice.

	`amount` = `qty` × `rate`, negative for a discount or a credit; `rule` says why a
	negative line is there (combo, commitment, special, free_unit).
	"""

	sku: str
	description: str
	qty: int
	rate: Decimal
	amount: Decimal
	billing: str
	kind: str
	rule: str | None = None

	@property
	def recurring(self) -> bool:
		return self.billing == MONTHLY

	def to_dict(self) -> dict:
		return {
			"sku": self.sku,
			"description": self.description,
			"qty": self.qty,
			"rate": float(self.rate),
			"amount": float(self.amount),
			"billing": self.billing,
			"recurring": self.recurring,
			"kind": self.kind,
			"rule": self.rule,
		}


@dataclass(frozen=True)
class Proration:
	"""How much of the installation month the first invoice charges.

	Rule: service is billed by calendar month and the installation day counts as a day of
	service, so the first invoice charges the days from the installation date to the end
	of that month, inclusive:

	    days_billed = days_in_month − day_of_installation + 1
	    first month = monthly subtotal × days_billed / days_in_month, rounded half-up to the cent

	Installed on the 1st: the whole month; on the 15th of a 30-day month: 16/30; on the
	31st of a 31-day month: 1/31; on 15 February: 14/28, or 15/29 in a leap year. The
	regular invoice on the 1st of the next month then charges a full month. Without an
	installation date (a quote before the date is known) the first month is charged in
	full: the quote shows the most the customer will pay.

	The monthly subtotal is pro-rated as a whole, after discounts, and rounded once, so
	the first invoice's amount is exactly the quote's whatever the number of lines.
	"""

	install_date: datetime.date | None
	days_billed: int | None
	days_in_month: int | None

	@classmethod
	def of(cls, install_date: datetime.date | None) -> "Proration":
		"""The pro-rating for an installation on `install_date` (None: a full month)."""
		if install_date is None:
			return cls(None, None, None)
		days_in_month = calendar.monthrange(install_date.year, install_date.month)[1]
		return cls(install_date, days_in_month - install_date.day + 1, days_in_month)

	@property
	def is_full_month(self) -> bool:
		return self.days_billed == self.days_in_month

	def apply(self, monthly: Decimal) -> Decimal:
		"""The share of `monthly` the first invoice charges, rounded to the cent."""
		if self.is_full_month:
			return to_cents(monthly)
		return to_cents(monthly * self.days_billed / self.days_in_month)

	def to_dict(self) -> dict:
		return {
			"install_date": self.install_date.isoformat() if self.install_date else None,
			"days_billed": self.days_billed,
			"days_in_month": self.days_in_month,
		}


@dataclass(frozen=True)
class Quote:
	"""The priced order.

	`monthly` is what each regular month costs; `due_at_installation` is what the first
	invoice charges: the one-time items plus the pro-rated first month, taxes included.
	"""

	lines: tuple[QuoteLine, ...]
	services_count: int
	monthly_subtotal: Decimal
	one_time_subtotal: Decimal
	proration: Proration
	first_month: Decimal
	monthly: Totals
	due_at_installation: Totals
	zone: str | None = None

	@property
	def recurring_lines(self) -> tuple[QuoteLine, ...]:
		return tuple(line for line in self.lines if line.recurring)

	@property
	def one_time_lines(self) -> tuple[QuoteLine, ...]:
		return tuple(line for line in self.lines if not line.recurring)

	def to_dict(self) -> dict:
		"""The quote as JSON-ready data (money as numbers, dates ISO), for the API answer."""
		return {
			"lines": [line.to_dict() for line in self.lines],
			"services_count": self.services_count,
			"monthly_subtotal": float(self.monthly_subtotal),
			"one_time_subtotal": float(self.one_time_subtotal),
			"proration": self.proration.to_dict(),
			"first_month": float(self.first_month),
			"monthly": self.monthly.to_dict(),
			"due_at_installation": self.due_at_installation.to_dict(),
			"zone": self.zone,
		}

	def first_invoice_lines(self) -> tuple[QuoteLine, ...]:
		"""The lines of the installation invoice, whose net total is exactly what the quote
		calls due at installation (before taxes): the one-time lines, each monthly line for a
		whole month and, when the installation is not on the 1st, one line taking off the days
		of the month before it (the month is pro-rated as a whole, like the quote)."""
		lines = [*self.one_time_lines, *self.recurring_lines]
		if not self.proration.is_full_month:
			days_off = self.proration.days_in_month - self.proration.days_billed
			credit = self.first_month - self.monthly_subtotal
			lines.append(
				QuoteLine(
					PRORATION_SKU,
					f"Premier mois : {self.proration.days_billed} jours sur {self.proration.days_in_month} "
					f"({days_off} jours avant l'installation)",
					1,
					credit,
					credit,
					ONCE,
					DISCOUNT,
					PRORATION,
				)
			)
		return tuple(lines)

	def quotation_items(self) -> list[dict]:
		"""Rows for a Quotation's `items` table, one per line, in the quote's order.

		Discounts and credits have a negative rate: ERPNext accepts them only with
		Selling Settings' "Allow Negative rates for Items". `price_list_rate` is set to
		the rate so ERPNext does not replace the zone price with the Item's standard one.
		"""
		return [
			{
				"item_code": line.sku,
				"description": line.description,
				"qty": line.qty,
				"rate": float(line.rate),
				"price_list_rate": float(line.rate),
			}
			for line in self.lines
		]


# ---------------------------------------------------------------------------------------
# Pricing


@dataclass(frozen=True)
class BasketItem:
	"""One line the customer chose: a SKU and how many."""

	sku: str
	qty: int = 1


@dataclass
class _Chosen:
	position: int  # index in the client's list, for error field names
	item: CatalogueItem
	qty: int

	@property
	def sku_field(self) -> str:
		return f"items[{self.position}].sku"


def _read_qty(value: object, field_name: str) -> int:
	"""A whole quantity from JSON or a form: 2, 2.0, "2"; never a bool or 1.5."""
	if isinstance(value, bool):
		raise QuantityError(field_name, _("Quantity must be a whole number"))
	if isinstance(value, numbers.Integral):
		return int(value)
	try:
		number = Decimal(str(value).strip())
	except (InvalidOperation, ValueError):
		raise QuantityError(field_name, _("Quantity must be a whole number")) from None
	if not number.is_finite() or number != number.to_integral_value():
		raise QuantityError(field_name, _("Quantity must be a whole number"))
	return int(number)


def _read_basket(catalogue: Catalogue, items: Iterable) -> list[_Chosen]:
	by_code = {sku.upper(): item for sku, item in catalogue.items()}
	chosen: list[_Chosen] = []
	seen: dict[str, int] = {}
	for position, raw in enumerate(items):
		if isinstance(raw, BasketItem):
			sku, qty = raw.sku, raw.qty
		elif isinstance(raw, Mapping):
			sku, qty = raw.get("sku"), raw.get("qty", 1)
		elif isinstance(raw, tuple | list) and len(raw) == 2:
			sku, qty = raw
		else:
			raise UnknownItemError(f"items[{position}]", _("Each item needs a sku and a qty"))
		code = str(sku or "").strip().upper()
		sku_field = f"items[{position}].sku"
		if not code or code not in by_code:
			raise UnknownItemError(sku_field, _("Unknown product: {0}"), str(sku or "").strip() or "—")
		if code in seen:
			raise DuplicateItemError(
				sku_field,
				_("{0} is already in the order (line {1}): send it once with its quantity"),
				by_code[code].sku,
				seen[code] + 1,
			)
		seen[code] = position
		chosen.append(_Chosen(position, by_code[code], _read_qty(qty, f"items[{position}].qty")))
	return chosen


def _check_basket(chosen: list[_Chosen], max_speed_mbps: int | None, allow_special: bool) -> None:
	"""Refuse what cannot be sold, with the field to point at; first problem wins."""
	for line in chosen:
		item = line.item
		if item.automatic or (item.kind == DISCOUNT and not allow_special):
			raise AutomaticItemError(
				line.sku_field, _("{0} is added by the order itself and cannot be chosen"), item.sku
			)
		if not 1 <= line.qty <= item.order_limit:
			raise QuantityError(
				f"items[{line.position}].qty",
				_("Quantity of {0} must be between 1 and {1}"),
				item.sku,
				item.order_limit,
			)
		if item.kind == INTERNET:
			if not max_speed_mbps:
				raise ServiceUnavailableError(
					line.sku_field, _("Fibre internet is not available at this address")
				)
			if item.down_mbps > max_speed_mbps:
				raise SpeedUnavailableError(
					line.sku_field,
					_("{0} ({1} Mbps) is faster than this address allows ({2} Mbps)"),
					item.sku,
					item.down_mbps,
					max_speed_mbps,
				)

	for kind, what in ((INTERNET, _("internet plan")), (TV, _("TV package"))):
		of_kind = [line for line in chosen if line.item.kind == kind]
		if len(of_kind) > 1:
			raise ConflictingItemsError(
				of_kind[1].sku_field,
				_("Only one {0} per order: {1} and {2}"),
				what,
				of_kind[0].item.sku,
				of_kind[1].item.sku,
			)

	kinds = {line.item.kind for line in chosen}
	if not kinds & set(SERVICE_KINDS):
		raise EmptyBasketError("items", _("Choose at least one internet, TV or phone service"))
	for line in chosen:
		# TV is delivered over the fibre; an add-on or a box extends a TV package.
		needs = {TV: INTERNET, TV_ADDON: TV}.get(line.item.kind) or line.item.added_with
		if needs and needs not in kinds:
			raise MissingRequirementError(
				line.sku_field, _("{0} needs {1} in the same order"), line.item.sku, _NEEDS_TEXT[needs]
			)


_NEEDS_TEXT = {INTERNET: _("an internet plan"), TV: _("a TV package"), PHONE: _("a phone line")}


def count_services(chosen: Iterable[tuple[CatalogueItem, int]]) -> int:
	"""The number of services for the combo discounts (RAB2X/RAB3X/RAB4X).

	A service is a subscription: each unit of a combo-ready internet, TV or phone item the
	customer chose counts once. Each phone line is its own subscription (its own number,
	SIP account and 911 address), so the fourth service of RAB4X is a second phone line
	(internet + TV + 2 lines), or internet + 3 lines. Items the order adds by itself
	(SERV911…) never count, and an item counts only if its Item is `combo_ready`: the
	free TV base (TELE) and TV add-ons are meant to be set not combo-ready, so a $0
	package or a $5 extra channel does not earn a $5 discount.
	"""
	return sum(
		qty
		for item, qty in chosen
		if item.combo_ready and item.kind in SERVICE_KINDS and not item.added_with and not item.automatic
	)


def _combo_discount(catalogue: Catalogue, services: int) -> CatalogueItem | None:
	"""The combo discount for the most services the order reaches (5 services get RAB4X)."""
	combos = [
		item
		for item in catalogue.values()
		if item.discount_rule == COMBO and item.combo_count and item.combo_count <= services
	]
	return max(combos, key=lambda item: (item.combo_count, item.price, item.sku), default=None)


def _commitment_discount(catalogue: Catalogue, months: object) -> CatalogueItem | None:
	"""The discount for exactly this commitment; 0 or None is no commitment."""
	offered = sorted(
		{item.commitment_months for item in catalogue.values() if item.discount_rule == COMMITMENT}
	)
	try:
		number = _read_qty(0 if months in (None, "") else months, "commitment_months")
	except QuantityError:
		number = -1
	if number == 0:
		return None
	matching = [
		item
		for item in catalogue.values()
		if item.discount_rule == COMMITMENT and item.commitment_months == number
	]
	if not matching:
		raise InvalidCommitmentError(
			"commitment_months",
			_("Commitment must be 0 or one of: {0} months"),
			", ".join(str(m) for m in offered) or "—",
		)
	return max(matching, key=lambda item: (item.price, item.sku))


def _read_install_date(value: object) -> datetime.date | None:
	if value in (None, ""):
		return None
	if isinstance(value, datetime.datetime):
		return value.date()
	if isinstance(value, datetime.date):
		return value
	try:
		return datetime.date.fromisoformat(str(value).strip())
	except ValueError:
		raise InvalidInstallDateError(
			"install_date", _("Installation date must be a date like 2025-03-15")
		) from None


def _free_label(item: CatalogueItem, qty: int) -> str:
	# Customer-facing, so French like the rest of the catalogue ("1er décodeur offert").
	return f"{item.name} — 1er offert" if qty == 1 else f"{item.name} — {qty} offerts"


def price_order(
	catalogue: Catalogue,
	items: Iterable[BasketItem | Mapping | tuple],
	*,
	max_speed_mbps: int | None,
	zone: str | None = None,
	commitment_months: int | None = 0,
	install_date: datetime.date | str | None = None,
	already_owned: Mapping[str, int] | None = None,
	allow_special_discounts: bool = False,
	tax_rates: TaxRates = QUEBEC,
) -> Quote:
	"""Price a basket for a drop: the lines, the discounts, the first month and the taxes.

	- `items`: what the customer chose, as `BasketItem`s, {"sku", "qty"} dicts or (sku, qty)
	  pairs; errors name the field as `items[i].sku` / `items[i].qty`.
	- `max_speed_mbps`: the drop's maximum speed; None where there is no fibre (phone only).
	- `zone`: the drop's zone_tarifaire; items priced for that zone use that price.
	- `commitment_months`: 0 (none) or a length a commitment discount exists for.
	- `install_date`: the first month is pro-rated from it (see `Proration`).
	- `already_owned`: units the customer already has, by SKU (e.g. {"DECODEUR": 1}): the
	  units offered free are for a first one only ("1er décodeur offert").
	- `allow_special_discounts`: an agent may add a special discount (RAB_X); the website may not.

	Added by the engine: items that come with a service (SERV911 per phone line, ACTTELEP
	once with phone, the installation with internet, one TV box with TV), the credit for
	the free units, the combo discount for the number of services (`count_services`) and
	the commitment discount. A monthly subtotal never goes below zero: a discount larger
	than what is left is cut to what is left.
	"""
	chosen = _read_basket(catalogue, items)
	_check_basket(chosen, max_speed_mbps, allow_special_discounts)
	commitment = _commitment_discount(catalogue, commitment_months)
	proration = Proration.of(_read_install_date(install_date))
	owned = {str(sku).upper(): int(qty or 0) for sku, qty in (already_owned or {}).items()}

	parent_qty = {kind: sum(c.qty for c in chosen if c.item.kind == kind) for kind in PARENT_KINDS}
	wanted = {c.item.sku: c.qty for c in chosen}
	order = [c.item for c in chosen if c.item.kind != DISCOUNT]
	# Items that come with a service, in a fixed order whatever the catalogue's row order.
	for item in sorted(catalogue.values(), key=lambda i: i.sku):
		if item.added_with and parent_qty[item.added_with] and item.sku not in wanted:
			order.append(item)
	quantities = dict(wanted)
	for item in order:
		if item.added_quantity == PER_UNIT:
			quantities[item.sku] = parent_qty[item.added_with]
		elif item.added_quantity == PER_ORDER:
			quantities[item.sku] = 1
		elif item.added_quantity == AT_LEAST_ONE:
			quantities[item.sku] = max(1, wanted.get(item.sku, 0))

	kind_rank = {kind: rank for rank, kind in enumerate(KINDS)}
	position = {item.sku: n for n, item in enumerate(order)}
	order.sort(key=lambda i: (BILLINGS.index(i.billing), kind_rank[i.kind], position[i.sku]))

	lines: list[QuoteLine] = []
	for item in order:
		qty, rate = quantities[item.sku], item.price_in(zone)
		lines.append(QuoteLine(item.sku, item.name, qty, rate, rate * qty, item.billing, item.kind))
		free = min(qty, max(0, item.free_qty - owned.get(item.sku.upper(), 0)))
		if free:
			# A credit line right under the equipment, rather than a cheaper rate, so the
			# customer sees the value of the gift.
			lines.append(
				QuoteLine(
					item.sku,
					_free_label(item, free),
					free,
					# ZERO − x, not −x: a $0 box must not print as −0.00.
					ZERO - rate,
					ZERO - rate * free,
					item.billing,
					DISCOUNT,
					FREE_UNIT,
				)
			)

	services = count_services((c.item, c.qty) for c in chosen)
	discounts = [_combo_discount(catalogue, services), commitment]
	discounts += [c.item for c in chosen if c.item.kind == DISCOUNT]
	for item in filter(None, discounts):
		left = sum((line.amount for line in lines if line.billing == item.billing), ZERO)
		amount = min(item.price_in(zone), max(left, ZERO))
		if amount > 0:
			lines.append(
				QuoteLine(
					item.sku, item.name, 1, -amount, -amount, item.billing, DISCOUNT, item.discount_rule
				)
			)

	# Discounts close their billing group: monthly lines first, then the one-time ones.
	lines.sort(key=lambda line: BILLINGS.index(line.billing))
	monthly_subtotal = sum((line.amount for line in lines if line.recurring), ZERO)
	one_time_subtotal = sum((line.amount for line in lines if not line.recurring), ZERO)
	first_month = proration.apply(monthly_subtotal)
	return Quote(
		lines=tuple(lines),
		services_count=services,
		monthly_subtotal=monthly_subtotal,
		one_time_subtotal=one_time_subtotal,
		proration=proration,
		first_month=first_month,
		monthly=Totals.of(monthly_subtotal, tax_rates),
		due_at_installation=Totals.of(one_time_subtotal + first_month, tax_rates),
		zone=zone,
	)
