"""The ACS's endpoints over real HTTP, with real API keys, against this site running under
gunicorn (tests/live.py): a device's settings by any of its identifiers, who may ask, a device
nobody knows, the device's reports, and no secret anywhere but in the answer.

The records are committed (the running site reads them through its own connections) and
removed when the class ends.
"""

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest.mock import patch

import frappe
import requests
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_datetime, nowdate

from gigafibre_fsm.field_service.task_types import VERIFY_ONT_SIGNAL
from gigafibre_fsm.orders.order_input import random_password, wifi_ssid
from gigafibre_fsm.roles import ACS, APP_DOCTYPES, MATRIX, SUPPORT, rights
from gigafibre_fsm.service import provisioning
from gigafibre_fsm.setup.install import create_roles, create_task_types
from gigafibre_fsm.tests.live import RunningSite
from gigafibre_fsm.tests.utils import (
	ERPNEXT_DOCTYPES,
	make_customer,
	make_equipment,
	make_item,
	make_service_location,
	make_subscription,
	make_user,
)

test_ignore = ERPNEXT_DOCTYPES

PROVISION = "gigafibre_fsm.api.acs.provision"
DEVICE_EVENT = "gigafibre_fsm.api.acs.device_event"
PLAN = "ACSTEST500"
LINE_PROFILE, SERVICE_PROFILE = 103, 7
UNKNOWN_BOOTS = 100


def token(user: str) -> str:
	"""A fresh API key and secret for ``user``, as ``token key:secret``."""
	doc = frappe.get_doc("User", user)
	secret = frappe.generate_hash(length=15)
	doc.api_key = doc.api_key or frappe.generate_hash(length=15)
	doc.api_secret = secret
	doc.save(ignore_permissions=True)
	return f"token {doc.api_key}:{secret}"


def hex_mac() -> str:
	return frappe.generate_hash(length=12).upper()


def colon_mac(digits: str) -> str:
	return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def retry_on_deadlock(write, tries: int = 5) -> None:
	"""Run ``write`` (which commits) again when another test's transaction deadlocks with it."""
	for attempt in range(tries):
		try:
			write()
			return
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			if attempt == tries - 1:
				raise
			time.sleep(0.2 * (attempt + 1))


def remove(doctype: str, name: str) -> None:
	def delete():
		frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, ignore_missing=True)
		frappe.db.commit()  # nosemgrep

	retry_on_deadlock(delete)


def secrets_outside_answers(secrets: list[str], site_log: Path) -> list[str]:
	"""Where any of ``secrets`` is written: the bench's logs, the site's logs, the running site's
	log, the Error Log (with the errors still queued for it) and the Version table."""
	frappe.deferred_insert.save_to_db()
	frappe.db.commit()  # nosemgrep: the queued Error Logs are written
	found = []
	bench = Path(frappe.utils.get_bench_path())
	for path in (*(bench / "logs").glob("*"), *Path(frappe.get_site_path("logs")).glob("*"), site_log):
		if path.is_file() and any(secret in path.read_text(errors="replace") for secret in secrets):
			found.append(str(path))
	pattern = "|".join(re.escape(secret) for secret in secrets)
	for doctype, column in (("Error Log", "error"), ("Version", "data")):
		if frappe.db.sql(f"select 1 from `tab{doctype}` where `{column}` regexp %s limit 1", pattern):
			found.append(doctype)
	return found


