frappe.query_reports["Payment Arrangements"] = {
	filters: [
		{
			fieldname: "status",
			label: __("Status"),
			fieldtype: "Select",
			options: ["", "Open", "Pending", "Kept", "Missed", "Completed"],
		},
		{
			fieldname: "from_date",
			label: __("Pay By From"),
			fieldtype: "Date",
		},
		{
			fieldname: "to_date",
			label: __("Pay By To"),
			fieldtype: "Date",
		},
		{
			fieldname: "customer",
			label: __("Customer"),
			fieldtype: "Link",
			options: "Customer",
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "status" && data && data.status === "Missed") {
			value = `<span style="color: var(--red-500)">${value}</span>`;
		}
		return value;
	},
};
