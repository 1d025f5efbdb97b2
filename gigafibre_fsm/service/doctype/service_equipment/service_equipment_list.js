// Status colours of the Service Equipment list.
const SERVICE_EQUIPMENT_COLOURS = {
	"En inventaire": "blue",
	"Actif": "green",
	"Retourné": "gray",
};

frappe.listview_settings["Service Equipment"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colour = SERVICE_EQUIPMENT_COLOURS[doc.status] || "gray";
		return [__(doc.status), colour, "status,=," + doc.status];
	},
};
