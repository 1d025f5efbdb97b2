"""fibre → Fibre Drop, linked to the location it serves.

A drop's status is never written: its installed serial is ``fibre.sn`` in the equipment's
serial form (``RESERVED-…`` kept) and the Fibre Drop's own rule decides. A location out of
service (``status_flow.in_service``) holds no drop; a location holds one drop. The OLTs the
drops name are created once, one per address.
"""

import frappe
from frappe import _
from frappe.utils import now

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.bulk import update_rows
from gigafibre_fsm.legacy.convert import (
	INVALID,
	MISSING,
	NO_TARGET,
	Context,
	Issue,
	Notes,
	Plan,
	Rejected,
	city,
	coordinates,
	legacy_key,
	positive,
	postal_code,
)
from gigafibre_fsm.legacy.step import Step, insert_new, update_doc
from gigafibre_fsm.network.fibre_port import RESERVED_PREFIX, port_key
from gigafibre_fsm.service.identifiers import normalize_serial
from gigafibre_fsm.status_flow import in_service

# ---------------------------------------------------------------------------------------
# Conversion


def drop_serial(notes: Notes, value) -> str | None:
	"""fibre.sn: empty = free, ``RESERVED-…`` = held, else the ONT's serial (the equipment's form)."""
	text = clean.clean_text(value)
	if not text:
		return None
	if text.upper().startswith(RESERVED_PREFIX):
		return text.upper()
	serial = normalize_serial(text)
	if not serial:
		notes.warn(INVALID, f"sn {text!r}: not a serial number, kept as typed")
		return text.upper()
	return serial


def port_number(notes: Notes, value, what: str) -> str | None:
	if value is None or value == "":
		return None
	number = _as_port(value)
	if number is None:
		notes.warn(INVALID, f"{what} {value!r}: not a port number")
	return number


def _as_port(value) -> str | None:
	try:
		number = int(value)
	except (TypeError, ValueError):
		return None
	return str(number) if number >= 0 else None


def convert_fibre(row: dict, ctx: Context) -> Plan:
	notes = Notes()
	street = notes.text(row.get("rue"), ctx.vocabulary, what="rue")
	if not street:
		raise Rejected(MISSING, "no street (rue)")
	latitude, longitude = coordinates(notes, row.get("latitude"), row.get("longitude"))
	olt = None
	ip = clean.clean_text(row.get("info_connect"))
	if ip:
		olt = ctx.olts.get(ip)
		if not olt:
			notes.warn(INVALID, f"info_connect {ip!r}: not an OLT address")
	location = None
	service = ctx.services.get(positive(row.get("service_id")))
	if service:
		location = ctx.names["delivery"].get(service.get("delivery_id"))
	values = {
		"civic_number": clean.clean_text(row.get("civique")),
		"street": street[:140],
		"city": city(ctx, notes, row.get("ville")),
		"postal_code": postal_code(notes, row.get("zip")),
		"latitude": latitude,
		"longitude": longitude,
		"olt": olt,
		"frame": port_number(notes, row.get("frame"), "frame"),
		"slot": port_number(notes, row.get("slot"), "slot"),
		"port": port_number(notes, row.get("port"), "port"),
		"ont_slot": port_number(notes, row.get("ontid"), "ontid"),
		"installed_serial": drop_serial(notes, row.get("sn")),
		"box_not_installed": 1 if row.get("boitier_pas_install") else 0,
		"service_location": location,
		"zone_tarifaire": clean.clean_text(row.get("zone_tarifaire")),
		"max_speed_mbps": positive(row.get("max_speed_mbps")),
		"legacy_fibre_id": str(row["id"]),
		"legacy_service_id": legacy_key(row.get("service_id")),
	}
	return Plan("Fibre Drop", values, warnings=notes.warnings)


# ---------------------------------------------------------------------------------------
# Step


