"""OLT positions and coordinates became text columns where empty means unknown. Rewrite the
values the old numeric columns held in the stored form, and turn the zeros that stood for
"unknown" into empty values."""

import frappe

from gigafibre_fsm.rules.address import format_coordinate, parse_coordinate

PORTS = {
	"Service Location": ("olt", ("frame", "slot", "port", "ont_id")),
	"Service Equipment": ("olt", ("frame", "slot", "port", "ont_id")),
	"Fibre Drop": ("olt", ("frame", "slot", "port", "ont_slot")),
}
COORDINATES = ("Service Location", "Fibre Drop")


def execute():
	for doctype, (olt, ports) in PORTS.items():
		# No OLT and every part 0: the old columns could not say "unknown".
		zero = " and ".join(f"ifnull(`{p}`, '0') in ('0', '')" for p in ports)
		frappe.db.sql(
			f"update `tab{doctype}` set {', '.join(f'`{p}` = null' for p in ports)}"  # nosemgrep
			f" where ifnull(`{olt}`, '') = '' and {zero}"
		)
		for p in ports:
			# "3" stays "3"; a value the int column wrote as "3.0" or " 3" is tidied.
			frappe.db.sql(
				f"update `tab{doctype}` set `{p}` = cast(cast(`{p}` as decimal(20, 0)) as char)"  # nosemgrep
				f" where `{p}` is not null and `{p}` regexp '^ *[0-9]+(\\\\.0*)? *$'"
			)
	for doctype in COORDINATES:
		for name, lat, lng in frappe.db.sql(f"select name, latitude, longitude from `tab{doctype}`"):
			values = {}
			for field, value, limit in (("latitude", lat, 90), ("longitude", lng, 180)):
				try:
					number = parse_coordinate(value, limit)
				except ValueError:
					number = None
				# (0, 0) is in the Gulf of Guinea: in this business it only ever meant "unknown".
				values[field] = None if not number else format_coordinate(number)
			frappe.db.set_value(doctype, name, values, update_modified=False)
