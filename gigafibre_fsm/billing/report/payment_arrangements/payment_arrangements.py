"""Payment Arrangements: every arrangement (by status, pay-by dates, customer) with its amount,
and above them the figures collections watch: arrangements in force (Open, and the legacy
system's Pending) and missed, with what they are worth, and those kept this month (by the day
collections found them paid). The total row sums the amounts listed.

Money is read as exact decimals and summed as such, never as floats.
"""

from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import get_first_day, get_last_day, getdate

from gigafibre_fsm.billing.collection_rules import COMPLETED, IN_FORCE, KEPT, MISSED, OPEN, PENDING

CENT = Decimal("0.01")


def today():
	return getdate(frappe.flags.current_date or None)


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	data = arrangements(filters)
	return columns(), data, None, chart(data), report_summary(data, today())


def arrangements(filters: frappe._dict) -> list[dict]:
	conditions, values = [], {}
	if filters.get("status"):
		conditions.append("status = %(status)s")
		values["status"] = filters.status
	if filters.get("customer"):
		conditions.append("customer = %(customer)s")
		values["customer"] = filters.customer
	if filters.get("from_date"):
		conditions.append("due_date >= %(from_date)s")
		values["from_date"] = getdate(filters.from_date)
	if filters.get("to_date"):
		conditions.append("due_date <= %(to_date)s")
		values["to_date"] = getdate(filters.to_date)
	where = f"where {' and '.join(conditions)}" if conditions else ""
	rows = frappe.db.sql(
		f"""select name as arrangement, customer, customer_name, status, amount, method, agreed_date,
			due_date, cutoff_date, outcome_date, agent
		from `tabPayment Arrangement` {where}
		order by due_date is null, due_date desc, name desc""",
		values,
		as_dict=True,
	)
	for row in rows:
		row.amount = Decimal(row.amount or 0).quantize(CENT)
	return rows


def figures(rows: list[dict], day) -> dict[str, tuple[int, Decimal]]:
	"""Count and amount of the arrangements in force, missed, and kept in ``day``'s month."""
	first, last = get_first_day(day), get_last_day(day)
	groups = {
		"in_force": [r for r in rows if r.status in IN_FORCE],
		"missed": [r for r in rows if r.status == MISSED],
		"kept_this_month": [
			r
			for r in rows
			if r.status == KEPT and r.outcome_date and first <= getdate(r.outcome_date) <= last
		],
	}
	return {
		key: (len(group), sum((r.amount for r in group), Decimal("0.00"))) for key, group in groups.items()
	}


def report_summary(rows: list[dict], day) -> list[dict]:
	f = figures(rows, day)
	summary = []
	for key, label, indicator in (
		("in_force", _("In Force"), "Blue"),
		("missed", _("Missed"), "Red"),
		("kept_this_month", _("Kept This Month"), "Green"),
	):
		count, amount = f[key]
		summary.append({"label": label, "value": count, "datatype": "Int", "indicator": indicator})
		summary.append(
			{
				"label": _("{0}: Amount").format(label),
				"value": amount,
				"datatype": "Currency",
				"indicator": indicator,
			}
		)
	return summary


def chart(rows: list[dict]) -> dict | None:
	"""Amounts by status."""
	by_status: dict[str, Decimal] = {}
	for row in rows:
		by_status[row.status] = by_status.get(row.status, Decimal("0.00")) + row.amount
	if not by_status:
		return None
	statuses = [s for s in (OPEN, PENDING, MISSED, KEPT, COMPLETED) if s in by_status]
	statuses += sorted(set(by_status) - set(statuses))
	return {
		"data": {
			"labels": [_(s) for s in statuses],
			"datasets": [{"name": _("Amount"), "values": [float(by_status[s]) for s in statuses]}],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}


def columns() -> list[dict]:
	return [
		{
			"fieldname": "arrangement",
			"label": _("Payment Arrangement"),
			"fieldtype": "Link",
			"options": "Payment Arrangement",
			"width": 130,
		},
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 130,
		},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Select", "width": 95},
		{"fieldname": "amount", "label": _("Amount"), "fieldtype": "Currency", "width": 110},
		{"fieldname": "method", "label": _("Method"), "fieldtype": "Select", "width": 90},
		{"fieldname": "agreed_date", "label": _("Agreed On"), "fieldtype": "Date", "width": 100},
		{"fieldname": "due_date", "label": _("Pay By"), "fieldtype": "Date", "width": 100},
		{"fieldname": "cutoff_date", "label": _("Cut Off On"), "fieldtype": "Date", "width": 100},
		{"fieldname": "outcome_date", "label": _("Kept or Missed On"), "fieldtype": "Date", "width": 120},
		{"fieldname": "agent", "label": _("Agent"), "fieldtype": "Link", "options": "User", "width": 150},
	]
