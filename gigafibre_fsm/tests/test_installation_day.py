"""Installation day on a real site: the technician starts the job, scans the equipment and
completes it; the service goes live, the first invoice is posted and the saved card charged
in localstripe (declined, authentication required and no card take their own paths), all
at once or not at all, and never twice."""

import datetime
from unittest.mock import patch

import frappe

from gigafibre_fsm.api import field
from gigafibre_fsm.billing import card_payments
from gigafibre_fsm.field_service import activation, task_types
from gigafibre_fsm.field_service.technician import SerialActiveElsewhereError
from gigafibre_fsm.integrations import stripe_api
from gigafibre_fsm.roles import TECHNICIAN
from gigafibre_fsm.tests.test_checkout import CheckoutCase, delete_order, saved_card
from gigafibre_fsm.tests.utils import make_civic_address, make_fibre_drop, make_user, order_body

DAY = datetime.date(2026, 6, 15)
TECH = "tech-installation@gigafibre.test"
OTHER_TECH = "tech-autre@gigafibre.test"
# Declined when charged (saved fine); asks for authentication at every charge.
DECLINED_AT_CHARGE = "4000000000000341"
NEEDS_AUTHENTICATION = "4000002500003155"


def card_on_file(customer: str, number: str) -> None:
	"""Put another test card on the customer's Stripe customer, as their saved card."""
	method = frappe.get_doc("Payment Method", {"customer": customer, "processor": "Stripe"})
	pm = stripe_api.client().payment_methods.create(
		params={
			"type": "card",
			"card": {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"},
		}
	)
	stripe_api.client().payment_methods.attach(pm.id, params={"customer": method.stripe_customer_id})
	method.stripe_payment_method_id = pm.id
	method.save(ignore_permissions=True)


class InstallationCase(CheckoutCase):
	def setUp(self):
		super().setUp()
		for email in (TECH, OTHER_TECH):
			make_user(email, TECHNICIAN)
		frappe.db.commit()  # nosemgrep

	def tearDown(self):
		frappe.set_user("Administrator")
		super().tearDown()

	def placed(self, body=None, source="Website"):
		"""An order placed today, installed on DAY (the invoice's date; the test chooses it)."""
		frappe.flags.current_date = None
		answer = self.order(body or self.body(), source)
		job = frappe.get_doc("Dispatch Job", answer["dispatch_job"])
		job.append("technicians", {"technician": TECH})
		job.scheduled_date = DAY
		job.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the technician's requests read it
		frappe.flags.current_date = DAY
		return answer

	def as_technician(self, user=TECH):
		frappe.set_user(user)

	def scan_all(self, answer):
		job = frappe.get_doc("Dispatch Job", answer["dispatch_job"])
		for row in job.equipment:
			mac = frappe.generate_hash(length=12)
			field.scan_equipment(
				job.name,
				row.service_equipment,
				f"sn-{frappe.generate_hash(length=10)}",
				"-".join(mac[i : i + 2] for i in range(0, 12, 2)),
			)

	def started_and_scanned(self, answer):
		self.as_technician()
		field.start_job(answer["dispatch_job"])
		self.scan_all(answer)


class TestInstallationDay(InstallationCase):
	def test_the_whole_day_from_the_phone(self):
		answer = self.placed()
		self.as_technician()
		jobs = field.my_jobs(str(DAY))
		card = next(j for j in jobs if j["dispatch_job"] == answer["dispatch_job"])
		self.assertEqual(card["olt_port"], "0/1/1")
		self.assertEqual(card["services"], ["FTTH500I", "TVBSTANDARD", "TELEPMENS"])
		self.assertEqual(len(card["equipment"]), 4)
		self.assertFalse({"total", "rate", "amount", "grand_total"} & set(str(card).split("'")))
		started = field.start_job(answer["dispatch_job"])
		self.assertEqual(started["status"], "In Progress")
		self.assertTrue(started["arrival"])
		self.scan_all(answer)
		ont = next(e for e in field.my_jobs(str(DAY))[0]["equipment"] if e["equipment_type"] == "ONT")
		self.assertTrue(ont["serial"].isupper())
		self.assertRegex(ont["mac"], r"^([0-9A-F]{2}:){5}[0-9A-F]{2}$")

		done = field.complete_job(answer["dispatch_job"], notes="Signal -19 dBm")
		frappe.set_user("Administrator")
		self.assertEqual(done["status"], "Completed")
		self.assertEqual(done["payment"]["status"], "succeeded")
		self.assertEqual(done["grand_total"], 162.96)  # test_invoicing.py computes it by hand
		location = frappe.db.get_value("Service Location", answer["service_location"], "status")
		self.assertEqual(location, "Active")
		statuses = frappe.get_all(
			"Service Subscription", {"service_location": answer["service_location"]}, pluck="status"
		)
		self.assertEqual(set(statuses), {"Active"})
		self.assertEqual(
			set(
				frappe.get_all(
					"Service Equipment", {"service_location": answer["service_location"]}, pluck="status"
				)
			),
			{"Active"},
		)
		tasks = {
			t.type: t.status
			for t in frappe.get_all("Task", {"project": answer["project"]}, ["type", "status"])
		}
		for key in activation.TECHNICIAN_TASKS:
			self.assertEqual(tasks[key], "Completed", key)
		self.assertEqual(tasks[task_types.PREPARE_EQUIPMENT.key], "Open")
		invoice = frappe.get_doc("Sales Invoice", done["invoice"])
		self.assertEqual((invoice.docstatus, invoice.outstanding_amount), (1, 0.0))
		entry = frappe.get_doc("Payment Entry", done["payment"]["payment_entry"])
		self.assertEqual((entry.docstatus, entry.paid_amount, entry.mode_of_payment), (1, 162.96, "Stripe"))
		intent = stripe_api.retrieve_payment_intent(entry.reference_no)
		self.assertEqual(
			(intent.status, intent.amount, intent.metadata["invoice"]), ("succeeded", 16296, invoice.name)
		)
		kinds = frappe.get_all("Order Notification", {"web_order": answer["order_id"]}, pluck="kind")
		self.assertIn("Service Activated", kinds)

		# The same completion again: the same documents, nothing charged twice.
		self.as_technician()
		again = field.complete_job(answer["dispatch_job"])
		frappe.set_user("Administrator")
		self.assertEqual((again["invoice"], again["payment"]["status"]), (done["invoice"], "succeeded"))
		self.assertEqual(frappe.db.count("Payment Entry", {"party": answer["customer"], "docstatus": 1}), 1)
		self.assertEqual(card_payments.charge_invoice(done["invoice"])["payment_entry"], entry.name)
		self.assertEqual(frappe.db.count("Payment Entry", {"party": answer["customer"], "docstatus": 1}), 1)

	def test_a_failure_at_each_step_leaves_everything_as_it_was(self):
		answer = self.placed()
		self.started_and_scanned(answer)
		frappe.set_user("Administrator")
		frappe.db.commit()  # nosemgrep: the job as the technician left it, before completing

		def snapshot():
			frappe.db.rollback()
			return (
				frappe.db.get_value("Service Location", answer["service_location"], "status"),
				tuple(
					sorted(
						frappe.get_all(
							"Service Subscription",
							{"service_location": answer["service_location"]},
							pluck="status",
						)
					)
				),
				tuple(
					sorted(
						frappe.get_all(
							"Service Equipment",
							{"service_location": answer["service_location"]},
							pluck="status",
						)
					)
				),
				tuple(sorted(frappe.get_all("Task", {"project": answer["project"]}, pluck="status"))),
				frappe.db.get_value("Dispatch Job", answer["dispatch_job"], "status"),
				frappe.db.count("Sales Invoice", {"customer": answer["customer"]}),
				frappe.db.count("Order Notification", {"web_order": answer["order_id"]}),
			)

		before = snapshot()
		for step in activation.STEPS:
			with self.subTest(step=step.__name__):

				def fail(_completion, step=step):
					raise RuntimeError(f"failure injected at {step.__name__}")

				with patch.object(
					activation, "STEPS", [*activation.STEPS[: activation.STEPS.index(step)], fail]
				):
					with self.assertRaises(RuntimeError):
						activation.complete_installation(answer["dispatch_job"])
				self.assertEqual(snapshot(), before, step.__name__)

	def test_a_declined_card_leaves_the_invoice_open_with_a_task_and_a_link(self):
		answer = self.placed()
		card_on_file(answer["customer"], DECLINED_AT_CHARGE)
		frappe.db.commit()  # nosemgrep
		self.started_and_scanned(answer)
		done = field.complete_job(answer["dispatch_job"])
		frappe.set_user("Administrator")
		self.assertEqual(done["payment"]["status"], "failed")
		self.assertIn("commande=", done["payment"]["payment_link"])
		self.assertEqual(frappe.db.get_value("Sales Invoice", done["invoice"], "outstanding_amount"), 162.96)
		task = frappe.get_all(
			"Task",
			{"type": task_types.COLLECT_PAYMENT.key, "subject": ("like", f"%{done['invoice']}")},
			["team"],
		)
		self.assertEqual([t.team for t in task], ["Collections"])
		links = frappe.get_all(
			"Order Notification", {"web_order": answer["order_id"], "kind": "Payment Link"}, pluck="channel"
		)
		self.assertEqual(sorted(links), ["Email", "SMS"])
		# A second charge of the same invoice changes nothing (no second task, no second link).
		card_payments.charge_invoice(done["invoice"])
		self.assertEqual(
			len(
				frappe.get_all(
					"Task",
					{"type": task_types.COLLECT_PAYMENT.key, "subject": ("like", f"%{done['invoice']}")},
				)
			),
			1,
		)

	def test_a_card_that_needs_authentication(self):
		answer = self.placed()
		card_on_file(answer["customer"], NEEDS_AUTHENTICATION)
		frappe.db.commit()  # nosemgrep
		self.started_and_scanned(answer)
		done = field.complete_job(answer["dispatch_job"])
		frappe.set_user("Administrator")
		self.assertEqual(done["payment"]["status"], "requires_action")
		self.assertFalse(done["payment"]["payment_entry"])
		self.assertEqual(frappe.db.get_value("Sales Invoice", done["invoice"], "outstanding_amount"), 162.96)

	def test_an_agents_order_without_a_card_gets_the_link(self):
		agent_body = order_body(self.address.name, send_payment_link=["email"])
		answer = self.placed(agent_body, source="Desk")
		self.started_and_scanned(answer)
		done = field.complete_job(answer["dispatch_job"])
		frappe.set_user("Administrator")
		self.assertEqual(done["payment"]["status"], "no_card")
		self.assertIn("jeton=", done["payment"]["payment_link"])


class TestTechnicianReach(InstallationCase):
	def test_another_technicians_job_is_refused_and_nothing_written(self):
		answer = self.placed()
		self.as_technician(OTHER_TECH)
		job = frappe.get_doc("Dispatch Job", answer["dispatch_job"])
		for call in (
			lambda: field.start_job(job.name),
			lambda: field.scan_equipment(job.name, job.equipment[0].service_equipment, "SN-INTRUS"),
			lambda: field.complete_job(job.name),
		):
			with self.assertRaises(frappe.PermissionError):
				call()
		frappe.set_user("Administrator")
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Dispatch Job", job.name, "status"), "Scheduled")
		self.assertFalse(
			frappe.db.get_value("Service Equipment", job.equipment[0].service_equipment, "serial_number")
		)

	def test_a_serial_in_service_elsewhere_is_refused_naming_the_place(self):
		first = self.placed()
		self.started_and_scanned(first)
		field.complete_job(first["dispatch_job"])
		frappe.set_user("Administrator")
		serial = frappe.db.get_value(
			"Service Equipment",
			{"service_location": first["service_location"], "equipment_type": "ONT"},
			"serial_number",
		)
		place = frappe.db.get_value("Service Location", first["service_location"], "location_title")
		drop = make_fibre_drop(olt=self.olt.name, max_speed_mbps=1500, zone_tarifaire="Z1")
		address = make_civic_address(drop=drop.name)
		frappe.db.commit()  # nosemgrep
		try:
			email = "voisin@example.com"
			second = self.placed(
				order_body(address.name, email=email, last_name="Voisin", setup_intent_id=saved_card(email))
			)
			self.as_technician()
			job = frappe.get_doc("Dispatch Job", second["dispatch_job"])
			with self.assertRaises(SerialActiveElsewhereError) as caught:
				field.scan_equipment(job.name, job.equipment[0].service_equipment, serial.lower())
			self.assertIn(place, str(caught.exception))
			frappe.set_user("Administrator")
			frappe.db.rollback()
			self.assertFalse(
				frappe.db.get_value("Service Equipment", job.equipment[0].service_equipment, "serial_number")
			)
		finally:
			frappe.set_user("Administrator")
			frappe.db.rollback()
			for customer in set(self.customers):
				if frappe.db.exists("Customer", customer):
					delete_order(customer)
			self.customers.clear()
			frappe.delete_doc("Civic Address", address.name, force=True, ignore_permissions=True)
			frappe.delete_doc("Fibre Drop", drop.name, force=True, ignore_permissions=True)
			frappe.db.commit()  # nosemgrep
