"""Cleaning rules for legacy column values. Pure Python: no frappe, no database.

Every parser follows one convention so the import can log instead of guessing:

- the clean value when the legacy value is usable;
- ``None`` when the legacy value means "nothing" (NULL, empty text, a 0 timestamp);
- an :class:`Invalid` when a value is present but unusable (an unknown status code, a
  timestamp in 1969, text that is not a number). ``str(invalid)`` is the log message.

Addresses are taken apart by the app's one splitter, ``rules.address.split_address``, and
postal codes checked by ``rules.address``; codes and municipalities are compared folded by
``rules.text``; money is rounded to the cent by ``billing.taxes``; a drop's status is the one
rule of ``network.fibre_port`` over its installed serial: none of these is written here.

Text repair uses ``ftfy`` (the maintained mojibake fixer) plus a narrow fallback for the
short all-mojibake strings ftfy leaves alone. PHP arrays are decoded with ``phpserialize``;
only data it rightly refuses (wrong string lengths, truncation) goes through the tolerant
reader here, which returns what it can and says what it could not.
"""

import ipaddress
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import ftfy
import phpserialize

from gigafibre_fsm.billing.taxes import to_cents
from gigafibre_fsm.rules.address import AddressParts, normalize_postal_code, split_address
from gigafibre_fsm.rules.text import SAINTS, fold

MONTREAL = ZoneInfo("America/Montreal")

# The legacy application went live long after 1990; anything outside these bounds is a
# typo or an overflow, not a date.
EARLIEST_TIMESTAMP = 631152000  # 1990-01-01T00:00:00Z
LATEST_TIMESTAMP = 4102444800  # 2100-01-01T00:00:00Z
# The columns are signed INT: PHP code that overflowed stored the largest value.
INT_MAX = 2**31 - 1


@dataclass(frozen=True)
class Invalid:
	"""A legacy value that is present but unusable; the import logs ``str()`` of it."""

	what: str
	value: Any
	reason: str

	def __str__(self) -> str:
		return f"{self.what} {self.value!r}: {self.reason}"


# ---------------------------------------------------------------------------------------
# Dates


def _as_integer(value: Any) -> int | None:
	if isinstance(value, bool):
		return None
	if isinstance(value, int):
		return value
	if isinstance(value, float | Decimal):
		return int(value) if math.isfinite(value) and value == int(value) else None
	if isinstance(value, bytes):
		value = value.decode("ascii", "replace")
	if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
		return int(value)
	return None


def _timestamp(value: Any, what: str) -> int | Invalid | None:
	if value is None or (isinstance(value, str | bytes) and not value.strip()):
		return None
	number = _as_integer(value)
	if number is None:
		return Invalid(what, value, "not a unix timestamp")
	if number == 0:
		return None
	if number < 0:
		return Invalid(what, value, "negative timestamp")
	if number == INT_MAX:
		return Invalid(what, value, "INT overflow (2038-01-19), not a date")
	if not EARLIEST_TIMESTAMP <= number < LATEST_TIMESTAMP:
		return Invalid(what, value, "timestamp outside 1990-2099")
	return number


def unix_to_datetime(
	value: Any, *, naive: bool = False, what: str = "timestamp"
) -> datetime | Invalid | None:
	"""Unix seconds → datetime in America/Montreal; 0/NULL → None; negative or absurd → Invalid.

	``naive=True`` gives the local wall-clock time without tzinfo, as Frappe stores
	datetimes; in the repeated hour of the autumn DST change ``fold`` tells the two apart.
	"""
	number = _timestamp(value, what)
	if not isinstance(number, int):
		return number
	moment = datetime.fromtimestamp(number, MONTREAL)
	return moment.replace(tzinfo=None) if naive else moment


def unix_to_date(value: Any, *, what: str = "date") -> date | Invalid | None:
	"""Unix seconds → the calendar date in Montréal (not UTC: 21:00 local is the next UTC day)."""
	moment = unix_to_datetime(value, what=what)
	return moment.date() if isinstance(moment, datetime) else moment


# ---------------------------------------------------------------------------------------
# Money


