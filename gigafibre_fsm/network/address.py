"""Postal addresses and coordinates of Québec premises. Pure Python."""

import re

# Canadian postal codes never use D, F, I, O, Q or U; W and Z never start one.
_POSTAL = re.compile(r"([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])(\d[ABCEGHJ-NPRSTV-Z]\d)")


def normalize_postal_code(value: str | None) -> str | None:
	"""Return ``A1A 1A1`` for a Canadian postal code in any spacing or case, or None."""
	if value is None:
		return None
	compact = re.sub(r"[\s\-]", "", value).upper()
	match = _POSTAL.fullmatch(compact)
	return f"{match[1]} {match[2]}" if match else None


def latitude_in_range(value: float | None) -> bool:
	return value is None or -90.0 <= value <= 90.0


def longitude_in_range(value: float | None) -> bool:
	return value is None or -180.0 <= value <= 180.0
