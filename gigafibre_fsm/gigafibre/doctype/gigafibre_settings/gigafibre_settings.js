// Gigafibre Settings: load the standard catalogue in one click.
frappe.ui.form.on("Gigafibre Settings", {
	load_standard_catalogue(frm) {
		frappe.confirm(
			__("Create the standard products the site does not have yet? Existing Items are left as they are."),
			() =>
				frm.call("load_standard_catalogue").then((r) => {
					const done = r.message || {};
					frappe.msgprint(
						__("{0} products created, {1} already on the site.", [
							(done.created || []).length,
							(done.kept || []).length + (done.refreshed || []).length,
						])
					);
				})
		);
	},
});