def to_decimal(value: Any, *, what: str = "number") -> Decimal | Invalid | None:
	"""A DOUBLE, int or text amount → exact Decimal via its shortest repr; ``""``/NULL → None.

	Text may use a French decimal comma, spaces or a ``$`` sign (``"1 234,50 $"``).
	"""
	if value is None or isinstance(value, bool):
		return None if value is None else Invalid(what, value, "a boolean is not a number")
	if isinstance(value, int):
		return Decimal(value)
	if isinstance(value, float):
		# repr() is the shortest text that reads back as the same double: 49.95, not
		# 49.9500000000000028421709430404007434844970703125.
		return Decimal(repr(value)) if math.isfinite(value) else Invalid(what, value, "not a finite number")
	if isinstance(value, Decimal):
		return value if value.is_finite() else Invalid(what, value, "not a finite number")
	if isinstance(value, bytes):
		value = value.decode("utf-8", "replace")
	if not isinstance(value, str):
		return Invalid(what, value, "not a number")
	text = re.sub(r"[\s\u00a0\u202f$]", "", value)
	if not text:
		return None
	if "," in text and "." in text:
		# The last separator is the decimal one: 1,234.50 or 1.234,50.
		thousands = "," if text.rfind(",") < text.rfind(".") else "."
		text = text.replace(thousands, "")
	text = text.replace(",", ".")
	if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
		return Invalid(what, value, "not a number")
	try:
		return Decimal(text)
	except InvalidOperation:
		return Invalid(what, value, "not a number")


def to_money(value: Any, *, what: str = "amount") -> Decimal | Invalid | None:
	"""Like :func:`to_decimal`, rounded half-up to the cent (as PHP's round() did)."""
	number = to_decimal(value, what=what)
	if not isinstance(number, Decimal):
		return number
	cents = to_cents(number)
	return cents if cents else abs(cents)  # never "-0.00"


# ---------------------------------------------------------------------------------------
# Text

# MySQL's "latin1" is Windows-1252 with the five undefined bytes passed through.
_LATIN1_PASSTHROUGH = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_LATIN1_DECODE = tuple(
	chr(b) if b in _LATIN1_PASSTHROUGH else bytes([b]).decode("cp1252") for b in range(256)
)
_LATIN1_ENCODE = {char: byte for byte, char in enumerate(_LATIN1_DECODE)}


def mysql_latin1_decode(data: bytes) -> str:
	"""Bytes → str as MySQL's latin1 charset reads them (cp1252, never an error)."""
	return "".join(_LATIN1_DECODE[b] for b in data)


def mysql_latin1_encode(text: str) -> bytes | None:
	"""str → the bytes MySQL's latin1 charset stores, or None if a character has no byte."""
	try:
		return bytes(_LATIN1_ENCODE[c] for c in text)
	except KeyError:
		return None


_FTFY = ftfy.TextFixerConfig(
	uncurl_quotes=False,  # ’ « » are correct French typography, not damage
	fix_line_breaks=False,  # notes keep their line breaks; clean_text(multiline=True) folds them
)
# A lead byte of a 2-4 byte UTF-8 sequence followed by a continuation byte, both read as latin1.
_MOJIBAKE_PAIR = re.compile(
	"[{}][{}]".format(
		re.escape("".join(_LATIN1_DECODE[0xC2:0xF5])), re.escape("".join(_LATIN1_DECODE[0x80:0xC0]))
	)
)
# What a repaired Québec text may contain: Latin letters, punctuation, symbols, the € sign.
_PLAUSIBLE = re.compile(r"[\x00-\u024f\u2000-\u206f\u20ac\u2122]*")


def _decode_bytes(data: bytes) -> str:
	try:
		return data.decode("utf-8")
	except UnicodeDecodeError:
		return mysql_latin1_decode(data)


def repair_text(value: str | bytes | None) -> str | None:
	"""Undo mixed encodings: ``"Ã©"``→``"é"``, double encoding, HTML entities, NFD accents.

	Bytes (a column read as binary) are decoded as UTF-8, else as latin1. Characters lost
	before the import (``"Qu?bec"``, ``"Qu\\ufffdbec"``) cannot be recovered here: see
	:func:`text_is_lossy` and :func:`restore_lossy`. Spaces are not touched.
	"""
	if value is None:
		return None
	text = _decode_bytes(bytes(value)) if isinstance(value, bytes | bytearray) else str(value)
	if text.isascii() and "&" not in text:
		return text
	text = ftfy.fix_text(text, _FTFY)
	# ftfy declines short strings made only of mojibake ("ÃŽle", "Å’uvre") as ambiguous. A
	# string whose latin1 bytes are valid UTF-8 and contain such a pair is mojibake; decode
	# it (twice for double encoding) unless that yields characters no French text has.
	for _ in range(3):
		if not _MOJIBAKE_PAIR.search(text):
			break
		raw = mysql_latin1_encode(text)
		try:
			decoded = raw.decode("utf-8") if raw is not None else None
		except UnicodeDecodeError:
			decoded = None
		if decoded is None or not _PLAUSIBLE.fullmatch(decoded):
			break
		text = unicodedata.normalize("NFC", decoded)
	return text


