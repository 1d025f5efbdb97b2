"""One RQA civic-address row: its columns, checks and display forms. Pure Python.

The extract (``shared/rqa/sample.csv``) is UTF-8 CSV with a header row and these columns, in
any order. The loader checks every row with :func:`clean_row` before anything is written, so
a file with one bad row is refused whole, with the row's line number.
"""

import re

from gigafibre_fsm.rules.address import (
	compact_postal_code,
	format_coordinate,
	format_postal_code,
	parse_coordinate,
)

# The columns every address of one street shares (checked once per street: RowCleaner).
PLACE_COLUMNS = (
	"street_generic",
	"street_link",
	"street_specific",
	"street_direction",
	"municipality_code",
	"municipality",
)
COLUMNS = ("rqa_id", "civic_number", "civic_suffix", *PLACE_COLUMNS, "postal_code", "latitude", "longitude")
REQUIRED = ("rqa_id", "civic_number", "street_specific", "municipality_code", "municipality")

# The database column width of a Data field (varchar(140)).
MAX_LENGTH = 140

_RQA_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:{}-]*")
_CIVIC = re.compile(r"\d{1,6}")
_SUFFIX = re.compile(r"[A-Za-z0-9/½]{1,10}")
_MUNICIPALITY_CODE = re.compile(r"\d{1,10}")
_ORDINAL_SPECIFIC = re.compile(r"\d+\s*(?:e|er|re|ère|ere)", re.IGNORECASE)

# Messages (English source strings, translated where they are shown).
MSG_MISSING = "{0} is required"
MSG_TOO_LONG = "{0} is longer than {1} characters"
MSG_RQA_ID = "{0}: {1} is not an RQA id (letters, digits and - _ . : {{ }})"
MSG_CIVIC = "{0}: {1} is not a civic number (1 to 6 digits)"
MSG_SUFFIX = "{0}: {1} is not a civic suffix (up to 10 letters or digits)"
MSG_MUNICIPALITY_CODE = "{0}: {1} is not a municipality code (digits)"
MSG_POSTAL = "{0}: {1} is not a Canadian postal code (expected A1A 1A1)"
MSG_COORDINATE = "{0}: {1} is not a number between -{2} and {2}"


class RowError(ValueError):
	"""A value that cannot be loaded: the column, an English message template and its arguments."""

	def __init__(self, column: str, template: str, *args):
		self.column = column
		self.template = template
		self.args_ = (column, *args)
		super().__init__(template.format(*self.args_))


_PLAIN_COORDINATE = re.compile(r"-?\d{1,3}(?:\.\d{0,6}[1-9])?")


def _coordinate(column: str, value: str, limit: int) -> str | None:
	"""The stored form of a coordinate (rules/address.py); None when unknown (empty or 0).

	Coordinates are text: Float columns cannot tell unknown from 0.
	"""
	if not value:
		return None
	if _PLAIN_COORDINATE.fullmatch(value) and -limit <= float(value) <= limit:
		# Already in the stored form: the common case, millions of times in a load.
		return value if float(value) else None
	try:
		return format_coordinate(parse_coordinate(value, limit))
	except ValueError:
		raise RowError(column, MSG_COORDINATE, value, limit) from None


