// Status colours come from status_flow.py, through gigafibre.status_indicator.
frappe.listview_settings["Fibre Drop"] = {
	add_fields: ["status", "match_status", "civic_address"],
	get_indicator: gigafibre.status_indicator("Fibre Drop"),
	// The map view: drops whose coordinates are known (they are text, empty when unknown),
	// each with its address and whether its port is free; the list's filters apply.
	get_coords_method: "gigafibre_fsm.api.fibre_drops.drop_coordinates",
	onload(listview) {
		// The reviewers' lists, one click away (also the "Match Status" filter above the list).
		for (const status of ["Unmatched", "Needs Review"]) {
			listview.page.add_inner_button(
				__(status),
				() =>
					listview.filter_area
						.clear(false)
						.then(() => listview.filter_area.add([["Fibre Drop", "match_status", "=", status]])),
				__("Civic Address Match"),
			);
		}
		if (frappe.user.has_role(["Gigafibre Support", "System Manager"])) {
			listview.page.add_menu_item(__("Match the drops to their addresses"), () =>
				frappe.call("gigafibre_fsm.api.fibre_drops.start_matching").then((r) =>
					frappe.show_alert({
						message: r.message.queued
							? __("Matching started: the drops are updated as it goes")
							: __("Matching is already running"),
						indicator: "blue",
					}),
				),
			);
		}
	},
};
