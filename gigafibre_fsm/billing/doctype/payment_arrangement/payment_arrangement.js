// Payment Arrangement form: a legacy arrangement recorded without its pay-by date says so.
frappe.ui.form.on("Payment Arrangement", {
	refresh(frm) {
		if (frm.doc.due_date_unknown && !frm.doc.due_date) {
			frm.dashboard.set_headline(
				__(
					"Pay-by date unknown: this arrangement comes from the legacy system, which recorded no date for it."
				),
				"orange"
			);
		}
	},
});