def clean_text(value: str | bytes | None, *, multiline: bool = False) -> str | None:
	"""Repaired text with spaces tidied; None when nothing is left.

	One line (names, streets): runs of spaces, tabs, line breaks and no-break spaces become
	one space. Multi-line (notes): line breaks become ``\\n``, trailing spaces go.
	"""
	text = repair_text(value)
	if text is None:
		return None
	if multiline:
		lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
		text = "\n".join(line.rstrip() for line in lines).strip()
	else:
		text = " ".join(text.split())
	return text or None


# A "?" that stands for a lost letter: before a letter ("l'?glise"), or between a letter or
# the start of a word and a hyphen or apostrophe ("Lac-?-l'Eau").
_LOST_LETTER = re.compile(r"\?(?=[^\W\d_])|(?<=[^\W\d_])\?(?=[-'’])|(?<=[-'’\s])\?(?=[-'’])")


def text_is_lossy(text: str | None, *, single_line: bool = False) -> bool:
	"""True if characters were lost before the import: U+FFFD, or ``?`` standing for a letter.

	In a name, street or city (``single_line=True``) no ``?`` is punctuation ("Andr?"); in
	free text "Pourquoi?" is a question.
	"""
	if not text:
		return False
	if "\ufffd" in text or (single_line and "?" in text):
		return True
	return bool(_LOST_LETTER.search(text))


# Words that recur in Québec addresses and names; restore_lossy() also takes the caller's own
# (municipalities, streets, names of the same customer).
QUEBEC_WORDS = (
	"Québec", "Montréal", "Lévis", "Rivière", "Rivières", "Église", "Érables", "Cèdres", "Côte",
	"Côté", "Montée", "Île", "Îles", "Érablière", "Pré", "Prés", "Entrée", "Forêt", "Bélanger",
	"Hébert", "Lévesque", "Gélinas", "Bédard", "Ménard", "Séguin", "Émond", "Noël", "Hélène",
	"François", "Françoise", "Gaétan", "Réjean", "Stéphane", "Sébastien", "Frédéric", "Mélanie",
	"Josée", "Geneviève", "Amélie", "Céline", "Thérèse", "Gisèle", "André", "Andrée", "René",
	"Benoît", "Jérôme", "Éric", "Émilie", "Élise", "Zénon", "Émélie", "Énergie", "Béatrix",
	"Côme", "Mélanie", "Cléophas", "Supérieur", "Félix", "Décodeur", "Téléphone", "Résidentiel",
)  # fmt: skip
_WORD = re.compile(r"[\w?\ufffd]+")


def restore_lossy(text: str | None, vocabulary: Iterable[str] = QUEBEC_WORDS) -> str | None:
	"""Fill ``?``/U+FFFD inside words when exactly one vocabulary word fits (``"Qu?bec"``).

	Each lost character stood for one latin1 byte, so it matches one accented letter. Words
	with no unique match are left as they are (still lossy).
	"""
	if not text_is_lossy(text, single_line=True):
		return text
	words: dict[str, str] = {}
	for entry in vocabulary:
		for word in re.findall(r"[^\W\d_]+", entry):
			words.setdefault(word.casefold(), word)

	def fill(match: re.Match) -> str:
		token = match[0]
		if "?" not in token and "\ufffd" not in token:
			return token
		pattern = re.compile(
			"".join("[^\\W\\d_]" if c in "?\ufffd" else re.escape(c.casefold()) for c in token)
		)
		found = sorted({key for key in words if len(key) == len(token) and pattern.fullmatch(key)})
		if len(found) != 1:
			return token
		word = words[found[0]]
		upper = token.isupper() and len(token) > 1
		return "".join(
			(w.upper() if upper else w) if c in "?\ufffd" else c for c, w in zip(token, word, strict=True)
		)

	return _WORD.sub(fill, text)


