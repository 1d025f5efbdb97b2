"""OLT ports and the state of a fibre drop. Pure Python.

A drop's state follows the legacy ``fibre.sn`` convention: empty means the port is free,
``RESERVED-…`` means an order holds it, anything else is the serial of the installed ONT.
"""

RESERVED_PREFIX = "RESERVED-"

AVAILABLE = "Available"
RESERVED = "Reserved"
OCCUPIED = "Occupied"
NOT_INSTALLED = "Not installed"


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


def format_port(frame: int | None, slot: int | None, port: int | None) -> str | None:
	"""``frame/slot/port`` as the OLT's CLI writes it, or None while any part is unknown."""
	if frame is None or slot is None or port is None:
		return None
	return f"{frame}/{slot}/{port}"
