// Web Order: revoke the payment links sent for the order (a lost phone, a wrong address).
frappe.ui.form.on("Web Order", {
	refresh(frm) {
		if (frm.doc.payment_link_channels || frm.doc.stripe_setup_intent) {
			frm.add_custom_button(__("Revoke Payment Links"), () =>
				frappe.confirm(__("Every payment link sent for this order will stop working. Continue?"), () =>
					frm.call("revoke_payment_links").then(() => {
						frappe.show_alert({ message: __("Payment links revoked"), indicator: "orange" });
						frm.reload_doc();
					})
				)
			);
		}
	},
});
