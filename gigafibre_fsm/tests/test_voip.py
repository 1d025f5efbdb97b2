"""Installation day, phone service: "Configurer VoIP" gives each IP phone of a location its line
(a free number of the DID inventory, or the customer's own number ported), the 911 address in
parts, voicemail, the task closed; the PBX account made after the commit, once.

The premises are committed (the PBX job, the racers and the ACS read them through their own
connections) and removed after each test. The numbers of these tests are 200-200-xxxx, the
lowest a DID can be, so a configuration takes them before any other Free number of the site.
"""

import threading
import time
from unittest.mock import patch

import frappe
from frappe.installer import update_site_config
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, now_datetime
from frappe.utils.password import get_decrypted_password, set_encrypted_password

from gigafibre_fsm.api import voip as voip_api
from gigafibre_fsm.exceptions import InvalidDIDError
from gigafibre_fsm.field_service.task_types import CONFIGURE_VOIP
from gigafibre_fsm.orders.order_input import random_password
from gigafibre_fsm.patches.v1_0 import sip_passwords_on_equipment
from gigafibre_fsm.roles import SALES, SUPPORT
from gigafibre_fsm.service import provisioning
from gigafibre_fsm.setup.install import create_roles, create_task_types
from gigafibre_fsm.tests.live import FakePBX
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_customer, make_equipment, make_user
from gigafibre_fsm.voip import lines
from gigafibre_fsm.voip.dids import NoFreeDIDError
from gigafibre_fsm.voip.doctype.did.did import DIDInUseError

test_ignore = ERPNEXT_DOCTYPES

TEST_NUMBERS = "200200%"
CONFIG = {"pbx_api_base": None, "pbx_api_token": "pbx-test-token", "pbx_sip_domain": "sip.gigafibre.test"}


def test_number(n: int) -> str:
	return f"200200{n:04d}"


def forget_test_numbers() -> None:
	"""Lines and numbers of these tests left by a run that died half-way."""
	for name in frappe.get_all("VoIP Line", filters={"did": ("like", TEST_NUMBERS)}, pluck="name"):
		frappe.delete_doc("VoIP Line", name, force=True, ignore_permissions=True)
	frappe.db.delete("DID", {"name": ("like", TEST_NUMBERS)})
	frappe.db.commit()  # nosemgrep


