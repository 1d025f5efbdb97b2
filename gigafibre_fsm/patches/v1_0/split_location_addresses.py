"""Service locations keep their address in parts: split the one-line address of older records."""

import frappe

from gigafibre_fsm.rules.address import location_title, split_address, street_line


def execute():
	rows = frappe.db.sql(
		"select name, address_line, apartment, city from `tabService Location` where ifnull(street, '') = ''",
		as_dict=True,
	)
	for row in rows:
		parts = split_address(row.address_line)
		street = parts.street or row.address_line
		apartment = row.apartment or parts.apartment
		frappe.db.set_value(
			"Service Location",
			row.name,
			{
				"civic_number": parts.civic_number,
				"civic_suffix": parts.civic_suffix,
				"street": street,
				"apartment": apartment,
				"address_line": street_line(parts.civic_number, parts.civic_suffix, street),
				"location_title": location_title(
					parts.civic_number, parts.civic_suffix, street, apartment, row.city
				),
			},
			update_modified=False,
		)