class FibreStep(Step):
	key = "fibre"
	doctype = "Fibre Drop"
	legacy_field = "legacy_fibre_id"
	sources = ("fibre",)

	def prepare(self):
		self.load_existing()
		imp = self.imp
		imp.prepare_common()
		imp.load_parents("delivery")
		imp.load_services()
		self.ensure_olts()
		self.index = imp.index
		self.index.want("Service Location", ["status", "customer", "fibre_drop"])
		self.held: dict[str, str] = {
			loc: drop
			for loc, drop in frappe.db.sql(
				"select name, fibre_drop from `tabService Location` where ifnull(fibre_drop, '') != ''"
			)
		}
		self.writer = self.new_writer()
		self.location_updates: list[dict] = []

	def ensure_olts(self):
		"""One OLT per address the drops name (created once, as an engineer would)."""
		rows = self.source.query(
			f"select info_connect ip, ville, count(*) n from {self.source.table('fibre')} "
			"where ifnull(info_connect, '') != '' group by info_connect, ville order by n desc"
		)
		existing = {ip: name for name, ip in frappe.db.sql("select name, ip_address from `tabOLT`") if ip}
		seen = {}
		for row in rows:
			ip = clean.clean_text(row["ip"])
			if not ip or ip in seen:
				continue
			seen[ip] = row["ville"]
		for ip, town in seen.items():
			if ip in existing:
				continue
			if isinstance(clean.clean_ip(ip), clean.Invalid):
				continue
			site = self.ctx.cities.get(clean.city_key(clean.clean_text(town) or ""), clean.clean_text(town))
			doc = insert_new("OLT", {"olt_name": f"OLT {ip}", "ip_address": ip, "site": site})
			existing[ip] = doc.name
			self.imp.index.add(doc)
		self.ctx.olts = existing

	def convert(self, source_table, row):
		plan = convert_fibre(row, self.ctx)
		location = plan.values.get("service_location")
		if location and not in_service(self.index.value("Service Location", location, "status")):
			# A location out of service holds no port (its next save would release it); the drop
			# keeps its legacy service id and the serial the legacy table had.
			plan.values["service_location"] = location = None
		if location:
			holder = self.held.get(location)
			if holder and holder != self.existing.get(str(row["id"])):
				plan.warnings.append(Issue(NO_TARGET, f"location {location} already has drop {holder}"))
				plan.values["service_location"] = None
		return plan

	def create(self, source_table, key, plan, row, batch):
		doc = self.writer.new(plan.values)
		self.writer.validate(doc)
		if doc.service_location:
			self.link_location(doc)
		self.accept(doc, batch, source_table, key)
		self.existing[key] = doc.name
		return doc.name

	def link_location(self, drop) -> None:
		"""The location's side of the link, as its own save computes it (set_keys_in_service)."""
		location = drop.service_location
		serving = in_service(self.index.value("Service Location", location, "status"))
		values = {
			"name": location,
			"fibre_drop": drop.name,
			"olt": drop.olt,
			"olt_ip": drop.olt_ip,  # fetch_from olt.ip_address, as the drop fetched it
			"frame": drop.frame,
			"slot": drop.slot,
			"port": drop.port,
			"ont_id": drop.ont_slot,
			"active_fibre_drop": drop.name if serving else None,
			"active_port": port_key(drop.olt, drop.frame, drop.slot, drop.port, drop.ont_slot)
			if serving
			else None,
			"modified": now(),
			"modified_by": frappe.session.user,
		}
		for fieldname in ("active_fibre_drop", "active_port"):
			if values[fieldname] and self.index.other(
				"Service Location", fieldname, values[fieldname], location
			):
				from gigafibre_fsm.exceptions import PortUnavailableError

				frappe.throw(
					_("OLT {0} port {1} ONT {2} already serves another location").format(
						drop.olt, drop.olt_port, drop.ont_slot
					),
					PortUnavailableError,
				)
		self.held[location] = drop.name
		self.index.update("Service Location", location, values)
		self.location_updates.append(values)

	def update(self, source_table, key, name, plan, row, batch):
		update_doc("Fibre Drop", name, {k: v for k, v in plan.values.items() if k != "service_location"})
		location = plan.values.get("service_location")
		if location and frappe.db.get_value("Service Location", location, "fibre_drop") != name:
			update_doc("Service Location", location, {"fibre_drop": name})
			self.held[location] = name
		return name

	def write(self, batch):
		super().write(batch)
		if self.location_updates:
			update_rows("Service Location", self.location_updates)
			self.location_updates = []
