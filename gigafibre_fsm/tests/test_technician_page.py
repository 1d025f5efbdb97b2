"""The technician's phone page (/technicien) in a real headless Chromium at a phone's size
(390×844, touch): an order placed and assigned to a technician for today; a visitor is sent to
the login page and, logged in there as that technician, comes back to the day's job (address
with its map link, the customer and a tap-to-call phone, the services, the equipment to
bring, the OLT port), looks at another day and back, opens the job, arrives, scans every
piece of equipment as a barcode scanner types (a serial already used is refused with the
server's message), finishes with notes and reads the outcome: the service active and the
card charged, in words, and the same again when the job is opened after a reload (charged
once). Another technician does not see the job; a user who is not a
technician is told the page is not theirs. Nothing overflows the phone's width.

The site is served by gunicorn with Stripe (localstripe), Twilio and Mailjet fakes
(tests/live.py); the browser and its launcher: tests/browser. Screenshots of every step go to
/tmp/gigafibre-technician-page/. When the browser cannot run, the test fails and says why: it
is never skipped.
"""

import re
from pathlib import Path

import frappe
from frappe.utils.password import update_password

from gigafibre_fsm.field_service import activation
from gigafibre_fsm.roles import TECHNICIAN
from gigafibre_fsm.tests.browser import check_browser, run_script
from gigafibre_fsm.tests.test_checkout import CheckoutCase
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_user

test_ignore = ERPNEXT_DOCTYPES

SHOTS = Path("/tmp/gigafibre-technician-page")
TECH = "tech-telephone@gigafibre.test"
OTHER_TECH = "tech-telephone-autre@gigafibre.test"
NOT_TECH = "agente-telephone@gigafibre.test"
PASSWORD = "Gigafibre-Terrain-2026!"
NOTES = "Signal ONT -19 dBm, routeur au salon"
MAC = re.compile(r"^([0-9A-F]{2}:){5}[0-9A-F]{2}$")


