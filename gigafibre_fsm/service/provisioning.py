"""What the ACS pushes to a device, and what it does with the device's reports.

``provision()`` answers API.md's ``api.acs.provision``: it runs on every boot of every modem,
so it reads one statement (the device by one of its unique identifiers, with its own WiFi and
SIP secrets, its location's status, its customer's flag and its internet plan's OLT profiles),
and for a device with phone lines a second (its location's SIP accounts and phone numbers). It
caches nothing, so a changed password is served from the next boot on. Secrets are read from
the equipment's Password fields only for this answer (``_reveal``), and never reach a log, an
error or the Error Log.

Where each value comes from:

- ``wifi``: the device's own WiFi (the router's, generated at order time; a legacy Deco's or
  ONT's). An ONT without WiFi of its own gets none, and the ACS puts it in bridge mode.
- ``voip``: for an ONT or an IP phone, every SIP account of the location (its equipment's SIP
  fields: the IP Phone's, or a legacy ONT's — the only home of a SIP password), one per line,
  the device's own first; each line's ``did`` is the location's active VoIP Line that names
  that equipment, else the one with that SIP user name, else the location's n-th active line
  naming no account for line n (by creation), else null: lines are given numbers by "Configure
  VoIP" (voip/lines.py).
- ``line_profile`` / ``service_profile``: the internet plan's (its Item's OLT profiles), else
  what the equipment holds (the legacy import's).
- ``suspended``: the location is Suspended or Disconnected, or the customer ``is_suspended``;
  a device returned to stock gets no customer's settings and is answered suspended.

``device_event()`` writes the device's last report (last seen, IP, firmware, event) straight
to its row, without a Version or a new ``modified``; a new IP goes to the location's IP history;
the first ``online`` of an ONT whose installation job is In Progress closes that job's task
"Vérifier signal ONT" (found by its key, ``VERIFY_ONT_SIGNAL``).

A device nobody knows opens one Issue for support (named after the device, so a second boot
finds it), written on a connection of its own: Frappe rolls back a GET and a failed request.
"""

import ipaddress
import re
import traceback
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import get_datetime, get_system_timezone, now_datetime
from frappe.utils.password import decrypt

from gigafibre_fsm.exceptions import refuse
from gigafibre_fsm.field_service.task_types import VERIFY_ONT_SIGNAL
from gigafibre_fsm.service.doctype.service_equipment.service_equipment import record_device_event
from gigafibre_fsm.service.identifiers import normalize_mac, normalize_serial

EQUIPMENT = "Service Equipment"
ONT, ROUTER, IP_PHONE = "ONT", "Router", "IP Phone"
RETURNED = "Returned"
# Devices that carry the location's phone lines (an ONT's VoIP ports, an ATA).
PHONE_DEVICES = (ONT, IP_PHONE)
SUSPENDED_LOCATION = ("Suspended", "Disconnected")

BOOT, ONLINE, OFFLINE, FACTORY_RESET = "boot", "online", "offline", "factory_reset"
EVENTS = (BOOT, ONLINE, OFFLINE, FACTORY_RESET)
# Events that say the device is talking to the ACS now: they move "last seen".
SEEN_EVENTS = (BOOT, ONLINE, FACTORY_RESET)
MAX_FIRMWARE = 140

INSTALLATION_JOB = "Installation"
JOB_IN_PROGRESS = "In Progress"
TASK_DONE = ("Completed", "Cancelled")
UNKNOWN_DEVICE_ISSUE_TYPE = "Support"


class InvalidDeviceRequestError(frappe.ValidationError):
	"""What the ACS sent cannot be read (no identifier, a MAC that is not one, an unknown event)."""


class UnknownDeviceError(frappe.DoesNotExistError):
	"""No equipment has this serial or MAC."""


class ProvisioningFailedError(frappe.ValidationError):
	"""The answer could not be made; the cause is logged without the secrets it held."""

	http_status_code = 500


# ---------------------------------------------------------------------------------------
# Finding the device (the hot path)

# The device by one of its unique identifiers: one statement over the three unique indexes (an
# index-merge union in MariaDB); the CWMP serial wins over the sticker serial, both over the MAC.
# Raw SQL: this runs on every boot of every modem.
_MATCH = """
	from `tabService Equipment` e
	{joins}
	where e.cwmp_serial = %(serial)s or e.serial_number = %(serial)s or e.mac_address = %(mac)s
	order by e.cwmp_serial = %(serial)s desc, e.serial_number = %(serial)s desc
	limit 1
"""
_DEVICE = "e.name, e.equipment_type, e.status, e.serial_number, e.cwmp_serial, e.customer, e.service_location"


