"""Device identifiers as the ACS and the technicians' scanners give them.

Pure Python: MACs arrive as ``aa-bb-cc-dd-ee-ff``, ``AABB.CCDD.EEFF``, ``aabbccddeeff`` or
``aa:bb:…``; serials arrive with stray spaces and in either case. Both are stored in one
canonical form so that a lookup on every device boot is a plain indexed equality.
"""

import re

_HEX = re.compile(r"[0-9A-F]{12}")
_SEPARATORS = re.compile(r"[\s:.\-]")
_SERIAL = re.compile(r"[A-Z0-9][A-Z0-9\-_/.]*")


def normalize_mac(value: str | None) -> str | None:
	"""Return ``AA:BB:CC:DD:EE:FF`` for any common notation, or None if it is not a MAC."""
	if value is None:
		return None
	digits = _SEPARATORS.sub("", value.strip().upper())
	if not _HEX.fullmatch(digits):
		return None
	return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def normalize_serial(value: str | None) -> str | None:
	"""Return the serial upper-cased without spaces, or None if it has characters no serial has."""
	if value is None:
		return None
	serial = re.sub(r"\s+", "", value).upper()
	if not serial or not _SERIAL.fullmatch(serial):
		return None
	return serial
