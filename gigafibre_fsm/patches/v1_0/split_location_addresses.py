"""Service locations keep their address in parts: split the one-line address of older records."""

import frappe

from gigafibre_fsm.network.address import location_title, split_street_address, street_line


def execute():
	rows = frappe.db.sql(
		"select name, address_line, apartment, city from `tabService Location` where ifnull(street, '') = ''",
		as_dict=True,
	)
	for row in rows:
		civic, suffix, street = split_street_address(row.address_line)
		frappe.db.set_value(
			"Service Location",
			row.name,
			{
				"civic_number": civic,
				"civic_suffix": suffix,
				"street": street or row.address_line,
				"address_line": street_line(civic, suffix, street or row.address_line),
				"location_title": location_title(
					civic, suffix, street or row.address_line, row.apartment, row.city
				),
			},
			update_modified=False,
		)
