import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES

test_ignore = ERPNEXT_DOCTYPES


class TestGigafibreSettings(FrappeTestCase):
	def test_integration_keys_are_passwords(self):
		meta = frappe.get_meta("Gigafibre Settings")
		for fieldname in (
			"stripe_secret_key",
			"stripe_webhook_secret",
			"twilio_auth_token",
			"mailjet_api_secret",
			"acs_password",
			"legacy_db_password",
		):
			self.assertEqual(meta.get_field(fieldname).fieldtype, "Password", fieldname)
		settings = frappe.get_single("Gigafibre Settings")
		settings.stripe_secret_key = "sk_test_123"
		settings.save()
		self.assertEqual(settings.get_password("stripe_secret_key"), "sk_test_123")
		self.assertNotIn(
			"sk_test_123",
			str(frappe.db.sql("select field, value from tabSingles where doctype = 'Gigafibre Settings'")),
		)
