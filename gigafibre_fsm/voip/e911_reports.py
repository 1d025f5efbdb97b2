"""The rows of the 911 reports (voip/report/): each line with its location's address, compared
again when the report runs by the same pure comparer the line's save uses (voip/e911.py), so a
report says what is true now, even of a row written around the controllers.

One query per report: the lines (filtered in SQL) joined to their location by its key; the
comparison is Python over those rows (a few microseconds a line).
"""

import frappe
from frappe import _

from gigafibre_fsm.voip import e911
from gigafibre_fsm.voip.e911_lines import LINE, part_labels
from gigafibre_fsm.voip.e911_registration import orphan_sql

LINE_FIELDS = (
	"name",
	"did",
	"status",
	"customer",
	"customer_name",
	"service_location",
	"e911_class",
	"e911_synced",
	"e911_synced_on",
	"e911_synced_by",
	"e911_reregister",
	"e911_task",
	"legacy_phone_addr_id",
	"modified",
)


def lines(filters: dict | None, where: str = "1=1") -> list[dict]:
	"""Lines (with their location's address as ``loc_*``) matching the report's filters."""
	filters = frappe._dict(filters or {})
	conditions, values = [where], {}
	if filters.get("customer"):
		conditions.append("l.customer = %(customer)s")
		values["customer"] = filters.customer
	if filters.get("service_location"):
		conditions.append("l.service_location = %(service_location)s")
		values["service_location"] = filters.service_location
	if filters.get("status"):
		conditions.append("l.status = %(status)s")
		values["status"] = filters.status
	if filters.get("did"):
		conditions.append("l.did like %(did)s")
		values["did"] = f"%{''.join(c for c in str(filters.did) if c.isdigit())}%"
	selected = [f"l.`{f}`" for f in (*LINE_FIELDS, *e911.PARTS.values())]
	selected += [f"loc.`{part}` as `loc_{part}`" for part in e911.PARTS]
	selected += ["loc.location_title as loc_title"]
	selected += ["l.e911_match as stored_match", "l.e911_differences as stored_differences"]
	rows = frappe.db.sql(
		f"""select {", ".join(selected)}
		from `tabVoIP Line` l
		left join `tabService Location` loc on loc.name = l.service_location
		where {" and ".join(f"({c})" for c in conditions)}
		order by l.did, l.creation""",
		values,
		as_dict=True,
	)
	for row in rows:
		service = {part: row[f"loc_{part}"] for part in e911.PARTS} if row.service_location else None
		row.e911_match, row.e911_parts = e911.compare(service, row)
		row.differences = part_labels(row.e911_parts)
		row.service_address = e911.one_line(service) if service else None
		row.e911_address = e911.one_line(row, "e911_")
	return rows


def column(fieldname: str, label: str, fieldtype: str = "Data", options: str | None = None, width: int = 120):
	return {
		"fieldname": fieldname,
		"label": _(label),
		"fieldtype": fieldtype,
		"options": options,
		"width": width,
	}


def match_filter(rows: list[dict], wanted: str | None) -> list[dict]:
	return [row for row in rows if not wanted or row.e911_match == wanted]


def summary(rows: list[dict]) -> list[dict]:
	"""The report's figures above the table: lines by 911 check."""
	counts = {status: 0 for status in e911.MATCH_STATUSES}
	for row in rows:
		counts[row.e911_match] = counts.get(row.e911_match, 0) + 1
	colours = {e911.MATCH: "Green", e911.MISMATCH: "Red", e911.MISSING: "Orange"}
	return [
		{"label": _(status), "value": count, "indicator": colours[status], "datatype": "Int"}
		for status, count in counts.items()
	]


def refresh_matches() -> int:
	"""Store the comparison on every line whose stored one is not the truth any more (lines saved
	before the comparison existed, a location changed around its controller): one read of all
	lines with their locations, a write only where it changed, no new ``modified``. Returns how
	many lines changed; safe to run again (a patch, or by hand)."""
	changed = 0
	for row in lines(None):
		parts = ", ".join(row.e911_parts) or None
		if (row.stored_match, row.stored_differences) != (row.e911_match, parts):
			frappe.db.set_value(
				LINE,
				row.name,
				{"e911_match": row.e911_match, "e911_differences": parts},
				update_modified=False,
			)
			changed += 1
	return changed


__all__ = ["column", "lines", "match_filter", "orphan_sql", "refresh_matches", "summary"]
