"""Phone lines with a 911 address that stays true, on a real site: a location's address change
flags exactly its lines and opens support's task; a line with a missing or mismatched 911
address is not put in service (its move to Active, the completion of an installation); a
re-registration goes once to the 911 provider and records who and when; an orphan
registration is removed from its report; each report returns the rows the test built.

The 911 provider is a small HTTP server (:class:`Fake911Provider`) reached through
integrations/e911_provider.py, as a site reaches its real one (site config ``e911_api_base``).
Nothing here is committed: each test ends in a rollback.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest.mock import patch

import frappe
from frappe.desk.query_report import run as run_report
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.api import voip as voip_api
from gigafibre_fsm.exceptions import ProviderUnavailableError
from gigafibre_fsm.field_service import activation
from gigafibre_fsm.roles import COLLECTIONS, SUPPORT, TECHNICIAN
from gigafibre_fsm.setup.install import create_roles
from gigafibre_fsm.tests.live import free_port
from gigafibre_fsm.tests.utils import (
	ERPNEXT_DOCTYPES,
	make_customer,
	make_dispatch_job,
	make_subscription,
	make_user,
	update_doc,
)
from gigafibre_fsm.voip import e911
from gigafibre_fsm.voip.e911_lines import E911AddressError

test_ignore = ERPNEXT_DOCTYPES

TOKEN = "e911-test-token"
REPORTS = ("DID 911 Register", "E911 Address Audit", "Orphan E911 Registrations")
REPORT_DIR = Path(__file__).parents[1] / "voip" / "report"


class Fake911Provider:
	"""Answers the 911 provider's REST API as integrations/e911_provider.py calls it (``PUT`` and
	``DELETE /registrations/{did}``, a Bearer token); keeps the registrations and records every
	request. ``fail`` answers 503."""

	def __init__(self):
		self.requests: list[dict] = []
		self.registrations: dict[str, dict] = {}
		self.fail = False
		self.lock = threading.Lock()
		self.port = free_port()
		self.server: ThreadingHTTPServer | None = None

	@property
	def url(self) -> str:
		return f"http://127.0.0.1:{self.port}/v1"

	def start(self) -> "Fake911Provider":
		provider = self

		class Handler(BaseHTTPRequestHandler):
			def log_message(self, *args):
				pass

			def _handle(self, method: str):
				length = int(self.headers.get("Content-Length") or 0)
				body = json.loads(self.rfile.read(length).decode() or "{}") if length else {}
				did = self.path.rsplit("/", 1)[-1]
				with provider.lock:
					provider.requests.append({"method": method, "path": self.path, "body": body})
					if self.headers.get("Authorization") != f"Bearer {TOKEN}":
						return self._answer(401, {"message": "unauthorized"})
					if provider.fail:
						return self._answer(503, {"message": "Service Unavailable"})
					if method == "PUT":
						provider.registrations[did] = body
						return self._answer(200, {"id": f"reg-{did}"})
					if provider.registrations.pop(did, None) is None:
						return self._answer(404, {"message": "not found"})
					return self._answer(200, {"deleted": did})

			def do_PUT(self):
				self._handle("PUT")

			def do_DELETE(self):
				self._handle("DELETE")

			def _answer(self, status: int, payload: dict):
				data = json.dumps(payload).encode()
				self.send_response(status)
				self.send_header("Content-Type", "application/json")
				self.send_header("Content-Length", str(len(data)))
				self.end_headers()
				self.wfile.write(data)

		self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
		threading.Thread(target=self.server.serve_forever, daemon=True).start()
		return self

	def stop(self) -> None:
		if self.server:
			self.server.shutdown()
			self.server.server_close()
			self.server = None

	def calls(self, method: str | None = None) -> list[dict]:
		with self.lock:
			return [r for r in self.requests if not method or r["method"] == method]

	def clear(self) -> None:
		with self.lock:
			self.requests.clear()
			self.registrations.clear()


ADDRESS = {
	"civic_number": "1210",
	"civic_suffix": "A",
	"street": "Rue Principale",
	"apartment": "2",
	"city": "Saint-Adrien",
	"municipality_code": "40005",
	"province": "QC",
	"postal_code": "J0A 1C0",
}


def number() -> str:
	"""A DID of these tests' own range (873-911-xxxx), unlikely to be any other test's."""
	return "873911" + str(1000 + int(frappe.generate_hash(length=4), 16) % 9000)


class E911Case(FrappeTestCase):
	provider: Fake911Provider

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_roles()
		suffix = frappe.generate_hash(length=6)
		cls.support = make_user(f"e911-support-{suffix}@gigafibre.test", SUPPORT)
		cls.collections = make_user(f"e911-collections-{suffix}@gigafibre.test", COLLECTIONS)
		cls.technician = make_user(f"e911-tech-{suffix}@gigafibre.test", TECHNICIAN)
		frappe.db.commit()  # nosemgrep: the users outlive the tests' rollbacks; removed below
		cls.provider = Fake911Provider().start()

	@classmethod
	def tearDownClass(cls):
		cls.provider.stop()
		frappe.db.rollback()
		for user in (cls.support, cls.collections, cls.technician):
			frappe.delete_doc("User", user, force=True, ignore_permissions=True, ignore_missing=True)
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def setUp(self):
		frappe.set_user("Administrator")
		self.provider.clear()
		self.provider.fail = False
		self.saved_conf = {
			k: frappe.local.conf.get(k) for k in ("e911_provider", "e911_api_base", "e911_api_token")
		}
		frappe.local.conf.update(
			{"e911_provider": None, "e911_api_base": self.provider.url, "e911_api_token": TOKEN}
		)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.conf.update(self.saved_conf)
		frappe.db.rollback()

	# -- what the tests build --------------------------------------------------------------

	def location(self, customer: str | None = None, **address) -> "frappe.Document":
		customer = customer or make_customer().name
		return frappe.get_doc(
			{"doctype": "Service Location", "customer": customer, **ADDRESS, **address}
		).insert(ignore_permissions=True)

	def line(self, location, status: str = "Active", **values) -> "frappe.Document":
		"""A line at ``location`` whose 911 address is the location's, changed by ``values``; a
		new line starts Active and is then moved to ``status`` as a person would."""
		line = frappe.get_doc(
			{
				"doctype": "VoIP Line",
				"did": number(),
				"customer": location.customer,
				"service_location": location.name,
				**e911.address_of(location.as_dict()),
				**values,
			}
		).insert(ignore_permissions=True)
		if status != line.status:
			line.status = status
			line.status_reason = "Test" if status == "Cancelled" else None
			line.save(ignore_permissions=True)
		return line

	def reload(self, doc):
		return frappe.get_doc(doc.doctype, doc.name)

	def report(self, name: str, user: str | None = None, **filters) -> set[str]:
		frappe.set_user(user or self.support)
		try:
			answer = run_report(name, filters=filters)
		finally:
			frappe.set_user("Administrator")
		return {row["name"] for row in answer["result"] if isinstance(row, dict) and row.get("name")}


class TestMatchAndAddressChange(E911Case):
	def test_the_line_stores_its_comparison_on_save(self):
		location = self.location()
		same = self.line(location, e911_street="rue principale", e911_postal_code="j0a1c0")
		self.assertEqual((same.e911_match, same.e911_differences), ("Match", None))
		moved = self.line(location, status="Pending 911", e911_street="Rue Saint-Jean", e911_city="Ham-Nord")
		self.assertEqual((moved.e911_match, moved.e911_differences), ("Mismatch", "street, city"))
		empty = self.line(location, status="Pending 911", e911_postal_code=None)
		self.assertEqual((empty.e911_match, empty.e911_differences), ("Missing", "postal_code"))

	def test_an_address_change_flags_exactly_that_locations_lines(self):
		moving = self.location()
		staying = self.location()
		first, second = self.line(moving), self.line(moving)
		cancelled = self.line(moving, status="Cancelled")
		other = self.line(staying)
		other_modified = other.modified

		# Written differently is no move: nothing flagged, no task.
		update_doc("Service Location", moving.name, street="RUE PRINCIPALE", postal_code="j0a1c0")
		self.assertEqual(self.reload(first).e911_reregister, 0)
		self.assertFalse(
			frappe.db.exists(
				"Task", {"type": e911.REGISTER_911.key, "description": ("like", f"%{moving.name}%")}
			)
		)

		update_doc("Service Location", moving.name, civic_number="1300", civic_suffix=None)

		flagged = [self.reload(line) for line in (first, second)]
		for line in flagged:
			self.assertEqual(
				(line.e911_reregister, line.e911_match, line.e911_differences, line.status),
				(1, "Mismatch", "civic_number, civic_suffix", "Active"),
			)
		task = frappe.get_doc("Task", flagged[0].e911_task)
		self.assertEqual(flagged[1].e911_task, task.name, "one task for the location's lines")
		self.assertEqual((task.type, task.team, task.status), (e911.REGISTER_911.key, SUPPORT, "Open"))
		self.assertIn(first.name, task.description)
		self.assertIn(second.name, task.description)
		# The cancelled line and the other location's line are untouched.
		self.assertEqual(self.reload(cancelled).e911_reregister, 0)
		other = self.reload(other)
		self.assertEqual((other.e911_reregister, other.e911_match, other.e911_task), (0, "Match", None))
		self.assertEqual(str(other.modified), str(other_modified))

		# A second move before support acted keeps the one open task.
		update_doc("Service Location", moving.name, street="Rue Saint-Jean")
		self.assertEqual(self.reload(first).e911_task, task.name)
		self.assertEqual(self.reload(first).e911_differences, "civic_number, civic_suffix, street")
		self.assertEqual(frappe.db.count("Task", {"type": e911.REGISTER_911.key, "name": task.name}), 1)

	def test_the_legacy_import_s_update_of_a_location_flags_its_lines_too(self):
		from gigafibre_fsm.legacy.step import update_doc as import_update

		location = self.location()
		line = self.line(location)
		import_update("Service Location", location.name, {"postal_code": "J0B 2C0"})
		line = self.reload(line)
		self.assertEqual((line.e911_reregister, line.e911_differences), (1, "postal_code"))
		self.assertTrue(line.e911_task)

	def test_stored_comparisons_are_brought_up_to_the_truth(self):
		from gigafibre_fsm.voip.e911_reports import refresh_matches

		location = self.location()
		line = self.line(location)
		modified = str(self.reload(line).modified)
		frappe.db.set_value("Service Location", location.name, "city", "Ham-Nord")  # around the controller
		self.assertGreaterEqual(refresh_matches(), 1)
		line = self.reload(line)
		self.assertEqual((line.e911_match, line.e911_differences), ("Mismatch", "city"))
		self.assertEqual(str(line.modified), modified)
		self.assertEqual(refresh_matches(), 0, "a second run changes nothing")

	def test_a_line_waiting_for_its_911_address_is_not_put_in_service(self):
		location = self.location()
		line = self.line(location, status="Pending 911", e911_street="Rue Saint-Jean")
		with self.assertRaises(E911AddressError) as refused:
			update_doc("VoIP Line", line.name, status="Active")
		self.assertIn(line.name, str(refused.exception))
		self.assertEqual(frappe.db.get_value("VoIP Line", line.name, "status"), "Pending 911")
		update_doc("VoIP Line", line.name, e911_street="Rue Principale")
		self.assertEqual(update_doc("VoIP Line", line.name, status="Active").status, "Active")

	def test_configure_voip_on_an_incomplete_address_leaves_the_line_pending(self):
		from gigafibre_fsm.voip.lines import make_line

		location = self.location(postal_code=None)
		customer = frappe._dict(customer_name="Test", email_id=None, language="fr", customer_group=None)
		row = frappe._dict(
			{"name": location.name, "customer": location.customer, **{p: location.get(p) for p in e911.PARTS}}
		)
		line = make_line(row, customer, None, "user-1", number())
		self.assertEqual(
			(line.status, line.e911_match, line.active_did), ("Pending 911", "Missing", line.did)
		)


class TestActivation(E911Case):
	def installation(self, line_street: str | None = None):
		location = self.location()
		subscription = make_subscription(location)
		waiting = self.line(location, status="Pending 911")
		active = self.line(location, **({"e911_street": line_street} if line_street else {}))
		job = make_dispatch_job(location, [self.technician], job_type="Installation")
		job.status = "In Progress"
		job.save(ignore_permissions=True)
		return location, subscription, waiting, active, job

	def test_activation_refuses_a_mismatched_line_naming_it_and_activates_nothing(self):
		location, subscription, waiting, wrong, job = self.installation(line_street="Rang 10")
		with patch("frappe.enqueue") as enqueue:
			with self.assertRaises(E911AddressError) as refused:
				activation.complete_installation(job.name)
		message = str(refused.exception)
		self.assertIn(wrong.name, message)
		self.assertIn(wrong.did[-4:], message)
		self.assertNotIn(waiting.name, message)
		# Refused before the first write: nothing of the completion happened.
		self.assertEqual(frappe.db.get_value("Service Location", location.name, "status"), "Pending Install")
		self.assertEqual(frappe.db.get_value("Service Subscription", subscription.name, "status"), "Pending")
		self.assertEqual(frappe.db.get_value("Dispatch Job", job.name, "status"), "In Progress")
		self.assertEqual(frappe.db.get_value("VoIP Line", waiting.name, "status"), "Pending 911")
		enqueue.assert_not_called()

	def test_activation_puts_the_waiting_lines_in_service_once_their_911_address_matches(self):
		location, _subscription, waiting, active, job = self.installation()
		with patch("frappe.enqueue") as enqueue:
			answer, completed = activation.complete_installation(job.name)
		self.assertTrue(completed)
		self.assertEqual(answer["activated"]["service_location"], location.name)
		self.assertEqual(frappe.db.get_value("Service Location", location.name, "status"), "Active")
		self.assertEqual(frappe.db.get_value("VoIP Line", waiting.name, "status"), "Active")
		self.assertEqual(frappe.db.get_value("VoIP Line", active.name, "status"), "Active")
		# The PBX account of the line that waited is made after the commit.
		self.assertEqual([c.kwargs.get("line") for c in enqueue.call_args_list], [waiting.name])


class TestRegistration(E911Case):
	def flagged_line(self):
		location = self.location()
		line = self.line(location)
		update_doc("Service Location", location.name, street="Rue Saint-Jean", postal_code="J0B 2C0")
		return location, self.reload(line)

	def test_re_registration_calls_the_provider_once_and_records_who_and_when(self):
		_location, line = self.flagged_line()
		self.assertEqual((line.e911_reregister, line.e911_match), (1, "Mismatch"))
		frappe.set_user(self.support)
		answer = voip_api.register_911(line.name)
		frappe.set_user("Administrator")

		puts = self.provider.calls("PUT")
		self.assertEqual(len(self.provider.calls()), 1, "one call to the provider")
		self.assertEqual(puts[0]["path"], f"/v1/registrations/{line.did}")
		self.assertEqual(
			{k: puts[0]["body"][k] for k in ("did", "civic_number", "street", "city", "postal_code")},
			{
				"did": line.did,
				"civic_number": "1210",
				"street": "Rue Saint-Jean",
				"city": "Saint-Adrien",
				"postal_code": "J0B 2C0",
			},
		)
		line = self.reload(line)
		self.assertEqual(
			(
				line.e911_synced,
				line.e911_synced_by,
				line.e911_provider_ref,
				line.e911_reregister,
				line.e911_match,
			),
			(1, self.support, f"reg-{line.did}", 0, "Match"),
		)
		self.assertTrue(line.e911_synced_on)
		self.assertEqual((line.e911_street, line.e911_postal_code), ("Rue Saint-Jean", "J0B 2C0"))
		self.assertEqual(answer["task_closed"], True)
		self.assertEqual(frappe.db.get_value("Task", line.e911_task, "status"), "Completed")
		# The line's history says who registered it.
		versions = frappe.get_all(
			"Version",
			filters={"ref_doctype": "VoIP Line", "docname": line.name},
			fields=["owner", "data"],
			order_by="creation desc",
		)
		self.assertEqual(versions[0].owner, self.support, versions)
		version = [versions[0].data]
		changed = {row[0] for row in json.loads(version[0])["changed"]}
		self.assertLessEqual({"e911_synced", "e911_synced_on", "e911_synced_by", "e911_street"}, changed)

	def test_a_provider_that_refuses_leaves_the_line_as_it_was(self):
		_location, line = self.flagged_line()
		self.provider.fail = True
		frappe.set_user(self.support)
		with self.assertRaises(ProviderUnavailableError):
			voip_api.register_911(line.name)
		frappe.set_user("Administrator")
		after = self.reload(line)
		self.assertEqual(
			(after.e911_synced, after.e911_reregister, after.e911_street), (0, 1, line.e911_street)
		)

	def test_an_unconfigured_provider_is_named(self):
		_location, line = self.flagged_line()
		frappe.local.conf.update({"e911_api_base": None})
		with self.assertRaises(ProviderUnavailableError) as refused:
			voip_api.register_911(line.name)
		self.assertIn("e911_api_base", str(refused.exception))
		self.assertEqual(self.provider.calls(), [])

	def test_only_support_registers(self):
		_location, line = self.flagged_line()
		frappe.set_user(self.collections)
		with self.assertRaises(frappe.PermissionError):
			voip_api.register_911(line.name)
		frappe.set_user("Administrator")
		self.assertEqual(self.provider.calls(), [])


class TestReports(E911Case):
	def world(self):
		"""Two customers of the test: lines that match, mismatch, lack a part; orphans and not."""
		first, second = make_customer().name, make_customer().name
		here = self.location(first)
		there = self.location(
			second, civic_number="47", street="Chemin du Lac", apartment=None, civic_suffix=None
		)
		lines = frappe._dict(
			match=self.line(here),
			mismatch=self.line(here, e911_street="Rue Saint-Jean"),
			missing=self.line(there, status="Pending 911", e911_civic_number=None),
			matched_there=self.line(there),
		)
		# A cancelled line whose number nobody uses any more, still registered: an orphan.
		lines.orphan = self.line(
			there, status="Cancelled", legacy_phone_addr_id=f"t{frappe.generate_hash(length=8)}"
		)
		# A cancelled line whose number another line holds now: not an orphan.
		lines.reused = self.line(here, status="Cancelled", e911_synced=1)
		reusing = self.line(here)
		frappe.db.set_value(
			"VoIP Line", reusing.name, {"did": lines.reused.did, "active_did": lines.reused.did}
		)
		lines.reusing = reusing
		# A cancelled line never registered: not an orphan.
		lines.never = self.line(there, status="Cancelled")
		return first, second, lines

	def test_each_report_returns_the_rows_the_test_built_and_nothing_else(self):
		first, second, lines = self.world()
		self.assertEqual(
			self.report("DID 911 Register", customer=first),
			{lines.match.name, lines.mismatch.name, lines.reusing.name},
		)
		self.assertEqual(
			self.report("DID 911 Register", customer=second),
			{lines.missing.name, lines.matched_there.name},
		)
		self.assertEqual(
			self.report("DID 911 Register", customer=second, include_cancelled=1),
			{lines.missing.name, lines.matched_there.name, lines.orphan.name, lines.never.name},
		)
		self.assertEqual(self.report("E911 Address Audit", customer=first), {lines.mismatch.name})
		self.assertEqual(self.report("E911 Address Audit", customer=second), {lines.missing.name})
		self.assertEqual(self.report("Orphan E911 Registrations", customer=first), set())
		self.assertEqual(self.report("Orphan E911 Registrations", customer=second), {lines.orphan.name})

		frappe.set_user(self.support)
		audit = run_report("E911 Address Audit", filters={"customer": first})["result"]
		frappe.set_user("Administrator")
		(row,) = [r for r in audit if isinstance(r, dict) and r.get("name")]
		self.assertEqual((row["e911_match"], row["differences"]), ("Mismatch", "Street"))
		self.assertEqual(row["service_address"], "1210A Rue Principale, app. 2, Saint-Adrien J0A 1C0")
		self.assertEqual(row["e911_address"], "1210A Rue Saint-Jean, app. 2, Saint-Adrien J0A 1C0")

	def test_the_audit_tells_the_truth_of_a_location_changed_behind_the_controllers(self):
		first, _second, lines = self.world()
		frappe.db.set_value("Service Location", lines.match.service_location, "city", "Ham-Nord")
		self.assertEqual(
			self.report("E911 Address Audit", customer=first),
			{lines.match.name, lines.mismatch.name, lines.reusing.name},
		)

	def test_deregistering_an_orphan(self):
		_first, second, lines = self.world()
		self.provider.registrations[lines.orphan.did] = {"did": lines.orphan.did}
		frappe.set_user(self.support)
		answer = voip_api.deregister_911(json.dumps([lines.orphan.name]))
		frappe.set_user("Administrator")
		self.assertEqual(answer[0]["deregistered"], [lines.orphan.name])
		self.assertEqual(
			[(c["method"], c["path"]) for c in self.provider.calls()],
			[("DELETE", f"/v1/registrations/{lines.orphan.did}")],
		)
		self.assertNotIn(lines.orphan.did, self.provider.registrations)
		orphan = self.reload(lines.orphan)
		self.assertEqual((orphan.e911_deregistered_by, orphan.e911_synced), (self.support, 0))
		self.assertTrue(orphan.e911_deregistered_on)
		self.assertEqual(self.report("Orphan E911 Registrations", customer=second), set())

	def test_a_registration_a_line_needs_is_not_deregistered(self):
		_first, _second, lines = self.world()
		frappe.set_user(self.support)
		for name in (lines.reused.name, lines.match.name):
			with self.assertRaises(frappe.ValidationError):
				voip_api.deregister_911(name)
		frappe.set_user("Administrator")
		self.assertEqual(self.provider.calls(), [])
		self.assertIsNone(frappe.db.get_value("VoIP Line", lines.reused.name, "e911_deregistered_on"))

	def test_report_roles(self):
		for name in REPORTS:
			folder = frappe.scrub(name)
			roles = {
				r["role"] for r in json.loads((REPORT_DIR / folder / f"{folder}.json").read_text())["roles"]
			}
			self.assertLessEqual({SUPPORT, "System Manager"}, roles, name)
			self.assertNotIn(TECHNICIAN, roles, name)
			self.assertEqual(
				set(frappe.get_all("Has Role", {"parent": name, "parenttype": "Report"}, pluck="role")), roles
			)
			frappe.set_user(self.technician)
			with self.assertRaises(frappe.PermissionError, msg=name):
				run_report(name, filters={})
			frappe.set_user("Administrator")
			self.report(name, user=self.support)  # runs
		self.report("DID 911 Register", user=self.collections)
		frappe.set_user(self.collections)
		with self.assertRaises(frappe.PermissionError):
			run_report("E911 Address Audit", filters={})
		frappe.set_user("Administrator")


# ---------------------------------------------------------------------------------------
# The orphans' report in the desk, in headless Chromium

DEREGISTER_SCRIPT = r"""
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || "playwright-core");
const args = JSON.parse(process.argv[2]);
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"],
});
const page = await (await browser.newContext()).newPage();
const errors = [];
page.on("pageerror", (error) => errors.push(String(error)));
try {
	await page.goto(`${args.url}/login`, { waitUntil: "load" });
	const status = await page.evaluate(
		(c) => fetch("/api/method/login", {
			method: "POST",
			headers: { "Content-Type": "application/json", Accept: "application/json" },
			body: JSON.stringify(c),
		}).then((r) => r.status),
		{ usr: args.user, pwd: args.password },
	);
	if (status !== 200) throw new Error(`login: ${status}`);
	await page.goto(`${args.url}/app/query-report/${encodeURIComponent(args.report)}?customer=${encodeURIComponent(args.customer)}`, { waitUntil: "load" });
	const cell = page.locator(".dt-scrollable .dt-cell__content", { hasText: args.did }).first();
	await cell.waitFor({ timeout: 60000 });
	const rows = await page.locator(".dt-scrollable .dt-row").count();
	await page.locator(".dt-scrollable .dt-row").first().locator('input[type="checkbox"]').check();
	await page.locator("button", { hasText: args.button }).first().click();
	const deregistered = page.waitForResponse((r) => r.url().includes("deregister_911"), { timeout: 60000 });
	const refreshed = page.waitForResponse((r) => r.url().includes("query_report.run"), { timeout: 60000 });
	await page.locator(".modal.show .btn-primary").first().click();
	const answer = await deregistered;
	if (answer.status() !== 200) throw new Error(`deregister_911: ${answer.status()} ${await answer.text()}`);
	await refreshed;
	// The summary above the table counts the orphans left for the customer.
	await page.locator(".report-summary .summary-value", { hasText: /^\s*0\s*$/ }).first().waitFor({ timeout: 30000 });
	await page.screenshot({ path: args.screenshot, fullPage: true });
	console.log(JSON.stringify({ ok: true, rows, errors }));
} catch (error) {
	await page.screenshot({ path: args.screenshot, fullPage: true }).catch(() => {});
	console.log(JSON.stringify({ ok: false, error: String(error), errors }));
	process.exitCode = 1;
}
await browser.close();
"""


class TestOrphanReportInTheDesk(FrappeTestCase):
	"""Support ticks an orphan in the report "Orphan E911 Registrations" and presses
	"Deregister": the report's JS calls api/voip.py, the provider is asked once, the row goes.
	The site runs under gunicorn (its own connections read what the test committed, removed
	after) and reaches the fake provider through its site config, put back after."""

	PASSWORD = "E911-desk-check-2026"

	@classmethod
	def setUpClass(cls):
		import os
		import subprocess
		import tempfile

		from frappe.installer import update_site_config
		from frappe.utils.password import update_password

		from gigafibre_fsm.tests.browser import check_browser
		from gigafibre_fsm.tests.live import RunningSite

		super().setUpClass()
		cls.subprocess, cls.os, cls.tempfile, cls.update_site_config = (
			subprocess,
			os,
			tempfile,
			update_site_config,
		)
		cls.node, cls.playwright = check_browser()
		create_roles()
		cls.support = make_user(f"e911-desk-{frappe.generate_hash(length=6)}@gigafibre.test", SUPPORT)
		frappe.db.set_value("User", cls.support, "language", "en")
		update_password(cls.support, cls.PASSWORD)
		cls.created: list[tuple[str, str]] = []
		cls.provider = Fake911Provider().start()
		conf = frappe.get_site_config()
		cls.saved = {k: conf.get(k) for k in ("e911_provider", "e911_api_base", "e911_api_token")}
		for key, value in {"e911_api_base": cls.provider.url, "e911_api_token": TOKEN}.items():
			update_site_config(key, value)
		frappe.db.commit()  # nosemgrep: the running site reads them
		cls.site = RunningSite(frappe.local.site, workers=1, threads=4).start()

	@classmethod
	def tearDownClass(cls):
		cls.site.stop()
		cls.provider.stop()
		for key, value in cls.saved.items():
			cls.update_site_config(key, value if value is not None else "None")
		frappe.db.rollback()
		for doctype, name in reversed(cls.created):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, ignore_missing=True)
		frappe.delete_doc("User", cls.support, force=True, ignore_permissions=True, ignore_missing=True)
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def test_support_deregisters_an_orphan_from_the_report(self):
		customer = make_customer()
		self.created.append(("Customer", customer.name))
		location = frappe.get_doc(
			{"doctype": "Service Location", "customer": customer.name, **ADDRESS}
		).insert(ignore_permissions=True)
		self.created.append(("Service Location", location.name))
		orphan = frappe.get_doc(
			{
				"doctype": "VoIP Line",
				"did": number(),
				"customer": customer.name,
				"service_location": location.name,
				"legacy_phone_addr_id": f"t{frappe.generate_hash(length=8)}",
				**e911.address_of(location.as_dict()),
			}
		).insert(ignore_permissions=True)
		self.created.append(("VoIP Line", orphan.name))
		orphan.status, orphan.status_reason = "Cancelled", "Client parti"
		orphan.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the running site reads it
		self.provider.registrations[orphan.did] = {"did": orphan.did}

		script = Path(self.tempfile.mkdtemp()) / "deregister.mjs"
		script.write_text(DEREGISTER_SCRIPT)
		args = {
			"url": self.site.url,
			"user": self.support,
			"password": self.PASSWORD,
			"report": "Orphan E911 Registrations",
			"customer": customer.name,
			"did": orphan.did,
			"button": "Deregister",
			"screenshot": "/tmp/gigafibre-e911-orphans.png",
		}
		result = self.subprocess.run(
			[self.node, str(script), json.dumps(args)],
			capture_output=True,
			text=True,
			timeout=240,
			env={**self.os.environ, "PLAYWRIGHT_CORE": str(self.playwright)},
		)
		lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
		self.assertTrue(lines, result.stderr[-2000:])
		outcome = json.loads(lines[-1])
		self.assertTrue(outcome.get("ok"), f"{outcome} {result.stderr[-1000:]}")
		self.assertEqual(outcome["errors"], [])
		self.assertEqual(outcome["rows"], 1, "the report showed the test's one orphan")

		frappe.db.rollback()  # read what the site committed
		self.assertEqual(
			[(c["method"], c["path"]) for c in self.provider.calls()],
			[("DELETE", f"/v1/registrations/{orphan.did}")],
		)
		after = frappe.db.get_value(
			"VoIP Line", orphan.name, ["e911_deregistered_by", "e911_deregistered_on"], as_dict=True
		)
		self.assertEqual(after.e911_deregistered_by, self.support)
		self.assertTrue(after.e911_deregistered_on)
