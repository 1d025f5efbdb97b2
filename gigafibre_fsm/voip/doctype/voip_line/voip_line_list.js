// Status colours of the VoIP Line list.
const VOIP_LINE_COLOURS = {
	"Active": "green",
	"Suspended": "red",
	"Cancelled": "gray",
};

frappe.listview_settings["VoIP Line"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colour = VOIP_LINE_COLOURS[doc.status] || "gray";
		return [__(doc.status), colour, "status,=," + doc.status];
	},
};
