"""Dispatch on a real site: technicians' skills, the ranked technicians for a job, assigning
(refused without a required skill, naming it; 403 for other roles, over HTTP), the customer's
SMS when the job is scheduled and when the technician is on the way, the calendar and the
board."""

import datetime

import frappe
import requests

from gigafibre_fsm.api import dispatch as dispatch_api
from gigafibre_fsm.api import field
from gigafibre_fsm.field_service.dispatch import MissingSkillError
from gigafibre_fsm.orders import tasks
from gigafibre_fsm.roles import DISPATCHER, SALES, TECHNICIAN
from gigafibre_fsm.tests.test_checkout import CheckoutCase
from gigafibre_fsm.tests.utils import make_user

ALL_SKILLS = ["Fibre", "Installation", "TV", "Téléphonie"]
EXPERT = "tech-expert@gigafibre.test"
NOVICE = "tech-novice@gigafibre.test"
BUSY = "tech-occupe@gigafibre.test"
DISPATCH = "repartition@gigafibre.test"


class DispatchCase(CheckoutCase):
	def setUp(self):
		super().setUp()
		for user in (EXPERT, NOVICE, BUSY):
			make_user(user, TECHNICIAN)
		make_user(DISPATCH, DISPATCHER)
		dispatch_api.set_skills(EXPERT, ALL_SKILLS)
		dispatch_api.set_skills(BUSY, ALL_SKILLS)
		dispatch_api.set_skills(NOVICE, ["Installation"])
		frappe.db.commit()  # nosemgrep
		self.day = datetime.date.today() + datetime.timedelta(days=3)

	def tearDown(self):
		frappe.set_user("Administrator")
		super().tearDown()

	def job(self):
		answer = self.order(self.body())
		return answer, frappe.get_doc("Dispatch Job", answer["dispatch_job"])


