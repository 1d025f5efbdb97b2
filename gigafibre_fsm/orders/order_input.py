"""What a checkout, a waitlist or a business-quote request must hold, checked before anything
is written. No database: plain checks, and Frappe's email check (the one its own doctypes make).

Each refusal is an `OrderInputError` naming the field (``customer.email``,
``preferred_dates[1]``…) with a message the web layer translates, the same shape as the
pricing engine's errors, so the API answers both the same way.
"""

import datetime
import hashlib
import json
import re
import secrets
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from frappe.utils import validate_email_address

from gigafibre_fsm.orders.pricing import PricingError, _
from gigafibre_fsm.rules.address import normalize_postal_code
from gigafibre_fsm.rules.phone import normalize_phone

MAX_BODY_BYTES = 64 * 1024
# Installation dates: weekdays from tomorrow to two weeks ahead; three choices at most.
BOOKING_DAYS = 14
MAX_DATES = 3
MAX_ITEMS = 20
LANGUAGES = ("fr", "en")

KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{7,63}")
# Letters (any alphabet, accents) in words joined by one space, hyphen, apostrophe or period:
# "Marie-Ève", "O'Brien", "St. John". No digits, no <>;"=() — nothing a script or a query needs.
NAME_RE = re.compile(r"[^\W\d_]+(?:(?:[ '’.-]|\. )[^\W\d_]+)*\.?")
APARTMENT_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{0,9}")


class OrderInputError(PricingError):
	"""A field of the request that cannot be accepted: a 4xx naming the field."""


@dataclass(frozen=True)
class Person:
	first_name: str
	last_name: str
	email: str
	phone: str  # 10 digits
	language: str = "fr"

	@property
	def full_name(self) -> str:
		return f"{self.first_name} {self.last_name}"

	@property
	def phone_e164(self) -> str:
		return f"+1{self.phone}"


@dataclass(frozen=True)
class CheckoutRequest:
	idempotency_key: str
	address_id: str
	person: Person
	items: tuple[dict, ...]
	commitment_months: int
	preferred_dates: tuple[datetime.date, ...]
	contact_me: bool
	apartment: str | None = None
	setup_intent_id: str | None = None
	payment_link: tuple[str, ...] = field(default_factory=tuple)
	fingerprint: str = ""

	@property
	def first_date(self) -> datetime.date | None:
		return self.preferred_dates[0] if self.preferred_dates else None


# What a checkout request holds (API.md): a website order has a card setup, an agent's order
# may ask for a payment link.
CHECKOUT_FIELDS = (
	"idempotency_key",
	"address_id",
	"apartment",
	"customer",
	"items",
	"commitment_months",
	"preferred_dates",
	"contact_me",
	"setup_intent_id",
	"send_payment_link",
)


def checkout_body(arguments: Mapping) -> dict:
	"""The checkout request from an endpoint's arguments (its ``locals()``)."""
	return {name: arguments[name] for name in CHECKOUT_FIELDS if name in arguments}


def fingerprint(body: Mapping) -> str:
	"""The request without its key, in one canonical form: two bodies that mean the same
	request (key order, spacing) have the same fingerprint."""
	content = {k: v for k, v in body.items() if k not in ("idempotency_key", "cmd")}
	canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
	return hashlib.sha256(canonical.encode()).hexdigest()


def _text(body: Mapping, name: str, field_name: str | None = None, required: bool = True) -> str | None:
	value = body.get(name)
	field_name = field_name or name
	if value is None or (isinstance(value, str) and not value.strip()):
		if required:
			raise OrderInputError(field_name, _("This field is required"))
		return None
	if not isinstance(value, str):
		raise OrderInputError(field_name, _("Expected text"))
	return value.strip()


def read_key(body: Mapping) -> str:
	key = _text(body, "idempotency_key")
	if not KEY_RE.fullmatch(key):
		raise OrderInputError(
			"idempotency_key", _("Must be 8 to 64 letters, digits or - _ . : (e.g. a UUID)")
		)
	return key