def _secret_join(alias: str, fieldname: str) -> str:
	"""The encrypted value of an equipment's Password field (Frappe keeps it in ``__Auth``)."""
	return (
		f"left join `__Auth` {alias} on {alias}.doctype = 'Service Equipment' and {alias}.name = e.name"
		f" and {alias}.fieldname = '{fieldname}' and {alias}.encrypted = 1"
	)


def _plan(column: str) -> str:
	"""A column of the Item of the location's internet plan (Active first, then Suspended, Pending)."""
	return f"""(select i.{column} from `tabService Subscription` s join `tabItem` i on i.name = s.item
		where s.service_location = e.service_location and s.service_type = 'internet'
			and s.status != 'Cancelled'
		order by field(s.status, 'Active', 'Suspended', 'Pending'), s.creation desc limit 1)"""


# For an answer: the device with its own WiFi and SIP fields (their secrets still encrypted),
# its location's status, its customer's flag and its internet plan's OLT profiles, in one read.
_PROVISION_JOINS = "\n".join(
	(
		"left join `tabService Location` l on l.name = e.service_location",
		"left join `tabCustomer` c on c.name = e.customer",
		_secret_join("w", "wifi_password"),
		_secret_join("p", "sip_password"),
	)
)
_FIND_DEVICE_TO_PROVISION = f"""
	select {_DEVICE}, e.line_profile, e.service_profile, e.wifi_enabled, e.wifi_ssid,
		e.wifi_ssid_5g, e.sip_username, e.sip_line, w.password as wifi_secret,
		p.password as sip_secret, l.status as location_status,
		c.is_suspended as customer_suspended, {_plan("olt_line_profile")} as plan_line_profile,
		{_plan("olt_service_profile")} as plan_service_profile
	{_MATCH.format(joins=_PROVISION_JOINS)}
"""
_FIND_DEVICE = f"select {_DEVICE} {_MATCH.format(joins='')}"

# A device's phone lines, in one read: every SIP account of its location (the secrets still
# encrypted) and the location's active VoIP Lines; ordered in Python (a sorted union costs
# MariaDB a temporary table).
_LOCATION_PHONE_LINES = f"""
	select 'account' as kind, e.name, e.sip_username, e.sip_line, p.password as sip_secret,
		null as did, null as equipment, e.name = %(own)s as own, e.creation
	from `tabService Equipment` e
	{_secret_join("p", "sip_password")}
	where e.service_location = %(location)s and e.status != 'Returned'
		and e.sip_username is not null and e.sip_username != ''
	union all
	select 'number', v.name, v.sip_username, null, null, v.did, v.equipment, 0, v.creation
	from `tabVoIP Line` v
	where v.service_location = %(location)s and v.status = 'Active'
"""


def read_identifiers(serial: str | None, mac: str | None) -> tuple[str | None, str | None]:
	"""The serial and MAC in their stored forms; a refusal naming the field when neither is
	given or one cannot be a device's."""
	serial = (serial or "").strip() or None
	mac = (mac or "").strip() or None
	if not serial and not mac:
		refuse(
			"serial",
			_("serial: give the device's serial number or its MAC address"),
			InvalidDeviceRequestError,
		)
	normalized_serial = normalize_serial(serial) if serial else None
	if serial and not normalized_serial:
		refuse(
			"serial",
			_("serial: {0} is not a serial number (letters, digits, - _ / . only)").format(serial[:64]),
			InvalidDeviceRequestError,
		)
	normalized_mac = normalize_mac(mac) if mac else None
	if mac and not normalized_mac:
		refuse(
			"mac",
			_("mac: {0} is not a MAC address (12 hexadecimal digits)").format(mac[:64]),
			InvalidDeviceRequestError,
		)
	return normalized_serial, normalized_mac


def find_device(serial: str | None, mac: str | None, to_provision: bool = False) -> dict | None:
	"""The equipment with this CWMP serial, else this sticker serial, else this MAC (stored
	forms); ``to_provision``: with what its answer needs from its own row and its location."""
	query = _FIND_DEVICE_TO_PROVISION if to_provision else _FIND_DEVICE
	rows = frappe.db.sql(query, {"serial": serial or "", "mac": mac or ""}, as_dict=True)
	return rows[0] if rows else None


