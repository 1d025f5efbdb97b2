"""device → Service Equipment, with what the old ACS pushed to it and its RADIUS account.

genieacs.wifi (by MAC) and genieacs.voip (by serial) give the WiFi and SIP secrets, the newest
row per device; a service's radius_user/radius_pwd the RADIUS account of its device (its
active service first, then the newest: :func:`radius_homes`). Those rows fold into the
equipment: a row that folds into none is superseded (skipped) or has nothing to fold into
(rejected). A RADIUS account whose service names no device the legacy database holds, or
whose device carries another service's, stays on its Service Subscription (subscriptions.py),
where it is imported with the service: ``service.radius`` counts those on equipment only.
"""

import frappe

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.clean import Invalid
from gigafibre_fsm.legacy.convert import (
	NO_TARGET,
	SUPERSEDED,
	UNKNOWN_CODE,
	Context,
	Issue,
	Notes,
	Plan,
	Rejected,
	mac_address,
	newest_by,
	parent,
	positive,
	serial_number,
)
from gigafibre_fsm.legacy.step import Step
from gigafibre_fsm.service.identifiers import normalize_mac, normalize_serial

# ---------------------------------------------------------------------------------------
# Conversion


def radius_homes(services: list[dict], devices: set, duplicates: dict | None = None) -> dict[int, dict]:
	"""{device id: the service whose RADIUS account the device carries}: of the services with an
	account that name a device the legacy database holds, the active one, else the newest.
	Duplicated service rows are left out (the original is imported, the copy skipped)."""
	homes: dict[int, dict] = {}
	duplicates = duplicates or {}
	for service in sorted(services, key=lambda s: (s.get("status") == 1, s["id"])):
		device = positive(service.get("device_id"))
		if (
			device in devices
			and service["id"] not in duplicates
			and clean.clean_text(service.get("radius_user"))
		):
			homes[device] = service
	return homes


def device_secrets(
	ctx: Context, notes: Notes, row: dict, serial: str | None, mac: str | None
) -> tuple[dict, list]:
	"""What the old ACS pushed to the device and the RADIUS account of its service."""
	values: dict = {}
	merged: list = []
	wifi = ctx.wifi.get(mac) if mac else None
	if wifi:
		values.update(
			wifi_ssid=notes.text(wifi.get("ssid"), what="ssid"),
			wifi_ssid_5g=clean.clean_text(wifi.get("ssid_5g")),
			wifi_password=wifi.get("password") or None,
			wifi_enabled=1 if wifi.get("enabled", 1) else 0,
		)
		merged.append(("genieacs.wifi", wifi["id"]))
	voip = ctx.voip.get(serial) if serial else None
	if voip:
		values.update(
			sip_username=clean.clean_text(voip.get("sip_user")),
			sip_password=voip.get("sip_password") or None,
			sip_line=positive(voip.get("line")) or 1,
		)
		merged.append(("genieacs.voip", voip["id"]))
	service = ctx.radius.get(row["id"])
	if service:
		values.update(
			radius_username=clean.clean_text(service.get("radius_user")),
			radius_password=service.get("radius_pwd") or None,
		)
		product = ctx.products.get(service.get("product_id")) or {}
		values.update(
			line_profile=positive(product.get("lineprofile")),
			service_profile=positive(product.get("serviceprofile")),
		)
		merged.append(("service.radius", service["id"]))
	return values, merged


def convert_device(row: dict, ctx: Context) -> Plan:
	notes = Notes()
	equipment_type = clean.device_category(row.get("category"))
	if isinstance(equipment_type, Invalid):
		raise Rejected(UNKNOWN_CODE, str(equipment_type))
	status = clean.device_status(row.get("status"))
	if isinstance(status, Invalid):
		raise Rejected(UNKNOWN_CODE, str(status))
	customer = location = None
	if positive(row.get("account_id")):
		customer = parent(ctx, "account", row.get("account_id"))
		if positive(row.get("delivery_id")):
			location = parent(ctx, "delivery", row.get("delivery_id"))
	serial = serial_number(notes, row.get("sn"))
	mac = mac_address(notes, row.get("mac"))
	values = {
		"equipment_type": equipment_type,
		"status": status,
		"serial_number": serial,
		"mac_address": mac,
		"customer": customer,
		"service_location": location,
		"brand": clean.clean_text(row.get("manufacturer")),
		"model": clean.clean_text(row.get("model")),
		"legacy_device_id": str(row["id"]),
	}
	secrets, merged = device_secrets(ctx, notes, row, serial, mac)
	values.update(secrets)
	return Plan("Service Equipment", values, warnings=notes.warnings, merged=merged)


