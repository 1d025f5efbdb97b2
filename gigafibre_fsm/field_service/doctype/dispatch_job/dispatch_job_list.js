// Status colours of the Dispatch Job list.
const DISPATCH_JOB_COLOURS = {
	"Scheduled": "blue",
	"In Progress": "orange",
	"Completed": "green",
	"Cancelled": "gray",
};

frappe.listview_settings["Dispatch Job"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colour = DISPATCH_JOB_COLOURS[doc.status] || "gray";
		return [__(doc.status), colour, "status,=," + doc.status];
	},
};