# Finds an address inside what staff typed in the email column ("jean@x.ca; marie@y.ca",
# "<JEAN@X.CA>", "n/a"): it repairs dirty legacy text, a different job from checking the one
# address a customer gives with a new order (orders/order_input.read_email, Frappe's check).
_EMAIL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~.\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z]{2,}")
_NO_EMAIL = {"-", "--", ".", "n/a", "na", "n.a.", "aucun", "aucune", "none", "non", "no", "x", "null"}


def clean_email(value: str | bytes | None) -> str | Invalid | None:
	"""Lower-cased address; placeholders ("n/a", "aucun") → None; the first of a list."""
	text = clean_text(value)
	if text is None or text.casefold() in _NO_EMAIL:
		return None
	for part in re.split(r"[\s,;]+", text.lower()):
		candidate = part.strip(".<>()[]\"'")
		if _EMAIL.fullmatch(candidate):
			return candidate
	return Invalid("email", value, "not an email address")


# ---------------------------------------------------------------------------------------
# Codes → option values (stored values are English; the desk translates them)

ACCOUNT_STATUS = {1: "Active", 0: "Closed", 2: "Suspended"}
CUSTOMER_GROUP = {1: "Résidentiel", 2: "Commercial"}  # Customer Group record names
SERVICE_STATUS = {1: "Active", 0: "Cancelled", 2: "Suspended", 3: "Pending"}
DEVICE_STATUS = {0: "In Stock", 1: "Active", 2: "Returned"}
ARRANGEMENT_METHOD = {0: "Unset", 1: "Portal", 2: "Cheque", 3: "Phone", 4: "PPA"}
ARRANGEMENT_STATUS = {-1: "Pending", 0: "Open", 1: "Completed"}
DEVICE_CATEGORY = {
	"ont": "ONT",
	"routeur": "Router",
	"router": "Router",
	"decodeur": "TV Box",
	"decodeur tv": "TV Box",
	"stb": "TV Box",
	"ata": "IP Phone",
	"telephone": "IP Phone",
	"telephone ip": "IP Phone",
}
BILLING_INTERVAL = {
	"monthly": "Monthly",
	"mensuel": "Monthly",
	"annual": "Annual",
	"yearly": "Annual",
	"annuel": "Annual",
	"once": "Once",
	"unique": "Once",
}
PRODUCT_CATEGORY = {
	"internet": "Internet",
	"tv": "TV",
	"phone": "Phone",
	"fee": "Fee",
	"discount": "Discount",
	"equipment": "Equipment",
}
LANGUAGE = {"fr": "fr", "en": "en"}


def _fold(value: Any) -> str:
	"""Repaired, folded (``rules.text.fold``: no accents, lower case) and with single spaces."""
	text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
	return " ".join(fold(repair_text(text)).split())


def _by_number(value: Any, mapping: dict[int, str], what: str) -> str | Invalid:
	number = None if value is None else _as_integer(value)
	if number is None:
		return Invalid(what, value, "missing" if value is None else "not a code")
	return mapping.get(number) or Invalid(what, value, "unknown code")


def _by_word(value: Any, mapping: dict[str, str], what: str) -> str | Invalid:
	if value is None or not str(value).strip():
		return Invalid(what, value, "missing")
	return mapping.get(_fold(value)) or Invalid(what, value, "unknown value")


def account_status(code: Any) -> str | Invalid:
	"""account.status 1/0/2 → Active / Closed / Suspended."""
	return _by_number(code, ACCOUNT_STATUS, "account status")


def customer_group(code: Any) -> str | Invalid:
	"""account.group_id 1/2 → the Customer Group "Résidentiel" / "Commercial"."""
	return _by_number(code, CUSTOMER_GROUP, "account group")


def service_status(code: Any) -> str | Invalid:
	"""service.status 1/0/2/3 → Active / Cancelled / Suspended / Pending."""
	return _by_number(code, SERVICE_STATUS, "service status")


def device_status(code: Any) -> str | Invalid:
	"""device.status 0/1/2 → In Stock / Active / Returned."""
	return _by_number(code, DEVICE_STATUS, "device status")