class VoIPCase(FrappeTestCase):
	pbx: FakePBX

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_roles()
		create_task_types()
		forget_test_numbers()
		cls.site, cls.sites_path = frappe.local.site, frappe.local.sites_path
		cls.support = make_user(f"voip-support-{frappe.generate_hash(length=6)}@gigafibre.test", SUPPORT)
		cls.sales = make_user(f"voip-sales-{frappe.generate_hash(length=6)}@gigafibre.test", SALES)
		cls.pbx = FakePBX().start()
		conf = frappe.get_site_config()
		cls.saved_config = {key: conf.get(key) for key in CONFIG}
		cls.set_config({**CONFIG, "pbx_api_base": cls.pbx.url})
		frappe.db.commit()  # nosemgrep

	@classmethod
	def tearDownClass(cls):
		cls.pbx.stop()
		cls.set_config(cls.saved_config)
		frappe.db.rollback()
		for user in (cls.support, cls.sales):
			frappe.delete_doc("User", user, force=True, ignore_permissions=True, ignore_missing=True)
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	@classmethod
	def set_config(cls, values: dict) -> None:
		for key, value in values.items():
			update_site_config(key, value if value is not None else "None")
		frappe.local.conf.update(values)

	def setUp(self):
		self.created: list[tuple[str, str]] = []
		self.pbx.clear()
		self.pbx.fail = self.pbx.lose_answer = False
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		forget_test_numbers()
		for doctype, name in reversed(self.created):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, ignore_missing=True)
		frappe.db.commit()  # nosemgrep

	# -- the premises an order with phone leaves ---------------------------------------

	def keep(self, doc):
		self.created.append((doc.doctype, doc.name))
		return doc

	def premises(self, phones: int = 1, customer_group: str = "Résidentiel", **location) -> frappe._dict:
		"""A customer's location as an order with ``phones`` lines leaves it: an IP Phone per line
		with its SIP account, the project and its "Configurer VoIP" task; committed."""
		customer = self.keep(make_customer(customer_group=customer_group))
		email = f"{customer.name.lower().replace(' ', '.')}@gigafibre.test"
		frappe.db.set_value("Customer", customer.name, "email_id", email)
		site = self.keep(
			frappe.get_doc(
				{
					"doctype": "Service Location",
					"customer": customer.name,
					"civic_number": "1210",
					"civic_suffix": "A",
					"street": "Rue Principale",
					"apartment": "2",
					"city": "Saint-Adrien",
					"municipality_code": "40005",
					"province": "QC",
					"postal_code": "J0A 1C0",
					**location,
				}
			).insert(ignore_permissions=True)
		)
		equipment = []
		for line in range(1, phones + 1):
			equipment.append(
				self.keep(
					make_equipment(
						site,
						equipment_type="IP Phone",
						serial_number=f"HT8{frappe.generate_hash(length=9).upper()}",
						sip_username=f"{site.name.lower()}-{line}",
						sip_password=random_password(16),
						sip_line=line,
					)
				)
			)
		project = self.keep(
			frappe.get_doc(
				{
					"doctype": "Project",
					"project_name": f"Installation - {customer.name}",
					"service_location": site.name,
				}
			).insert(ignore_permissions=True)
		)
		task = self.keep(
			frappe.get_doc(
				{
					"doctype": "Task",
					"subject": CONFIGURE_VOIP.title,
					"type": CONFIGURE_VOIP.key,
					"project": project.name,
				}
			).insert(ignore_permissions=True)
		)
		frappe.db.commit()  # nosemgrep: the jobs and the racers read them
		return frappe._dict(
			customer=customer, email=email, location=site, equipment=equipment, project=project, task=task
		)

	def free_numbers(self, *numbers: int) -> list[str]:
		made = [
			frappe.get_doc({"doctype": "DID", "number": test_number(n)}).insert(ignore_permissions=True).name
			for n in numbers
		]
		frappe.db.commit()  # nosemgrep
		return made

	def configure(self, premises, ported_number=None, user=None) -> dict:
		"""The Task form's button, as a support agent; the commit the request makes."""
		frappe.set_user(user or self.support)
		try:
			with patch("frappe.enqueue") as enqueue:
				answer = voip_api.configure(task=premises.task.name, ported_number=ported_number)
				frappe.db.commit()  # nosemgrep: the request ends
		finally:
			frappe.set_user("Administrator")
		self.enqueued = [call.kwargs for call in enqueue.call_args_list]
		return answer

	def counts(self, premises) -> tuple:
		where = {"service_location": premises.location.name}
		return (
			frappe.db.count("VoIP Line", where),
			frappe.db.count("DID", {"status": ("!=", "Free")}),
			frappe.db.get_value("Task", premises.task.name, "status"),
			[frappe.db.get_value("Service Equipment", e.name, "sip_username") for e in premises.equipment],
		)