class ACSCase(FrappeTestCase):
	"""One customer's premises, as an order leaves them and a technician's scans complete them:
	an ONT, a router with the WiFi generated at the order, two phone lines, one of them with its
	number; an ACS user and a support agent with API keys; the site under gunicorn.

	When the class is done, none of its passwords may be found in the bench's and the site's
	logs, the running site's own log, the Error Log or the Version table."""

	site: RunningSite

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		retry_on_deadlock(cls.make_premises)
		cls.site = RunningSite(frappe.local.site).start()

	@classmethod
	def make_premises(cls):
		create_roles()
		create_task_types()
		cls.created: list[tuple[str, str]] = []
		cls.acs_user = make_user(f"acs-{frappe.generate_hash(length=6)}@gigafibre.test", ACS)
		cls.support_user = make_user(f"acs-support-{frappe.generate_hash(length=6)}@gigafibre.test", SUPPORT)
		cls.acs_token = token(cls.acs_user)
		cls.support_token = token(cls.support_user)
		make_item(
			PLAN,
			service_type="internet",
			rate=99.95,
			download_mbps=500,
			upload_mbps=500,
			olt_line_profile=LINE_PROFILE,
			olt_service_profile=SERVICE_PROFILE,
		)
		cls.customer = make_customer(f"Tremblay ACS {frappe.generate_hash(length=6)}")
		cls.location = make_service_location(cls.customer.name)
		cls.subscription = make_subscription(cls.location, item=PLAN)
		tag = frappe.generate_hash(length=8).upper()
		cls.ont_mac = hex_mac()
		cls.ont = make_equipment(
			cls.location,
			equipment_type="ONT",
			serial_number=f"ZTEG-{tag}",
			cwmp_serial=f"ZTEGC{tag}",
			mac_address=colon_mac(cls.ont_mac),
		)
		cls.router_mac = hex_mac()
		cls.wifi = {
			"ssid": wifi_ssid("Tremblay"),
			"password": random_password(12),
			"ssid_5g": f"{wifi_ssid('Tremblay')}-5G",
			"enabled": True,
		}
		cls.router = make_equipment(
			cls.location,
			equipment_type="Router",
			serial_number=f"DECO-{tag}",
			mac_address=colon_mac(cls.router_mac),
			wifi_enabled=1,
			wifi_ssid=cls.wifi["ssid"],
			wifi_password=cls.wifi["password"],
			wifi_ssid_5g=cls.wifi["ssid_5g"],
		)
		cls.sip = []
		for line in (1, 2):
			sip = {
				"line": line,
				"username": f"{cls.location.name.lower()}-{line}",
				"password": random_password(16),
			}
			cls.sip.append(sip)
			cls.created.append(
				(
					"Service Equipment",
					make_equipment(
						cls.location,
						equipment_type="IP Phone",
						sip_username=sip["username"],
						sip_password=sip["password"],
						sip_line=line,
					).name,
				)
			)
		cls.did = "819555" + str(1000 + int(frappe.generate_hash(length=3), 16) % 9000)
		cls.voip_line = frappe.get_doc(
			{
				"doctype": "VoIP Line",
				"did": cls.did,
				"status": "Active",
				"customer": cls.customer.name,
				"service_location": cls.location.name,
			}
		).insert(ignore_permissions=True)
		cls.created += [
			("Service Equipment", cls.ont.name),
			("Service Equipment", cls.router.name),
			("VoIP Line", cls.voip_line.name),
			("Service Subscription", cls.subscription.name),
		]
		frappe.db.commit()  # nosemgrep: the running site reads these through its own connections

	@classmethod
	def tearDownClass(cls):
		cls.site.stop()  # its log is complete
		frappe.db.rollback()
		try:
			leaks = secrets_outside_answers(
				[cls.wifi["password"], *(s["password"] for s in cls.sip)], cls.site.log
			)
		finally:
			for doctype, name in (
				*reversed(cls.created),
				("Service Location", cls.location.name),
				("Customer", cls.customer.name),
				("User", cls.acs_user),
				("User", cls.support_user),
			):
				remove(doctype, name)
			super().tearDownClass()
		if leaks:
			raise AssertionError(f"a generated password was found in {leaks}")

	# -----------------------------------------------------------------------------------

	def call(self, method: str, auth: str | None = None, post: dict | None = None, **params):
		headers = {**self.site.headers, "Accept": "application/json"}
		if auth is not None:
			headers["Authorization"] = auth
		if post is not None:
			return requests.post(self.site.api(method), json=post, headers=headers, timeout=60)
		return requests.get(self.site.api(method), params=params, headers=headers, timeout=60)

	def provision(self, auth: str | None = None, **params) -> requests.Response:
		return self.call(PROVISION, auth or self.acs_token, **params)

	def answer(self, **params) -> dict:
		response = self.provision(**params)
		self.assertEqual(response.status_code, 200, response.text[:500])
		return response.json()["message"]

	def event(self, auth: str | None = None, **body) -> requests.Response:
		return self.call(DEVICE_EVENT, auth or self.acs_token, post=body)


