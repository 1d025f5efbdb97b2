// Service Location form: offer only drops that are free (or held for this order).
frappe.ui.form.on("Service Location", {
	setup(frm) {
		frm.set_query("fibre_drop", () => ({
			filters: { status: ["in", ["Available", "Reserved"]] },
		}));
	},
	refresh(frm) {
		if (["Suspended", "Disconnected"].includes(frm.doc.status) && frm.doc.status_reason) {
			frm.dashboard.set_headline(
				__("{0}: {1}", [__(frm.doc.status), frm.doc.status_reason]),
				frm.doc.status === "Suspended" ? "red" : "gray"
			);
		}
	},
});
