// Status colours come from status_flow.py, through gigafibre.status_indicator.
frappe.listview_settings["VoIP Line"] = {
	add_fields: ["status", "e911_match", "e911_reregister"],
	get_indicator: gigafibre.status_indicator("VoIP Line"),
};
