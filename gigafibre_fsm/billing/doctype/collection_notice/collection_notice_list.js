// Status colours come from status_flow.py, through gigafibre.status_indicator.
frappe.listview_settings["Collection Notice"] = {
	add_fields: ["status"],
	get_indicator: gigafibre.status_indicator("Collection Notice"),
};
