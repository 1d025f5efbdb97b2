"""North-American telephone numbers (NANP): a customer's phone, a DID. Pure Python.

The one home of the rule: a number is stored as its 10 digits (``4185551234``); people, the
legacy system and the 911 provider write it with dashes, spaces, brackets or a leading 1/+1.
"""

import re

# NPA and NXX both start with 2-9; N11 codes (411, 911…) are service codes, not area codes.
_NANP = re.compile(r"[2-9]\d{2}[2-9]\d{6}")


def normalize_phone(value: str | None) -> str | None:
	"""Return the 10-digit form of a North-American number, or None if it is not one."""
	if value is None:
		return None
	digits = re.sub(r"[\s().\-+]", "", value.strip())
	if not digits.isdigit():
		return None
	if len(digits) == 11 and digits.startswith("1"):
		digits = digits[1:]
	if not _NANP.fullmatch(digits) or digits[1:3] == "11":
		return None
	return digits


def format_phone(did: str) -> str:
	"""``4185551234`` → ``418-555-1234``, for people."""
	return f"{did[:3]}-{did[3:6]}-{did[6:]}" if len(did) == 10 else did
