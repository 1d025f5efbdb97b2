"""OLT ports and whether a fibre drop is free. Pure Python.

One rule over one field: a drop's installed serial, in the legacy ``fibre.sn`` convention.
Empty means the port is free, ``RESERVED-<location>`` means an order holds it, anything else
is the serial of the ONT installed on it. The drop's status, the website's coverage and the
order pipeline all ask :func:`drop_status`; only the Fibre Drop controller writes the serial.
"""

RESERVED_PREFIX = "RESERVED-"
AVAILABLE = "Available"
RESERVED = "Reserved"
OCCUPIED = "Occupied"
NOT_INSTALLED = "Not Installed"


def drop_status(installed_serial: str | None, box_not_installed: bool = False) -> str:
	"""The status a drop has given its installed serial and whether its box is installed."""
	serial = (installed_serial or "").strip()
	if serial.upper().startswith(RESERVED_PREFIX):
		return RESERVED
	if serial:
		return OCCUPIED
	if box_not_installed:
		return NOT_INSTALLED
	return AVAILABLE


def is_free(installed_serial: str | None) -> bool:
	"""Whether an order may take the drop's port (a drop without its box can still be sold)."""
	return drop_status(installed_serial) == AVAILABLE


# An address's coverage, as the website shows it (API.md).
AVAILABLE_COVERAGE, TAKEN_COVERAGE, NOT_COVERED = "available", "taken", "not_covered"


def coverage(installed_serial: str | None, has_drop: bool = True) -> str:
	"""``available`` when the address's drop has a free port, ``taken`` when its port is in
	use or reserved, ``not_covered`` without a drop."""
	if not has_drop:
		return NOT_COVERED
	return AVAILABLE_COVERAGE if is_free(installed_serial) else TAKEN_COVERAGE


def reservation_for(location: str) -> str:
	"""The serial that marks a drop as held by an order for ``location``."""
	return f"{RESERVED_PREFIX}{location}"


def is_held_by(installed_serial: str | None, location: str) -> bool:
	return (installed_serial or "").strip().upper() == reservation_for(location).upper()


def format_port(frame, slot, port) -> str | None:
	"""``frame/slot/port`` as the OLT's CLI writes it, or None while any part is unknown."""
	if any(v is None or v == "" for v in (frame, slot, port)):
		return None
	return f"{frame}/{slot}/{port}"


def port_key(olt, frame, slot, port, ont) -> str | None:
	"""One string naming an ONT position on an OLT, or None while any part is unknown.

	Stored in a unique column so the database itself refuses two holders of one position.
	"""
	parts = (olt, frame, slot, port, ont)
	if any(v is None or str(v).strip() == "" for v in parts):
		return None
	return "|".join(str(v).strip() for v in parts)