def read_name(value: object, field_name: str) -> str:
	if value is None or (isinstance(value, str) and not value.strip()):
		raise OrderInputError(field_name, _("This field is required"))
	if not isinstance(value, str):
		raise OrderInputError(field_name, _("Expected text"))
	name = " ".join(unicodedata.normalize("NFC", value).split())
	if len(name) > 60:
		raise OrderInputError(field_name, _("At most {0} characters"), 60)
	if not NAME_RE.fullmatch(name):
		raise OrderInputError(
			field_name, _("Only letters, spaces, hyphens, apostrophes and periods are accepted")
		)
	return name


def read_email(value: object, field_name: str = "email") -> str:
	if value is None or (isinstance(value, str) and not value.strip()):
		raise OrderInputError(field_name, _("This field is required"))
	email = str(value).strip()
	# Frappe's check, the one Contact and Customer apply, for one plain address only: it also
	# accepts lists and "Name <address>", which an order's email is not.
	if (
		len(email) > 254
		or any(c in email for c in ",;<> ")
		or (validate_email_address(email) or "").lower() != email.lower()
	):
		raise OrderInputError(field_name, _("{0} is not an email address"), email[:80])
	local, domain = email.rsplit("@", 1)
	return f"{local}@{domain.lower()}"


def read_phone(value: object, field_name: str = "phone") -> str:
	if value is None or (isinstance(value, str) and not value.strip()):
		raise OrderInputError(field_name, _("This field is required"))
	phone = normalize_phone(str(value))
	if not phone:
		raise OrderInputError(
			field_name, _("{0} is not a North American phone number (10 digits)"), str(value)[:40]
		)
	return phone


def read_postal_code(value: object, field_name: str = "postal_code", required: bool = False) -> str | None:
	if value is None or not str(value).strip():
		if required:
			raise OrderInputError(field_name, _("This field is required"))
		return None
	postal_code = normalize_postal_code(str(value))
	if not postal_code:
		raise OrderInputError(
			field_name, _("{0} is not a Canadian postal code (A1A 1A1)"), str(value).strip()[:20]
		)
	return postal_code


def read_person(value: object, prefix: str = "customer") -> Person:
	if not isinstance(value, Mapping):
		raise OrderInputError(prefix, _("This field is required"))
	language = str(value.get("language") or "fr").strip().lower()[:2]
	if language not in LANGUAGES:
		raise OrderInputError(f"{prefix}.language", _("Must be fr or en"))
	return Person(
		first_name=read_name(value.get("first_name"), f"{prefix}.first_name"),
		last_name=read_name(value.get("last_name"), f"{prefix}.last_name"),
		email=read_email(value.get("email"), f"{prefix}.email"),
		phone=read_phone(value.get("phone"), f"{prefix}.phone"),
		language=language,
	)


def read_items(value: object) -> tuple[dict, ...]:
	if not isinstance(value, list | tuple) or not value:
		raise OrderInputError("items", _("Choose at least one internet, TV or phone service"))
	if len(value) > MAX_ITEMS:
		raise OrderInputError("items", _("At most {0} lines"), MAX_ITEMS)
	for position, item in enumerate(value):
		if not isinstance(item, Mapping):
			raise OrderInputError(f"items[{position}]", _("Each item needs a sku and a qty"))
	return tuple(dict(item) for item in value)


def read_dates(value: object, today: datetime.date, contact_me: bool) -> tuple[datetime.date, ...]:
	"""Up to three distinct weekdays from tomorrow to two weeks ahead; none only with contact_me."""
	if value in (None, ""):
		value = []
	if not isinstance(value, list | tuple):
		raise OrderInputError("preferred_dates", _("Expected a list of dates"))
	if not value and not contact_me:
		raise OrderInputError(
			"preferred_dates", _("Choose up to three installation dates, or ask us to contact you")
		)
	if len(value) > MAX_DATES:
		raise OrderInputError("preferred_dates", _("At most {0} dates"), MAX_DATES)
	last = today + datetime.timedelta(days=BOOKING_DAYS)
	dates: list[datetime.date] = []
	for position, raw in enumerate(value):
		field_name = f"preferred_dates[{position}]"
		try:
			day = datetime.date.fromisoformat(str(raw).strip())
		except ValueError:
			raise OrderInputError(field_name, _("{0} is not a date like 2025-03-15"), str(raw)[:20]) from None
		if day <= today:
			raise OrderInputError(field_name, _("{0} is not in the future"), day.isoformat())
		if day > last:
			raise OrderInputError(field_name, _("{0} is more than two weeks ahead"), day.isoformat())
		if day.weekday() >= 5:
			raise OrderInputError(
				field_name, _("{0} is a weekend day: installations are on weekdays"), day.isoformat()
			)
		if day in dates:
			raise OrderInputError(field_name, _("{0} is already chosen"), day.isoformat())
		dates.append(day)
	return tuple(dates)


