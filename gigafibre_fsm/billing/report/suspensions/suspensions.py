"""Suspensions: who is suspended, why and for how long — or, grouped, how many by reason.

A suspension is *current* from its first day until it is lifted: a start date on or before
today and no end date, or one still ahead (restoring a customer writes the end date; the legacy
system's dated suspensions read the same way, as the import decides who is suspended now). Its
days suspended run to today while current, to its end date after. A suspension the legacy system
recorded without dates is listed (unless only current ones are asked for) without days.

The reason is what the suspension was for (a missed arrangement, overdue invoices, by hand;
empty for the legacy system's, whose note is the reason text).
"""

import frappe
from frappe import _
from frappe.utils import date_diff, getdate

from gigafibre_fsm.billing.suspension import MANUAL, MISSED_ARRANGEMENT, OVERDUE_INVOICES

SUSPENSION_TYPES = (MISSED_ARRANGEMENT, OVERDUE_INVOICES, MANUAL)
LEGACY = "Legacy"  # the reason group of a suspension recorded by the legacy system


def today():
	return getdate(frappe.flags.current_date or None)


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	day = today()
	data = suspensions(filters, day)
	groups = by_reason(data)
	summary = report_summary(data)
	if filters.get("group_by_reason"):
		return reason_columns(), groups, None, chart(groups), summary
	return columns(), data, None, chart(groups), summary


def suspensions(filters: frappe._dict, day) -> list[dict]:
	conditions, values = [], {"today": day}
	if int(filters.get("current_only") or 0):
		conditions.append("from_date <= %(today)s and (to_date is null or to_date > %(today)s)")
	if filters.get("reason"):
		if filters.reason == LEGACY:
			conditions.append("ifnull(suspension_type, '') = ''")
		else:
			conditions.append("suspension_type = %(reason)s")
			values["reason"] = filters.reason
	if filters.get("customer"):
		conditions.append("customer = %(customer)s")
		values["customer"] = filters.customer
	if filters.get("from_date"):
		conditions.append("from_date >= %(from_date)s")
		values["from_date"] = getdate(filters.from_date)
	if filters.get("to_date"):
		conditions.append("from_date <= %(to_date)s")
		values["to_date"] = getdate(filters.to_date)
	where = f"where {' and '.join(conditions)}" if conditions else ""
	rows = frappe.db.sql(
		f"""select name as suspension, customer, customer_name, suspension_type, reason as note,
			from_date, to_date, payment_arrangement, suspended_by
		from `tabSuspension Log` {where}
		order by from_date is null, from_date desc, name desc""",
		values,
		as_dict=True,
	)
	for row in rows:
		row.reason = row.suspension_type or LEGACY
		row.current = int(is_current(row.from_date, row.to_date, day))
		row.days_suspended = days_suspended(row.from_date, row.to_date, day)
	return rows


def is_current(from_date, to_date, day) -> bool:
	return bool(from_date) and getdate(from_date) <= day and (not to_date or getdate(to_date) > day)


def days_suspended(from_date, to_date, day) -> int | None:
	"""Days from the first day suspended to today (current) or to the day it was lifted."""
	if not from_date:
		return None
	end = getdate(to_date) if to_date and getdate(to_date) <= day else day
	return max(date_diff(end, from_date), 0)


def by_reason(rows: list[dict]) -> list[dict]:
	groups: dict[str, dict] = {}
	for row in rows:
		group = groups.setdefault(
			row.reason,
			{"reason": row.reason, "suspensions": 0, "current": 0, "customers": set(), "days": []},
		)
		group["suspensions"] += 1
		group["current"] += row.current
		group["customers"].add(row.customer)
		if row.days_suspended is not None:
			group["days"].append(row.days_suspended)
	order = [*SUSPENSION_TYPES, LEGACY]
	result = []
	for reason in sorted(groups, key=lambda r: (order.index(r) if r in order else len(order), r)):
		group = groups[reason]
		days = group.pop("days")
		group["customers"] = len(group["customers"])
		group["average_days"] = round(sum(days) / len(days), 1) if days else None
		group["longest_days"] = max(days) if days else None
		result.append(frappe._dict(group))
	return result


def report_summary(rows: list[dict]) -> list[dict]:
	current = [r for r in rows if r.current]
	days = [r.days_suspended for r in current if r.days_suspended is not None]
	return [
		{"label": _("Suspensions"), "value": len(rows), "datatype": "Int"},
		{"label": _("Current"), "value": len(current), "datatype": "Int", "indicator": "Red"},
		{
			"label": _("Customers Suspended"),
			"value": len({r.customer for r in current}),
			"datatype": "Int",
			"indicator": "Red",
		},
		{
			"label": _("Average Days Suspended"),
			"value": round(sum(days) / len(days), 1) if days else 0,
			"datatype": "Float",
		},
	]


def chart(groups: list[dict]) -> dict | None:
	if not groups:
		return None
	return {
		"data": {
			"labels": [_(g.reason) for g in groups],
			"datasets": [
				{"name": _("Current"), "values": [g.current for g in groups]},
				{"name": _("Suspensions"), "values": [g.suspensions for g in groups]},
			],
		},
		"type": "bar",
	}


def columns() -> list[dict]:
	return [
		{
			"fieldname": "suspension",
			"label": _("Suspension Log"),
			"fieldtype": "Link",
			"options": "Suspension Log",
			"width": 120,
		},
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 130,
		},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "reason", "label": _("Reason"), "fieldtype": "Select", "width": 150},
		{"fieldname": "from_date", "label": _("Suspended From"), "fieldtype": "Date", "width": 110},
		{"fieldname": "to_date", "label": _("Suspended Until"), "fieldtype": "Date", "width": 110},
		{"fieldname": "days_suspended", "label": _("Days Suspended"), "fieldtype": "Int", "width": 110},
		{"fieldname": "current", "label": _("Current"), "fieldtype": "Check", "width": 80},
		{
			"fieldname": "payment_arrangement",
			"label": _("Payment Arrangement"),
			"fieldtype": "Link",
			"options": "Payment Arrangement",
			"width": 130,
		},
		{"fieldname": "note", "label": _("Note"), "fieldtype": "Data", "width": 200},
		{
			"fieldname": "suspended_by",
			"label": _("Suspended By"),
			"fieldtype": "Link",
			"options": "User",
			"width": 150,
		},
	]


def reason_columns() -> list[dict]:
	return [
		{"fieldname": "reason", "label": _("Reason"), "fieldtype": "Select", "width": 180},
		{"fieldname": "suspensions", "label": _("Suspensions"), "fieldtype": "Int", "width": 110},
		{"fieldname": "current", "label": _("Current"), "fieldtype": "Int", "width": 90},
		{"fieldname": "customers", "label": _("Customers"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "average_days",
			"label": _("Average Days Suspended"),
			"fieldtype": "Float",
			"width": 160,
		},
		{"fieldname": "longest_days", "label": _("Longest (Days)"), "fieldtype": "Int", "width": 120},
	]
