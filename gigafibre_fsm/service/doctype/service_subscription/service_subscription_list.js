// Status colours of the Service Subscription list.
const SERVICE_SUBSCRIPTION_COLOURS = {
	"Pending": "orange",
	"Active": "green",
	"Suspended": "red",
	"Cancelled": "gray",
};

frappe.listview_settings["Service Subscription"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colour = SERVICE_SUBSCRIPTION_COLOURS[doc.status] || "gray";
		return [__(doc.status), colour, "status,=," + doc.status];
	},
};
