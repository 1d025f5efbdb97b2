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
		const no_date = frm.doc.scheduled_date_unknown && !frm.doc.scheduled_date;
		const no_technician = frm.doc.technician_unknown && !(frm.doc.technicians || []).length;
		if (no_date || no_technician) {
			let message = __(
				"Date unknown: this work order comes from the legacy system, which recorded no date for it."
			);
			if (no_date && no_technician) {
				message = __(
					"Date and technician unknown: this work order comes from the legacy system, which recorded neither."
				);
			} else if (no_technician) {
				message = __(
					"Technician unknown: this work order comes from the legacy system, which recorded no technician known here."
				);
			}
			frm.dashboard.set_headline(message, "orange");
		} else if (frm.doc.contact_me && !frm.doc.scheduled_date) {
			frm.dashboard.set_headline(
				__("The customer asked to be contacted to schedule the visit."),
				"orange"
			);
		}
	},
});
