// Service Subscription form: a location is chosen among the customer's own; a legacy service
// recorded without its start date says so.
frappe.ui.form.on("Service Subscription", {
	setup(frm) {
		frm.set_query("service_location", () =>
			frm.doc.customer ? { filters: { customer: frm.doc.customer } } : {}
		);
	},
	refresh(frm) {
		if (frm.doc.start_date_unknown && !frm.doc.start_date) {
			frm.dashboard.set_headline(
				__(
					"Start date unknown: this service comes from the legacy system, which recorded no date for it."
				),
				"orange"
			);
		}
	},
});
