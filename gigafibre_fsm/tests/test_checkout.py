"""The order pipeline in the request's own transaction: what one order creates, that a failure
at any step leaves nothing behind, and that messages go out once, only after the commit.

Stripe is localstripe and Twilio/Mailjet are local fakes, reached through the official SDKs
(tests/live.py). Orders here are committed (the messages are sent after a commit), so each
test deletes what it made.
"""

from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.field_service import task_types
from gigafibre_fsm.integrations import stripe_api
from gigafibre_fsm.network.fibre_port import drop_status
from gigafibre_fsm.orders import messages, offer, payment_link, pipeline, tasks
from gigafibre_fsm.orders.order_input import read_checkout
from gigafibre_fsm.tests.live import OrderWorld
from gigafibre_fsm.tests.utils import (
	ERPNEXT_DOCTYPES,
	make_civic_address,
	make_fibre_drop,
	make_olt,
	order_body,
)

test_ignore = ERPNEXT_DOCTYPES

# What an order may create, and how to find this test's rows of each.
ORDER_DOCTYPES = (
	"Web Order",
	"Order Notification",
	"Customer",
	"Contact",
	"Address",
	"Service Location",
	"Service Subscription",
	"Service Equipment",
	"Payment Method",
	"Project",
	"Task",
	"Dispatch Job",
)


def count_all() -> dict[str, int]:
	return {doctype: frappe.db.count(doctype) for doctype in ORDER_DOCTYPES}


def saved_card(email: str, succeed: bool = True) -> str:
	"""A SetupIntent confirmed with a test card, as Stripe Elements does in the page."""
	customer = stripe_api.create_customer(email, "Client Test")
	intent = stripe_api.create_setup_intent(customer)
	if succeed:
		stripe_api.client().setup_intents.confirm(
			intent.id,
			params={
				"payment_method_data": {
					"type": "card",
					"card": {
						"number": "4242424242424242",
						"exp_month": "12",
						"exp_year": "2034",
						"cvc": "123",
					},
				}
			},
		)
	return intent.id


def delete_ledger(customer: str) -> None:
	"""Take a test customer's invoices and payments off the site, ledger rows included (ERPNext
	keeps submitted documents: a test site is the one place they are removed)."""
	for doctype, party in (("Payment Entry", "party"), ("Sales Invoice", "customer")):
		for name in frappe.get_all(doctype, {party: customer}, pluck="name"):
			for ledger in ("GL Entry", "Payment Ledger Entry"):
				frappe.db.delete(ledger, {"voucher_no": name})
			frappe.db.delete("Payment Ledger Entry", {"against_voucher_no": name})
			frappe.db.delete("Integration Request", {"reference_docname": name})
			for table in frappe.get_meta(doctype).get_table_fields():
				frappe.db.delete(table.options, {"parent": name, "parenttype": doctype})
			frappe.db.delete(doctype, {"name": name})


