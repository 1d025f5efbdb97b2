// Shared desk helpers of Gigafibre FSM.
frappe.provide("gigafibre");

// A list indicator for a doctype's status, coloured as status_flow.py says (sent at boot).
gigafibre.status_indicator = function (doctype) {
	return function (doc) {
		const colours = (frappe.boot.gigafibre_status_colours || {})[doctype] || {};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	};
};
