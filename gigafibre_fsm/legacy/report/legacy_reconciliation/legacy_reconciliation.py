"""Legacy Reconciliation: what one import run did with each legacy table, and why not the rest.

Per source table: rows in the source, created, updated, unchanged, skipped and rejected (which
add up to the rows in the source), then the rejected, skipped and warned rows grouped by
reason; for the money tables (accord_paiement, bon_travail, soumission) the source total, the
imported total and what was not imported, which agree to the cent. The arithmetic is
legacy/reconciliation.py; money is read from the database as text, never as a float.
"""

from decimal import Decimal

import frappe
from frappe import _

from gigafibre_fsm.legacy.reconciliation import ReasonCount, TableCounts, rows, totals


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	run = filters.get("run") or latest_run()
	if not run:
		return columns(), [], _("No legacy import has run yet"), None
	tables = table_counts(run, filters.get("source_table"))
	reasons = reason_counts(run, filters.get("source_table"), filters.get("outcome"))
	data = rows(tables, reasons)
	translate = _  # the reasons are data (stored in English), not messages to extract
	for row in data:
		if row["indent"]:
			row["label"] = translate(row["label"])
			row["outcome"] = translate(row["outcome"])
	summary = totals(tables)
	return columns(), data, message(run, summary), chart(tables), report_summary(summary)


def latest_run() -> str | None:
	return frappe.db.get_value(
		"Legacy Import Run", {"dry_run": 0}, "name", order_by="creation desc"
	) or frappe.db.get_value("Legacy Import Run", {}, "name", order_by="creation desc")


def _decimal(value) -> Decimal | None:
	return None if value is None else Decimal(value)


def table_counts(run: str, source_table: str | None = None) -> list[TableCounts]:
	condition = " and source_table = %(table)s" if source_table else ""
	result = frappe.db.sql(
		f"""select source_table, source_rows, created, updated, unchanged, skipped, rejected, warnings,
			cast(source_total as char) source_total, cast(imported_total as char) imported_total,
			cast(excluded_total as char) excluded_total
		from `tabLegacy Import Run Table` where parent = %(run)s{condition} order by idx""",
		{"run": run, "table": source_table},
		as_dict=True,
	)
	return [TableCounts.from_row(r) for r in result]


def reason_counts(run: str, source_table: str | None = None, outcome: str | None = None) -> list[ReasonCount]:
	conditions = ["run = %(run)s"]
	if source_table:
		conditions.append("source_table = %(table)s")
	if outcome:
		conditions.append("outcome = %(outcome)s")
	result = frappe.db.sql(
		f"""select source_table, outcome, reason, count(*) n, cast(sum(amount) as char) amount
		from `tabLegacy Import Log` where {" and ".join(conditions)}
		group by source_table, outcome, reason""",
		{"run": run, "table": source_table, "outcome": outcome},
		as_dict=True,
	)
	return [
		ReasonCount(r.source_table, r.outcome, r.reason, r.n, _decimal(r.amount) or Decimal(0))
		for r in result
	]


def columns() -> list[dict]:
	return [
		{"fieldname": "label", "label": _("Table / Reason"), "fieldtype": "Data", "width": 300},
		{"fieldname": "outcome", "label": _("Outcome"), "fieldtype": "Data", "width": 90},
		{"fieldname": "rows", "label": _("Rows"), "fieldtype": "Int", "width": 70},
		{"fieldname": "source_rows", "label": _("Rows in Source"), "fieldtype": "Int", "width": 110},
		{"fieldname": "created", "label": _("Created"), "fieldtype": "Int", "width": 80},
		{"fieldname": "updated", "label": _("Updated"), "fieldtype": "Int", "width": 80},
		{"fieldname": "unchanged", "label": _("Unchanged"), "fieldtype": "Int", "width": 90},
		{"fieldname": "skipped", "label": _("Skipped"), "fieldtype": "Int", "width": 80},
		{"fieldname": "rejected", "label": _("Rejected"), "fieldtype": "Int", "width": 80},
		{"fieldname": "warnings", "label": _("Imported with Warnings"), "fieldtype": "Int", "width": 100},
		{"fieldname": "rows_add_up", "label": _("Rows Add Up"), "fieldtype": "Check", "width": 90},
		{"fieldname": "source_total", "label": _("Total in Source"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "imported_total", "label": _("Total Imported"), "fieldtype": "Currency", "width": 130},
		{
			"fieldname": "excluded_total",
			"label": _("Total Not Imported"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{"fieldname": "difference", "label": _("Difference"), "fieldtype": "Currency", "width": 100},
	]


def message(run: str, summary: dict) -> str:
	problems = summary["tables_not_adding_up"] + summary["money_not_adding_up"]
	if problems:
		return _("Run {0}: these tables do not add up: {1}").format(run, ", ".join(problems))
	return _("Run {0}: every table adds up").format(run)


def report_summary(summary: dict) -> list[dict]:
	return [
		{"label": _("Rows in Source"), "value": summary["source_rows"], "datatype": "Int"},
		{"label": _("Created"), "value": summary["created"], "datatype": "Int", "indicator": "Green"},
		{"label": _("Updated"), "value": summary["updated"], "datatype": "Int", "indicator": "Blue"},
		{"label": _("Unchanged"), "value": summary["unchanged"], "datatype": "Int"},
		{"label": _("Skipped"), "value": summary["skipped"], "datatype": "Int", "indicator": "Orange"},
		{"label": _("Rejected"), "value": summary["rejected"], "datatype": "Int", "indicator": "Red"},
	]


def chart(tables: list[TableCounts]) -> dict:
	return {
		"data": {
			"labels": [t.source_table for t in tables],
			"datasets": [
				{"name": _("Imported"), "values": [t.created + t.updated + t.unchanged for t in tables]},
				{"name": _("Skipped"), "values": [t.skipped for t in tables]},
				{"name": _("Rejected"), "values": [t.rejected for t in tables]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}
