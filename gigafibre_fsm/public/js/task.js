// Task form: a "Configure VoIP" task gives the location's IP phones their lines (a free number
// of the DID inventory, or the customer's own number typed in to port it), then closes itself.
frappe.ui.form.on("Task", {
	refresh(frm) {
		if (
			frm.is_new() ||
			frm.doc.type !== "Configure VoIP" ||
			["Completed", "Cancelled"].includes(frm.doc.status) ||
			!frappe.user.has_role(["Gigafibre Support", "System Manager"])
		) {
			return;
		}
		frm.add_custom_button(__("Configure VoIP"), () => {
			const dialog = new frappe.ui.Dialog({
				title: __("Configure VoIP"),
				fields: [
					{
						fieldname: "help",
						fieldtype: "HTML",
						options: `<p class="text-muted">${__(
							"Each IP phone of the location gets a line: the next free number of the DID inventory, or the customer's own number typed below (it is ported)."
						)}</p>`,
					},
					{
						fieldname: "ported_number",
						fieldtype: "Data",
						label: __("Ported Number"),
						description: __("Optional: the customer's current number, e.g. 819-555-1234"),
					},
				],
				primary_action_label: __("Configure"),
				primary_action(values) {
					frappe
						.call({
							method: "gigafibre_fsm.api.voip.configure",
							args: { task: frm.doc.name, ported_number: values.ported_number || null },
							freeze: true,
							freeze_message: __("Configuring the phone lines…"),
						})
						.then((r) => {
							dialog.hide();
							const lines = (r.message && r.message.lines) || [];
							frappe.msgprint({
								title: __("Phone lines"),
								indicator: "green",
								message: lines
									.map(
										(line) =>
											`${frappe.utils.escape_html(line.did)} — ${__(
												line.did_status || ""
											)} (${frappe.utils.escape_html(line.name)})`
									)
									.join("<br>"),
							});
							frm.reload_doc();
						});
				},
			});
			dialog.show();
		}).addClass("btn-primary");
	},
});
