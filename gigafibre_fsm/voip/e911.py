"""A 911 registration compared with the service address it must match. Pure Python.

A VoIP line's 911 address is kept in the same parts as its service location's address, so
the 911 audit compares parts (civic number, suffix, street, apartment, municipality,
province, postal code) instead of two free-text lines. Parts are compared after folding
case, accents, punctuation and the usual street abbreviations (rules/text.py).
"""

from gigafibre_fsm.field_service import task_types
from gigafibre_fsm.rules.text import fold_words

# Service Location field → VoIP Line 911 field, part by part.
PARTS = {
	"civic_number": "e911_civic_number",
	"civic_suffix": "e911_civic_suffix",
	"street": "e911_street",
	"apartment": "e911_apartment",
	"city": "e911_city",
	"municipality_code": "e911_cauca_code",
	"province": "e911_province",
	"postal_code": "e911_postal_code",
}


def differences(service: dict, e911: dict) -> list[str]:
	"""The service-address parts whose 911 counterpart differs (empty list: they match)."""

	def key(value):
		# "J0A 1C0" and "j0a1c0" are one postal code.
		return fold_words(value).replace(" ", "")

	return [part for part, e911_part in PARTS.items() if key(service.get(part)) != key(e911.get(e911_part))]


def address_of(service: dict) -> dict:
	"""The 911 address of a line at this service address, part by part (empty parts stay empty;
	the province is Québec's when the location does not say)."""
	parts = {e911_part: (service.get(part) or None) for part, e911_part in PARTS.items()}
	parts["e911_province"] = parts["e911_province"] or "QC"
	return parts


# ---------------------------------------------------------------------------------------
# Whether a line's 911 address is where it rings from

MATCH, MISMATCH, MISSING = "Match", "Mismatch", "Missing"
MATCH_STATUSES = (MATCH, MISMATCH, MISSING)
# The parts that place a caller for the 911 centre: the audit compares these. The province is
# Québec's for every address the company serves, and the CAUCA code follows the municipality.
COMPARED = ("civic_number", "civic_suffix", "street", "apartment", "city", "postal_code")
# A 911 address without one of these cannot be dispatched to.
REQUIRED = ("civic_number", "street", "city", "postal_code")


def _key(value) -> str:
	# "J0A 1C0" and "j0a1c0" are one postal code.
	return fold_words(value).replace(" ", "")


def compare(service: dict | None, e911: dict) -> tuple[str, list[str]]:
	"""(Match | Mismatch | Missing, the parts concerned) of a line's 911 address against its
	service address. Missing: the 911 address (or the service address: a line without a
	location) lacks a part the 911 centre needs — those parts; Mismatch: the parts that differ."""
	missing = [part for part in REQUIRED if not _key(e911.get(PARTS[part]))]
	if not service:
		return MISSING, missing or ["service_location"]
	missing += [part for part in REQUIRED if not _key(service.get(part)) and part not in missing]
	if missing:
		return MISSING, [part for part in REQUIRED if part in missing]
	differing = [part for part in COMPARED if _key(service.get(part)) != _key(e911.get(PARTS[part]))]
	return (MISMATCH, differing) if differing else (MATCH, [])


def changed_parts(before: dict, after: dict) -> list[str]:
	"""The service-address parts a location's change moved (written differently is no move)."""
	return [part for part in COMPARED if _key(before.get(part)) != _key(after.get(part))]


def one_line(parts: dict, prefix: str = "") -> str:
	"""An address in parts as people read it: "1210A Rue Principale, app. 2, Saint-Adrien J0A 1C0"."""

	def get(part):
		return (parts.get(prefix + part) or "").strip()

	street = " ".join(p for p in (f"{get('civic_number')}{get('civic_suffix')}", get("street")) if p)
	apartment = f"app. {get('apartment')}" if get("apartment") else ""
	place = " ".join(p for p in (get("city"), get("postal_code")) if p)
	return ", ".join(p for p in (street, apartment, place) if p)


# The support task a location's address change opens (found by its key, like the installation's).
REGISTER_911 = task_types.REGISTER_911
