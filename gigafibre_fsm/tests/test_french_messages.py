"""A refusal reaches a French-speaking user in French, through the real request path: in the
desk (a session of a user whose language is French) and over the API (the request's language)."""

import frappe
from frappe.tests.test_api import FrappeAPITestCase

from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_customer, make_user

test_ignore = ERPNEXT_DOCTYPES

AGENT = "agente-fr@gigafibre.test"


class TestFrenchMessages(FrappeAPITestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(AGENT, "Sales Agent")
		user = frappe.get_doc("User", AGENT)
		user.language = "fr"
		secret = frappe.generate_hash(length=15)
		user.api_key = user.api_key or frappe.generate_hash(length=15)
		user.api_secret = secret
		user.new_password = "Gigafibre-fr-2026!"
		user.save(ignore_permissions=True)
		cls.token = f"token {user.api_key}:{secret}"
		cls.customer = make_customer().name
		frappe.db.commit()  # nosemgrep: the request reads through another connection

	@classmethod
	def tearDownClass(cls):
		frappe.delete_doc("Customer", cls.customer, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def tearDown(self):
		# The test client is shared by every HTTP test: forget this test's desk session.
		self.TEST_CLIENT._cookies.clear()
		super().tearDown()

	def refuse_bad_postal_code(self, **request) -> str:
		before = frappe.db.count("Service Location", {"customer": self.customer})
		response = self.post(
			self.resource("Service Location"),
			{
				"customer": self.customer,
				"civic_number": "12",
				"street": "Rue Principale",
				"city": "Saint-Adrien",
				"postal_code": "90210",
			},
			**request,
		)
		self.assertEqual(response.status_code, 417)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Service Location", {"customer": self.customer}), before)
		body = response.get_data(as_text=True).replace("\\u0027", "'")
		self.assertIn("InvalidPostalCodeError", body)
		return body

	def test_in_the_desk_for_a_french_user(self):
		login = self.post("/api/method/login", {"usr": AGENT, "pwd": "Gigafibre-fr-2026!"})
		self.assertEqual(login.status_code, 200)
		sid = login.headers.get("Set-Cookie").split("sid=")[1].split(";")[0]
		body = self.refuse_bad_postal_code(headers={"Cookie": f"sid={sid}"})
		self.assertIn("n'est pas un code postal canadien", body)

	def test_over_the_api_in_the_requests_language(self):
		body = self.refuse_bad_postal_code(
			headers={"Authorization": self.token, "Accept-Language": "fr-CA,fr;q=0.9"}
		)
		self.assertIn("n'est pas un code postal canadien", body)
		body = self.refuse_bad_postal_code(headers={"Authorization": self.token, "Accept-Language": "en"})
		self.assertIn("is not a Canadian postal code", body)
