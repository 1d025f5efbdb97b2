// The bank's answers to a debit file: uploaded, a debit returned (with the reason), the rest cleared.
frappe.ui.form.on("Bank Debit Batch", {
	refresh(frm) {
		if (frm.is_new() || !frm.perm[0].write) return;
		if (frm.doc.status === "Written") {
			frm.add_custom_button(__("Mark Uploaded"), () =>
				frm.call("mark_uploaded").then(() => frm.reload_doc())
			);
		}
		const pending = (frm.doc.lines || []).filter((l) => l.status === "Pending");
		const returnable = (frm.doc.lines || []).filter((l) => l.status !== "Returned");
		if (frm.doc.status !== "Written" && returnable.length) {
			frm.add_custom_button(__("Record Return"), () => {
				const dialog = new frappe.ui.Dialog({
					title: __("Record Return"),
					fields: [
						{
							fieldname: "sales_invoice",
							fieldtype: "Select",
							label: __("Sales Invoice"),
							options: returnable.map((l) => l.sales_invoice),
							reqd: 1,
						},
						{ fieldname: "reason", fieldtype: "Data", label: __("Return Reason"), reqd: 1 },
						{ fieldname: "returned_on", fieldtype: "Date", label: __("Returned On"), default: frappe.datetime.get_today() },
					],
					primary_action_label: __("Record Return"),
					primary_action(values) {
						frm.call("record_return", values).then(() => {
							dialog.hide();
							frm.reload_doc();
						});
					},
				});
				dialog.show();
			});
		}
		if (frm.doc.status !== "Written" && pending.length) {
			frm.add_custom_button(__("Record Pending Debits as Cleared"), () =>
				frappe.confirm(
					__("Make the Payment Entries of {0} debits the bank took?", [pending.length]),
					() => frm.call("record_cleared").then(() => frm.reload_doc())
				)
			);
		}
	},
});
