// Status colours of the OLT list.
const OLT_COLOURS = {
	"Active": "green",
	"Inactive": "gray",
};

frappe.listview_settings["OLT"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colour = OLT_COLOURS[doc.status] || "gray";
		return [__(doc.status), colour, "status,=," + doc.status];
	},
};
