"""Which fibre drop serves a civic address, and so whether fibre can be ordered there.

The link is the drop's (``Fibre Drop.civic_address``, made by network/drop_matching.py and
confirmed by reviewers); an address may have several drops. Of an address's Matched or
Confirmed drops, the one an order takes is a free one, a confirmed one first. Its coverage is
one rule over its port (network/fibre_port.py): ``available``, ``taken`` or ``not_covered``.

The search asks the coverage of a page of addresses in one indexed read; availability, the
quote and the checkout read one address with its serving drop (:func:`load_site`).
"""

from collections import defaultdict
from dataclasses import dataclass

import frappe
from frappe import _

from gigafibre_fsm.exceptions import AddressNotFoundError, refuse
from gigafibre_fsm.network.civic_address.matching_rules import CONFIRMED, LINKED
from gigafibre_fsm.network.fibre_port import coverage, is_free

# The civic address fields an order reads, and the drop fields (its OLT position, speed,
# zone and whether its port is free).
ADDRESS_FIELDS = (
	"name",
	"label",
	"civic_number",
	"civic_suffix",
	"street",
	"municipality",
	"municipality_code",
	"postal_code",
	"latitude",
	"longitude",
)
DROP_FIELDS = (
	"name",
	"olt",
	"olt_ip",
	"frame",
	"slot",
	"port",
	"ont_slot",
	"olt_port",
	"installed_serial",
	"max_speed_mbps",
	"zone_tarifaire",
	"service_location",
)
# Addresses per IN (…) list.
CHUNK = 2000


def _linked_drops(address_ids: list[str], fields: tuple[str, ...]) -> dict[str, list[dict]]:
	"""The drops linked (Matched or Confirmed) to each address, by the index on civic_address.

	Raw SQL: every search request asks this, and the query builder costs more than the read."""
	ids = [a for a in dict.fromkeys(address_ids) if a]
	if not ids:
		return {}
	names = dict.fromkeys(("name", "civic_address", "match_status", "installed_serial", *fields))
	meta = frappe.get_meta("Fibre Drop")
	columns = ", ".join(f"`{c}`" for c in names if c == "name" or meta.has_field(c))
	out: dict[str, list[dict]] = defaultdict(list)
	for start in range(0, len(ids), CHUNK):
		for row in frappe.db.sql(
			f"""SELECT {columns} FROM `tabFibre Drop`
			WHERE civic_address IN %s AND match_status IN %s ORDER BY name""",
			(tuple(ids[start : start + CHUNK]), LINKED),
			as_dict=True,
		):
			out[row.civic_address].append(row)
	return out


def _serving(drops: list[dict]) -> dict | None:
	"""Of an address's drops, the one an order takes: a free one, a confirmed one first."""
	if not drops:
		return None
	return min(
		drops,
		key=lambda d: (not is_free(d.installed_serial), d.match_status != CONFIRMED, d.name),
	)


def drop_for_address(address_id: str, fields: tuple[str, ...] | list[str] = DROP_FIELDS) -> dict | None:
	"""The drop that serves an address (matched or confirmed; a free one when there are
	several), with ``fields``, or None."""
	return _serving(_linked_drops([address_id], tuple(fields)).get(address_id, []))


def coverage_for(address_ids: list[str]) -> dict[str, str]:
	"""Coverage of each address: ``available`` (a linked drop with a free port), ``taken``
	(its drops' ports are in use or reserved) or ``not_covered`` (no drop linked)."""
	linked = _linked_drops(address_ids, ())
	out = {}
	for address_id in address_ids:
		drop = _serving(linked.get(address_id, []))
		out[address_id] = coverage(drop.installed_serial if drop else None, has_drop=bool(drop))
	return out


@dataclass
class Site:
	"""A civic address and the fibre drop that serves it (None where there is no fibre)."""

	address: dict
	drop: dict | None

	@property
	def max_speed(self) -> int | None:
		return (self.drop.max_speed_mbps or None) if self.drop else None

	@property
	def zone(self) -> str | None:
		return (self.drop.zone_tarifaire or None) if self.drop else None

	@property
	def coverage(self) -> str:
		return coverage(self.drop.installed_serial if self.drop else None, has_drop=bool(self.drop))

	@property
	def sellable_speed(self) -> int | None:
		"""The speed plans are offered up to: the drop's, while its port is free."""
		return self.max_speed if self.coverage == "available" else None


def load_site(address_id: str, field_name: str = "address_id") -> Site:
	"""The address (404 naming ``field_name`` when unknown) and its serving drop."""
	address = frappe.db.get_value("Civic Address", address_id, ADDRESS_FIELDS, as_dict=True)
	if not address:
		refuse(field_name, _("{0}: unknown address").format(field_name), AddressNotFoundError)
	drop = drop_for_address(address.name)
	address.fibre_drop = drop.name if drop else None
	return Site(address, drop)