def read_bool(value: object, field_name: str) -> bool:
	if value in (None, "", 0, "0", False, "false", "False"):
		return False
	if value in (1, "1", True, "true", "True"):
		return True
	raise OrderInputError(field_name, _("Expected true or false"))


def read_commitment(value: object) -> int:
	if value in (None, ""):
		return 0
	if isinstance(value, bool) or not str(value).strip().isdigit():
		raise OrderInputError("commitment_months", _("Expected a number of months"))
	return int(str(value).strip())


def read_payment_link(value: object) -> tuple[str, ...]:
	"""How an agent sends the card link: "sms", "email", both (a list) or none."""
	if value in (None, "", []):
		return ()
	channels = [value] if isinstance(value, str) else value
	if not isinstance(channels, list | tuple):
		raise OrderInputError("send_payment_link", _("Expected sms, email or both"))
	out = []
	for channel in channels:
		name = str(channel).strip().lower()
		if name not in ("sms", "email"):
			raise OrderInputError("send_payment_link", _("Expected sms, email or both"))
		if name not in out:
			out.append(name)
	return tuple(out)


def read_checkout(body: Mapping, today: datetime.date, *, needs_card: bool) -> CheckoutRequest:
	"""The checkout request, checked field by field in the order a form shows them."""
	key = read_key(body)
	address_id = _text(body, "address_id")
	if len(address_id) > 64:
		raise OrderInputError("address_id", _("Unknown address"))
	apartment = _text(body, "apartment", required=False)
	if apartment and not APARTMENT_RE.fullmatch(apartment):
		raise OrderInputError("apartment", _("Letters, digits, spaces and hyphens only (10 at most)"))
	person = read_person(body.get("customer"))
	items = read_items(body.get("items"))
	commitment = read_commitment(body.get("commitment_months"))
	contact_me = read_bool(body.get("contact_me"), "contact_me")
	dates = read_dates(body.get("preferred_dates"), today, contact_me)
	setup_intent = _text(body, "setup_intent_id", required=needs_card)
	if setup_intent and not re.fullmatch(r"seti_[A-Za-z0-9]{6,64}", setup_intent):
		raise OrderInputError("setup_intent_id", _("Not a card setup id (seti_…)"))
	return CheckoutRequest(
		idempotency_key=key,
		address_id=address_id,
		person=person,
		items=items,
		commitment_months=commitment,
		preferred_dates=dates,
		contact_me=contact_me,
		apartment=apartment.upper() if apartment else None,
		setup_intent_id=setup_intent,
		payment_link=() if needs_card else read_payment_link(body.get("send_payment_link")),
		fingerprint=fingerprint(body),
	)


# ---------------------------------------------------------------------------------------
# Generated credentials

_ALPHANUMERIC = string.ascii_letters + string.digits


def random_password(length: int = 12) -> str:
	"""Letters and digits from the OS's random source, with at least one of each kind."""
	while True:
		password = "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))
		if (
			any(c.islower() for c in password)
			and any(c.isupper() for c in password)
			and any(c.isdigit() for c in password)
		):
			return password


def wifi_ssid(last_name: str) -> str:
	"""``Gigafibre-{lastname}``, in ASCII letters and digits so every device shows it, 32 bytes at most."""
	ascii_name = unicodedata.normalize("NFKD", last_name).encode("ascii", "ignore").decode()
	cleaned = re.sub(r"[^A-Za-z0-9]+", "", ascii_name) or "Maison"
	return f"Gigafibre-{cleaned}"[:32]