class RowCleaner:
	"""Checks rows of one file fast: what rows share (street, municipality, postal code) is
	checked once. Not thread-safe; one per file."""

	def __init__(self):
		self._places: dict[tuple, dict] = {}
		self._postal: dict[str, str] = {}

	def clean(self, values: dict) -> dict:
		"""The row as it is stored, or :class:`RowError` naming the first bad column.

		``values`` maps every column of :data:`COLUMNS` to its text (stripped or not).
		"""
		get = values.get
		place_key = tuple(map(get, PLACE_COLUMNS))
		place = self._places.get(place_key)
		if place is None:
			place = self._clean_place(values)
			if len(self._places) < 500_000:
				self._places[place_key] = place
		rqa_id = (get("rqa_id") or "").strip()
		civic = (get("civic_number") or "").strip()
		suffix = (get("civic_suffix") or "").strip()
		if not rqa_id:
			raise RowError("rqa_id", MSG_MISSING)
		if len(rqa_id) > MAX_LENGTH or not _RQA_ID.fullmatch(rqa_id):
			raise RowError("rqa_id", MSG_RQA_ID, rqa_id)
		if not civic:
			raise RowError("civic_number", MSG_MISSING)
		if not _CIVIC.fullmatch(civic):
			raise RowError("civic_number", MSG_CIVIC, civic)
		if suffix and not _SUFFIX.fullmatch(suffix):
			raise RowError("civic_suffix", MSG_SUFFIX, suffix)
		return {
			**place,
			"rqa_id": rqa_id,
			"civic_number": civic.lstrip("0") or "0",
			"civic_suffix": suffix.replace("½", "1/2").upper() or None,
			"postal_code": self._postal_code((get("postal_code") or "").strip()),
			"latitude": _coordinate("latitude", (get("latitude") or "").strip(), 90),
			"longitude": _coordinate("longitude", (get("longitude") or "").strip(), 180),
		}

	def _postal_code(self, value: str) -> str | None:
		if not value:
			return None
		postal = self._postal.get(value)
		if postal is None:
			postal = format_postal_code(compact_postal_code(value))
			if not postal:
				raise RowError("postal_code", MSG_POSTAL, value)
			if len(self._postal) < 1_000_000:
				self._postal[value] = postal
		return postal

	@staticmethod
	def _clean_place(values: dict) -> dict:
		place = {column: (values.get(column) or "").strip() for column in PLACE_COLUMNS}
		for column in ("street_specific", "municipality_code", "municipality"):
			if not place[column]:
				raise RowError(column, MSG_MISSING)
		for column, value in place.items():
			if len(value) > MAX_LENGTH:
				raise RowError(column, MSG_TOO_LONG, MAX_LENGTH)
		if not _MUNICIPALITY_CODE.fullmatch(place["municipality_code"]):
			raise RowError("municipality_code", MSG_MUNICIPALITY_CODE, place["municipality_code"])
		for column in ("street_generic", "street_link", "street_direction"):
			place[column] = place[column] or None
		return place


def clean_row(row: dict) -> dict:
	"""One row as it is stored, or :class:`RowError` naming the first bad column."""
	return RowCleaner().clean(row)


def street_display(generic: str | None, link: str | None, specific: str | None, direction: str | None) -> str:
	"""``"Rue de l'Église"``, ``"Chemin du Lac-Héroux"``, ``"1re Avenue"``, ``"Boulevard Sainte-Anne Est"``."""
	generic, link, specific, direction = ((p or "").strip() for p in (generic, link, specific, direction))
	if specific and _ORDINAL_SPECIFIC.fullmatch(specific):
		# Numbered streets put the generic after the number.
		head = " ".join(p for p in (specific, generic) if p)
	else:
		name = f"{link}{specific}" if link.endswith("'") else " ".join(p for p in (link, specific) if p)
		head = " ".join(p for p in (generic, name) if p)
	return " ".join(p for p in (head, direction) if p)


def civic_display(civic_number: str | None, civic_suffix: str | None) -> str:
	"""``"125A"``; a half is set apart: ``"125 1/2"``."""
	civic, suffix = (civic_number or "").strip(), (civic_suffix or "").strip()
	if not suffix:
		return civic
	return f"{civic} {suffix}" if "/" in suffix else f"{civic}{suffix}"


def label(
	civic_number: str | None,
	civic_suffix: str | None,
	street: str | None,
	municipality: str | None,
	postal_code: str | None,
) -> str:
	"""The one-line address: ``"125 Rue Principale, Saint-Adrien QC J0A 1C0"``."""
	line = " ".join(p for p in (civic_display(civic_number, civic_suffix), (street or "").strip()) if p)
	place = " ".join(p for p in ((municipality or "").strip(), "QC", (postal_code or "").strip()) if p)
	return f"{line}, {place}" if line else place