class TestConfigureVoIP(VoIPCase):
	def test_a_free_did_gives_the_phone_its_line_911_address_and_voicemail(self):
		premises = self.premises()
		first, second = self.free_numbers(1, 2)
		phone = premises.equipment[0]
		password = get_decrypted_password("Service Equipment", phone.name, "sip_password")

		answer = self.configure(premises)

		line = frappe.get_doc("VoIP Line", answer["new_lines"][0])
		self.assertEqual(line.did, first, "the lowest Free number")
		self.assertEqual(
			(line.status, line.customer, line.service_location),
			("Active", premises.customer.name, premises.location.name),
		)
		self.assertEqual((line.equipment, line.sip_username), (phone.name, phone.sip_username))
		self.assertEqual((line.voicemail_enabled, line.voicemail_email), (1, premises.email))
		self.assertRegex(line.get_password("voicemail_password"), r"^\d{4}$")
		self.assertEqual(
			{
				k: line.get(k)
				for k in (
					"e911_civic_number",
					"e911_civic_suffix",
					"e911_apartment",
					"e911_street",
					"e911_city",
					"e911_province",
					"e911_postal_code",
					"e911_cauca_code",
					"e911_class",
				)
			},
			{
				"e911_civic_number": "1210",
				"e911_civic_suffix": "A",
				"e911_apartment": "2",
				"e911_street": "Rue Principale",
				"e911_city": "Saint-Adrien",
				"e911_province": "QC",
				"e911_postal_code": "J0A 1C0",
				"e911_cauca_code": "40005",
				"e911_class": "RES",
			},
		)
		self.assertEqual(line.e911_synced, 0, "registered with the 911 provider later")
		# The number is the line's; the other stays Free.
		did = frappe.get_doc("DID", first)
		self.assertEqual(
			(did.status, did.voip_line, did.customer), ("Assigned", line.name, premises.customer.name)
		)
		self.assertEqual(frappe.db.get_value("DID", second, "status"), "Free")
		self.assertEqual(answer["lines"][0]["did_status"], "Assigned")
		# The task is done, found by its key.
		self.assertEqual(answer["closed_tasks"], [premises.task.name])
		self.assertEqual(frappe.db.get_value("Task", premises.task.name, "status"), "Completed")
		# One home for the SIP password: the equipment's, unchanged; the line has no such field.
		self.assertFalse(frappe.get_meta("VoIP Line").has_field("sip_password"))
		self.assertFalse(
			frappe.db.exists(
				"__Auth", {"doctype": "VoIP Line", "name": line.name, "fieldname": "sip_password"}
			)
		)
		self.assertEqual(get_decrypted_password("Service Equipment", phone.name, "sip_password"), password)
		# The PBX account is asked for after the commit only.
		self.assertEqual(len(self.enqueued), 1)
		self.assertTrue(self.enqueued[0]["enqueue_after_commit"])
		self.assertEqual(self.enqueued[0]["line"], line.name)
		self.assertEqual(self.pbx.created(), [])

		# The worker: one account with the equipment's credentials, on the site's domain.
		ref = lines.create_pbx_account(line.name)
		(created,) = self.pbx.created()
		spec = created["body"]["spec"]
		self.assertEqual(spec["credentials"], {"username": phone.sip_username, "secret": password})
		self.assertEqual(spec["domains"], ["sip.gigafibre.test"])
		self.assertTrue(ref)
		self.assertEqual(frappe.db.get_value("VoIP Line", line.name, "pbx_account"), ref)
		# A retry, and a retry of a line that lost its reference, make no second account.
		self.assertEqual(lines.create_pbx_account(line.name), ref)
		frappe.db.set_value("VoIP Line", line.name, "pbx_account", None, update_modified=False)
		frappe.db.commit()  # nosemgrep
		self.assertEqual(lines.create_pbx_account(line.name), ref)
		self.assertEqual(len(self.pbx.created()), 1)
		self.assertEqual(len(self.pbx.agents), 1)

		# Configuring again changes nothing.
		again = self.configure(premises)
		self.assertEqual(again["new_lines"], [])
		self.assertEqual([x["name"] for x in again["lines"]], [line.name])
		self.assertEqual(frappe.db.get_value("DID", second, "status"), "Free")

	def test_a_pbx_that_lost_its_answer_or_was_down_gets_one_account(self):
		premises = self.premises(phones=2)
		self.free_numbers(1, 2)
		answer = self.configure(premises)
		self.assertEqual(len(answer["new_lines"]), 2)
		first, second = answer["new_lines"]
		# Line 1 first: its phone is line 1.
		self.assertEqual(frappe.db.get_value("VoIP Line", first, "equipment"), premises.equipment[0].name)
		self.assertEqual(frappe.db.get_value("VoIP Line", first, "did"), test_number(1))

		self.pbx.lose_answer = True
		self.assertIsNone(lines.create_pbx_account(first))
		self.assertIn("500", frappe.db.get_value("VoIP Line", first, "pbx_error"))
		self.pbx.lose_answer = False
		self.pbx.fail = True
		self.assertIsNone(lines.create_pbx_account(second))
		self.assertIn("503", frappe.db.get_value("VoIP Line", second, "pbx_error"))
		self.pbx.fail = False
		# The scheduler's retry (the lines are old enough), then the jobs.
		for line in (first, second):
			frappe.db.set_value(
				"VoIP Line", line, "creation", add_to_date(now_datetime(), hours=-1), update_modified=False
			)
		frappe.db.commit()  # nosemgrep
		with patch("frappe.enqueue") as enqueue:
			retried = lines.retry_pbx_accounts()
		self.assertLessEqual({first, second}, set(retried))
		self.assertLessEqual({first, second}, {c.kwargs["line"] for c in enqueue.call_args_list})
		for line in (first, second):
			self.assertTrue(lines.create_pbx_account(line))
			self.assertIsNone(frappe.db.get_value("VoIP Line", line, "pbx_error"))
		usernames = sorted(r["body"]["spec"]["credentials"]["username"] for r in self.pbx.created())
		self.assertEqual(usernames, sorted(e.sip_username for e in premises.equipment))
		self.assertEqual(len(self.pbx.agents), 2)
		# Nothing in the errors kept names the token or the secret.
		errors = " ".join(
			frappe.get_all("Error Log", filters={"method": ("like", "PBX account%")}, pluck="error", limit=20)
		)
		self.assertNotIn("pbx-test-token", errors)
		for phone in premises.equipment:
			self.assertNotIn(get_decrypted_password("Service Equipment", phone.name, "sip_password"), errors)

	def test_a_ported_number_is_recorded_porting_and_a_bad_one_changes_nothing(self):
		premises = self.premises()
		self.free_numbers(1)
		before = self.counts(premises)
		for typed in ("555-1234", "911", "1-800-FLOWERS", "41855512345"):
			with self.subTest(typed=typed), self.assertRaises(InvalidDIDError) as refusal:
				self.configure(premises, ported_number=typed)
			frappe.db.rollback()
			self.assertIn("North-American", str(refusal.exception))
			self.assertIn(typed, str(refusal.exception))
			self.assertEqual(refusal.exception.field, "ported_number")
			self.assertEqual(self.counts(premises), before, "nothing written")

		answer = self.configure(premises, ported_number="+1 (200) 200-0099")
		line = frappe.get_doc("VoIP Line", answer["new_lines"][0])
		self.assertEqual(line.did, test_number(99))
		did = frappe.get_doc("DID", test_number(99))
		self.assertEqual((did.status, did.voip_line), ("Porting", line.name))
		self.assertEqual(frappe.db.get_value("DID", test_number(1), "status"), "Free", "no free number taken")
		self.assertEqual(frappe.db.get_value("Task", premises.task.name, "status"), "Completed")

		# The port is done: the number is Assigned. A number a line holds is never freed.
		did.update({"status": "Assigned"}).save()
		did.reload()
		with self.assertRaises(DIDInUseError):
			did.update({"status": "Free"}).save()

	def test_a_number_another_line_has_is_not_ported_again(self):
		premises = self.premises()
		other = self.premises()
		self.free_numbers(1)
		self.configure(other)
		with self.assertRaises(DIDInUseError):
			self.configure(premises, ported_number=test_number(1))
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("VoIP Line", {"service_location": premises.location.name}), 0)

	def test_without_a_free_number_the_refusal_says_what_to_do(self):
		premises = self.premises()
		before = self.counts(premises)
		frappe.set_user(self.support)
		try:
			# No Free number anywhere, for this request's transaction only.
			frappe.db.sql("update `tabDID` set status = 'Retired' where status = 'Free'")
			with self.assertRaises(NoFreeDIDError) as refusal:
				voip_api.configure(task=premises.task.name)
		finally:
			frappe.set_user("Administrator")
			frappe.db.rollback()
		message = str(refusal.exception)
		self.assertIn("No free number", message)
		self.assertIn("Add a Range", message)
		self.assertIn("port", message)
		self.assertEqual(self.counts(premises), before)

	def test_a_location_without_an_ip_phone_is_told_to_add_one(self):
		premises = self.premises(phones=0)
		self.free_numbers(1)
		with self.assertRaises(lines.NoIPPhoneError) as refusal:
			self.configure(premises)
		frappe.db.rollback()
		self.assertIn("IP Phone", str(refusal.exception))
		self.assertEqual(frappe.db.get_value("DID", test_number(1), "status"), "Free")

	def test_an_ip_phone_without_sip_account_gets_one_on_the_equipment(self):
		premises = self.premises(phones=0)
		phone = self.keep(make_equipment(premises.location, equipment_type="IP Phone"))
		frappe.db.commit()  # nosemgrep
		self.free_numbers(1)
		answer = self.configure(premises)
		phone.reload()
		self.assertEqual(phone.sip_username, f"{premises.location.name.lower()}-1")
		self.assertEqual(len(get_decrypted_password("Service Equipment", phone.name, "sip_password")), 16)
		self.assertEqual(
			frappe.db.get_value("VoIP Line", answer["new_lines"][0], "sip_username"), phone.sip_username
		)

	def test_only_support_configures(self):
		premises = self.premises()
		self.free_numbers(1)
		with self.assertRaises(frappe.PermissionError):
			self.configure(premises, user=self.sales)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("DID", test_number(1), "status"), "Free")

	def test_the_acs_answers_the_lines_number_with_the_equipments_password(self):
		premises = self.premises(phones=2, customer_group="Commercial")
		self.free_numbers(1, 2)
		answer = self.configure(premises)
		for line in answer["new_lines"]:
			self.assertEqual(frappe.db.get_value("VoIP Line", line, "e911_class"), "BUS", "a business line")
		numbers = {
			frappe.db.get_value("VoIP Line", line, "equipment"): frappe.db.get_value("VoIP Line", line, "did")
			for line in answer["new_lines"]
		}
		device = premises.equipment[1]
		provisioned = provisioning.provision(serial=device.serial_number)
		self.assertEqual(
			provisioned["voip"],
			[
				{
					"line": phone.sip_line,
					"username": phone.sip_username,
					"password": get_decrypted_password("Service Equipment", phone.name, "sip_password"),
					"did": numbers[phone.name],
				}
				for phone in premises.equipment
			],
		)


