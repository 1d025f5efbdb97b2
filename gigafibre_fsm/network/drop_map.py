"""The map of fibre drops (the Fibre Drop list's map view): GeoJSON markers of the drops whose
coordinates are known, each naming the drop, its civic address and whether its port is
Available, Reserved or Occupied (network/fibre_port.py)."""

import frappe
from frappe import _
from frappe.utils import escape_html

from gigafibre_fsm.network.chunks import rows_in
from gigafibre_fsm.network.fibre_port import drop_status
from gigafibre_fsm.rules.address import read_coordinate

_FIELDS = ("name", "latitude", "longitude", "civic_address", "installed_serial")


def drop_features(filters: list | dict | None = None) -> dict:
	"""A GeoJSON FeatureCollection of the drops that ``filters`` select and the reader may
	read (``frappe.get_list``), by name; a drop without coordinates is left out."""
	rows = frappe.get_list(
		"Fibre Drop", filters=filters or [], fields=list(_FIELDS), limit_page_length=0, order_by="name asc"
	)
	labels = dict(
		rows_in(
			"SELECT name, label FROM `tabCivic Address` WHERE name IN %s",
			{r.civic_address for r in rows if r.civic_address},
		)
	)
	features = []
	for row in rows:
		lat, lng = read_coordinate(row.latitude, 90), read_coordinate(row.longitude, 180)
		if lat is None or lng is None:
			continue  # unknown is empty: nothing to put on a map
		coverage = drop_status(row.installed_serial)
		address = labels.get(row.civic_address) or _("No civic address")
		popup = f"<b>{escape_html(row.name)}</b><br>{escape_html(address)}<br>{escape_html(_(coverage))}"
		features.append(
			{
				"type": "Feature",
				"properties": {"name": popup, "drop": row.name, "coverage": coverage},
				"geometry": {"type": "Point", "coordinates": [lng, lat]},
			}
		)
	return {"type": "FeatureCollection", "features": features}