def device_category(value: Any) -> str | Invalid:
	"""device.category 'ont'/'routeur'/'decodeur'/'ata' (any case, accents) → ONT / Router / TV Box / IP Phone."""
	return _by_word(value, DEVICE_CATEGORY, "device category")


def arrangement_method(code: Any) -> str | Invalid:
	"""accord_paiement.method 0-4 → Unset / Portal / Cheque / Phone / PPA."""
	return _by_number(code, ARRANGEMENT_METHOD, "arrangement method")


def arrangement_status(code: Any) -> str | Invalid:
	"""accord_paiement.status -1/0/1 → Pending / Open / Completed."""
	return _by_number(code, ARRANGEMENT_STATUS, "arrangement status")


def billing_interval(value: Any) -> str | Invalid:
	"""product.recurrence / service.payment_recurrence → Monthly / Annual / Once."""
	return _by_word(value, BILLING_INTERVAL, "recurrence")


def product_category(value: Any) -> str | Invalid:
	"""product.category → Internet / TV / Phone / Fee / Discount / Equipment."""
	return _by_word(value, PRODUCT_CATEGORY, "product category")


def language(value: Any) -> str | Invalid:
	"""account.language / pbx.language → "fr" / "en"."""
	return _by_word(value, LANGUAGE, "language")


# ---------------------------------------------------------------------------------------
# Addresses


def clean_address(address1: str | bytes | None, address2: str | bytes | None = None) -> AddressParts:
	"""Repaired address lines taken apart by the app's one splitter (``rules.address.split_address``)."""
	return split_address(clean_text(address1), clean_text(address2))


_PROVINCES = {"qc": "QC", "quebec": "QC", "pq": "QC", "p.q.": "QC", "on": "ON", "ontario": "ON"}


def clean_province(value: str | bytes | None) -> str | Invalid:
	"""``"Qc"``, ``"Québec"``, ``"PQ"`` → ``"QC"``; empty → ``"QC"`` (every premises served is in Québec)."""
	text = _fold(value) if value is not None else ""
	if not text:
		return "QC"
	return _PROVINCES.get(text) or Invalid("province", value, "unknown province")


def clean_ip(value: str | bytes | None) -> str | Invalid | None:
	"""An IPv4 or IPv6 address in its canonical form; empty → None; ``0.0.0.0`` or a fragment → Invalid."""
	text = clean_text(value)
	if text is None:
		return None
	try:
		address = ipaddress.ip_address(text)
	except ValueError:
		return Invalid("IP address", value, "not an IP address")
	if address.is_unspecified:
		return Invalid("IP address", value, "the unspecified address is not an assignment")
	return str(address)


# "St-", "Ste-" (``rules.text.SAINTS``) at the start of a hyphenated name.
_SAINT = re.compile(r"\b({})[.\s]*-\s*".format("|".join(sorted(SAINTS, key=len, reverse=True))), re.I)


def city_key(value: str | bytes | None) -> str:
	"""What two spellings of one municipality share: ``"ST-ZENON"`` and ``"Saint-Zénon"`` → ``"saint-zenon"``."""
	text = _fold(value) if value is not None else ""
	text = _SAINT.sub(lambda m: SAINTS[m[1].lower()] + "-", text)
	return re.sub(r"\s*-\s*", "-", text)


def city_spellings(counts: dict[str, int]) -> dict[str, str]:
	"""The spelling to keep for each municipality, from how often each spelling occurs.

	Staff typed "St-Zénon", "SAINT-ZÉNON" and "Saint-Zenon" for Saint-Zénon: the kept one is
	written out (no St-/Ste-), not all capitals, with its accents, then the most frequent.
	"""

	def score(spelling: str) -> tuple:
		return (
			not _SAINT.search(spelling),
			not (spelling.isupper() and len(spelling) > 3),
			sum(1 for c in spelling if ord(c) > 127),
			counts[spelling],
			spelling,
		)

	best: dict[str, str] = {}
	for spelling in counts:
		key = city_key(spelling)
		if key and (key not in best or score(spelling) > score(best[key])):
			best[key] = spelling
	return best