class TestConcurrentConfigurations(VoIPCase):
	def test_two_configurations_at_once_never_take_the_same_number(self):
		"""Two agents configure two locations at the same moment, each on its own connection: the
		first holds its number (its transaction open) while the second takes the next one; each
		number is Assigned to one line."""
		a, b = self.premises(), self.premises()
		self.free_numbers(1, 2, 3)
		holding, release = threading.Event(), threading.Event()
		outcomes: dict[str, object] = {}

		def racer(key: str, location: str, hold: bool):
			frappe.init(site=self.site, sites_path=self.sites_path)
			frappe.connect()
			frappe.set_user("Administrator")
			try:
				answer = lines.configure_location(location)
				if hold:
					holding.set()
					release.wait(timeout=30)
				frappe.db.commit()  # nosemgrep: each racer is its own request
				outcomes[key] = (answer["new_lines"],)
			except Exception as error:
				frappe.db.rollback()
				outcomes[key] = error
			finally:
				frappe.destroy()

		# The PBX jobs are not these tests' subject (patched here, once for both threads).
		self.enterContext(patch.object(lines, "enqueue_pbx_account"))
		first = threading.Thread(target=racer, args=("a", a.location.name, True))
		first.start()
		self.assertTrue(holding.wait(timeout=30), outcomes)
		second = threading.Thread(target=racer, args=("b", b.location.name, False))
		second.start()
		# The second takes its number at once; its line then waits for the first's commit (the
		# lines' naming series is one row, locked by every insert until its commit).
		time.sleep(1)
		release.set()
		first.join(timeout=30)
		second.join(timeout=30)
		self.assertIsInstance(outcomes["a"], tuple, outcomes)
		self.assertIsInstance(outcomes["b"], tuple, outcomes)

		frappe.db.rollback()
		taken = {}
		for key in ("a", "b"):
			(line,) = outcomes[key][0]
			did = frappe.db.get_value("VoIP Line", line, "did")
			self.assertEqual(frappe.db.get_value("DID", did, ["status", "voip_line"]), ("Assigned", line))
			taken[key] = did
		self.assertEqual(taken["a"], test_number(1))
		self.assertEqual(taken["b"], test_number(2))
		self.assertEqual(frappe.db.get_value("DID", test_number(3), "status"), "Free")

	def test_many_configurations_at_once_share_no_number(self):
		sites = [self.premises() for _ in range(4)]
		self.free_numbers(*range(1, 5))
		barrier = threading.Barrier(len(sites))
		outcomes: list = [None] * len(sites)

		def racer(i: int):
			frappe.init(site=self.site, sites_path=self.sites_path)
			frappe.connect()
			frappe.set_user("Administrator")
			try:
				barrier.wait(timeout=20)
				outcomes[i] = voip_api.configure(service_location=sites[i].location.name)["new_lines"]
				frappe.db.commit()  # nosemgrep
			except Exception as error:
				frappe.db.rollback()
				outcomes[i] = error
			finally:
				frappe.destroy()

		self.enterContext(patch.object(lines, "enqueue_pbx_account"))
		threads = [threading.Thread(target=racer, args=(i,)) for i in range(len(sites))]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join(timeout=60)
		self.assertTrue(all(isinstance(o, list) and len(o) == 1 for o in outcomes), outcomes)
		frappe.db.rollback()
		numbers = [frappe.db.get_value("VoIP Line", o[0], "did") for o in outcomes]
		self.assertEqual(sorted(numbers), [test_number(n) for n in range(1, 5)])


