// Status colours come from status_flow.py, through gigafibre.status_indicator.
frappe.listview_settings["Payment Arrangement"] = {
	add_fields: ["status"],
	get_indicator: gigafibre.status_indicator("Payment Arrangement"),
};