class TestProvision(ACSCase):
	def test_router_by_its_serial_in_any_case_gets_the_wifi_stored(self):
		for serial in (
			self.router.serial_number,
			self.router.serial_number.lower(),
			f" {self.router.serial_number} ",
		):
			answer = self.answer(serial=serial)
			self.assertEqual(answer["wifi"], self.wifi, serial)
			self.assertEqual(answer["equipment_type"], "Router")
			self.assertEqual(answer["serial"], self.router.serial_number)
			self.assertEqual(
				(answer["customer"], answer["service_location"]), (self.customer.name, self.location.name)
			)
			self.assertEqual(answer["voip"], [])
			self.assertIs(answer["suspended"], False)

	def test_ont_by_cwmp_or_sticker_serial_gets_the_lines_stored_with_their_number(self):
		expected = [
			{**self.sip[0], "did": self.did},
			{**self.sip[1], "did": None},
		]
		for serial in (
			self.ont.cwmp_serial,
			self.ont.cwmp_serial.lower(),
			self.ont.serial_number,
			self.ont.serial_number.lower(),
		):
			answer = self.answer(serial=serial)
			self.assertEqual(answer["serial"], self.ont.serial_number, serial)
			self.assertEqual(answer["equipment_type"], "ONT")
			self.assertEqual(answer["voip"], expected, serial)
			# The WiFi is the router's: the ONT bridges.
			self.assertIsNone(answer["wifi"])
			self.assertEqual(
				(answer["line_profile"], answer["service_profile"]), (str(LINE_PROFILE), str(SERVICE_PROFILE))
			)
			self.assertEqual(
				sorted(answer),
				sorted(
					[
						"serial",
						"equipment_type",
						"customer",
						"service_location",
						"wifi",
						"voip",
						"line_profile",
						"service_profile",
						"suspended",
					]
				),
			)

	def test_by_mac_in_any_notation(self):
		digits = self.router_mac
		for mac in (
			colon_mac(digits).lower(),
			"-".join(digits[i : i + 2] for i in range(0, 12, 2)),
			".".join(digits[i : i + 4] for i in range(0, 12, 4)).lower(),
			digits.lower(),
		):
			answer = self.answer(mac=mac)
			self.assertEqual(answer["serial"], self.router.serial_number, mac)
			self.assertEqual(answer["wifi"], self.wifi, mac)
		# A serial nobody has, with the MAC: the MAC finds it, and no Issue is opened.
		answer = self.answer(serial="NOT-THIS-ONE", mac=self.ont_mac)
		self.assertEqual(answer["serial"], self.ont.serial_number)
		self.assertFalse(
			frappe.db.exists("Issue", provisioning.unknown_device_issue_name("NOT-THIS-ONE", None))
		)

	def test_suspended_location_or_customer(self):
		try:
			frappe.db.set_value("Service Location", self.location.name, "status", "Suspended")
			frappe.db.commit()  # nosemgrep
			self.assertIs(self.answer(serial=self.router.serial_number)["suspended"], True)
			frappe.db.set_value("Service Location", self.location.name, "status", "Active")
			frappe.db.set_value("Customer", self.customer.name, "is_suspended", 1)
			frappe.db.commit()  # nosemgrep
			self.assertIs(self.answer(serial=self.router.serial_number)["suspended"], True)
		finally:
			frappe.db.set_value("Service Location", self.location.name, "status", "Pending Install")
			frappe.db.set_value("Customer", self.customer.name, "is_suspended", 0)
			frappe.db.commit()  # nosemgrep
		self.assertIs(self.answer(serial=self.router.serial_number)["suspended"], False)

	def test_a_changed_password_is_served_at_the_next_boot(self):
		before = self.answer(serial=self.router.serial_number)["wifi"]["password"]
		changed = random_password(12)
		try:
			doc = frappe.get_doc("Service Equipment", self.router.name)
			doc.wifi_password = changed
			doc.save(ignore_permissions=True)
			frappe.db.commit()  # nosemgrep
			self.assertEqual(self.answer(serial=self.router.serial_number)["wifi"]["password"], changed)
		finally:
			doc = frappe.get_doc("Service Equipment", self.router.name)
			doc.wifi_password = before
			doc.save(ignore_permissions=True)
			frappe.db.commit()  # nosemgrep

	def test_a_returned_device_gets_no_ones_settings(self):
		returned = make_equipment(
			self.location,
			equipment_type="Router",
			serial_number=f"DECO-OLD-{frappe.generate_hash(length=6).upper()}",
			wifi_ssid="Ancien",
			wifi_password=random_password(12),
		)
		frappe.db.set_value("Service Equipment", returned.name, "status", "Returned")
		frappe.db.commit()  # nosemgrep
		self.addCleanup(remove, "Service Equipment", returned.name)
		answer = self.answer(serial=returned.serial_number)
		self.assertEqual(
			{k: answer[k] for k in ("customer", "service_location", "wifi", "voip", "suspended")},
			{"customer": None, "service_location": None, "wifi": None, "voip": [], "suspended": True},
		)

	def test_a_failure_while_answering_carries_no_secret(self):
		"""Frappe's Error Log prints every frame's variables: the error that leaves the answer is
		raised where no secret is held, and its cause is logged without values."""
		with patch.object(provisioning, "dids", side_effect=KeyError(self.wifi["password"])):
			try:
				provisioning.provision(serial=self.router.serial_number)
			except provisioning.ProvisioningFailedError:
				logged = frappe.get_traceback(with_context=True)
			else:
				self.fail("the failure was not reported")
		self.assertIn("KeyError", logged)
		self.assertNotIn(self.wifi["password"], logged)
		frappe.deferred_insert.save_to_db()
		frappe.db.commit()  # nosemgrep
		errors = frappe.get_all(
			"Error Log", {"method": "ACS provisioning failed: KeyError"}, ["name", "error"]
		)
		self.assertTrue(errors)
		self.assertFalse([e.name for e in errors if self.wifi["password"] in e.error])
		for error in errors:
			remove("Error Log", error.name)

	def test_only_the_acs_may_ask(self):
		key = self.acs_token.split()[1].split(":")[0]
		refused = {
			"guest": None,
			"wrong secret": f"token {key}:not-the-secret",
			"unknown key": "token 0123456789abcde:0123456789abcde",
			"support agent's key": self.support_token,
		}
		for who, auth in refused.items():
			headers = {} if auth is None else {"Authorization": auth}
			response = requests.get(
				self.site.api(PROVISION),
				params={"serial": self.router.serial_number},
				headers={**self.site.headers, "Accept": "application/json", **headers},
				timeout=60,
			)
			self.assertEqual(response.status_code, 403, f"{who}: {response.text[:300]}")
			self.assertNotIn(self.wifi["password"], response.text, who)
			response = self.call(
				DEVICE_EVENT, auth, post={"serial": self.router.serial_number, "event": "boot"}
			)
			self.assertEqual(response.status_code, 403, f"{who}: {response.text[:300]}")
		self.assertEqual(self.provision(serial=self.router.serial_number).status_code, 200)

	def test_the_acs_user_reaches_no_record_beyond_a_website_user(self):
		"""The role has no desk and no row in the matrix: its user has what Frappe gives any
		Website User (role "All"), and nothing of ours, over HTTP too."""
		self.assertEqual(frappe.db.get_value("Role", ACS, "desk_access"), 0)
		self.assertEqual(frappe.db.get_value("User", self.acs_user, "user_type"), "Website User")
		visitor = make_user(f"acs-visitor-{frappe.generate_hash(length=6)}@gigafibre.test")
		rights_checked = (
			"read",
			"write",
			"create",
			"delete",
			"submit",
			"export",
			"print",
			"share",
			"report",
			"select",
		)
		for doctype in MATRIX:
			self.assertEqual(rights(doctype, ACS), frozenset(), doctype)
			self.assertEqual(
				{r for r in rights_checked if frappe.has_permission(doctype, r, user=self.acs_user)},
				{r for r in rights_checked if frappe.has_permission(doctype, r, user=visitor)},
				doctype,
			)
		frappe.db.rollback()
		for doctype in APP_DOCTYPES:
			if frappe.get_meta(doctype).issingle:
				continue
			response = requests.get(
				f"http://127.0.0.1:{self.site.port}/api/resource/{doctype}",
				headers={**self.site.headers, "Authorization": self.acs_token, "Accept": "application/json"},
				timeout=60,
			)
			self.assertEqual(response.status_code, 403, doctype)

	def test_bad_input_is_a_4xx_naming_the_field(self):
		for params, field in (
			({}, "serial"),
			({"serial": "bad serial!"}, "serial"),
			({"mac": "00:11:22"}, "mac"),
		):
			response = self.provision(**params)
			self.assertIn(response.status_code, (400, 417), response.text[:300])
			self.assertEqual(response.json().get("field"), field, params)