def delete_order(answer_or_customer) -> None:
	"""Delete an order's whole graph (customer and everything hanging from it)."""
	customer = answer_or_customer["customer"] if isinstance(answer_or_customer, dict) else answer_or_customer
	delete_ledger(customer)
	orders = frappe.get_all("Web Order", {"customer": customer}, pluck="name")
	for name in frappe.get_all("Order Notification", {"web_order": ("in", orders or [""])}, pluck="name"):
		frappe.delete_doc("Order Notification", name, force=True, ignore_permissions=True)
	for name in orders:
		frappe.delete_doc("Web Order", name, force=True, ignore_permissions=True)
	for job in frappe.get_all("Dispatch Job", {"customer": customer}, pluck="name"):
		frappe.delete_doc("Dispatch Job", job, force=True, ignore_permissions=True)
	for project in frappe.get_all("Project", {"customer": customer}, pluck="name"):
		for task in frappe.get_all("Task", {"project": project}, pluck="name"):
			frappe.delete_doc("Task", task, force=True, ignore_permissions=True)
		frappe.delete_doc("Project", project, force=True, ignore_permissions=True)
	for doctype in ("Payment Method", "Service Equipment", "Service Subscription", "Service Location"):
		for name in frappe.get_all(doctype, {"customer": customer}, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	for doctype in ("Contact", "Address"):
		for name in frappe.get_all(
			"Dynamic Link",
			{"link_doctype": "Customer", "link_name": customer, "parenttype": doctype},
			pluck="parent",
		):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	frappe.delete_doc("Customer", customer, force=True, ignore_permissions=True)


class CheckoutCase(FrappeTestCase):
	"""Fakes up for the class; a drop and its address per test, committed and deleted after."""

	serve = False

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.world = OrderWorld(serve=cls.serve).open()
		cls.olt = make_olt()
		frappe.db.commit()  # nosemgrep

	@classmethod
	def tearDownClass(cls):
		cls.world.close()
		frappe.db.rollback()
		frappe.delete_doc("OLT", cls.olt.name, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def setUp(self):
		self.customers: list[str] = []
		self.drop = make_fibre_drop(olt=self.olt.name, max_speed_mbps=1500, zone_tarifaire="Z1")
		self.address = make_civic_address(drop=self.drop.name)
		self.bare_address = make_civic_address()
		frappe.db.commit()  # nosemgrep
		self.world.twilio.clear()
		self.world.mailjet.clear()

	def tearDown(self):
		frappe.db.rollback()
		frappe.flags.current_date = None
		for customer in set(self.customers):
			if frappe.db.exists("Customer", customer):
				delete_order(customer)
		for address in (self.address, self.bare_address):
			frappe.delete_doc("Civic Address", address.name, force=True, ignore_permissions=True)
		frappe.delete_doc("Fibre Drop", self.drop.name, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep

	def body(self, **kw):
		kw.setdefault("setup_intent_id", saved_card(kw.get("email", "marie-eve.tremblay@example.com")))
		return order_body(self.address.name, **kw)

	def order(self, body: dict, source: str = "Website") -> dict:
		"""Place an order the way the endpoint does, in this connection's transaction."""
		request = read_checkout(body, pipeline.today(), needs_card=source == "Website")
		answer = pipeline.place_order(pipeline.prepare(request, source))
		self.customers.append(answer["customer"])
		return answer


class TestCheckout(CheckoutCase):
	def test_triple_play_creates_the_whole_graph(self):
		answer = self.order(self.body())
		frappe.db.commit()  # nosemgrep

		location = frappe.get_doc("Service Location", answer["service_location"])
		self.assertEqual(location.status, "Pending Install")
		self.assertEqual(location.fibre_drop, self.drop.name)
		self.assertEqual(
			(location.olt, location.frame, location.slot, location.port),
			(self.drop.olt, self.drop.frame, self.drop.slot, self.drop.port),
		)
		self.assertEqual(location.ont_id, self.drop.ont_slot)
		self.assertEqual(location.city, "Saint-Adrien")
		self.assertEqual(location.civic_address, self.address.name)
		self.assertEqual(
			drop_status(frappe.db.get_value("Fibre Drop", self.drop.name, "installed_serial")), "Reserved"
		)

		customer = frappe.get_doc("Customer", answer["customer"])
		self.assertEqual(customer.customer_name, "Marie-Ève Tremblay")
		self.assertTrue(customer.stripe_id.startswith("cus_"))
		contact = frappe.get_doc("Contact", customer.customer_primary_contact)
		self.assertEqual(contact.email_id, "marie-eve.tremblay@example.com")
		self.assertEqual(
			frappe.db.get_value("Address", customer.customer_primary_address, "pincode"), "J0A 1C0"
		)

		subscriptions = frappe.get_all(
			"Service Subscription", {"service_location": location.name}, ["item", "rate", "status"]
		)
		self.assertEqual(
			sorted(s.item for s in subscriptions),
			["FTTH500I", "RAB24M", "RAB3X", "SERV911", "TELEPMENS", "TVBSTANDARD"],
		)
		self.assertEqual({s.status for s in subscriptions}, {"Pending"})
		self.assertEqual(sum(s.rate for s in subscriptions), answer["quote"]["monthly_subtotal"])

		equipment = {
			e.equipment_type: e
			for e in frappe.get_all("Service Equipment", {"service_location": location.name}, ["*"])
		}
		self.assertEqual(set(equipment), {"ONT", "Router", "TV Box", "IP Phone"})
		router = frappe.get_doc("Service Equipment", equipment["Router"].name)
		self.assertEqual(router.wifi_ssid, "Gigafibre-Tremblay")
		password = router.get_password("wifi_password")
		self.assertEqual(len(password), 12)
		self.assertTrue(password.isalnum())
		phone = frappe.get_doc("Service Equipment", equipment["IP Phone"].name)
		self.assertTrue(phone.sip_username)
		self.assertEqual(len(phone.get_password("sip_password")), 16)
		self.assertEqual(equipment["ONT"].line_profile, 103)

		method = frappe.get_doc("Payment Method", answer["payment_method"])
		self.assertEqual(method.stripe_customer_id, customer.stripe_id)
		self.assertTrue(method.get_password("stripe_payment_method_id").startswith("pm_"))
		self.assertEqual(method.card_last4, "4242")

		project = frappe.get_doc("Project", answer["project"])
		self.assertEqual(project.project_name, "Installation - Marie-Ève Tremblay")
		tasks_ = frappe.get_all(
			"Task", {"project": project.name}, ["subject", "team", "type"], order_by="creation"
		)
		self.assertEqual(len(tasks_), 8)
		# Each task carries its stable key; installation day finds "Vérifier signal ONT" by it.
		self.assertEqual([t.type for t in tasks_], [t.key for t in task_types.INSTALLATION])
		self.assertEqual(
			frappe.db.get_value(
				"Task", {"project": project.name, "type": task_types.VERIFY_ONT_SIGNAL.key}, "subject"
			),
			"Vérifier signal ONT",
		)
		self.assertIn(("Activer port OLT 0/1/1", "Gigafibre Support"), [(t.subject, t.team) for t in tasks_])
		self.assertIn(("Installation sur site", "Field Technician"), [(t.subject, t.team) for t in tasks_])

		job = frappe.get_doc("Dispatch Job", answer["dispatch_job"])
		self.assertEqual(str(job.scheduled_date), answer["scheduled_date"])
		self.assertEqual(job.project, project.name)
		self.assertEqual({t.tag for t in job.required_tags}, {"Fibre", "Installation", "TV", "Téléphonie"})
		self.assertEqual(
			sorted(e.equipment_type for e in job.equipment), ["IP Phone", "ONT", "Router", "TV Box"]
		)

	def test_without_phone_seven_tasks_and_no_phone(self):
		body = self.body(items=[{"sku": "FTTH150I", "qty": 1}, {"sku": "TVBSKINNY", "qty": 1}])
		answer = self.order(body)
		self.assertEqual(frappe.db.count("Task", {"project": answer["project"]}), 7)
		types = {e["equipment_type"] for e in answer["equipment"]}
		self.assertEqual(types, {"ONT", "Router", "TV Box"})

	def test_phone_only_where_there_is_no_fibre(self):
		body = order_body(
			self.bare_address.name,
			items=[{"sku": "TELEPMENS", "qty": 1}],
			setup_intent_id=saved_card("marie-eve.tremblay@example.com"),
		)
		answer = self.order(body)
		location = frappe.get_doc("Service Location", answer["service_location"])
		self.assertEqual(location.connection_type, "Phone only")
		self.assertFalse(location.fibre_drop)
		self.assertEqual([e["equipment_type"] for e in answer["equipment"]], ["IP Phone"])

	def test_contact_me_instead_of_dates(self):
		answer = self.order(self.body(preferred_dates=[], contact_me=True))
		job = frappe.get_doc("Dispatch Job", answer["dispatch_job"])
		self.assertFalse(job.scheduled_date)
		self.assertTrue(job.contact_me)

	def test_agent_order_without_card(self):
		body = order_body(self.address.name, send_payment_link=["sms", "email"])
		answer = self.order(body, source="Desk")
		self.assertIsNone(answer["payment_method"])
		kinds = frappe.get_all("Order Notification", {"web_order": answer["order_id"]}, ["kind", "channel"])
		self.assertEqual(
			sorted((k.kind, k.channel) for k in kinds),
			[
				("Order Confirmation", "Email"),
				("Order Confirmation", "Realtime"),
				("Order Confirmation", "SMS"),
				("Payment Link", "Email"),
				("Payment Link", "SMS"),
			],
		)
		frappe.db.commit()  # nosemgrep
		for name in frappe.get_all("Order Notification", {"web_order": answer["order_id"]}, pluck="name"):
			tasks.send_notification(name)
		links = [r for r in self.world.twilio.sent() if "carte" in r["body"]["Body"]]
		self.assertEqual(len(links), 1)
		url = links[0]["body"]["Body"].split("ici : ")[1].split()[0]
		self.assertIn(f"commande={answer['order_id']}", url)
		expires = payment_link.link_expiry()
		self.assertIn(
			f"jeton={payment_link.payment_token(answer['order_id'], expires)}&expire={expires}", url
		)
		# The email carries the same link, and the order now has a card setup waiting.
		self.assertTrue(any(url in r["body"]["Messages"][0]["TextPart"] for r in self.world.mailjet.sent()))
		intent = frappe.db.get_value("Web Order", answer["order_id"], "stripe_setup_intent")
		self.assertTrue(intent.startswith("seti_"))

	def test_a_saved_item_reaches_the_next_price(self):
		from decimal import Decimal

		self.assertEqual(offer.load_catalogue()["TVJEUNESSE"].price, Decimal("5.00"))
		item = frappe.get_doc("Item", "TVJEUNESSE")
		try:
			item.standard_rate = 6
			item.save(ignore_permissions=True)
			self.assertEqual(offer.load_catalogue()["TVJEUNESSE"].price, Decimal("6.00"))
		finally:
			frappe.db.rollback()
			offer.clear_catalogue_cache()
		self.assertEqual(offer.load_catalogue()["TVJEUNESSE"].price, Decimal("5.00"))

	def test_replay_returns_the_first_answer_and_creates_nothing(self):
		body = self.body()
		first = self.order(body)
		frappe.db.commit()  # nosemgrep
		before = count_all()
		again = pipeline.replay(
			body["idempotency_key"], read_checkout(body, pipeline.today(), needs_card=True).fingerprint
		)
		self.assertEqual(again, first)
		self.assertEqual(count_all(), before)


class TestAtomicity(CheckoutCase):
	"""A failure at any creation step leaves nothing: no record, no reservation, no message."""

	def test_a_failure_at_each_step_leaves_nothing(self):
		steps = [*pipeline.STEPS, pipeline.close_order]
		for step in steps:
			with self.subTest(step=step.__name__):
				body = self.body()
				frappe.db.commit()  # nosemgrep
				before = count_all()

				def fail(prepared, _step=step):
					if _step is pipeline.close_order:
						raise RuntimeError("disk full")
					_step(prepared)
					raise RuntimeError(f"failure after {_step.__name__}")

				if step is pipeline.close_order:
					failing = patch.object(pipeline, "close_order", side_effect=fail)
				else:
					failing = patch.object(
						pipeline, "STEPS", [fail if s is step else s for s in pipeline.STEPS]
					)
				with failing, self.assertRaises(RuntimeError):
					self.order(body)
				# What the request does when an exception leaves it.
				frappe.db.rollback()
				self.assertEqual(count_all(), before, step.__name__)
				self.assertEqual(
					drop_status(frappe.db.get_value("Fibre Drop", self.drop.name, "installed_serial")),
					"Available",
					step.__name__,
				)
				self.assertFalse(frappe.db.get_value("Fibre Drop", self.drop.name, "service_location"))
		self.assertEqual(self.world.twilio.sent() + self.world.mailjet.sent(), [])


class TestNotifications(CheckoutCase):
	def queued(self, order: str) -> list[str]:
		return frappe.get_all("Order Notification", {"web_order": order, "status": "Queued"}, pluck="name")

	def run_jobs(self, order: str) -> None:
		"""What the workers do with the jobs the commit enqueued."""
		for name in frappe.get_all("Order Notification", {"web_order": order}, pluck="name"):
			tasks.send_notification(name)

	def test_sent_once_after_commit(self):
		with patch("frappe.enqueue") as enqueue:
			answer = self.order(self.body())
			# Inside the transaction nothing is sent and nothing is enqueued yet.
			self.assertEqual(self.world.twilio.sent(), [])
			self.assertTrue(all(c.kwargs.get("enqueue_after_commit") for c in enqueue.call_args_list))
			self.assertEqual(len(enqueue.call_args_list), 3)
		frappe.db.commit()  # nosemgrep
		self.assertEqual(self.world.twilio.sent(), [])
		with patch("frappe.publish_realtime") as publish:
			self.run_jobs(answer["order_id"])
			self.run_jobs(answer["order_id"])  # a job run twice sends nothing more
		publish.assert_called_once()
		self.assertEqual(publish.call_args.args[0], tasks.REALTIME_EVENT)
		self.assertEqual(publish.call_args.args[1]["dispatch_job"], answer["dispatch_job"])
		sms = self.world.twilio.sent()
		self.assertEqual(len(sms), 1)
		self.assertTrue(sms[0]["body"]["Body"].startswith("Commande confirmée!"))
		self.assertEqual(sms[0]["body"]["To"], "+18195550123")
		emails = self.world.mailjet.sent()
		self.assertEqual(len(emails), 1)
		message = emails[0]["body"]["Messages"][0]
		self.assertEqual(message["To"][0]["Email"], "marie-eve.tremblay@example.com")
		self.assertIn(answer["order_id"], message["Subject"])
		self.assertIn("Aucun frais avant la complétion", message["TextPart"])
		day = frappe.utils.getdate(answer["scheduled_date"])
		self.assertIn(f"Installation prévue le {messages.long_date(day, 'fr')}.", sms[0]["body"]["Body"])
		statuses = frappe.get_all("Order Notification", {"web_order": answer["order_id"]}, pluck="status")
		self.assertEqual(statuses, ["Sent"] * 3)

	def test_messages_in_the_customers_language(self):
		"""French unless the customer chose English: the same messages, Babel's dates and money."""
		answer = self.order(self.body(language="en", email="mary.tremblay@example.com"))
		frappe.db.commit()  # nosemgrep
		with patch("frappe.publish_realtime"):
			self.run_jobs(answer["order_id"])
		sms = self.world.twilio.sent()[0]["body"]["Body"]
		day = frappe.utils.getdate(answer["scheduled_date"])
		self.assertTrue(sms.startswith("Order confirmed! Gigafibre,"), sms)
		self.assertIn(f"Installation planned on {day:%A}, {day:%B} {day.day}, {day.year}.", sms)
		self.assertIn("No charge until the installation is completed to your satisfaction.", sms)
		message = self.world.mailjet.sent()[0]["body"]["Messages"][0]
		self.assertIn("Order confirmed", message["Subject"])
		self.assertIn("Hello Marie-Ève,", message["TextPart"])
		total = answer["quote"]["due_at_installation"]["total"]
		self.assertIn(f"${total:,.2f}", message["TextPart"])
		self.assertNotIn("Commande", sms + message["TextPart"])

	def test_french_dates_and_money(self):
		self.assertEqual(messages.long_date("2025-03-17", "fr"), "lundi 17 mars 2025")
		self.assertEqual(messages.long_date("2025-03-17", "en"), "Monday, March 17, 2025")
		self.assertEqual(messages.money(1234.5, "fr"), "1\xa0234,50\xa0$")
		self.assertEqual(messages.money(-5, "en"), "-$5.00")
		self.assertIn("appellerons", messages.when({"scheduled_date": None}, "fr"))
		self.assertEqual(messages.language_of("EN-ca"), "en")
		self.assertEqual(messages.language_of(None), "fr")

	def test_the_commit_enqueues_the_jobs(self):
		from frappe.utils.background_jobs import get_job

		answer = self.order(self.body())
		names = frappe.get_all("Order Notification", {"web_order": answer["order_id"]}, pluck="name")
		self.assertTrue(all(get_job(tasks.job_id(n)) is None for n in names))
		frappe.db.commit()  # nosemgrep
		jobs = [get_job(tasks.job_id(n)) for n in names]
		self.assertTrue(all(jobs), jobs)
		for job in jobs:
			job.delete()

	def test_nothing_sent_when_the_order_rolls_back(self):
		from frappe.utils.background_jobs import get_job

		answer = self.order(self.body())
		names = frappe.get_all("Order Notification", {"web_order": answer["order_id"]}, pluck="name")
		self.assertEqual(len(names), 3)
		frappe.db.rollback()
		frappe.db.commit()  # nosemgrep: a later commit must not send the rolled-back order's messages
		self.customers.remove(answer["customer"])
		self.assertFalse(frappe.db.exists("Web Order", answer["order_id"]))
		self.assertEqual(frappe.db.count("Order Notification", {"web_order": answer["order_id"]}), 0)
		self.assertTrue(all(get_job(tasks.job_id(n)) is None for n in names))
		self.assertEqual(self.world.twilio.sent() + self.world.mailjet.sent(), [])

	def test_a_provider_down_keeps_the_order_and_queues_a_retry(self):
		answer = self.order(self.body())
		frappe.db.commit()  # nosemgrep
		self.world.twilio.fail = True
		try:
			self.run_jobs(answer["order_id"])
		finally:
			self.world.twilio.fail = False
		sms = frappe.get_all(
			"Order Notification",
			{"web_order": answer["order_id"], "channel": "SMS"},
			["name", "status", "attempts", "last_error", "next_attempt_at"],
		)[0]
		self.assertEqual((sms.status, sms.attempts), ("Queued", 1))
		self.assertIn("503", sms.last_error)
		self.assertTrue(sms.next_attempt_at)
		# The order is whole; the email went out regardless.
		self.assertTrue(frappe.db.exists("Service Location", answer["service_location"]))
		self.assertTrue(frappe.db.exists("Dispatch Job", answer["dispatch_job"]))
		self.assertEqual(len(self.world.mailjet.sent()), 1)
		self.assertTrue(frappe.db.exists("Error Log", {"method": ("like", f"%{sms.name}%")}))

		# When it is due, the scheduler enqueues it again and it goes out once.
		frappe.db.set_value("Order Notification", sms.name, "next_attempt_at", "2000-01-01 00:00:00")
		frappe.db.commit()  # nosemgrep
		with patch("frappe.enqueue") as enqueue:
			tasks.retry_notifications()
		self.assertIn(sms.name, [c.kwargs["notification"] for c in enqueue.call_args_list])
		self.assertEqual(tasks.send_notification(sms.name), "Sent")
		self.assertEqual(len(self.world.twilio.sent()), 1)

	def test_gives_up_after_the_last_attempt(self):
		answer = self.order(self.body())
		frappe.db.commit()  # nosemgrep
		name = frappe.get_all(
			"Order Notification", {"web_order": answer["order_id"], "channel": "Email"}, pluck="name"
		)[0]
		self.world.mailjet.fail = True
		try:
			for _ in range(tasks.MAX_ATTEMPTS):
				tasks.send_notification(name)
		finally:
			self.world.mailjet.fail = False
		self.assertEqual(
			frappe.db.get_value("Order Notification", name, ["status", "attempts"]), ("Failed", 5)
		)


class TestCardChecks(CheckoutCase):
	def refused(self, body, exc=frappe.ValidationError):
		request = read_checkout(body, pipeline.today(), needs_card=True)
		before = count_all()
		with self.assertRaises(exc) as caught:
			pipeline.place_order(pipeline.prepare(request, "Website"))
		frappe.db.rollback()
		self.assertEqual(count_all(), before)
		return str(caught.exception)

	def test_a_card_setup_that_failed(self):
		message = self.refused(
			self.body(setup_intent_id=saved_card("marie-eve.tremblay@example.com", succeed=False))
		)
		self.assertIn("setup_intent_id", message)

	def test_a_card_saved_for_another_customer(self):
		message = self.refused(self.body(setup_intent_id=saved_card("someone.else@example.com")))
		self.assertIn("setup_intent_id", message)

	def test_an_unknown_card_setup(self):
		self.assertIn("setup_intent_id", self.refused(self.body(setup_intent_id="seti_doesnotexist123")))

	def test_stripe_down_is_a_503_and_writes_nothing(self):
		body = self.body()
		with patch.object(stripe_api, "api_base", return_value="http://127.0.0.1:9"):
			stripe_api._clients.clear()
			from gigafibre_fsm.exceptions import ProviderUnavailableError

			self.refused(body, ProviderUnavailableError)
		stripe_api._clients.clear()

	def test_a_card_serves_one_order(self):
		body = self.body()
		self.order(body)
		frappe.db.commit()  # nosemgrep
		other = dict(body, idempotency_key=frappe.generate_hash(length=20))
		from gigafibre_fsm.exceptions import OrderConflictError

		self.refused(other, OrderConflictError)
