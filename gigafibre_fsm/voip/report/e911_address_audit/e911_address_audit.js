// Lines whose 911 address is not their service location's: the compliance risk to clear.
frappe.query_reports["E911 Address Audit"] = {
	filters: [
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{
			fieldname: "service_location",
			label: __("Service Location"),
			fieldtype: "Link",
			options: "Service Location",
		},
		{
			fieldname: "e911_match",
			label: __("911 Address Check"),
			fieldtype: "Select",
			options: ["", "Mismatch", "Missing"],
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "e911_match" && data && data.e911_match) {
			const colour = data.e911_match === "Missing" ? "orange" : "red";
			value = `<span class="indicator-pill ${colour}">${__(data.e911_match)}</span>`;
		}
		return value;
	},
};
