// 911 registrations no line in service needs: tick them and "Deregister" removes them at the
// 911 provider (api/voip.py deregister_911), after a confirmation listing the numbers.
frappe.query_reports["Orphan E911 Registrations"] = {
	filters: [
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{ fieldname: "did", label: __("DID"), fieldtype: "Data" },
	],
	get_datatable_options(options) {
		return Object.assign(options, { checkboxColumn: true });
	},
	onload(report) {
		if (!frappe.user.has_role(["Gigafibre Support", "System Manager"])) return;
		report.page.add_inner_button(__("Deregister"), () => {
			const datatable = report.datatable;
			const checked = datatable ? datatable.rowmanager.getCheckedRows() : [];
			const rows = checked.map((i) => report.data[i]).filter((row) => row && row.name);
			if (!rows.length) {
				frappe.msgprint(__("Tick the registrations to remove first"));
				return;
			}
			frappe.confirm(
				__("Remove the 911 registration of {0} at the 911 provider?", [
					rows.map((row) => row.did).join(", "),
				]),
				() =>
					frappe
						.call({
							method: "gigafibre_fsm.api.voip.deregister_911",
							args: { lines: rows.map((row) => row.name) },
							freeze: true,
						})
						.then((r) => {
							frappe.show_alert({
								message: __("{0} registrations removed", [(r.message || []).length]),
								indicator: "green",
							});
							report.refresh();
						})
			);
		});
	},
};
