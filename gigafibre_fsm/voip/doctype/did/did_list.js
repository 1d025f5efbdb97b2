// DID list: status colours from status_flow.py; "Add a range" puts many numbers in the inventory.
frappe.listview_settings["DID"] = {
	add_fields: ["status"],
	get_indicator: gigafibre.status_indicator("DID"),
	onload(listview) {
		if (!frappe.user.has_role(["Gigafibre Support", "System Manager"])) return;
		listview.page.add_inner_button(__("Add a Range"), () => {
			const dialog = new frappe.ui.Dialog({
				title: __("Add a Range of Numbers"),
				fields: [
					{
						fieldname: "first",
						fieldtype: "Data",
						label: __("First Number"),
						reqd: 1,
						description: __("e.g. 819-555-0100"),
					},
					{
						fieldname: "last",
						fieldtype: "Data",
						label: __("Last Number"),
						reqd: 1,
						description: __("e.g. 819-555-0199 (10,000 numbers at most)"),
					},
				],
				primary_action_label: __("Add"),
				primary_action(values) {
					frappe
						.call({
							method: "gigafibre_fsm.api.voip.add_dids",
							args: values,
							freeze: true,
						})
						.then((r) => {
							const m = r.message;
							dialog.hide();
							frappe.msgprint(
								__(
									"{0} numbers added as Free, {1} already used by a line added as Assigned, {2} already in the inventory",
									[m.free, m.assigned, m.existing]
								)
							);
							listview.refresh();
						});
				},
			});
			dialog.show();
		});
	},
};
