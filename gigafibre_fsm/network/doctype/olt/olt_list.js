// Status colours come from status_flow.py, through gigafibre.status_indicator.
frappe.listview_settings["OLT"] = {
	add_fields: ["status"],
	get_indicator: gigafibre.status_indicator("OLT"),
};
