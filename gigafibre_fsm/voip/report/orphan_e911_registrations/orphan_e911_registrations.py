"""Orphan 911 registrations: a number's 911 address still held by the provider while no line
in service has the number (its lines are cancelled). Support removes them from here (the
report's "Deregister" button, api/voip.py ``deregister_911``)."""

from frappe import _

from gigafibre_fsm.voip.e911_reports import column, lines, orphan_sql


def execute(filters: dict | None = None):
	rows = lines(filters, orphan_sql("l"))
	figures = [
		{"label": _("Orphan 911 Registrations"), "value": len(rows), "indicator": "Red", "datatype": "Int"}
	]
	return columns(), rows, None, None, figures


def columns() -> list[dict]:
	return [
		column("did", "DID", width=110),
		column("name", "VoIP Line", "Link", "VoIP Line", 110),
		column("status", "Status", width=90),
		column("customer", "Customer", "Link", "Customer", 140),
		column("customer_name", "Customer Name", width=160),
		column("e911_address", "911 Address", width=260),
		column("e911_synced_on", "Last Registered", "Datetime", width=150),
		column("legacy_phone_addr_id", "Legacy 911 Address ID", width=120),
		column("modified", "Last Changed", "Datetime", width=150),
	]