class TestUnknownDevice(ACSCase):
	def tearDown(self):
		frappe.db.rollback()
		for name in frappe.get_all("Issue", {"name": ("like", "ACS-ACSTEST%")}, pluck="name"):
			remove("Issue", name)

	def test_a_hundred_boots_of_an_unknown_serial_open_one_issue(self):
		serial = f"acstest{frappe.generate_hash(length=8)}"
		issue = provisioning.unknown_device_issue_name(serial.upper(), None)

		def boot(_i):
			return self.provision(serial=serial).status_code

		# Eight at a time: simultaneous first boots still make one Issue.
		with ThreadPoolExecutor(8) as pool:
			codes = list(pool.map(boot, range(UNKNOWN_BOOTS)))
		self.assertEqual(codes, [404] * UNKNOWN_BOOTS)
		# Its reports too: 404, and the same Issue.
		self.assertEqual(self.event(serial=serial, event="boot", ip="100.64.9.9").status_code, 404)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Issue", {"name": issue}), 1)
		self.assertEqual(frappe.db.count("Issue", {"subject": ("like", f"%{serial.upper()}%")}), 1)
		doc = frappe.get_doc("Issue", issue)
		self.assertEqual(doc.issue_type, "Support")
		self.assertIn(serial.upper(), doc.subject)

	def test_an_unknown_mac_opens_one_issue(self):
		mac = "AC:57:" + colon_mac(hex_mac())[6:]
		for notation in (mac, mac.lower().replace(":", "-")):
			self.assertEqual(self.provision(mac=notation).status_code, 404)
		frappe.db.rollback()
		name = provisioning.unknown_device_issue_name(None, mac)
		self.assertTrue(frappe.db.exists("Issue", name))
		remove("Issue", name)