# Letters typed for digits in the digit positions of a postal code ("J0K 1AO").
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def clean_postal_code(value: str | bytes | None) -> str | Invalid | None:
	"""``"j0k1a0"`` → ``"J0K 1A0"``, with O/I/L typed for 0/1 fixed; not a postal code → Invalid."""
	text = clean_text(value)
	if text is None:
		return None
	compact = re.sub(r"[\s\-]", "", text).upper()
	if len(compact) == 6:
		compact = "".join(c.translate(_DIGIT_LOOKALIKES) if i % 2 else c for i, c in enumerate(compact))
	return normalize_postal_code(compact) or Invalid("postal code", value, "not a Canadian postal code")


# ---------------------------------------------------------------------------------------
# PHP serialize()d quote lines

LINE_FIELDS = ("sku", "desc", "amt", "qte", "tot")


class PhpLines(NamedTuple):
	"""Decoded quote lines; ``errors`` say what was lost, ``notes`` what was repaired."""

	lines: list[dict]
	errors: list[str]
	notes: list[str]


class _Cut(dict):
	"""A PHP array whose end was lost (truncated data)."""


class _Stop(Exception):
	def __init__(self, reason: str, partial: Any = None):
		super().__init__(reason)
		self.reason = reason
		self.partial = partial


# What may follow a complete value: another value, the end of an array, or the end of data.
_FOLLOWER = re.compile(rb"(?:[sidbaNO]:|N;|\}|\s*$)")


class _Reader:
	"""Reads PHP serialize() output that phpserialize refuses.

	String lengths are re-measured (bytes vs characters after re-encoding); array counts are
	ignored in favour of the closing brace; truncated data yields the arrays read so far,
	the cut ones marked as :class:`_Cut`.
	"""

	def __init__(self, data: bytes):
		self.data = data
		self.pos = 0
		self.notes: list[str] = []

	def read(self) -> tuple[Any, str | None]:
		try:
			value = self._value()
		except _Stop as stop:
			return stop.partial, stop.reason
		if self.data[self.pos :].strip():
			self.notes.append(f"ignored {len(self.data) - self.pos} bytes after the array")
		return value, None

	def _until(self, char: bytes) -> bytes:
		end = self.data.find(char, self.pos)
		if end < 0:
			raise _Stop(f"data ends inside a value at byte {self.pos} (truncated)")
		text, self.pos = self.data[self.pos : end], end + 1
		return text

	def _value(self) -> Any:
		data, start = self.data, self.pos
		kind = data[start : start + 2]
		if len(kind) < 2:
			raise _Stop(f"data ends at byte {start} (truncated)")
		if kind == b"N;":
			self.pos += 2
			return None
		self.pos += 2
		if kind in (b"i:", b"b:", b"d:"):
			text = self._until(b";").decode("ascii", "replace").strip()
			try:
				if kind == b"d:":
					return float(text)
				number = int(text)
			except ValueError:
				raise _Stop(f"bad number {text!r} at byte {start}") from None
			return bool(number) if kind == b"b:" else number
		if kind == b"s:":
			return self._string(start)
		if kind == b"a:":
			self._until(b":")
			if data[self.pos : self.pos + 1] != b"{":
				raise _Stop(
					f"array without '{{' at byte {start}" if self.pos < len(data) else "data ends (truncated)"
				)
			self.pos += 1
			return self._array(start)
		raise _Stop(f"unsupported PHP value {kind!r} at byte {start}")

	def _string(self, start: int) -> bytes:
		data = self.data
		declared_text = self._until(b":")
		if not declared_text.isdigit() or data[self.pos : self.pos + 1] != b'"':
			raise _Stop(
				f"bad string header at byte {start}" if self.pos < len(data) else "data ends (truncated)"
			)
		declared, begin = int(declared_text), self.pos + 1
		end = begin + declared
		if data[end : end + 2] == b'";' and _FOLLOWER.match(data, end + 2):
			self.pos = end + 2
			return data[begin:end]
		# The declared length is wrong: the string ends at the first '";' followed by a value.
		search = begin
		while True:
			end = data.find(b'";', search)
			if end < 0:
				raise _Stop(f"data ends inside a string at byte {start} (truncated)")
			if _FOLLOWER.match(data, end + 2):
				break
			search = end + 1
		self.notes.append(f"string at byte {start}: length {declared} re-measured as {end - begin}")
		self.pos = end + 2
		return data[begin:end]

	def _array(self, start: int) -> dict:
		result: dict = {}
		while True:
			if self.data[self.pos : self.pos + 1] == b"}":
				self.pos += 1
				return result
			try:
				key = self._value()
			except _Stop as stop:
				stop.partial = _Cut(result)
				raise
			if not isinstance(key, int | bytes):
				raise _Stop(f"bad array key {key!r} in the array at byte {start}", _Cut(result))
			try:
				result[key] = self._value()
			except _Stop as stop:
				if isinstance(stop.partial, dict):
					result[key] = stop.partial
				stop.partial = _Cut(result)
				raise


