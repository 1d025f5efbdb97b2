"""The 911 audit: lines in service (not cancelled) whose 911 address is not their service
location's, with the parts that differ or are missing — a 911 call from them would be sent to
the wrong place."""

from gigafibre_fsm.voip import e911
from gigafibre_fsm.voip.e911_reports import column, lines, match_filter, summary


def execute(filters: dict | None = None):
	filters = filters or {}
	rows = [r for r in lines(filters, "l.status != 'Cancelled'") if r.e911_match != e911.MATCH]
	rows = match_filter(rows, filters.get("e911_match"))
	return columns(), rows, None, None, summary(rows)


def columns() -> list[dict]:
	return [
		column("did", "DID", width=110),
		column("name", "VoIP Line", "Link", "VoIP Line", 110),
		column("status", "Status", width=90),
		column("customer", "Customer", "Link", "Customer", 140),
		column("customer_name", "Customer Name", width=160),
		column("service_location", "Service Location", "Link", "Service Location", 110),
		column("service_address", "Service Address", width=240),
		column("e911_address", "911 Address", width=240),
		column("e911_match", "911 Address Check", width=110),
		column("differences", "Differing Parts", width=180),
		column("e911_reregister", "911 Re-registration Required", "Check", width=90),
		column("e911_task", "911 Task", "Link", "Task", 110),
		column("e911_synced_on", "Last Registered", "Datetime", width=150),
	]