# ---------------------------------------------------------------------------------------
# Step


class DeviceStep(Step):
	key = "device"
	doctype = "Service Equipment"
	legacy_field = "legacy_device_id"
	sources = ("device", "genieacs.wifi", "genieacs.voip", "service.radius")

	def prepare(self):
		self.load_existing()
		imp, ctx = self.imp, self.ctx
		imp.load_parents("account", "delivery")
		imp.load_products()
		self.duplicates = self.source.duplicates("device")
		self.wifi_rows = self.source.query(f"select * from {self.source.table('genieacs.wifi')}")
		self.voip_rows = self.source.query(f"select * from {self.source.table('genieacs.voip')}")
		# The old ACS names a device by its MAC (genieacs.wifi) or its serial (genieacs.voip).
		ctx.wifi, self.wifi_superseded = newest_by(
			self.wifi_rows, lambda r: normalize_mac(clean.clean_text(r.get("serial")))
		)
		ctx.voip, self.voip_superseded = newest_by(
			self.voip_rows, lambda r: normalize_serial(clean.clean_text(r.get("serial")))
		)
		# The device's RADIUS account: its active service first, then the newest; the others
		# are on their subscriptions.
		imp.load_radius()
		self.radius_rows = sorted(ctx.radius.values(), key=lambda s: s["id"])
		self.writer = self.new_writer()

	def convert(self, source_table, row):
		return convert_device(row, self.ctx)

	def pages(self, source_table, after):
		if source_table == "device":
			return super().pages(source_table, after)
		return iter(())

	def count(self, source_table):
		if source_table == "service.radius":
			return len(self.radius_rows)
		return super().count(source_table)

	def finalize(self, batch):
		"""Secondary rows that folded into no equipment: superseded, or nothing to fold into."""
		folded = self.folded | self.folded_before()
		for table, rows, superseded in (
			("genieacs.wifi", self.wifi_rows, self.wifi_superseded),
			("genieacs.voip", self.voip_rows, self.voip_superseded),
			("service.radius", self.radius_rows, {}),
		):
			batch.counts[table].source_rows += len(rows)
			for row in rows:
				if (table, row["id"]) in folded:
					continue
				if row["id"] in superseded:
					issue = Issue(SUPERSEDED, f"row {superseded[row['id']]} is newer for the same device")
					self.set_aside(batch, "skipped", table, str(row["id"]), issue, row)
				else:
					what = {"genieacs.wifi": "MAC", "genieacs.voip": "serial"}.get(table, "device")
					issue = Issue(NO_TARGET, f"no imported equipment with this {what}")
					self.set_aside(batch, "rejected", table, str(row["id"]), issue, row)

	def folded_before(self) -> set:
		"""Rows folded by batches an earlier attempt of this run committed (a resumed run)."""
		folded = set()
		mac_serial = {}
		for legacy_id, serial, mac in frappe.db.sql(
			"select legacy_device_id, serial_number, mac_address from `tabService Equipment` "
			"where ifnull(legacy_device_id, '') != ''"
		):
			mac_serial[legacy_id] = (serial, mac)
		for serial, mac in mac_serial.values():
			if mac and mac in self.ctx.wifi:
				folded.add(("genieacs.wifi", self.ctx.wifi[mac]["id"]))
			if serial and serial in self.ctx.voip:
				folded.add(("genieacs.voip", self.ctx.voip[serial]["id"]))
		for device_id, service in self.ctx.radius.items():
			if str(device_id) in mac_serial:
				folded.add(("service.radius", service["id"]))
		return folded