def _text(value: Any) -> str | None:
	if value is None or value is False:
		return None
	if isinstance(value, bytes):
		return clean_text(value)
	return clean_text(str(value))


def _line(item: dict, label: str, errors: list[str], notes: list[str]) -> dict | None:
	fields = {(_text(k) or "").lower(): v for k, v in item.items()}
	raw = {name: fields.get(name) for name in LINE_FIELDS}
	if all(v in (None, False, b"", "") for v in raw.values()):
		return None  # an empty row of the quote form
	line: dict[str, Any] = {"sku": _text(raw["sku"]), "desc": _text(raw["desc"]) or ""}
	for name in ("amt", "qte", "tot"):
		value = raw[name]
		number = None if value is False else to_decimal(value, what=f"{label} {name}")
		if isinstance(number, Invalid):
			errors.append(str(number))
			number = None
		line[name] = number
	if line["qte"] is None:
		line["qte"] = Decimal(1)  # the quote form left the quantity empty for one unit
	if line["tot"] is None and line["amt"] is not None:
		line["tot"] = to_money(line["amt"] * line["qte"])
		notes.append(f"{label}: total computed from amt × qte")
	elif line["tot"] is not None:
		line["tot"] = to_money(line["tot"])
	return line


def _collect(node: Any, label: str, lines: list, errors: list[str], notes: list[str]) -> None:
	if isinstance(node, dict):
		keys = {(_text(k) or "").lower() for k in node if isinstance(k, bytes | str)}
		if keys & set(LINE_FIELDS):
			if isinstance(node, _Cut):
				errors.append(f"{label}: cut off by the truncation, dropped")
				return
			line = _line(node, label, errors, notes)
			if line is not None:
				lines.append(line)
			return
		if isinstance(node, _Cut) and not node:
			errors.append(f"{label}: cut off by the truncation, dropped")
		for key, child in node.items():
			_collect(child, f"{label}[{_text(key) if isinstance(key, bytes) else key}]", lines, errors, notes)
		return
	if node in (None, False, b"", ""):
		return
	errors.append(f"{label}: {node!r} is not a quote line")


def decode_php_lines(value: str | bytes | None) -> PhpLines:
	"""A soumission ``materiel``/``mensuel`` column → its lines, never raising on dirty data.

	Each line is ``{"sku", "desc", "amt", "qte", "tot"}`` (amounts Decimal, ``tot`` to the
	cent; an empty quantity is 1; a missing total is amt × qte). Arrays may be keyed 0..n or
	nested (an item that is itself a list of items). NULL, ``""``, ``N;``, ``b:0;`` and
	``a:0:{}`` give no lines and no error.
	"""
	errors: list[str] = []
	notes: list[str] = []
	if value is None:
		return PhpLines([], errors, notes)
	if isinstance(value, bytes | bytearray):
		candidates = [bytes(value)]
	else:
		text = str(value)
		candidates = [text.encode("utf-8")]
		# serialize() counted latin1 bytes before the column was converted to UTF-8.
		latin1 = mysql_latin1_encode(text)
		if latin1 is not None and latin1 != candidates[0]:
			candidates.append(latin1)
	if not candidates[0].strip():
		return PhpLines([], errors, notes)
	tree: Any = None
	for number, data in enumerate(candidates):
		try:
			tree = phpserialize.loads(data.strip(), decode_strings=False)
		except Exception:
			continue
		if number:
			notes.append("string lengths were counted in latin1 bytes")
		break
	else:
		data = candidates[0].strip()
		if not re.match(rb"[aNbsidO]:|N;", data):
			errors.append("not a PHP serialized array")
			return PhpLines([], errors, notes)
		reader = _Reader(data)
		tree, problem = reader.read()
		notes.extend(reader.notes)
		if problem:
			errors.append(problem)
	lines: list[dict] = []
	_collect(tree, "line", lines, errors, notes)
	return PhpLines(lines, errors, notes)
