// Customer form: what the customer owes (api.desk.balance) above the form, and for Collections
// the "Suspend" and "Restore" buttons, with a reason (billing/suspension.py, the same service
// the collections run uses; a suspension by hand is lifted only by hand).
frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frappe.user.has_role(["Collections", "Gigafibre Support", "System Manager"])) {
			gigafibre_show_balance(frm);
		}
		if (!frappe.user.has_role(["Collections", "System Manager"])) return;
		if (frm.doc.is_suspended) {
			frm.add_custom_button(__("Restore"), () => gigafibre_suspension_dialog(frm, "restore"), __("Collections"));
		} else {
			frm.add_custom_button(__("Suspend"), () => gigafibre_suspension_dialog(frm, "suspend"), __("Collections"));
		}
	},
});

function gigafibre_show_balance(frm) {
	frappe
		.call({ method: "gigafibre_fsm.api.desk.balance", type: "GET", args: { customer: frm.doc.name } })
		.then((r) => {
			const b = r.message;
			if (!b || frm.doc.name !== b.customer) return;
			const money = (v) => format_currency(v, "CAD");
			const parts = [
				__("Owes {0}", [money(b.outstanding)]),
				__("overdue {0}", [money(b.overdue)]),
			];
			if (b.unallocated_payments) parts.push(__("unallocated payments {0}", [money(b.unallocated_payments)]));
			if (b.arrangement) {
				parts.push(
					__("arrangement {0}: {1} by {2}, cut-off {3}", [
						b.arrangement.name,
						money(b.arrangement.amount),
						b.arrangement.pay_by ? frappe.datetime.str_to_user(b.arrangement.pay_by) : "—",
						b.arrangement.cutoff ? frappe.datetime.str_to_user(b.arrangement.cutoff) : "—",
					])
				);
			}
			parts.push(b.auto_pay ? __("auto-pay: {0}", [__(b.auto_pay)]) : __("no auto-pay"));
			const colour = b.suspended ? "red" : b.overdue > 0 ? "orange" : "green";
			const label = b.suspended ? __("Suspended") : "";
			frm.dashboard.set_headline_alert(
				`<span class="indicator ${colour}">${frappe.utils.escape_html(
					[label, parts.join(" · ")].filter(Boolean).join(" — ")
				)}</span>`
			);
		});
}

function gigafibre_suspension_dialog(frm, action) {
	const suspend = action === "suspend";
	const dialog = new frappe.ui.Dialog({
		title: suspend ? __("Suspend {0}", [frm.doc.customer_name]) : __("Restore {0}", [frm.doc.customer_name]),
		fields: [
			{
				fieldname: "help",
				fieldtype: "HTML",
				options: `<p class="text-muted">${
					suspend
						? __(
								"Every active service and location of the customer is suspended and the ONT stopped. A payment does not lift a suspension made by hand: restore it here."
						  )
						: __("Every suspension of the customer is lifted and what each suspended goes back in service.")
				}</p>`,
			},
			{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
			{ fieldname: "notify", fieldtype: "Check", label: __("Tell the customer (SMS and email)"), default: 1 },
		],
		primary_action_label: suspend ? __("Suspend") : __("Restore"),
		primary_action(values) {
			frappe
				.call({
					method: suspend ? "gigafibre_fsm.api.desk.suspend_customer" : "gigafibre_fsm.api.desk.restore_customer",
					args: { customer: frm.doc.name, reason: values.reason, notify: values.notify ? 1 : 0 },
					freeze: true,
				})
				.then(() => {
					dialog.hide();
					frappe.show_alert({
						message: suspend ? __("Customer suspended") : __("Customer restored"),
						indicator: suspend ? "red" : "green",
					});
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}