class TestDeviceEvent(ACSCase):
	def versions(self, doctype: str, name: str) -> int:
		return frappe.db.count("Version", {"ref_doctype": doctype, "docname": name})

	def ip_history(self) -> list[str]:
		return frappe.get_all(
			"IP History",
			filters={"parent": self.location.name, "parenttype": "Service Location"},
			order_by="idx",
			pluck="ip_address",
		)

	def test_reports_are_recorded_without_a_version_and_new_ips_go_to_the_history(self):
		frappe.db.rollback()
		modified = frappe.db.get_value("Service Equipment", self.ont.name, "modified")
		location_modified = frappe.db.get_value("Service Location", self.location.name, "modified")
		versions = (
			self.versions("Service Equipment", self.ont.name),
			self.versions("Service Location", self.location.name),
		)
		history = self.ip_history()

		response = self.event(
			serial=self.ont.cwmp_serial.lower(),
			event="boot",
			ip="100.64.12.34",
			firmware="V6.0.10P6N7",
			at="2026-12-04T14:30:00Z",
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		self.assertEqual(response.json()["message"], {"ok": True})
		frappe.db.rollback()
		row = frappe.db.get_value(
			"Service Equipment",
			self.ont.name,
			["last_ip", "firmware_version", "last_event", "last_inform", "modified"],
			as_dict=True,
		)
		self.assertEqual(
			(row.last_ip, row.firmware_version, row.last_event), ("100.64.12.34", "V6.0.10P6N7", "boot")
		)
		# 14:30 UTC is 09:30 in Montréal in December.
		self.assertEqual(row.last_inform, get_datetime("2026-12-04 09:30:00"))
		self.assertEqual(row.modified, modified)
		self.assertEqual(self.ip_history(), [*history, "100.64.12.34"])

		# The same IP again: nothing new in the history; offline: last seen stays.
		self.assertEqual(
			self.event(serial=self.ont.serial_number, event="online", ip="100.64.12.34").status_code, 200
		)
		frappe.db.rollback()
		seen = frappe.db.get_value("Service Equipment", self.ont.name, "last_inform")
		self.assertNotEqual(seen, get_datetime("2026-12-04 09:30:00"), "online moves last seen")
		self.assertEqual(self.event(serial=self.ont.serial_number, event="offline").status_code, 200)
		frappe.db.rollback()
		self.assertEqual(self.ip_history(), [*history, "100.64.12.34"])
		row = frappe.db.get_value(
			"Service Equipment", self.ont.name, ["last_event", "last_inform"], as_dict=True
		)
		self.assertEqual((row.last_event, row.last_inform), ("offline", seen))

		# A new IP: a new entry, the newest last.
		self.assertEqual(
			self.event(serial=self.ont.serial_number, event="boot", ip="100.64.56.78").status_code, 200
		)
		frappe.db.rollback()
		self.assertEqual(self.ip_history(), [*history, "100.64.12.34", "100.64.56.78"])
		self.assertEqual(
			(
				self.versions("Service Equipment", self.ont.name),
				self.versions("Service Location", self.location.name),
			),
			versions,
		)
		self.assertEqual(
			frappe.db.get_value("Service Location", self.location.name, "modified"), location_modified
		)
		self.assertEqual(frappe.db.get_value("Service Equipment", self.ont.name, "modified"), modified)

	def test_after_a_factory_reset_the_device_gets_the_same_credentials(self):
		before = (self.answer(serial=self.router.serial_number), self.answer(serial=self.ont.cwmp_serial))
		for serial in (self.router.serial_number, self.ont.cwmp_serial):
			self.assertEqual(self.event(serial=serial, event="factory_reset").status_code, 200)
		after = (self.answer(serial=self.router.serial_number), self.answer(serial=self.ont.cwmp_serial))
		self.assertEqual(after, before)
		self.assertEqual(after[0]["wifi"]["password"], self.wifi["password"])
		self.assertEqual([line["password"] for line in after[1]["voip"]], [s["password"] for s in self.sip])
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value("Service Equipment", self.router.name, "last_event"), "factory_reset"
		)

	def test_bad_reports_are_refused_naming_the_field(self):
		for body, field in (
			({"serial": self.ont.serial_number, "event": "reboot"}, "event"),
			({"event": "boot"}, "serial"),
			({"serial": self.ont.serial_number, "event": "boot", "ip": "300.1.2.3"}, "ip"),
			({"serial": self.ont.serial_number, "event": "boot", "at": "hier"}, "at"),
		):
			response = self.event(**body)
			self.assertIn(response.status_code, (400, 417), response.text[:300])
			self.assertEqual(response.json().get("field"), field, body)


