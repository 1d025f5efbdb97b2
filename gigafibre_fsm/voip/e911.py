"""A 911 registration compared with the service address it must match. Pure Python.

A VoIP line's 911 address is kept in the same parts as its service location's address, so
the 911 audit compares parts (civic number, suffix, street, apartment, municipality,
province, postal code) instead of two free-text lines. Parts are compared after folding
case, accents, punctuation and the usual street abbreviations (rules/text.py).
"""

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
