frappe.query_reports["Legacy Reconciliation"] = {
	filters: [
		{
			fieldname: "run",
			label: __("Run"),
			fieldtype: "Link",
			options: "Legacy Import Run",
		},
		{
			fieldname: "source_table",
			label: __("Source Table"),
			fieldtype: "Data",
		},
		{
			fieldname: "outcome",
			label: __("Outcome"),
			fieldtype: "Select",
			options: ["", "Rejected", "Skipped", "Warning"],
		},
	],
	tree: true,
	name_field: "label",
	parent_field: "parent_table",
	initial_depth: 0,
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "difference" && data && data.difference && data.difference != 0) {
			value = `<span style="color: var(--red-500)">${value}</span>`;
		}
		if (column.fieldname === "label" && data && data.indent === 0) {
			value = `<b>${value}</b>`;
		}
		return value;
	},
};
