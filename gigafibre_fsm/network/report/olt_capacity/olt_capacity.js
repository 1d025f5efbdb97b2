frappe.query_reports["OLT Capacity"] = {
	filters: [
		{
			fieldname: "olt",
			label: __("OLT"),
			fieldtype: "Link",
			options: "OLT",
		},
	],
	tree: true,
	name_field: "row_key",
	parent_field: "parent_key",
	initial_depth: 0,
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (data && data.indent === 0 && ["olt", "drops", "used_pct"].includes(column.fieldname)) {
			value = `<b>${value}</b>`;
		}
		return value;
	},
};
