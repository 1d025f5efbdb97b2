// Service Subscription form: a location is chosen among the customer's own.
frappe.ui.form.on("Service Subscription", {
	setup(frm) {
		frm.set_query("service_location", () =>
			frm.doc.customer ? { filters: { customer: frm.doc.customer } } : {}
		);
	},
});
