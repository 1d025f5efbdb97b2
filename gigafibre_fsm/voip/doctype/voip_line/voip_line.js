// VoIP Line form: a location is chosen among the customer's own, the SIP account's equipment
// among the location's; a line whose PBX account is not made yet can ask for it again. A new line
// starts Pending 911 (it goes Active once its 911 address is its location's); the 911 check and
// a re-registration the location's move asks for show at the top, with the button to register.
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
	onload(frm) {
		if (frm.is_new() && frm.doc.status === "Active") frm.set_value("status", "Pending 911");
	},
	refresh(frm) {
		show_911(frm);
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

function show_911(frm) {
	if (frm.is_new() || frm.doc.status === "Cancelled") return;
	const parts = (frm.doc.e911_differences || "").split(",").filter((p) => p.trim());
	const why = parts.length ? ` (${parts.map((p) => __(frappe.unscrub(p.trim()))).join(", ")})` : "";
	if (frm.doc.e911_reregister) {
		frm.dashboard.set_headline_alert(
			__("The location's address changed: register this line's 911 address again") + why,
			"red"
		);
	} else if (frm.doc.e911_match && frm.doc.e911_match !== "Match") {
		frm.dashboard.set_headline_alert(
			__("911 address: {0}", [__(frm.doc.e911_match)]) + why,
			frm.doc.e911_match === "Missing" ? "orange" : "red"
		);
	}
	if (frappe.user.has_role(["Gigafibre Support", "System Manager"])) {
		frm.add_custom_button(__("Register 911 Address"), () =>
			frappe.confirm(
				__("Register the address of {0} as this line's 911 address with the 911 provider?", [
					frm.doc.service_location,
				]),
				() =>
					frappe
						.call({
							method: "gigafibre_fsm.api.voip.register_911",
							args: { line: frm.doc.name },
							freeze: true,
						})
						.then(() => frm.reload_doc())
			)
		);
	}
}
