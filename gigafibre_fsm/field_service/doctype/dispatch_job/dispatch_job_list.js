// Status colours come from status_flow.py, through gigafibre.status_indicator.
frappe.listview_settings["Dispatch Job"] = {
	add_fields: ["status"],
	get_indicator: gigafibre.status_indicator("Dispatch Job"),
};
