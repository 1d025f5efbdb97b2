// Dispatch Jobs on a calendar by scheduled date, coloured by status, filtered by technician.
frappe.views.calendar["Dispatch Job"] = {
	field_map: {
		start: "scheduled_date",
		end: "scheduled_date",
		id: "name",
		title: "title",
		allDay: "allDay",
		color: "color",
	},
	gantt: false,
	filters: [
		{ fieldtype: "Link", fieldname: "technician", options: "User", label: __("Technician") },
		{ fieldtype: "Select", fieldname: "status", options: "\nScheduled\nIn Progress\nCompleted\nCancelled", label: __("Status") },
	],
	get_events_method: "gigafibre_fsm.api.dispatch.calendar_events",
};