class TestDispatch(DispatchCase):
	def test_skills_are_dispatch_tags(self):
		self.assertEqual(dispatch_api.set_skills(NOVICE, ["TV", "TV"])["skills"], ["TV"])
		with self.assertRaises(MissingSkillError):
			dispatch_api.set_skills(NOVICE, ["Plomberie"])
		with self.assertRaises(frappe.ValidationError):
			dispatch_api.set_skills(DISPATCH, ["TV"])  # not a technician

	def test_the_best_technicians_lead_and_the_others_say_why(self):
		_answer, job = self.job()
		# BUSY already has a job that day.
		_other_answer, other = self.job_elsewhere()
		dispatch_api.assign(other.name, [BUSY], str(self.day))
		ranked = dispatch_api.suggest_technicians(job.name, str(self.day))
		order = [r["technician"] for r in ranked if r["technician"] in (EXPERT, NOVICE, BUSY)]
		self.assertEqual(order, [EXPERT, BUSY, NOVICE])
		by_tech = {r["technician"]: r for r in ranked}
		self.assertEqual(by_tech[EXPERT]["missing_skills"], [])
		self.assertEqual(by_tech[EXPERT]["jobs_that_day"], 0)
		self.assertEqual(by_tech[BUSY]["jobs_that_day"], 1)
		self.assertEqual(set(by_tech[NOVICE]["missing_skills"]), {"Fibre", "TV", "Téléphonie"})
		self.assertIn("Fibre", by_tech[NOVICE]["why"])

	def job_elsewhere(self):
		from gigafibre_fsm.tests.test_checkout import saved_card
		from gigafibre_fsm.tests.utils import make_civic_address, make_fibre_drop, order_body

		drop = make_fibre_drop(olt=self.olt.name, max_speed_mbps=1500)
		address = make_civic_address(drop=drop.name)
		self.addCleanup(self.remove, drop.name, address.name)
		email = "ailleurs@example.com"
		answer = self.order(
			order_body(address.name, email=email, last_name="Ailleurs", setup_intent_id=saved_card(email))
		)
		return answer, frappe.get_doc("Dispatch Job", answer["dispatch_job"])

	def remove(self, drop, address):
		frappe.db.rollback()
		for customer in set(self.customers):
			if frappe.db.exists("Customer", customer):
				from gigafibre_fsm.tests.test_checkout import delete_order

				delete_order(customer)
		self.customers.clear()
		frappe.delete_doc("Civic Address", address, force=True, ignore_permissions=True)
		frappe.delete_doc("Fibre Drop", drop, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep

	def test_assigning_and_the_customers_messages(self):
		_answer, job = self.job()
		with self.assertRaises(MissingSkillError) as caught:
			dispatch_api.assign(job.name, [NOVICE], str(self.day))
		self.assertIn(NOVICE, str(caught.exception))
		self.assertIn("TV", str(caught.exception))
		done = dispatch_api.assign(job.name, [EXPERT], str(self.day))
		self.assertEqual(
			(done["status"], done["scheduled_date"], done["technicians"]),
			("Scheduled", str(self.day), [EXPERT]),
		)
		kinds = frappe.get_all(
			"Order Notification", {"dispatch_job": job.name}, ["kind", "channel", "recipient"]
		)
		self.assertEqual(
			[(k.kind, k.channel, k.recipient) for k in kinds], [("Job Scheduled", "SMS", "+18195550123")]
		)
		# The same assignment again tells the customer nothing new.
		dispatch_api.assign(job.name, [EXPERT], str(self.day))
		self.assertEqual(frappe.db.count("Order Notification", {"dispatch_job": job.name}), 1)
		frappe.db.commit()  # nosemgrep
		for name in frappe.get_all("Order Notification", {"dispatch_job": job.name}, pluck="name"):
			tasks.send_notification(name)
		sms = self.world.twilio.sent()[-1]["body"]["Body"]
		self.assertTrue(sms.startswith("Gigafibre : un technicien viendra le"), sms)
		frappe.set_user(EXPERT)
		field.start_job(job.name)
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.get_all(
				"Order Notification",
				{"dispatch_job": job.name, "kind": "Technician En Route"},
				pluck="status",
			),
			["Queued"],
		)

	def test_the_calendar_and_the_board(self):
		_answer, job = self.job()
		dispatch_api.assign(job.name, [EXPERT], str(self.day))
		events = dispatch_api.calendar_events(
			str(self.day), str(self.day), frappe.as_json([["Dispatch Job", "technician", "=", EXPERT]])
		)
		self.assertIn(job.name, [e["name"] for e in events])
		event = next(e for e in events if e["name"] == job.name)
		self.assertEqual((event["status"], event["color"]), ("Scheduled", "blue"))
		self.assertNotIn(
			job.name,
			[
				e["name"]
				for e in dispatch_api.calendar_events(
					str(self.day),
					str(self.day),
					frappe.as_json([["Dispatch Job", "technician", "=", NOVICE]]),
				)
			],
		)
		board = dispatch_api.board(str(self.day))
		self.assertIn(job.name, [j["name"] for j in board["technicians"][EXPERT]])
		_other, waiting = self.job_elsewhere()
		board = dispatch_api.board(str(self.day))
		unassigned = {j["name"]: j for j in board["unassigned"]}
		self.assertIn(waiting.name, unassigned)
		self.assertTrue(unassigned[waiting.name]["preferred_date_1"])


class TestDispatchOverHTTP(DispatchCase):
	serve = True

	def test_only_dispatchers_assign_and_a_missing_skill_is_a_400(self):
		_answer, job = self.job()
		frappe.db.commit()  # nosemgrep

		def post(user, body):
			return requests.post(
				self.world.site.api("gigafibre_fsm.api.dispatch.assign"),
				json=body,
				headers={**self.world.site.headers, **api_key_header(user), "Accept": "application/json"},
				timeout=30,
			)

		sales = make_user("vente-dispatch@gigafibre.test", SALES)
		frappe.db.commit()  # nosemgrep
		body = {"dispatch_job": job.name, "technicians": [EXPERT], "scheduled_date": str(self.day)}
		self.assertEqual(post(sales, body).status_code, 403)
		refused = post(DISPATCH, {**body, "technicians": [NOVICE]})
		self.assertEqual(refused.status_code, 400, refused.text[:300])
		self.assertIn("TV", refused.text)
		done = post(DISPATCH, body)
		self.assertEqual(done.status_code, 200, done.text[:300])
		self.assertEqual(done.json()["message"]["technicians"], [EXPERT])


def api_key_header(user: str) -> dict:
	"""Token auth of ``user`` (a key pair made for the test, as an integration would use)."""
	doc = frappe.get_doc("User", user)
	if not doc.api_key:
		doc.api_key = frappe.generate_hash(length=15)
	secret = frappe.generate_hash(length=15)
	doc.api_secret = secret
	doc.save(ignore_permissions=True)
	frappe.db.commit()  # nosemgrep
	return {"Authorization": f"token {doc.api_key}:{secret}"}
