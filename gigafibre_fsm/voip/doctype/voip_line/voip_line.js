// VoIP Line form: a location is chosen among the customer's own, the SIP account's equipment
// among the location's; a line whose PBX account is not made yet can ask for it again.
frappe.ui.form.on("VoIP Line", {
	setup(frm) {
		frm.set_query("service_location", () =>
			frm.doc.customer ? { filters: { customer: frm.doc.customer } } : {}
		);
		frm.set_query("equipment", () => ({
			filters: frm.doc.service_location
				? { service_location: frm.doc.service_location, status: ["!=", "Returned"] }
				: { name: "" },
		}));
	},
	refresh(frm) {
		if (
			!frm.is_new() &&
			frm.doc.status === "Active" &&
			frm.doc.equipment &&
			!frm.doc.pbx_account &&
			frappe.user.has_role(["Gigafibre Support", "System Manager"])
		) {
			frm.add_custom_button(__("Create the PBX Account"), () =>
				frappe
					.call({
						method: "gigafibre_fsm.api.voip.create_pbx_account",
						args: { line: frm.doc.name },
						freeze: true,
					})
					.then(() => frm.reload_doc())
			);
		}
	},
});
