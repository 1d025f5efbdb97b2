frappe.query_reports["Paysafe Customers to Move"] = {
	filters: [],
};