def known_device(serial: str | None, mac: str | None, to_provision: bool = False, **report) -> dict:
	"""The device, or a 404 after opening one Issue for it."""
	device = find_device(serial, mac, to_provision)
	if device:
		return device
	open_unknown_device_issue(serial, mac, **report)
	raise_unknown(serial or mac)


def raise_unknown(identifier: str) -> None:
	frappe.throw(_("No equipment has the serial or MAC {0}").format(identifier), UnknownDeviceError)


# ---------------------------------------------------------------------------------------
# The answer


def provision(serial: str | None = None, mac: str | None = None) -> dict:
	"""API.md's answer for the device with this serial (CWMP or sticker) or MAC, any notation."""
	serial, mac = read_identifiers(serial, mac)
	device = known_device(serial, mac, to_provision=True)
	in_service = device.status != RETURNED and bool(device.service_location)
	accounts, lines = phone_lines(device, in_service)
	# Nothing above holds a secret in clear; from here on the answer does.
	return _reveal(_answer, device, in_service, accounts, lines)


def phone_lines(device: dict, in_service: bool) -> tuple[list[dict], list[dict]]:
	"""The SIP accounts the device carries, by line, and its location's active VoIP Lines. A
	phone device carries the location's accounts (one per line, its own first); another device
	its own, if any; a device not in service none."""
	if not in_service or not (device.equipment_type in PHONE_DEVICES or device.sip_username):
		return [], []
	rows = frappe.db.sql(
		_LOCATION_PHONE_LINES, {"location": device.service_location, "own": device.name}, as_dict=True
	)
	# The device's own account first, then the oldest; the oldest line first.
	rows.sort(key=lambda row: (row.kind, -int(row.own or 0), row.creation, row.name))
	lines = [row for row in rows if row.kind == "number"]
	if device.equipment_type not in PHONE_DEVICES:
		return [device], lines
	by_line: dict[int, dict] = {}
	for row in rows:
		if row.kind == "account":
			by_line.setdefault(row.sip_line or 1, row)
	return [by_line[line] for line in sorted(by_line)], lines


def dids(accounts: list[dict], lines: list[dict]) -> dict[str, str]:
	"""{equipment: DID} for SIP accounts (by line) and the location's active VoIP Lines (oldest
	first): the line that names the account's equipment, else the line with the account's SIP
	user name, else the lines that name no account, in order, to the accounts left, line 1
	first. An account without a line has no DID yet."""
	names = {account.name for account in accounts}
	usernames = {account.sip_username for account in accounts if account.sip_username}
	found: dict[str, str] = {}
	used: set[str] = set()

	def take(account, matches) -> None:
		line = next((line for line in lines if line.name not in used and matches(line)), None)
		if line:
			found[account.name] = line.did
			used.add(line.name)

	for account in accounts:
		take(account, lambda line, account=account: line.equipment == account.name)
	for account in accounts:
		if account.name not in found and account.sip_username:
			take(
				account,
				lambda line, account=account: (
					line.equipment not in names and line.sip_username == account.sip_username
				),
			)
	free = [
		line
		for line in lines
		if line.name not in used
		and line.equipment not in names
		and (not line.sip_username or line.sip_username not in usernames)
	]
	waiting = [account for account in accounts if account.name not in found]
	found.update((account.name, line.did) for account, line in zip(waiting, free, strict=False))
	return found


def _profile(*values) -> str | None:
	for value in values:
		if value not in (None, "", 0):
			return str(value)
	return None


