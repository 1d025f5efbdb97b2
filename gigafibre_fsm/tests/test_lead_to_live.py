"""Lead to Live over HTTP, as each of its clients calls this site: a visitor orders on the
website, the dispatcher assigns a technician, the technician starts the job and scans the ONT
and the router, the ACS provisions them by serial and by MAC with exactly the WiFi and SIP
values the order made, the ONT comes online, the technician completes the job — and the
service is live, the first invoice posted with the total computed by hand, the saved card
charged in localstripe, the Payment Entry made and the SMS sent. No generated secret is left
in a log, the Error Log or a Version."""

import datetime
from pathlib import Path

import frappe
import requests

from gigafibre_fsm.field_service import task_types
from gigafibre_fsm.integrations import stripe_api
from gigafibre_fsm.orders import tasks
from gigafibre_fsm.roles import ACS, DISPATCHER, TECHNICIAN
from gigafibre_fsm.tests.test_acs import secrets_outside_answers, token
from gigafibre_fsm.tests.test_checkout import CheckoutCase
from gigafibre_fsm.tests.utils import make_user

DISPATCH = "repartition-l2l@gigafibre.test"
TECH = "tech-l2l@gigafibre.test"
ROBOT = "acs-l2l@gigafibre.test"


class TestLeadToLive(CheckoutCase):
	serve = True

	def setUp(self):
		super().setUp()
		make_user(DISPATCH, DISPATCHER)
		make_user(TECH, TECHNICIAN)
		make_user(ROBOT, ACS)
		tech = frappe.get_doc("User", TECH)
		tech.set("dispatch_skills", [{"tag": t} for t in ("Fibre", "Installation", "TV", "Téléphonie")])
		tech.save(ignore_permissions=True)
		self.keys = {user: token(user) for user in (DISPATCH, TECH, ROBOT)}
		frappe.db.commit()  # nosemgrep: the served site reads them

	def call(self, user, method, body=None, get=False):
		headers = {**self.world.site.headers, "Accept": "application/json"}
		if user:
			headers["Authorization"] = self.keys[user]
		url = self.world.site.api(method)
		if get:
			response = requests.get(url, params=body, headers=headers, timeout=60)
		else:
			response = requests.post(url, json=body, headers=headers, timeout=60)
		self.assertEqual(response.status_code, 200, f"{method}: {response.text[:400]}")
		return response.json()["message"]

	def test_from_the_website_to_a_live_paid_service(self):
		order = self.call(None, "gigafibre_fsm.api.website.checkout", self.body())
		self.customers.append(order["customer"])
		day = datetime.date.today()
		job = order["dispatch_job"]
		assigned = self.call(
			DISPATCH,
			"gigafibre_fsm.api.dispatch.assign",
			{"dispatch_job": job, "technicians": [TECH], "scheduled_date": str(day)},
		)
		self.assertEqual(assigned["technicians"], [TECH])

		jobs = self.call(TECH, "gigafibre_fsm.api.field.my_jobs", {"date": str(day)}, get=True)
		card = next(j for j in jobs if j["dispatch_job"] == job)
		self.call(TECH, "gigafibre_fsm.api.field.start_job", {"dispatch_job": job})
		scanned = {}
		for row in card["equipment"]:
			mac = frappe.generate_hash(length=12)
			dashed = "-".join(mac[i : i + 2] for i in range(0, 12, 2))
			answer = self.call(
				TECH,
				"gigafibre_fsm.api.field.scan_equipment",
				{
					"dispatch_job": job,
					"equipment": row["equipment"],
					"serial": f"gfl2l{mac[:8]}",
					"mac": dashed,
				},
			)
			scanned[row["equipment_type"]] = answer
		self.assertEqual(scanned["ONT"]["serial"], scanned["ONT"]["serial"].upper())

		frappe.db.rollback()
		router = frappe.get_doc("Service Equipment", scanned["Router"]["equipment"])
		phone = frappe.get_doc("Service Equipment", scanned["IP Phone"]["equipment"])
		wifi_password = router.get_password("wifi_password")
		sip_password = phone.get_password("sip_password")
		by_serial = self.call(
			ROBOT,
			"gigafibre_fsm.api.acs.provision",
			{"serial": scanned["Router"]["serial"].lower()},
			get=True,
		)
		self.assertEqual(
			by_serial["wifi"],
			{
				"ssid": "Gigafibre-Tremblay",
				"password": wifi_password,
				"ssid_5g": router.wifi_ssid_5g,
				"enabled": True,
			},
		)
		self.assertFalse(by_serial["suspended"])
		by_mac = self.call(
			ROBOT,
			"gigafibre_fsm.api.acs.provision",
			{"mac": scanned["IP Phone"]["mac"].replace(":", "").lower()},
			get=True,
		)
		self.assertEqual(
			[(line["line"], line["username"], line["password"]) for line in by_mac["voip"]],
			[(1, phone.sip_username, sip_password)],
		)
		ont = self.call(
			ROBOT, "gigafibre_fsm.api.acs.provision", {"serial": scanned["ONT"]["serial"]}, get=True
		)
		self.assertEqual(ont["line_profile"], "103")
		self.call(
			ROBOT,
			"gigafibre_fsm.api.acs.device_event",
			{"serial": scanned["ONT"]["serial"], "event": "online", "ip": "10.20.30.40"},
		)
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value(
				"Task", {"project": order["project"], "type": task_types.VERIFY_ONT_SIGNAL.key}, "status"
			),
			"Completed",
		)

		done = self.call(TECH, "gigafibre_fsm.api.field.complete_job", {"dispatch_job": job, "notes": "OK"})
		self.assertEqual(done["status"], "Completed")
		self.assertEqual(done["payment"]["status"], "succeeded")
		frappe.db.rollback()
		location = order["service_location"]
		self.assertEqual(frappe.db.get_value("Service Location", location, "status"), "Active")
		self.assertEqual(
			set(frappe.get_all("Service Subscription", {"service_location": location}, pluck="status")),
			{"Active"},
		)
		self.assertEqual(
			set(frappe.get_all("Service Equipment", {"service_location": location}, pluck="status")),
			{"Active"},
		)
		invoice = frappe.get_doc("Sales Invoice", done["invoice"])
		self.assertEqual(invoice.docstatus, 1)
		self.assertEqual(invoice.grand_total, expected_total(day))
		self.assertEqual(done["grand_total"], expected_total(day))
		self.assertEqual(invoice.outstanding_amount, 0)
		entry = frappe.get_doc("Payment Entry", done["payment"]["payment_entry"])
		intent = stripe_api.retrieve_payment_intent(entry.reference_no)
		self.assertEqual((intent.status, intent.amount), ("succeeded", round(expected_total(day) * 100)))

		for name in frappe.get_all("Order Notification", {"web_order": order["order_id"]}, pluck="name"):
			tasks.send_notification(name)
		sms = [r["body"]["Body"] for r in self.world.twilio.sent()]
		self.assertTrue(any(text.startswith("Service activé!") for text in sms), sms)

		again = self.call(TECH, "gigafibre_fsm.api.field.complete_job", {"dispatch_job": job})
		self.assertEqual((again["invoice"], again["payment"]["status"]), (done["invoice"], "succeeded"))
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Payment Entry", {"party": order["customer"], "docstatus": 1}), 1)
		self.assertEqual(
			secrets_outside_answers([wifi_password, sip_password], Path(self.world.site.log)), []
		)


def expected_total(day: datetime.date) -> float:
	"""The triple play with 24 months (134.59 a month; once 69.95: the activation, the free
	installation and the first TV box offered) installed on ``day``: the days left in the
	month pro-rated, then TPS 5 % and TVQ 9.975 %, each rounded to the cent (half up)."""
	import calendar
	from decimal import ROUND_HALF_UP, Decimal

	cent = Decimal("0.01")
	days = calendar.monthrange(day.year, day.month)[1]
	first = (Decimal("134.59") * (days - day.day + 1) / days).quantize(cent, ROUND_HALF_UP)
	net = Decimal("69.95") + first
	tps = (net * Decimal("0.05")).quantize(cent, ROUND_HALF_UP)
	tvq = (net * Decimal("0.09975")).quantize(cent, ROUND_HALF_UP)
	return float(net + tps + tvq)
