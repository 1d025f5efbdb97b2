"""OLT Capacity: per OLT and per port (frame/slot/port), its drops, how many are in service,
reserved by an order, free, and the share used.

Whether a drop is in service, reserved or free is network/fibre_port.py's one rule over the
drop's installed serial (``drop_status``, ``is_free``): the report reads each drop's serial in
one indexed query and asks the rule, it never re-derives it in SQL. A drop whose box is not
installed yet is free (an order may take it) and also counted apart.
"""

from dataclasses import dataclass, field

import frappe
from frappe import _

from gigafibre_fsm.network.fibre_port import NOT_INSTALLED, OCCUPIED, RESERVED, drop_status, is_free

NO_OLT = "__none__"


@dataclass
class Tally:
	drops: int = 0
	in_service: int = 0
	reserved: int = 0
	free: int = 0
	box_not_installed: int = 0

	def add(self, installed_serial: str | None, box_not_installed: bool) -> None:
		status = drop_status(installed_serial, box_not_installed)
		self.drops += 1
		self.in_service += status == OCCUPIED
		self.reserved += status == RESERVED
		self.free += is_free(installed_serial)
		self.box_not_installed += status == NOT_INSTALLED

	@property
	def used_pct(self) -> float:
		return round(100.0 * (self.in_service + self.reserved) / self.drops, 1) if self.drops else 0.0

	def as_row(self) -> dict:
		return {
			"drops": self.drops,
			"in_service": self.in_service,
			"reserved": self.reserved,
			"free": self.free,
			"box_not_installed": self.box_not_installed,
			"used_pct": self.used_pct,
		}


@dataclass
class OltTally(Tally):
	ports: dict[str, Tally] = field(default_factory=dict)


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	olts = capacity(filters.get("olt"))
	total = totals(olts)
	return columns(), rows(olts), None, chart(olts, filters.get("olt")), report_summary(total)


def capacity(olt: str | None = None) -> dict[str, OltTally]:
	"""Each OLT's tally (``NO_OLT`` for drops without one) with its ports' tallies."""
	condition = "where olt = %(olt)s" if olt else ""
	drops = frappe.db.sql(
		f"""select olt, olt_port, installed_serial, box_not_installed
		from `tabFibre Drop` {condition}""",
		{"olt": olt},
		as_list=True,
	)
	olts: dict[str, OltTally] = {}
	for olt_name, port, serial, box_not_installed in drops:
		tally = olts.setdefault(olt_name or NO_OLT, OltTally())
		tally.add(serial, box_not_installed)
		tally.ports.setdefault(port or "", Tally()).add(serial, box_not_installed)
	return dict(sorted(olts.items(), key=lambda item: (item[0] == NO_OLT, item[0])))


def totals(olts: dict[str, OltTally]) -> Tally:
	total = Tally()
	for tally in olts.values():
		for name in ("drops", "in_service", "reserved", "free", "box_not_installed"):
			setattr(total, name, getattr(total, name) + getattr(tally, name))
	return total


def free_ports() -> int:
	"""Drops an order may take, over every OLT (the workspace's "Free Ports" card)."""
	return totals(capacity()).free


def port_order(port: str) -> tuple:
	"""``0/1/10`` after ``0/1/9``; an unknown port last."""
	if not port:
		return (1, ())
	return (0, tuple(int(p) if p.isdigit() else p for p in port.split("/")))


def rows(olts: dict[str, OltTally]) -> list[dict]:
	data = []
	for olt, tally in olts.items():
		key = olt
		data.append(
			{
				"row_key": key,
				"parent_key": None,
				"indent": 0,
				"olt": None if olt == NO_OLT else olt,
				"port": _("No OLT") if olt == NO_OLT else None,
				**tally.as_row(),
			}
		)
		for port in sorted(tally.ports, key=port_order):
			data.append(
				{
					"row_key": f"{key}|{port}",
					"parent_key": key,
					"indent": 1,
					"olt": None if olt == NO_OLT else olt,
					"port": port or _("Unknown port"),
					**tally.ports[port].as_row(),
				}
			)
	return data


def columns() -> list[dict]:
	return [
		{"fieldname": "olt", "label": _("OLT"), "fieldtype": "Link", "options": "OLT", "width": 200},
		{"fieldname": "port", "label": _("Port"), "fieldtype": "Data", "width": 110},
		{"fieldname": "drops", "label": _("Drops"), "fieldtype": "Int", "width": 80},
		{"fieldname": "in_service", "label": _("In Service"), "fieldtype": "Int", "width": 95},
		{"fieldname": "reserved", "label": _("Reserved"), "fieldtype": "Int", "width": 90},
		{"fieldname": "free", "label": _("Free"), "fieldtype": "Int", "width": 80},
		{
			"fieldname": "box_not_installed",
			"label": _("Box Not Installed"),
			"fieldtype": "Int",
			"width": 130,
		},
		{"fieldname": "used_pct", "label": _("% Used"), "fieldtype": "Percent", "width": 90},
	]


def chart(olts: dict[str, OltTally], olt: str | None) -> dict | None:
	"""In service, reserved and free, stacked: per OLT, or per port of the OLT filtered on."""
	if olt and olt in olts:
		ports = olts[olt].ports
		labels = sorted(ports, key=port_order)
		bars = [ports[p] for p in labels]
		labels = [p or _("Unknown port") for p in labels]
	else:
		labels = [_("No OLT") if name == NO_OLT else name for name in olts]
		bars = list(olts.values())
	if not bars:
		return None
	return {
		"data": {
			"labels": labels,
			"datasets": [
				{"name": _("In Service"), "values": [t.in_service for t in bars]},
				{"name": _("Reserved"), "values": [t.reserved for t in bars]},
				{"name": _("Free"), "values": [t.free for t in bars]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		"colors": ["#2490ef", "#ffa00a", "#29cd42"],
	}


def report_summary(total: Tally) -> list[dict]:
	return [
		{"label": _("Drops"), "value": total.drops, "datatype": "Int"},
		{"label": _("In Service"), "value": total.in_service, "datatype": "Int", "indicator": "Blue"},
		{"label": _("Reserved"), "value": total.reserved, "datatype": "Int", "indicator": "Orange"},
		{"label": _("Free"), "value": total.free, "datatype": "Int", "indicator": "Green"},
		{"label": _("% Used"), "value": total.used_pct, "datatype": "Percent"},
	]
