// DID form: the number's line, and the way back to the inventory.
frappe.ui.form.on("DID", {
	refresh(frm) {
		if (frm.doc.voip_line) {
			frm.add_custom_button(__("Open the Line"), () =>
				frappe.set_route("Form", "VoIP Line", frm.doc.voip_line)
			);
		}
	},
});
