// Dispatch Job form: pick technicians among Field Technicians, and show the job's state.
frappe.ui.form.on("Dispatch Job", {
	setup(frm) {
		frm.set_query("technician", "technicians", () => ({
			query: "gigafibre_fsm.field_service.queries.technicians",
		}));
		frm.set_query("service_location", () =>
			frm.doc.customer ? { filters: { customer: frm.doc.customer } } : {}
		);
	},
	refresh(frm) {
		if (frm.doc.contact_me && !frm.doc.scheduled_date) {
			frm.dashboard.set_headline(
				__("The customer asked to be contacted to schedule the visit."),
				"orange"
			);
		}
	},
});