def _answer(device: dict, in_service: bool, accounts: list[dict], lines: list[dict]) -> dict:
	identity = {"serial": device.serial_number or device.cwmp_serial, "equipment_type": device.equipment_type}
	if not in_service:
		# Returned, or at no customer's: no one's settings.
		return {
			**identity,
			"customer": None,
			"service_location": None,
			"wifi": None,
			"voip": [],
			"line_profile": None,
			"service_profile": None,
			"suspended": True,
		}
	wifi = None
	if device.wifi_ssid:
		wifi = {
			"ssid": device.wifi_ssid,
			"password": _decrypt(device.wifi_secret, device.name, "wifi_password"),
			"ssid_5g": device.wifi_ssid_5g or None,
			"enabled": bool(device.wifi_enabled),
		}
	numbers = dids(accounts, lines)
	return {
		**identity,
		"customer": device.customer,
		"service_location": device.service_location,
		"wifi": wifi,
		"voip": [
			{
				"line": account.sip_line or 1,
				"username": account.sip_username,
				"password": _decrypt(account.sip_secret, account.name, "sip_password"),
				"did": numbers.get(account.name),
			}
			for account in accounts
		],
		"line_profile": _profile(device.plan_line_profile, device.line_profile),
		"service_profile": _profile(device.plan_service_profile, device.service_profile),
		"suspended": device.location_status in SUSPENDED_LOCATION or bool(device.customer_suspended),
	}


def _decrypt(secret: str | None, name: str, fieldname: str) -> str | None:
	return decrypt(secret, key=f"{EQUIPMENT}.{name}.{fieldname}") if secret else None


def _reveal(compose, *args):
	"""Run ``compose``, which reads and holds secrets, so that a failure in it never carries them:
	Frappe's Error Log prints the variables of every frame of a traceback, so the error that
	leaves here is raised outside the frames that held them, and the cause is logged as its
	type and code lines only (no message, no values)."""
	try:
		return compose(*args)
	except Exception as error:
		cause = type(error).__name__
		where = "".join(traceback.format_tb(error.__traceback__))
	# Deferred: a GET's transaction is rolled back.
	frappe.log_error(f"ACS provisioning failed: {cause}", f"{cause}\n{where}", defer_insert=True)
	frappe.throw(_("The device's settings could not be read ({0})").format(cause), ProvisioningFailedError)


# ---------------------------------------------------------------------------------------
# Reports


def device_event(
	serial: str | None = None,
	event: str | None = None,
	ip: str | None = None,
	firmware: str | None = None,
	at: str | None = None,
	mac: str | None = None,
) -> dict:
	"""Record what the ACS saw of a device (API.md ``device_event``); the device is found as
	``provision`` finds it (a router known by its MAC alone reports with its MAC)."""
	event = (event or "").strip().lower()
	if event not in EVENTS:
		refuse(
			"event",
			_("event: {0} is not one of {1}").format((event or "")[:32], ", ".join(EVENTS)),
			InvalidDeviceRequestError,
		)
	serial, mac = read_identifiers(serial, mac)
	ip = read_ip(ip)
	firmware = (firmware or "").strip()[:MAX_FIRMWARE] or None
	seen_at = read_time(at)

	device = known_device(serial, mac, event=event, ip=ip, firmware=firmware)
	record_device_event(
		device.name,
		at=seen_at,
		ip=ip,
		firmware=firmware,
		event=event,
		seen=event in SEEN_EVENTS,
	)
	if device.service_location and device.status != RETURNED:
		if ip:
			add_to_ip_history(device.service_location, ip, seen_at)
		if event == ONLINE and device.equipment_type == ONT:
			close_ont_signal_task(device.service_location, seen_at)
	return {"ok": True}


def read_ip(value: str | None) -> str | None:
	value = (value or "").strip()
	if not value:
		return None
	try:
		return str(ipaddress.ip_address(value))
	except ValueError:
		refuse("ip", _("ip: {0} is not an IP address").format(value[:64]), InvalidDeviceRequestError)


def read_time(value: str | None) -> datetime:
	"""The event's time in the site's time zone (naive, as Frappe stores it); now when not given."""
	value = (value or "").strip()
	if not value:
		return now_datetime()
	try:
		moment = get_datetime(value.replace("Z", "+00:00"))
	except Exception:
		moment = None
	if not moment:
		refuse(
			"at", _("at: {0} is not an ISO 8601 date and time").format(value[:64]), InvalidDeviceRequestError
		)
	if moment.tzinfo:
		moment = moment.astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)
	return moment


