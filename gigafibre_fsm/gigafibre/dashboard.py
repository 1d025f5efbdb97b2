"""The Gigafibre workspace's number cards that a Number Card filter cannot express (a count of
distinct customers, a sum over a date that moves each day, the ports rule of the network).

Each answers ``{"value", "fieldtype", "route", "route_options"}`` as Frappe's custom cards
read it, to the users who may report on what it counts (anyone else gets a PermissionError;
the card itself is listed only to those who read its document type). "Today" is
``frappe.flags.current_date`` when a test sets it.
"""

from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import getdate

from gigafibre_fsm.network.report.olt_capacity.olt_capacity import free_ports as count_free_ports


def today():
	return getdate(frappe.flags.current_date or None)


def check_may_report(doctype: str) -> None:
	if not frappe.has_permission(doctype, "report"):
		frappe.throw(_("You may not report on {0}").format(_(doctype)), frappe.PermissionError)


@frappe.whitelist()
def active_customers(filters: str | dict | None = None) -> dict:
	"""Customers with at least one location in service (Active)."""
	check_may_report("Service Location")
	count = frappe.db.sql(
		"select count(distinct customer) from `tabService Location` where status = 'Active'"
	)[0][0]
	return {
		"value": count,
		"fieldtype": "Int",
		"route": ["List", "Service Location"],
		"route_options": {"status": "Active"},
	}


@frappe.whitelist()
def overdue_amount(filters: str | dict | None = None) -> dict:
	"""What customers owe past the due date: ERPNext's outstanding amount of every submitted
	invoice whose due date has passed. Accounts Receivable shows it by customer and age."""
	check_may_report("Sales Invoice")
	amount = frappe.db.sql(
		"""select cast(ifnull(sum(outstanding_amount), 0) as char) from `tabSales Invoice`
		where docstatus = 1 and due_date < %(today)s and outstanding_amount > 0""",
		{"today": today()},
	)[0][0]
	return {
		"value": Decimal(amount).quantize(Decimal("0.01")),
		"fieldtype": "Currency",
		"route": ["query-report", "Accounts Receivable"],
	}


@frappe.whitelist()
def free_ports(filters: str | dict | None = None) -> dict:
	"""Fibre drops an order may take now (network/fibre_port.py's rule, as OLT Capacity counts)."""
	check_may_report("Fibre Drop")
	return {"value": count_free_ports(), "fieldtype": "Int", "route": ["query-report", "OLT Capacity"]}
