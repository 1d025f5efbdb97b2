// VoIP Line form: a location is chosen among the customer's own.
frappe.ui.form.on("VoIP Line", {
	setup(frm) {
		frm.set_query("service_location", () =>
			frm.doc.customer ? { filters: { customer: frm.doc.customer } } : {}
		);
	},
});