class TestDIDInventory(VoIPCase):
	def add(self, first: str, last: str, user: str | None = None) -> dict:
		frappe.set_user(user or self.support)
		try:
			answer = voip_api.add_dids(first=first, last=last)
			frappe.db.commit()  # nosemgrep
			return answer
		finally:
			frappe.set_user("Administrator")

	def test_a_range_is_added_free_and_a_number_in_use_is_assigned_to_its_line(self):
		premises = self.premises()
		line = self.keep(
			frappe.get_doc(
				{
					"doctype": "VoIP Line",
					"did": test_number(3),
					"customer": premises.customer.name,
					"service_location": premises.location.name,
				}
			).insert(ignore_permissions=True)
		)
		frappe.db.commit()  # nosemgrep
		answer = self.add("200-200-0001", "(200) 200-0005")
		self.assertEqual((answer["free"], answer["assigned"], answer["existing"]), (4, 1, 0))
		self.assertEqual(
			frappe.db.get_value("DID", test_number(3), ["status", "voip_line", "customer"]),
			("Assigned", line.name, premises.customer.name),
		)
		self.assertEqual(frappe.db.get_value("DID", test_number(5), "status"), "Free")
		again = self.add("2002000004", "2002000006")
		self.assertEqual((again["free"], again["assigned"], again["existing"]), (1, 0, 2))

	def test_a_range_that_cannot_be_added_names_the_end_at_fault(self):
		for first, last, field in (
			("200-200-0005", "200-200-0001", "last"),
			("12345", "2002000001", "first"),
		):
			with self.subTest(first=first), self.assertRaises(InvalidDIDError) as refusal:
				self.add(first, last)
			frappe.db.rollback()
			self.assertEqual(refusal.exception.field, field)
		self.assertEqual(frappe.db.count("DID", {"name": ("like", TEST_NUMBERS)}), 0)
		with self.assertRaises(frappe.PermissionError):
			self.add("2002000001", "2002000002", user=self.sales)

	def test_a_number_is_typed_in_any_notation_and_stored_as_ten_digits(self):
		did = frappe.get_doc({"doctype": "DID", "number": "+1 200-200-0042"}).insert()
		self.assertEqual((did.name, did.number, did.status), (test_number(42), test_number(42), "Free"))
		with self.assertRaises(InvalidDIDError):
			frappe.get_doc({"doctype": "DID", "number": "555-0100"}).insert()
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc({"doctype": "DID", "number": test_number(43), "status": "Assigned"}).insert()
		frappe.db.rollback()