def add_to_ip_history(location: str, ip: str, at: datetime) -> None:
	"""Append the IP to the location's history when it is not already the latest entry; the row
	is written alone, so the location gets no Version and keeps its ``modified``."""
	latest = _latest_ip(location)
	if latest and latest[0] == ip:
		return
	# Two reports of one location at once: the second waits, then sees the first one's row.
	frappe.db.get_value("Service Location", location, "name", for_update=True)
	latest = _latest_ip(location)
	if latest and latest[0] == ip:
		return
	now = now_datetime()
	frappe.get_doc(
		{
			"doctype": "IP History",
			"parent": location,
			"parenttype": "Service Location",
			"parentfield": "ip_history",
			"idx": (latest[1] if latest else 0) + 1,
			"ip_address": ip,
			"assigned_on": at,
			"owner": frappe.session.user,
			"modified_by": frappe.session.user,
			"creation": now,
			"modified": now,
		}
	).db_insert()


def _latest_ip(location: str) -> tuple[str, int] | None:
	rows = frappe.db.sql(
		"""select ip_address, idx from `tabIP History`
		where parent = %s and parenttype = 'Service Location' and parentfield = 'ip_history'
		order by idx desc limit 1""",
		location,
	)
	return (rows[0][0], int(rows[0][1] or 0)) if rows else None


def close_ont_signal_task(location: str, at: datetime) -> None:
	"""The ONT is online: its installation job's "Vérifier signal ONT" task is done."""
	job = frappe.db.get_value(
		"Dispatch Job",
		{"service_location": location, "job_type": INSTALLATION_JOB, "status": JOB_IN_PROGRESS},
		["name", "project"],
		as_dict=True,
	)
	if not job or not job.project:
		return
	task = frappe.db.get_value(
		"Task",
		{"project": job.project, "type": VERIFY_ONT_SIGNAL.key, "status": ("not in", TASK_DONE)},
		"name",
	)
	if not task:
		return
	doc = frappe.get_doc("Task", task, for_update=True)
	if doc.status in TASK_DONE:
		return
	doc.status = "Completed"
	doc.completed_on = at.date()
	doc.flags.ignore_permissions = True
	doc.save()


# ---------------------------------------------------------------------------------------
# A device nobody knows


def unknown_device_issue_name(serial: str | None, mac: str | None) -> str:
	"""One Issue per device: its name is the device's serial (else its MAC's digits)."""
	key = serial or (mac or "").replace(":", "")
	return "ACS-" + re.sub(r"[^A-Z0-9_.-]", "-", key.upper())


def open_unknown_device_issue(
	serial: str | None,
	mac: str | None,
	event: str | None = None,
	ip: str | None = None,
	firmware: str | None = None,
) -> str:
	"""Open the Issue "Appareil inconnu" for this device unless it has one; kept whatever becomes
	of the request (a connection of its own). Returns the Issue's name."""
	name = unknown_device_issue_name(serial, mac)
	if frappe.db.exists("Issue", name):
		return name
	seen = [
		f"Numéro de série : {serial}" if serial else None,
		f"MAC : {mac}" if mac else None,
		f"Événement : {event}" if event else None,
		f"IP : {ip}" if ip else None,
		f"Micrologiciel : {firmware}" if firmware else None,
	]
	with own_transaction():
		frappe.get_doc(
			{
				"doctype": "Issue",
				"subject": f"Appareil inconnu de l'ACS : {serial or mac}",
				"issue_type": UNKNOWN_DEVICE_ISSUE_TYPE
				if frappe.db.exists("Issue Type", UNKNOWN_DEVICE_ISSUE_TYPE)
				else None,
				"description": "<p>L'ACS a demandé la configuration d'un appareil qu'aucun équipement "
				"ne porte. Inscrire son numéro de série (ou son adresse MAC) sur l'équipement du "
				"client : l'appareil se configure au prochain démarrage.</p><p>"
				+ "<br>".join(frappe.utils.escape_html(line) for line in seen if line)
				+ "</p>",
			}
		).insert(ignore_permissions=True, set_name=name, ignore_if_duplicate=True)
	return name


@contextmanager
def own_transaction():
	"""Run the block on a new connection to the site's database and commit it there, leaving the
	request's own transaction as it was (the way ``frappe.read_only`` swaps in a replica)."""
	from frappe.database import get_db

	conf = frappe.local.conf
	request_db = frappe.local.db
	db = get_db(
		host=conf.db_host,
		port=conf.db_port,
		user=conf.db_user or conf.db_name,
		password=conf.db_password,
		cur_db_name=conf.db_name,
	)
	frappe.local.db = db
	try:
		yield
		db.commit()
	except Exception:
		db.rollback()
		raise
	finally:
		db.close()
		frappe.local.db = request_db
