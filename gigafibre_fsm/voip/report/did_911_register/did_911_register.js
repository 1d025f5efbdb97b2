// Every number in use and its 911 address; a row that is not a Match is coloured.
frappe.query_reports["DID 911 Register"] = {
	filters: [
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{
			fieldname: "service_location",
			label: __("Service Location"),
			fieldtype: "Link",
			options: "Service Location",
		},
		{ fieldname: "did", label: __("DID"), fieldtype: "Data" },
		{
			fieldname: "status",
			label: __("Status"),
			fieldtype: "Select",
			options: ["", "Active", "Pending 911", "Suspended", "Cancelled"],
		},
		{
			fieldname: "e911_match",
			label: __("911 Address Check"),
			fieldtype: "Select",
			options: ["", "Match", "Mismatch", "Missing"],
		},
		{ fieldname: "include_cancelled", label: __("Include Cancelled Lines"), fieldtype: "Check" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "e911_match" && data && data.e911_match) {
			const colour = { Match: "green", Mismatch: "red", Missing: "orange" }[data.e911_match];
			value = `<span class="indicator-pill ${colour}">${__(data.e911_match)}</span>`;
		}
		return value;
	},
};
