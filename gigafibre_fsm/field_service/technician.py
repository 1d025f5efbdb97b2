"""What a technician does on their phone: the day's jobs, arriving, scanning the equipment.

Every call is the logged-in technician's, on a job they are assigned to (403 otherwise); the
answers carry what the visit needs — address, coordinates, the customer's name and phone,
the services ordered (codes and names), the equipment to bring, the OLT port, the kind of job
and when the technician arrived — and never money.
"""

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from gigafibre_fsm.exceptions import DuplicateSerialError, InvalidMACAddressError, InvalidSerialError
from gigafibre_fsm.network.fibre_port import format_port
from gigafibre_fsm.roles import SYSTEM_MANAGER, TECHNICIAN
from gigafibre_fsm.service.identifiers import normalize_mac, normalize_serial


class SerialActiveElsewhereError(DuplicateSerialError):
	"""The scanned device is in service at another location."""

	http_status_code = 409


def job_of_technician(dispatch_job: str, user: str | None = None, for_update: bool = False):
	"""The job, when ``user`` is one of its technicians: 404 for no such job, 403 otherwise."""
	user = user or frappe.session.user
	if not dispatch_job or not frappe.db.exists("Dispatch Job", dispatch_job):
		frappe.throw(_("Dispatch job {0} not found").format(dispatch_job), frappe.DoesNotExistError)
	job = frappe.get_doc("Dispatch Job", dispatch_job, for_update=for_update)
	if not job.is_assigned_to(user) and SYSTEM_MANAGER not in frappe.get_roles(user):
		frappe.throw(_("This job is not assigned to you"), frappe.PermissionError)
	return job


def only_technicians() -> None:
	if {TECHNICIAN, SYSTEM_MANAGER}.isdisjoint(frappe.get_roles()):
		frappe.throw(_("Only field technicians use this"), frappe.PermissionError)


def my_jobs(day, user: str | None = None) -> list[dict]:
	user = user or frappe.session.user
	names = frappe.get_all(
		"Dispatch Job Technician",
		filters={"technician": user, "parenttype": "Dispatch Job"},
		pluck="parent",
		distinct=True,
	)
	jobs = frappe.get_all(
		"Dispatch Job",
		filters={"name": ("in", names or [""]), "scheduled_date": getdate(day)},
		fields=[
			"name",
			"job_type",
			"status",
			"scheduled_date",
			"customer",
			"customer_name",
			"service_location",
			"address",
		],
		order_by="name",
	)
	return [_job_card(job, user) for job in jobs]


def _job_card(job, user: str) -> dict:
	location = (
		frappe.db.get_value(
			"Service Location",
			job.service_location,
			["location_title", "latitude", "longitude", "frame", "slot", "port"],
			as_dict=True,
		)
		if job.service_location
		else None
	) or frappe._dict()
	contact = frappe.db.get_value("Customer", job.customer, "mobile_no") if job.customer else None
	services = frappe.get_all(
		"Service Subscription",
		filters={
			"service_location": job.service_location or "",
			"service_type": ("not in", ("discount", "fee")),
		},
		pluck="item",
		order_by="creation",
	)
	item_names = dict(
		frappe.get_all(
			"Item", filters={"name": ("in", services or [""])}, fields=["name", "item_name"], as_list=True
		)
	)
	arrival = frappe.db.get_value(
		"Dispatch Job Technician",
		{"parent": job.name, "parenttype": "Dispatch Job", "technician": user},
		"arrival_time",
	)
	equipment = frappe.get_all(
		"Dispatch Job Equipment",
		filters={"parent": job.name, "parenttype": "Dispatch Job"},
		fields=["service_equipment", "equipment_type"],
		order_by="idx",
	)
	identifiers = {
		e.name: e
		for e in frappe.get_all(
			"Service Equipment",
			filters={"name": ("in", [e.service_equipment for e in equipment if e.service_equipment] or [""])},
			fields=["name", "serial_number", "mac_address"],
		)
	}
	return {
		"dispatch_job": job.name,
		"job_type": job.job_type,
		"status": job.status,
		"scheduled_date": str(job.scheduled_date) if job.scheduled_date else None,
		"arrival": str(arrival) if arrival else None,
		"customer_name": job.customer_name,
		"phone": contact,
		"address": location.location_title or job.address,
		"latitude": float(location.latitude) if location.latitude else None,
		"longitude": float(location.longitude) if location.longitude else None,
		"olt_port": format_port(location.frame, location.slot, location.port),
		"services": services,
		"service_names": [item_names.get(item) or item for item in services],
		"equipment": [
			{
				"equipment": e.service_equipment,
				"equipment_type": e.equipment_type,
				"serial": (identifiers.get(e.service_equipment) or {}).get("serial_number"),
				"mac": (identifiers.get(e.service_equipment) or {}).get("mac_address"),
			}
			for e in equipment
		],
	}


def start_job(dispatch_job: str) -> dict:
	job = job_of_technician(dispatch_job, for_update=True)
	now = now_datetime()
	row = (
		next(r for r in job.technicians if r.technician == frappe.session.user)
		if job.is_assigned_to(frappe.session.user)
		else None
	)
	if row and not row.arrival_time:
		row.arrival_time = now
	on_the_way = job.status == "Scheduled"
	if on_the_way:
		job.status = "In Progress"
	job.save(ignore_permissions=True)
	if on_the_way:
		from gigafibre_fsm.orders import tasks

		tasks.queue_job_message(job.name, tasks.EN_ROUTE)
	return {
		"dispatch_job": job.name,
		"status": job.status,
		"arrival": str(row.arrival_time) if row and row.arrival_time else None,
	}


def scan_equipment(dispatch_job: str, equipment: str, serial: str, mac: str | None = None) -> dict:
	"""Bind a scanned device to a placeholder of the job: the serial upper-cased and unique,
	the MAC in one notation; a device in service elsewhere is refused naming where."""
	job = job_of_technician(dispatch_job)
	if equipment not in {row.service_equipment for row in job.equipment}:
		frappe.throw(
			_("Equipment {0} is not on job {1}").format(equipment, job.name), frappe.DoesNotExistError
		)
	normalized = normalize_serial(serial or "")
	if not normalized:
		frappe.throw(_("{0} is not a serial number").format(frappe.bold(serial or "")), InvalidSerialError)
	mac_address = None
	if mac:
		mac_address = normalize_mac(mac)
		if not mac_address:
			frappe.throw(_("{0} is not a MAC address").format(frappe.bold(mac)), InvalidMACAddressError)
	for fieldname, value in (
		("serial_number", normalized),
		("cwmp_serial", normalized),
		("mac_address", mac_address),
	):
		if not value:
			continue
		other = frappe.db.get_value(
			"Service Equipment",
			{fieldname: value, "name": ("!=", equipment)},
			["name", "status", "service_location"],
			as_dict=True,
		)
		if other:
			where = (
				frappe.db.get_value("Service Location", other.service_location, "location_title")
				if other.service_location
				else other.name
			)
			if other.status == "Active":
				frappe.throw(
					_("{0} is in service at {1}").format(frappe.bold(value), where),
					SerialActiveElsewhereError,
				)
			frappe.throw(
				_("{0} is already equipment {1}").format(frappe.bold(value), other.name), DuplicateSerialError
			)
	doc = frappe.get_doc("Service Equipment", equipment)
	doc.serial_number = normalized
	if mac_address:
		doc.mac_address = mac_address
	doc.save(ignore_permissions=True)
	return {"equipment": doc.name, "serial": doc.serial_number, "mac": doc.mac_address}
