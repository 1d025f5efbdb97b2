// Status colours of the Fibre Drop list.
const FIBRE_DROP_COLOURS = {
	"Available": "green",
	"Reserved": "orange",
	"Occupied": "blue",
	"Not installed": "gray",
};

frappe.listview_settings["Fibre Drop"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colour = FIBRE_DROP_COLOURS[doc.status] || "gray";
		return [__(doc.status), colour, "status,=," + doc.status];
	},
};
