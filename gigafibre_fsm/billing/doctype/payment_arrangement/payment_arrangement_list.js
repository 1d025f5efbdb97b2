// Status colours of the Payment Arrangement list.
const PAYMENT_ARRANGEMENT_COLOURS = {
	"Pending": "orange",
	"Open": "blue",
	"Completed": "green",
};

frappe.listview_settings["Payment Arrangement"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colour = PAYMENT_ARRANGEMENT_COLOURS[doc.status] || "gray";
		return [__(doc.status), colour, "status,=," + doc.status];
	},
};
