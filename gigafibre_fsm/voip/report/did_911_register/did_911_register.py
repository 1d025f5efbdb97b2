"""Every number in use with its customer, location, 911 address, whether that address is the
location's (Match, Mismatch, Missing) and when it was last registered with the 911 provider."""

from gigafibre_fsm.voip.e911_reports import column, lines, match_filter, summary


def execute(filters: dict | None = None):
	filters = filters or {}
	where = "1=1" if filters.get("status") or filters.get("include_cancelled") else "l.status != 'Cancelled'"
	rows = match_filter(lines(filters, where), filters.get("e911_match"))
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
		column("differences", "Differing Parts", width=160),
		column("e911_reregister", "911 Re-registration Required", "Check", width=90),
		column("e911_synced_on", "Last Registered", "Datetime", width=150),
		column("e911_synced_by", "Registered By", "Link", "User", 140),
	]