class TestOntSignalTask(ACSCase):
	"""The first ``online`` of an ONT whose installation job is In Progress closes the job's task
	"Vérifier signal ONT"; a job not started yet keeps it open. Its reports and questions end,
	as every class's, with no password outside the answers."""

	def make_job(self, status: str):
		project = frappe.get_doc(
			{
				"doctype": "Project",
				"project_name": f"Installation - {self.customer.name} {frappe.generate_hash(length=4)}",
			}
		).insert(ignore_permissions=True)
		tasks = {
			key: frappe.get_doc(
				{"doctype": "Task", "subject": subject, "project": project.name, "type": key}
			).insert(ignore_permissions=True)
			for key, subject in (
				(VERIFY_ONT_SIGNAL.key, VERIFY_ONT_SIGNAL.title),
				("Site Installation", "Installation sur site"),
			)
		}
		job = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"job_type": "Installation",
				"customer": self.customer.name,
				"service_location": self.location.name,
				"project": project.name,
				"scheduled_date": add_days(nowdate(), 1),
			}
		).insert(ignore_permissions=True)
		# The technician's app starts the job; here its status is set as that leaves it.
		frappe.db.set_value("Dispatch Job", job.name, "status", status, update_modified=False)
		frappe.db.commit()  # nosemgrep
		self.addCleanup(self.remove_job, job.name, project.name, [t.name for t in tasks.values()])
		return job, tasks

	def remove_job(self, job: str, project: str, tasks: list[str]):
		frappe.db.rollback()
		remove("Dispatch Job", job)
		for task in tasks:
			remove("Task", task)
		remove("Project", project)

	def status(self, task) -> str:
		frappe.db.rollback()
		return frappe.db.get_value("Task", task.name, "status")

	def test_first_online_of_the_ont_closes_the_task_of_a_job_in_progress(self):
		job, tasks = self.make_job("Scheduled")
		verify = tasks[VERIFY_ONT_SIGNAL.key]
		self.assertEqual(self.event(serial=self.ont.cwmp_serial, event="online").status_code, 200)
		self.assertEqual(self.status(verify), "Open", "the job has not started")

		frappe.db.set_value("Dispatch Job", job.name, "status", "In Progress", update_modified=False)
		frappe.db.commit()  # nosemgrep
		# The router coming online is not the ONT; a boot is not online.
		self.assertEqual(self.event(serial=self.router.serial_number, event="online").status_code, 200)
		self.assertEqual(self.event(serial=self.ont.cwmp_serial, event="boot").status_code, 200)
		self.assertEqual(self.status(verify), "Open")

		self.assertEqual(self.event(serial=self.ont.cwmp_serial, event="online").status_code, 200)
		self.assertEqual(self.status(verify), "Completed")
		self.assertEqual(self.status(tasks["Site Installation"]), "Open")
		modified = frappe.db.get_value("Task", verify.name, "modified")
		self.assertEqual(self.event(serial=self.ont.cwmp_serial, event="online").status_code, 200)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Task", verify.name, "modified"), modified, "closed once")
