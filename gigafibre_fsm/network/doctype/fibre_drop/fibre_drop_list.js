// Status colours come from status_flow.py, through gigafibre.status_indicator.
frappe.listview_settings["Fibre Drop"] = {
	add_fields: ["status"],
	get_indicator: gigafibre.status_indicator("Fibre Drop"),
};
