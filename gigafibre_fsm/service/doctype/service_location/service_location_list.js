// Status colours of the Service Location list.
const SERVICE_LOCATION_COLOURS = {
	"Pending Install": "orange",
	"Active": "green",
	"Suspended": "red",
	"Disconnected": "gray",
};

frappe.listview_settings["Service Location"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colour = SERVICE_LOCATION_COLOURS[doc.status] || "gray";
		return [__(doc.status), colour, "status,=," + doc.status];
	},
};
