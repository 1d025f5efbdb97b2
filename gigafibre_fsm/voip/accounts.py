"""Which equipment carries a phone line's SIP account, which IP phones still wait for a line,
and the numbers of a range. Pure Python.

A SIP account (user name and password) lives on one equipment only: the IP phone (an ATA) or,
for the legacy system's lines, an ONT with phone ports. The VoIP Line names that equipment and
the account's user name; the password is never copied to the line.
"""

from gigafibre_fsm.rules.phone import normalize_phone

IP_PHONE = "IP Phone"
RETURNED = "Returned"
CANCELLED = "Cancelled"
# A range added in one go: beyond this, a typing mistake (a digit too many) is more likely.
MAX_RANGE = 10_000


def sip_home(username: str | None, ata_mac: str | None, equipment: list[dict]) -> dict | None:
	"""Of a location's equipment (name, equipment_type, sip_username, mac_address, status), the
	one that carries the account ``username``: the equipment with that SIP user name, else the IP
	phone whose MAC is the line's ATA's. Returned equipment carries nothing."""
	present = [e for e in equipment if e.get("status") != RETURNED]
	if username:
		for row in present:
			if row.get("sip_username") == username:
				return row
	if ata_mac:
		for row in present:
			if row.get("equipment_type") == IP_PHONE and row.get("mac_address") == ata_mac:
				return row
	return None


def phones_without_line(phones: list[dict], lines: list[dict]) -> list[dict]:
	"""The IP phones (name, sip_username, sip_line, creation) that no line in service (equipment,
	sip_username, status) names, line 1 first."""
	taken_equipment = {line.get("equipment") for line in lines if line.get("status") != CANCELLED}
	taken_users = {
		line.get("sip_username")
		for line in lines
		if line.get("status") != CANCELLED and not line.get("equipment") and line.get("sip_username")
	}
	waiting = [
		phone
		for phone in phones
		if phone.get("status") != RETURNED
		and phone["name"] not in taken_equipment
		and not (phone.get("sip_username") and phone.get("sip_username") in taken_users)
	]
	return sorted(waiting, key=lambda p: (p.get("sip_line") or 1, str(p.get("creation") or ""), p["name"]))


class RangeError(ValueError):
	"""A range that cannot be added: ``field`` (first or last) and ``kind`` say why."""

	INVALID, BACKWARDS, TOO_MANY = "invalid", "backwards", "too_many"

	def __init__(self, field: str, kind: str, value: str | None = None):
		super().__init__(f"{field}: {kind} ({value!r})")
		self.field, self.kind, self.value = field, kind, value


def number_range(first: str | None, last: str | None, limit: int = MAX_RANGE) -> list[str]:
	"""The North-American numbers from ``first`` to ``last`` (any notation), both included; the
	numbers of the span that cannot be a DID (rules/phone.py: an exchange starting with 0 or 1) are
	left out."""
	start, end = normalize_phone(first), normalize_phone(last)
	if not start:
		raise RangeError("first", RangeError.INVALID, first)
	if not end:
		raise RangeError("last", RangeError.INVALID, last)
	if int(end) < int(start):
		raise RangeError("last", RangeError.BACKWARDS, last)
	if int(end) - int(start) + 1 > limit:
		raise RangeError("last", RangeError.TOO_MANY, last)
	numbers = (normalize_phone(str(n)) for n in range(int(start), int(end) + 1))
	return [n for n in numbers if n]