class TestTechnicianPage(CheckoutCase):
	serve = True

	def setUp(self):
		super().setUp()
		check_browser()
		for user, role in ((TECH, TECHNICIAN), (OTHER_TECH, TECHNICIAN), (NOT_TECH, "Sales Agent")):
			make_user(user, role)
			update_password(user, PASSWORD)
		frappe.db.commit()  # nosemgrep: the served site logs them in
		SHOTS.mkdir(parents=True, exist_ok=True)
		for old in SHOTS.glob("*.png"):
			old.unlink()

	def tearDown(self):
		frappe.set_user("Administrator")
		super().tearDown()

	def placed_for_today(self) -> dict:
		"""An order placed and assigned to TECH for today (the served site's day)."""
		frappe.flags.current_date = None
		answer = self.order(self.body())
		job = frappe.get_doc("Dispatch Job", answer["dispatch_job"])
		job.append("technicians", {"technician": TECH})
		job.scheduled_date = activation.today()
		job.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the technician's browser reads it
		return answer

	def test_a_technician_does_the_visit_on_a_phone(self):
		answer = self.placed_for_today()
		job = frappe.get_doc("Dispatch Job", answer["dispatch_job"])
		scans = []
		for _row in job.equipment:
			mac = frappe.generate_hash(length=12)
			scans.append(
				{
					# Lower case and dashes, as some labels print them; the server keeps one form.
					"serial": f"gfsn-{frappe.generate_hash(length=10)}",
					"mac": "-".join(mac[i : i + 2] for i in range(0, 12, 2)),
				}
			)
		seen = run_script(
			"technician_page.mjs",
			{
				"url": self.world.site.url,
				"job": job.name,
				"technician": {"user": TECH, "password": PASSWORD},
				"other": {"user": OTHER_TECH, "password": PASSWORD},
				"notTechnician": {"user": NOT_TECH, "password": PASSWORD},
				"scans": scans,
				"notes": NOTES,
				"shots": str(SHOTS),
			},
			timeout=300,
		)
		frappe.db.rollback()
		location = frappe.get_doc("Service Location", answer["service_location"])

		# A visitor goes through the login page and comes back.
		self.assertEqual(seen["guest"], {"path": "/login", "redirect_to": "/technicien"})

		# The day's job, in French, with what the visit needs and no money.
		self.assertEqual(seen["lang"], "fr")
		card = seen["card"]
		self.assertEqual(card["name"], "Marie-Ève Tremblay")
		self.assertEqual(card["status"], "Planifié")
		self.assertEqual(card["address"], location.location_title)
		self.assertIn(f"query={float(location.latitude)},{float(location.longitude)}", card["map"])
		self.assertEqual(card["call"], "tel:+18195550123")
		self.assertIn("Internet 500/500", card["services"])
		self.assertIn("ONT", card["equipment"])
		self.assertEqual(card["olt_port"], f"{location.frame}/{location.slot}/{location.port}")
		self.assertNotRegex(card["all"], r"\$|\d+[.,]\d\d\b")
		self.assertEqual(seen["next_day"]["cards"], 0)
		self.assertEqual(seen["location_hash"], f"#{job.name}")
		self.assertEqual(seen["before_arrival"], {"equipment_waiting": 1, "finish_waiting": 1})

		# Arrived; every piece of equipment scanned, as the server normalised it.
		self.assertEqual(seen["status_after_arrival"], "En cours")
		self.assertEqual(seen["types"], [row.equipment_type for row in job.equipment])
		self.assertIn(scans[0]["serial"].upper(), seen["refused"])
		for row, scan, shown in zip(job.equipment, scans, seen["saved"], strict=True):
			equipment = frappe.get_doc("Service Equipment", row.service_equipment)
			self.assertEqual(equipment.serial_number, scan["serial"].upper())
			self.assertRegex(equipment.mac_address, MAC)
			self.assertEqual(
				(shown["serial"], shown["mac"]), (equipment.serial_number, equipment.mac_address)
			)
			self.assertIn(equipment.serial_number, shown["result"])
			self.assertIn(equipment.mac_address, shown["result"])
		self.assertTrue(seen["notes_focused"])

		# Completed: the service is live, the card charged, the outcome told without an amount.
		outcome = seen["outcome"]
		self.assertEqual(outcome["payment_status"], "succeeded")
		self.assertEqual(outcome["status"], "Complété")
		self.assertFalse(outcome["finish_shown"])
		self.assertNotRegex(outcome["page_text"], r"\$|\d+[.,]\d\d\b")
		self.assertEqual(seen["list_after"], "Complété")
		self.assertEqual(seen["reopened"], {"payment_status": "succeeded", "equipment_fields": 0})
		job.reload()
		self.assertEqual(job.status, "Completed")
		self.assertIn(NOTES, job.notes)
		self.assertTrue(next(r for r in job.technicians if r.technician == TECH).arrival_time)
		self.assertEqual(location.status, "Active")
		invoice = frappe.get_all(
			"Sales Invoice", {"customer": answer["customer"], "docstatus": 1}, ["name", "outstanding_amount"]
		)
		self.assertEqual([i.outstanding_amount for i in invoice], [0.0])
		self.assertEqual(frappe.db.count("Payment Entry", {"party": answer["customer"], "docstatus": 1}), 1)

		# Another technician (an English browser) does not see it, even at the job's address.
		other = seen["other"]
		self.assertEqual((other["lang"], other["heading"]), ("en", "My jobs"))
		self.assertEqual((other["sees_job"], other["job_shown"]), (0, False))

		# A user who is not a technician is told so.
		self.assertEqual(seen["not_technician"]["list"], 0)
		self.assertIn(NOT_TECH, seen["not_technician"]["text"])

		for name, found in seen["overflow"].items():
			self.assertLessEqual(found["scrollWidth"], 390, name)
		self.assertEqual(len(seen["shots"]), 9)
