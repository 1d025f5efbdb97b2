"""Stripe's webhook over HTTP, as localstripe delivers it: the signature checked with the SDK,
each event applied once, a late or replayed event harmless, a wrong signature a 400."""

import time

import frappe
import requests

from gigafibre_fsm.api import field
from gigafibre_fsm.tests.live import WebhookRelay
from gigafibre_fsm.tests.test_installation_day import InstallationCase

SECRET = "whsec_gigafibre_test"


class TestStripeWebhook(InstallationCase):
	serve = True

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		settings = frappe.get_doc("Gigafibre Settings")
		settings.stripe_webhook_secret = SECRET
		settings.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: the served site reads it
		cls.relay = WebhookRelay(
			cls.world.site.api("gigafibre_fsm.api.stripe.webhook"), cls.world.site.headers
		).start()
		registered = requests.post(
			f"{cls.world.stripe.url}/_config/webhooks/gigafibre",
			data={"url": cls.relay.url, "secret": SECRET},
			timeout=10,
		)
		registered.raise_for_status()

	@classmethod
	def tearDownClass(cls):
		cls.relay.stop()
		super().tearDownClass()

	def events(self, kind: str) -> list[str]:
		frappe.db.rollback()
		return frappe.get_all(
			"Integration Request",
			filters={"name": ("like", "stripe-event-%"), "request_description": kind},
			pluck="name",
		)

	def wait_for(self, kind: str, count: int) -> list[str]:
		deadline = time.monotonic() + 20
		while time.monotonic() < deadline:
			found = self.events(kind)
			if len(found) >= count:
				return found
			time.sleep(0.2)
		return self.events(kind)

	def test_the_charges_event_is_applied_once_and_a_replay_changes_nothing(self):
		before = len(self.events("payment_intent.succeeded"))
		answer = self.placed()
		self.started_and_scanned(answer)
		done = field.complete_job(answer["dispatch_job"])
		frappe.set_user("Administrator")
		self.assertEqual(done["payment"]["status"], "succeeded")
		self.assertEqual(len(self.wait_for("payment_intent.succeeded", before + 1)), before + 1)
		deadline = time.monotonic() + 10
		delivered = []
		while not delivered and time.monotonic() < deadline:
			# The relay notes a delivery once the site answered it.
			delivered = [d for d in self.relay.deliveries if b"payment_intent.succeeded" in d[0]]
			time.sleep(0.1)
		self.assertTrue(delivered, [(d[0][:200], d[2]) for d in self.relay.deliveries])
		self.assertEqual(delivered[-1][2], 200)
		# Stripe delivers again (a retry): the same answer, nothing applied twice.
		body, signature, _status = delivered[-1]
		replay = requests.post(
			self.world.site.api("gigafibre_fsm.api.stripe.webhook"),
			data=body,
			headers={
				**self.world.site.headers,
				"Stripe-Signature": signature,
				"Content-Type": "application/json",
			},
			timeout=30,
		)
		self.assertEqual(replay.status_code, 200, replay.text[:300])
		self.assertEqual(replay.json()["message"]["result"], "replayed")
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Payment Entry", {"party": answer["customer"], "docstatus": 1}), 1)

	def test_a_wrong_signature_is_refused(self):
		body = b'{"id": "evt_forged", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_x", "metadata": {}}}}'
		answer = requests.post(
			self.world.site.api("gigafibre_fsm.api.stripe.webhook"),
			data=body,
			headers={
				**self.world.site.headers,
				"Stripe-Signature": "t=1,v1=deadbeef",
				"Content-Type": "application/json",
			},
			timeout=30,
		)
		self.assertEqual(answer.status_code, 400, answer.text[:300])
		self.assertNotIn("Traceback", answer.text)
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists("Integration Request", "stripe-event-evt_forged"))
