"""Postal addresses, postal codes and coordinates of Québec premises. Pure Python.

The one home of these rules: the order checks, the address reference and its search, the
controllers, the 911 comparison and the legacy import all read postal codes, coordinates and
address lines through this module.

"Unknown" is never 0: a coordinate or an OLT frame/slot/port/ONT id that nobody knows is
None, so two records with unknown ports never collide and legacy rows with NULLs import as
they are; a coordinate written as 0 is unknown too (no premises in Québec lie on the equator
or the prime meridian: 0 is how other systems wrote "unknown"). A location's address is kept
in parts (civic number and suffix, street, apartment, municipality…) — the same parts as a
911 registration — and its one-line form is derived from them, identically whoever saves it.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

# ---------------------------------------------------------------------------------------
# Postal codes

# Canada Post: no D, F, I, O, Q or U anywhere; W and Z never start a code.
FSA_PATTERN = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]"
LDU_PATTERN = r"\d[ABCEGHJ-NPRSTV-Z]\d"
_POSTAL = re.compile(f"({FSA_PATTERN})({LDU_PATTERN})", re.I)
# A postal code inside a longer text (a typed query), with or without its space or a hyphen.
_POSTAL_IN_TEXT = re.compile(rf"(?<![A-Za-z0-9])({FSA_PATTERN})[\s-]*({LDU_PATTERN})(?![A-Za-z0-9])", re.I)
# The first half alone (forward sortation area), as typed on the way to a full code.
_FSA_IN_TEXT = re.compile(rf"(?<![A-Za-z0-9])({FSA_PATTERN})(?![A-Za-z0-9])", re.I)


def compact_postal_code(value: str | None) -> str | None:
	"""``"j0s 1m0"`` → ``"J0S1M0"`` (the search index's form); None when it is not a postal code."""
	if value is None:
		return None
	compact = re.sub(r"[\s\-]", "", str(value)).upper()
	return compact if _POSTAL.fullmatch(compact) else None


def format_postal_code(compact: str | None) -> str | None:
	"""``"J0S1M0"`` → ``"J0S 1M0"``."""
	return f"{compact[:3]} {compact[3:]}" if compact else None


def normalize_postal_code(value: str | None) -> str | None:
	"""Return ``A1A 1A1`` for a Canadian postal code in any spacing or case, or None."""
	return format_postal_code(compact_postal_code(value))


def take_postal_code(text: str) -> tuple[str, str | None, str | None]:
	"""A postal code typed anywhere in ``text``, taken out of it: ``(rest, "J0S1M0", None)``;
	else a first half alone at the end, ``(rest, None, "J0S")``; else ``(text, None, None)``.
	Only a trailing first half counts: "J0S" mid-text is more likely a word than a code."""
	match = _POSTAL_IN_TEXT.search(text)
	if match:
		return text[: match.start()] + " " + text[match.end() :], (match[1] + match[2]).upper(), None
	for match in _FSA_IN_TEXT.finditer(text):
		if not text[match.end() :].strip(" ,.;-"):
			return text[: match.start()] + " " + text[match.end() :], None, match[1].upper()
	return text, None, None


# ---------------------------------------------------------------------------------------
# Coordinates and OLT positions


def _blank(value) -> bool:
	return value is None or (isinstance(value, str) and not value.strip())


def parse_coordinate(value, limit: float) -> float | None:
	"""A latitude (limit 90) or longitude (limit 180) as a float; None when unknown (empty or 0).

	Raises ValueError for text that is not a number or a number out of range.
	"""
	if _blank(value):
		return None
	try:
		number = float(Decimal(str(value).strip().replace(",", ".")))
	except (InvalidOperation, ValueError):
		raise ValueError(f"{value!r} is not a number") from None
	if not -limit <= number <= limit:
		raise ValueError(f"{number} is out of range (-{limit:g} to {limit:g})")
	return number or None


def read_coordinate(value, limit: float) -> float | None:
	"""Like :func:`parse_coordinate`, for readers that take what they can: anything that is
	not a usable coordinate is unknown."""
	try:
		return parse_coordinate(value, limit)
	except ValueError:
		return None


def format_coordinate(value: float | None) -> str | None:
	"""The stored form of a coordinate: at most 7 decimals (about 1 cm), no trailing zeros;
	None when unknown."""
	if not value:
		return None
	text = f"{value:.7f}".rstrip("0").rstrip(".")
	return None if text in ("-0", "0", "") else text


def parse_port_number(value) -> int | None:
	"""An OLT frame, slot, port or ONT id: a whole number from 0, None when unknown.

	Raises ValueError for anything else (negative, decimal, text).
	"""
	if _blank(value):
		return None
	if isinstance(value, bool):
		raise ValueError(f"{value!r} is not a whole number")
	if isinstance(value, float):
		if not value.is_integer():
			raise ValueError(f"{value!r} is not a whole number")
		value = int(value)
	text = str(value).strip()
	if not re.fullmatch(r"-?\d+", text):
		raise ValueError(f"{value!r} is not a whole number")
	number = int(text)
	if number < 0:
		raise ValueError(f"{number} is negative")
	return number


class AddressParts(NamedTuple):
	"""A one-line address taken apart: the parts a location and a 911 registration keep."""

	civic_number: str | None
	civic_suffix: str | None
	apartment: str | None
	street: str | None


_UNIT_WORD = r"(?:app(?:artement)?|appt|apt|unit[ée]?|suite|local|bureau|logement|log|porte|#|no)"
_LEADING_UNIT = re.compile(
	rf"^{_UNIT_WORD}\.?\s*#?\s*(?P<apt>[0-9]+[A-Za-z]?|[A-Za-z])\b[\s,\-]*(?P<rest>.+)$", re.I
)
_TRAILING_UNIT = re.compile(rf"[\s,]+{_UNIT_WORD}\.?\s*#?\s*(?P<apt>[0-9A-Za-z][0-9A-Za-z\-]*)$", re.I)
# "[apt-]civic[suffix][,] street": Canada Post writes the apartment before the civic number.
_CIVIC_LINE = re.compile(
	r"^(?:(?P<apt>\d+[A-Za-z]?)\s*-\s*(?=\d))?(?P<civic>\d+)"
	r"(?:\s*-?\s*(?P<suffix>[A-Za-z]|1/2|½)(?![\w']))?[\s,]+(?P<street>.+)$"
)
_BARE_UNIT = re.compile(rf"^(?:{_UNIT_WORD}\.?\s*#?\s*)?(?P<apt>[0-9]+[A-Za-z]?|[A-Za-z])$", re.I)


def split_address(address1: str | None, address2: str | None = None) -> AddressParts:
	"""``"12-125A, rue Principale"`` → civic 125, suffix A, apartment 12, street "rue Principale".

	The one splitter of the app (the legacy import, the patch that split older locations).
	Understands "125 rue X", "125A rue X", "125-B rue X", "12-125 rue X", "125A, ch. X",
	"app 3 125 rue X", "125 rue X app. 3" and takes the apartment from ``address2`` ("app 3",
	"#3", "3B") when the first line has none. A line without a leading number ("route 117")
	is all street.
	"""
	text = " ".join((address1 or "").split()).strip(" ,")
	apartment = None
	match = _LEADING_UNIT.match(text)
	if match and re.match(r"\d", match["rest"]):
		apartment, text = match["apt"], match["rest"]
	else:
		match = _TRAILING_UNIT.search(text)
		if match and match.start() > 0:
			apartment, text = match["apt"], text[: match.start()].strip(" ,")
	civic = suffix = None
	street = text or None
	match = _CIVIC_LINE.match(text)
	if match:
		civic, street = match["civic"], match["street"].strip(" ,-") or None
		suffix = match["suffix"].upper() if match["suffix"] else None
		apartment = apartment or match["apt"]
	if apartment is None and address2:
		unit = _BARE_UNIT.match(" ".join(address2.split()).strip(" ,"))
		apartment = unit["apt"] if unit else None
	return AddressParts(civic, suffix, apartment.upper() if apartment else None, street)


def street_line(civic_number: str | None, civic_suffix: str | None, street: str | None) -> str:
	"""``"125A Rue Principale"``: the civic number, its suffix and the street."""
	civic = f"{(civic_number or '').strip()}{(civic_suffix or '').strip()}"
	return " ".join(p for p in (civic, (street or "").strip()) if p)


def location_title(
	civic_number: str | None,
	civic_suffix: str | None,
	street: str | None,
	apartment: str | None,
	municipality: str | None,
) -> str:
	"""``"3-125A Rue Principale, Saint-Adrien"``: the Canada Post form, the same in any language."""
	line = street_line(civic_number, civic_suffix, street)
	unit = (apartment or "").strip()
	if unit and line:
		line = f"{unit}-{line}"
	return ", ".join(p for p in (line, (municipality or "").strip()) if p)