class TestUpgradedSite(VoIPCase):
	"""A site made by an earlier version: its lines' SIP passwords move to their equipment."""

	def old_line(self, premises, number: int, secret: str, **values):
		line = self.keep(
			frappe.get_doc(
				{
					"doctype": "VoIP Line",
					"did": test_number(number),
					"customer": premises.customer.name,
					"service_location": premises.location.name,
					"sip_username": test_number(number),
					**values,
				}
			).insert(ignore_permissions=True)
		)
		# Where the earlier version kept it.
		set_encrypted_password("VoIP Line", line.name, secret, "sip_password")
		return line

	def test_each_lines_password_goes_to_its_equipment_or_a_new_ip_phone(self):
		with_ata, bare, closed = self.premises(phones=0), self.premises(phones=0), self.premises(phones=0)
		ata = self.keep(
			make_equipment(with_ata.location, equipment_type="IP Phone", mac_address="00:0B:82:20:02:01")
		)
		secrets = {n: random_password(16) for n in (1, 2, 3)}
		first = self.old_line(with_ata, 1, secrets[1], ata_mac="00-0b-82-20-02-01", ata_model="HT502")
		second = self.old_line(bare, 2, secrets[2], ata_mac="00:0B:82:20:02:02", ata_model="HT802")
		third = self.old_line(closed, 3, secrets[3])
		third.update({"status": "Cancelled", "status_reason": "Résiliation"}).save()

		sip_passwords_on_equipment.execute()
		sip_passwords_on_equipment.execute()  # a second run finds nothing to do

		self.assertFalse(
			frappe.db.exists(
				"__Auth",
				{
					"doctype": "VoIP Line",
					"fieldname": "sip_password",
					"name": ("in", [first.name, second.name, third.name]),
				},
			)
		)
		self.assertEqual(frappe.db.get_value("VoIP Line", first.name, "equipment"), ata.name)
		self.assertEqual(get_decrypted_password("Service Equipment", ata.name, "sip_password"), secrets[1])
		self.assertEqual(frappe.db.get_value("Service Equipment", ata.name, "sip_username"), test_number(1))
		made = frappe.db.get_value("VoIP Line", second.name, "equipment")
		self.keep(frappe.get_doc("Service Equipment", made))
		self.assertEqual(
			frappe.db.get_value(
				"Service Equipment",
				made,
				["equipment_type", "status", "mac_address", "model", "service_location", "sip_username"],
			),
			("IP Phone", "In Stock", "00:0B:82:20:02:02", "HT802", bare.location.name, test_number(2)),
		)
		self.assertEqual(get_decrypted_password("Service Equipment", made, "sip_password"), secrets[2])
		self.assertIsNone(frappe.db.get_value("VoIP Line", third.name, "equipment"))
		# The ACS serves the moved account with the line's number.
		answer = provisioning.provision(mac="00:0B:82:20:02:01")
		self.assertEqual(
			answer["voip"],
			[{"line": 1, "username": test_number(1), "password": secrets[1], "did": test_number(1)}],
		)
		frappe.db.commit()  # nosemgrep
