"""The website's order endpoints over real HTTP, as a guest, against this site running under
gunicorn (tests/live.py): twenty buyers of one port at once, replays, and every kind of bad
input answered with a 4xx naming the field and nothing written."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import frappe
import requests

from gigafibre_fsm.tests.test_checkout import CheckoutCase, count_all, saved_card
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_civic_address, make_fibre_drop, order_body

test_ignore = ERPNEXT_DOCTYPES

RACERS = 20


def messages(response) -> str:
	"""The human message(s) of a Frappe error answer."""
	body = response.json()
	texts = [json.loads(m).get("message", "") for m in json.loads(body.get("_server_messages") or "[]")]
	return " ".join(texts) or body.get("exception", "")


class TestCheckoutOverHTTP(CheckoutCase):
	serve = True

	def post(self, method: str, body=None, raw: bytes | None = None, headers: dict | None = None):
		all_headers = {**self.world.site.headers, "Accept": "application/json", **(headers or {})}
		if raw is not None:
			return requests.post(self.world.site.api(method), data=raw, headers=all_headers, timeout=60)
		return requests.post(self.world.site.api(method), json=body, headers=all_headers, timeout=60)

	def get(self, method: str, **params):
		headers = {**self.world.site.headers, "Accept": "application/json"}
		return requests.get(self.world.site.api(method), params=params, headers=headers, timeout=60)

	def checkout(self, body, **kw):
		return self.post("gigafibre_fsm.api.website.checkout", body, **kw)

	def track(self, response):
		if response.status_code == 200:
			self.customers.append(response.json()["message"]["customer"])
		return response

	# -----------------------------------------------------------------------------------

	def test_twenty_buyers_of_one_port_one_order(self):
		bodies = [
			self.body(email=f"buyer{i}@example.com", last_name=f"Acheteur{chr(65 + i)}")
			for i in range(RACERS)
		]
		before = count_all()
		barrier = threading.Barrier(RACERS)

		def buy(body):
			barrier.wait(timeout=30)
			return self.checkout(body)

		with ThreadPoolExecutor(RACERS) as pool:
			responses = list(pool.map(buy, bodies))
		for response in responses:
			self.track(response)
		codes = sorted(r.status_code for r in responses)
		self.assertEqual(
			codes,
			[200] + [409] * (RACERS - 1),
			[r.text[:300] for r in responses if r.status_code not in (200, 409)],
		)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Service Location", {"fibre_drop": self.drop.name}), 1)
		after = count_all()
		self.assertEqual(after["Web Order"] - before["Web Order"], 1)
		self.assertEqual(after["Customer"] - before["Customer"], 1)
		refused = [r for r in responses if r.status_code == 409]
		self.assertTrue(all(r.json()["exc_type"] == "OrderConflictError" for r in refused))
		self.assertTrue(all("address_id" in messages(r) for r in refused))

	def test_simultaneous_orders_for_different_ports_all_pass(self):
		"""Six orders at once, each for its own port: all confirmed, and ERPNext's task tree
		(lft/rgt) still gives each task its own numbers."""
		addresses = []
		for _ in range(6):
			address = make_civic_address(drop=make_fibre_drop(olt=self.olt.name).name)
			self.addCleanup(self.drop_address, address)
			addresses.append(address)
		frappe.db.commit()  # nosemgrep
		bodies = [
			order_body(
				a.name,
				email=f"voisin{i}@example.com",
				last_name=f"Voisin{chr(65 + i)}",
				setup_intent_id=saved_card(f"voisin{i}@example.com"),
			)
			for i, a in enumerate(addresses)
		]
		barrier = threading.Barrier(len(bodies))

		def buy(body):
			barrier.wait(timeout=30)
			return self.checkout(body)

		with ThreadPoolExecutor(len(bodies)) as pool:
			responses = [self.track(r) for r in pool.map(buy, bodies)]
		self.assertEqual([r.status_code for r in responses], [200] * 6, [r.text[:300] for r in responses])
		frappe.db.rollback()
		projects = [r.json()["message"]["project"] for r in responses]
		numbers = frappe.get_all("Task", {"project": ("in", projects)}, ["lft", "rgt"])
		self.assertEqual(len(numbers), 48)
		self.assertTrue(all(n.rgt == n.lft + 1 for n in numbers), numbers)
		# A task saved in the desk afterwards is numbered by ERPNext after them.
		other = frappe.get_doc({"doctype": "Task", "subject": "Tâche du bureau"}).insert(
			ignore_permissions=True
		)
		frappe.db.commit()  # nosemgrep
		self.addCleanup(frappe.delete_doc, "Task", other.name, force=True, ignore_permissions=True)
		self.assertGreater(frappe.db.get_value("Task", other.name, "lft"), max(n.rgt for n in numbers))
		shared = frappe.db.sql(
			"""SELECT v FROM (SELECT lft v FROM `tabTask` UNION ALL SELECT rgt FROM `tabTask`) x
			GROUP BY v HAVING COUNT(*) > 1"""
		)
		self.assertEqual(shared, (), "two tasks share a tree position")

	def test_the_same_key_twice_then_concurrently_one_order(self):
		body = self.body()
		first = self.track(self.checkout(body))
		self.assertEqual(first.status_code, 200, first.text[:500])
		frappe.db.rollback()  # a fresh snapshot: the order was committed by the site
		before = count_all()
		again = self.checkout(body)
		self.assertEqual(again.status_code, 200)
		self.assertEqual(again.json()["message"], first.json()["message"])
		frappe.db.rollback()
		self.assertEqual(count_all(), before)

		# A new key sent by ten tabs at once: one order, ten identical answers.
		other = dict(body, idempotency_key=frappe.generate_hash(length=24))
		other_address = make_civic_address(drop=make_fibre_drop(olt=self.olt.name).name)
		self.addCleanup(self.drop_address, other_address)
		frappe.db.commit()  # nosemgrep
		other.update(
			address_id=other_address.name, setup_intent_id=saved_card("marie-eve.tremblay@example.com")
		)
		barrier = threading.Barrier(10)

		def send(_):
			barrier.wait(timeout=30)
			return self.checkout(other)

		with ThreadPoolExecutor(10) as pool:
			responses = list(pool.map(send, range(10)))
		self.assertEqual({r.status_code for r in responses}, {200}, [r.text[:300] for r in responses])
		answers = {json.dumps(r.json()["message"], sort_keys=True) for r in responses}
		self.assertEqual(len(answers), 1)
		self.track(responses[0])
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Web Order", {"name": other["idempotency_key"]}), 1)
		self.assertEqual(count_all()["Customer"], before["Customer"] + 1)

	def drop_address(self, address):
		frappe.db.rollback()
		drop = frappe.db.get_value("Fibre Drop", {"civic_address": address.name})
		frappe.delete_doc("Civic Address", address.name, force=True, ignore_permissions=True)
		if drop and not frappe.db.get_value("Fibre Drop", drop, "service_location"):
			frappe.delete_doc("Fibre Drop", drop, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep

	def test_one_card_setup_sent_with_two_keys_at_once_makes_one_order(self):
		body = self.body()
		bodies = [dict(body, idempotency_key=frappe.generate_hash(length=20)) for _ in range(2)]
		barrier = threading.Barrier(2)

		def send(b):
			barrier.wait(timeout=30)
			return self.checkout(b)

		with ThreadPoolExecutor(2) as pool:
			responses = [self.track(r) for r in pool.map(send, bodies)]
		self.assertEqual(
			sorted(r.status_code for r in responses), [200, 409], [r.text[:300] for r in responses]
		)

	def test_the_same_key_for_another_order_is_a_conflict(self):
		body = self.body()
		self.assertEqual(self.track(self.checkout(body)).status_code, 200)
		changed = dict(body, commitment_months=36)
		response = self.checkout(changed)
		self.assertEqual(response.status_code, 409)
		self.assertIn("idempotency_key", messages(response))

	def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(self):
		card = saved_card("marie-eve.tremblay@example.com")
		failed_card = saved_card("marie-eve.tremblay@example.com", succeed=False)
		others_card = saved_card("quelqu.un@example.com")
		saturday = next(d for d in _days_ahead(1, 14) if d.weekday() == 5).isoformat()
		yesterday = frappe.utils.add_days(frappe.utils.nowdate(), -1)
		far = frappe.utils.add_days(frappe.utils.nowdate(), 30)
		slow_drop = make_fibre_drop(olt=self.olt.name, max_speed_mbps=100)
		slow_address = make_civic_address(drop=slow_drop.name)
		self.addCleanup(self.drop_address, slow_address)
		frappe.db.commit()  # nosemgrep

		def person(**kw):
			base = order_body(self.address.name)["customer"]
			return {**base, **kw}

		cases = [
			("customer.email", {"customer": person(email="pas-un-courriel")}),
			("customer.email", {"customer": person(email="a@b")}),
			("customer.phone", {"customer": person(phone="555-1234")}),
			("customer.phone", {"customer": person(phone="+33 1 23 45 67 89")}),
			("customer.first_name", {"customer": person(first_name="Robert'); DROP TABLE tabCustomer;--")}),
			("customer.last_name", {"customer": person(last_name="<script>alert(1)</script>")}),
			("customer.last_name", {"customer": person(last_name="1 OR 1=1")}),
			("customer.first_name", {"customer": person(first_name="")}),
			("customer", {"customer": None}),
			("items[0].sku", {"items": [{"sku": "FTTH9999", "qty": 1}]}),
			("items[0].sku", {"items": [{"sku": "' OR '1'='1", "qty": 1}]}),
			("items", {"items": []}),
			("items[0].sku", {"address_id": slow_address.name, "items": [{"sku": "FTTH500I", "qty": 1}]}),
			("items[1].qty", {"items": [{"sku": "FTTH500I", "qty": 1}, {"sku": "TELEPMENS", "qty": 99}]}),
			("commitment_months", {"commitment_months": 12}),
			("preferred_dates[0]", {"preferred_dates": [yesterday]}),
			("preferred_dates[0]", {"preferred_dates": [saturday]}),
			("preferred_dates[0]", {"preferred_dates": [far]}),
			("preferred_dates[0]", {"preferred_dates": ["demain"]}),
			("preferred_dates", {"preferred_dates": [], "contact_me": False}),
			("setup_intent_id", {"setup_intent_id": failed_card}),
			("setup_intent_id", {"setup_intent_id": others_card}),
			("setup_intent_id", {"setup_intent_id": None}),
			("setup_intent_id", {"setup_intent_id": "seti_nope' OR 1=1"}),
			("idempotency_key", {"idempotency_key": "court"}),
			("idempotency_key", {"idempotency_key": None}),
			("address_id", {"address_id": None}),
			("address_id", {"address_id": "inconnue-123"}),
			("apartment", {"apartment": "<b>12</b>"}),
		]
		before = count_all()
		for field, change in cases:
			with self.subTest(field=field, change=change):
				body = order_body(self.address.name, setup_intent_id=card)
				body.update(change)
				response = self.checkout(body)
				self.assertIn(response.status_code, (400, 404, 409, 417), response.text[:400])
				self.assertIn(field, messages(response), response.text[:400])
				self.assertEqual(response.json().get("field"), field)
		frappe.db.rollback()
		self.assertEqual(count_all(), before)
		self.assertEqual(frappe.db.get_value("Fibre Drop", self.drop.name, "status"), "Available")

	def test_a_wrongly_typed_field_is_refused(self):
		body = self.body()
		body["customer"] = "Marie"
		response = self.checkout(body)
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("customer", messages(response) + response.text)

	def test_a_body_over_64_kb_is_413(self):
		body = self.body()
		body["customer"]["first_name"] = "A" * (70 * 1024)
		before = count_all()
		response = self.checkout(body)
		self.assertEqual(response.status_code, 413, response.text[:300])
		frappe.db.rollback()
		self.assertEqual(count_all(), before)

	def test_a_body_that_is_not_json_is_refused(self):
		response = self.post(
			"gigafibre_fsm.api.website.checkout",
			raw=b"idempotency_key=abc; DROP",
			headers={"Content-Type": "text/plain"},
		)
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("JSON", messages(response))

	def test_answers_come_in_french_unless_english_is_asked(self):
		body = self.body()
		body["customer"]["email"] = "nope"
		french = self.checkout(body)
		self.assertIn("n'est pas une adresse", messages(french))
		body["customer"]["language"] = "en"
		english = self.checkout(body)
		self.assertIn("is not an email address", messages(english))

	def test_availability_and_quote(self):
		response = self.get("gigafibre_fsm.api.website.availability", address_id=self.address.name)
		self.assertEqual(response.status_code, 200, response.text[:300])
		data = response.json()["message"]
		self.assertEqual(data["coverage"], "available")
		self.assertEqual(data["max_speed_mbps"], 1500)
		self.assertIn("FTTH1500I", [p["sku"] for p in data["plans"]["internet"]])
		self.assertTrue(data["plans"]["tv_addons"])
		bare = self.get("gigafibre_fsm.api.website.availability", address_id=self.bare_address.name).json()[
			"message"
		]
		self.assertEqual(bare["coverage"], "not_covered")
		self.assertEqual(bare["plans"]["internet"], [])
		self.assertEqual([p["sku"] for p in bare["plans"]["phone"]], ["TELEPMENS"])
		self.assertEqual(
			self.get("gigafibre_fsm.api.website.availability", address_id="nope").status_code, 404
		)

		quote = self.post(
			"gigafibre_fsm.api.website.quote",
			{
				"address_id": self.address.name,
				"items": [{"sku": "FTTH500I", "qty": 1}, {"sku": "TVBSTANDARD", "qty": 1}],
			},
		)
		self.assertEqual(quote.status_code, 200, quote.text[:300])
		self.assertEqual(quote.json()["message"]["monthly_subtotal"], 124.95)

	def test_a_broken_item_leaves_the_rest_of_the_offer_selling(self):
		"""An Item broken past the form: availability and quote still answer, without it."""
		from gigafibre_fsm.tests.utils import make_item

		make_item("TESTHTTPBROKEN", "internet", 59.95, offered=0)
		frappe.db.set_value("Item", "TESTHTTPBROKEN", "offered", 1)  # no speed: unsellable
		frappe.db.commit()  # nosemgrep: the served site reads it
		try:
			from gigafibre_fsm.orders.offer import clear_catalogue_cache

			clear_catalogue_cache()
			response = self.get("gigafibre_fsm.api.website.availability", address_id=self.address.name)
			self.assertEqual(response.status_code, 200, response.text[:300])
			skus = [p["sku"] for p in response.json()["message"]["plans"]["internet"]]
			self.assertIn("FTTH500I", skus)
			self.assertNotIn("TESTHTTPBROKEN", skus)
			quote = self.post(
				"gigafibre_fsm.api.website.quote",
				{"address_id": self.address.name, "items": [{"sku": "FTTH500I", "qty": 1}]},
			)
			self.assertEqual(quote.status_code, 200, quote.text[:300])
		finally:
			frappe.delete_doc("Item", "TESTHTTPBROKEN", force=True, ignore_permissions=True)
			frappe.db.commit()  # nosemgrep
			clear_catalogue_cache()

	def test_a_visitors_error_answer_has_no_traceback(self):
		for response in (
			self.post(
				"gigafibre_fsm.api.website.quote",
				{"address_id": self.address.name, "items": [{"sku": "NOPE"}]},
			),
			self.get("gigafibre_fsm.api.website.availability", address_id="nope"),
			self.post("gigafibre_fsm.api.website.checkout", {"idempotency_key": "x"}),
		):
			self.assertIn(response.status_code, (404, 417), response.text[:300])
			self.assertNotIn("Traceback", response.text)
			self.assertNotIn('File "', response.text)
			self.assertTrue(messages(response))

	def test_a_site_not_set_up_to_sell_answers_412_naming_the_setting(self):
		from gigafibre_fsm.billing.tax_template import clear_tax_rates_cache

		template = frappe.db.get_single_value("Gigafibre Settings", "sales_taxes_template")
		frappe.db.set_single_value("Gigafibre Settings", "sales_taxes_template", None)
		frappe.db.commit()  # nosemgrep: the served site reads it
		clear_tax_rates_cache()
		try:
			quote = self.post(
				"gigafibre_fsm.api.website.quote",
				{"address_id": self.address.name, "items": [{"sku": "FTTH500I", "qty": 1}]},
			)
			self.assertEqual(quote.status_code, 412, quote.text[:300])
			self.assertIn("Modèle de taxes de vente", messages(quote))
			self.assertIn("paramètres Gigafibre", messages(quote))
			self.assertNotIn("Traceback", quote.text)
			english = self.post(
				"gigafibre_fsm.api.website.quote",
				{"address_id": self.address.name, "items": [{"sku": "FTTH500I", "qty": 1}]},
				headers={"Accept-Language": "en"},
			)
			self.assertEqual(english.status_code, 412)
			self.assertIn("set Sales Taxes Template in Gigafibre Settings", messages(english))
		finally:
			frappe.db.set_single_value("Gigafibre Settings", "sales_taxes_template", template)
			frappe.db.commit()  # nosemgrep
			clear_tax_rates_cache()

	def test_start_payment_makes_a_setup_intent_and_writes_nothing(self):
		before = count_all()
		response = self.post(
			"gigafibre_fsm.api.website.start_payment",
			{"email": "nouveau@example.com", "first_name": "Jean", "last_name": "Côté"},
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		data = response.json()["message"]
		self.assertTrue(data["setup_intent_id"].startswith("seti_"))
		self.assertTrue(data["client_secret"].startswith(data["setup_intent_id"]))
		self.assertEqual(data["publishable_key"], "pk_test_gigafibre")
		frappe.db.rollback()
		self.assertEqual(count_all(), before)

	def test_waitlist_and_business_quote(self):
		waitlist = self.post(
			"gigafibre_fsm.api.website.join_waitlist",
			{
				"address_id": self.bare_address.name,
				"first_name": "Luc",
				"last_name": "Gagnon",
				"email": "luc.gagnon@example.com",
				"phone": "450 555 0199",
			},
		)
		self.assertEqual(waitlist.status_code, 200, waitlist.text[:300])
		lead = waitlist.json()["message"]["lead"]
		business = self.post(
			"gigafibre_fsm.api.website.request_business_quote",
			{
				"company": "Ferme Gagnon inc.",
				"first_name": "Luc",
				"last_name": "Gagnon",
				"email": "luc.gagnon@example.com",
				"phone": "450 555 0199",
				"address": "1200 rang Saint-Joseph, Saint-Adrien",
				"needs": "Fibre 1 Gb pour 3 bâtiments",
			},
		)
		self.assertEqual(business.status_code, 200, business.text[:300])
		issue = business.json()["message"]["issue"]
		frappe.db.rollback()
		self.addCleanup(self.delete_lead, lead, issue)
		values = frappe.db.get_value(
			"Lead", lead, ["lead_type", "service_city", "rqa_address_id", "_user_tags"], as_dict=True
		)
		self.assertEqual(values.service_city, "Saint-Adrien")
		self.assertIn("Saint-Adrien", values._user_tags)
		self.assertEqual(values.lead_type, "Enterprise")  # the same person, now asking as a business
		self.assertTrue(
			frappe.db.get_value("Issue", issue, "subject").startswith("Soumission fibre entreprise")
		)

	def delete_lead(self, lead, issue):
		frappe.db.rollback()
		frappe.delete_doc("Issue", issue, force=True, ignore_permissions=True)
		frappe.delete_doc("Lead", lead, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep

	def api_user(self, email: str, *roles: str) -> dict:
		from gigafibre_fsm.tests.utils import make_user

		make_user(email, *roles)
		user = frappe.get_doc("User", email)
		secret = frappe.generate_hash(length=15)
		user.api_key = user.api_key or frappe.generate_hash(length=15)
		user.api_secret = secret
		user.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		return {"Authorization": f"token {user.api_key}:{secret}"}

	def test_an_agent_orders_by_phone_without_a_card(self):
		agent = self.api_user("agente-commandes@gigafibre.test", "Sales Agent")
		technician = self.api_user("tech-commandes@gigafibre.test", "Field Technician")
		body = order_body(self.address.name, send_payment_link=["sms"])
		body["items"].append({"sku": "RAB_X", "qty": 1})
		refused = self.post("gigafibre_fsm.api.desk.checkout", body, headers=technician)
		self.assertEqual(refused.status_code, 403, refused.text[:300])
		response = self.track(self.post("gigafibre_fsm.api.desk.checkout", body, headers=agent))
		self.assertEqual(response.status_code, 200, response.text[:500])
		answer = response.json()["message"]
		self.assertIsNone(answer["payment_method"])
		self.assertIn("RAB_X", [line["sku"] for line in answer["quote"]["lines"]])
		frappe.db.rollback()
		order = frappe.get_doc("Web Order", answer["order_id"])
		self.assertEqual((order.source, order.agent), ("Desk", "agente-commandes@gigafibre.test"))
		self.assertEqual(order.payment_link_channels, "sms")
		# The website may not grant itself the special discount.
		website = self.checkout(self.body(items=[{"sku": "FTTH25", "qty": 1}, {"sku": "RAB_X", "qty": 1}]))
		self.assertEqual(website.status_code, 417)
		self.assertIn("items[1].sku", messages(website))

	def test_the_payment_link_of_an_agent_order_saves_a_card(self):
		from gigafibre_fsm.integrations import stripe_api
		from gigafibre_fsm.orders import payment_link, tasks

		agent = self.api_user("agente-lien@gigafibre.test", "Sales Agent")
		body = order_body(self.address.name, send_payment_link=["email"])
		response = self.track(self.post("gigafibre_fsm.api.desk.checkout", body, headers=agent))
		self.assertEqual(response.status_code, 200, response.text[:300])
		order = response.json()["message"]["order_id"]
		frappe.db.rollback()
		for name in frappe.get_all("Order Notification", {"web_order": order}, pluck="name"):
			tasks.send_notification(name)
		expires = payment_link.link_expiry()
		token = payment_link.payment_token(order, expires)
		texts = [r["body"]["Messages"][0]["TextPart"] for r in self.world.mailjet.sent()]
		self.assertEqual(len([t for t in texts if f"jeton={token}&expire={expires}" in t]), 1)

		wrong = self.get(
			"gigafibre_fsm.api.website.payment_link", commande=order, jeton="x" * 32, expire=expires
		)
		self.assertEqual(wrong.status_code, 404)
		# An expired link and a link of another version (revoked) do not work.
		past = expires - 40 * 86400
		old = self.get(
			"gigafibre_fsm.api.website.payment_link",
			commande=order,
			jeton=payment_link.payment_token(order, past),
			expire=past,
		)
		self.assertEqual(old.status_code, 404)
		link = self.get("gigafibre_fsm.api.website.payment_link", commande=order, jeton=token, expire=expires)
		self.assertEqual(link.status_code, 200, link.text[:300])
		secret = link.json()["message"]["client_secret"]
		# What Stripe Elements does in the page with the client secret.
		stripe_api.client().setup_intents.confirm(
			secret.split("_secret_")[0],
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
		saved = self.post(
			"gigafibre_fsm.api.website.confirm_payment_link",
			{"commande": order, "jeton": token, "expire": expires},
		)
		self.assertEqual(saved.status_code, 200, saved.text[:300])
		frappe.db.rollback()
		method = frappe.get_doc("Payment Method", frappe.db.get_value("Web Order", order, "payment_method"))
		self.assertEqual(method.card_last4, "4242")
		self.assertTrue(method.get_password("stripe_payment_method_id").startswith("pm_"))
		again = self.get(
			"gigafibre_fsm.api.website.payment_link", commande=order, jeton=token, expire=expires
		).json()["message"]
		self.assertTrue(again["saved"])
		self.assertIsNone(again["client_secret"])
		payment_link.revoke(order)
		frappe.db.commit()  # nosemgrep: the served site reads it
		revoked = self.get(
			"gigafibre_fsm.api.website.payment_link", commande=order, jeton=token, expire=expires
		)
		self.assertEqual(revoked.status_code, 404)

	def test_the_rate_limit_answers_429(self):
		self.world.set_config(gigafibre_rate_limits={"request_business_quote": 2, "checkout": 100000})
		try:
			codes = [
				self.post("gigafibre_fsm.api.website.request_business_quote", {"company": ""}).status_code
				for _ in range(3)
			]
		finally:
			self.world.set_config(
				gigafibre_rate_limits={"checkout": 100000, "start_payment": 100000, "quote": 100000}
			)
			frappe.cache.delete_keys("rl:")
		self.assertEqual(codes, [417, 417, 429])


def _days_ahead(start: int, end: int):
	today = frappe.utils.getdate()
	return [frappe.utils.getdate(frappe.utils.add_days(today, n)) for n in range(start, end + 1)]
