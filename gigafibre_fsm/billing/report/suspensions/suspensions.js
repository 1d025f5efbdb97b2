frappe.query_reports["Suspensions"] = {
	filters: [
		{
			fieldname: "current_only",
			label: __("Current Only"),
			fieldtype: "Check",
			default: 1,
		},
		{
			fieldname: "reason",
			label: __("Reason"),
			fieldtype: "Select",
			options: [
				"",
				{ value: "Missed Arrangement", label: __("Missed Arrangement") },
				{ value: "Overdue Invoices", label: __("Overdue Invoices") },
				{ value: "Manual", label: __("Manual") },
				{ value: "Legacy", label: __("Legacy") },
			],
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
		},
		{
			fieldname: "customer",
			label: __("Customer"),
			fieldtype: "Link",
			options: "Customer",
		},
		{
			fieldname: "group_by_reason",
			label: __("Group by Reason"),
			fieldtype: "Check",
		},
	],
};
