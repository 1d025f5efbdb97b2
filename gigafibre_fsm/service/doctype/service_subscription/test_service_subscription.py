import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.exceptions import (
	CustomerMismatchError,
	IncompleteRecordError,
	InvalidAmountError,
	InvalidDateRangeError,
	StatusTransitionError,
)
from gigafibre_fsm.tests.utils import (
	ERPNEXT_DOCTYPES,
	make_customer,
	make_item,
	make_service_location,
	make_subscription,
	update_doc,
)

test_ignore = ERPNEXT_DOCTYPES


class TestServiceSubscription(FrappeTestCase):
	def test_customer_comes_from_location_and_must_match(self):
		location = make_service_location()
		make_item("FTTH80I")
		sub = frappe.get_doc(
			{
				"doctype": "Service Subscription",
				"service_location": location.name,
				"item": "FTTH80I",
				"rate": 79.95,
			}
		).insert()
		self.assertEqual(sub.customer, location.customer)
		self.assertEqual(sub.service_type, "internet")
		with self.assertRaises(CustomerMismatchError):
			make_subscription(location, customer=make_customer().name)

	def test_commitment_end_date(self):
		sub = make_subscription(make_service_location(), start_date="2026-01-15", commitment_months=24)
		self.assertEqual(str(sub.commitment_end_date), "2028-01-15")

	def test_end_cannot_precede_start(self):
		with self.assertRaises(InvalidDateRangeError):
			make_subscription(make_service_location(), start_date="2026-03-01", end_date="2026-02-28")

	def test_status_flow(self):
		name = make_subscription(make_service_location()).name
		with self.assertRaises(IncompleteRecordError):
			update_doc("Service Subscription", name, status="Active")
		update_doc("Service Subscription", name, status="Active", start_date="2026-11-01")
		with self.assertRaises(StatusTransitionError):  # needs a reason
			update_doc("Service Subscription", name, status="Cancelled")
		update_doc("Service Subscription", name, status="Cancelled", status_reason="Résiliation")
		with self.assertRaises(StatusTransitionError):
			update_doc("Service Subscription", name, status="Active")

	def test_a_new_subscription_starts_pending(self):
		with self.assertRaises(StatusTransitionError):
			make_subscription(make_service_location(), status="Active", start_date="2026-11-01")

	def test_only_discounts_are_negative(self):
		location = make_service_location()
		with self.assertRaises(InvalidAmountError):
			make_subscription(location, rate=-5)
		make_item("RAB2X", service_type="discount")
		sub = make_subscription(location, item="RAB2X", rate=-5)
		self.assertEqual(sub.rate, -5)

	def test_a_legacy_active_service_may_have_an_unknown_start_date(self):
		location = make_service_location()
		make_item("FTTH150I")
		values = {
			"doctype": "Service Subscription",
			"service_location": location.name,
			"customer": location.customer,
			"item": "FTTH150I",
			"rate": 99.95,
			"status": "Active",
			"start_date_unknown": 1,
		}
		# From the desk the flag is not the user's to set (the field is read-only).
		desk = make_subscription(location).name
		update_doc("Service Subscription", desk, status="Active", start_date="2026-11-01")
		with self.assertRaises(IncompleteRecordError):
			update_doc("Service Subscription", desk, start_date=None, start_date_unknown=1)
		legacy = frappe.get_doc({**values, "legacy_service_id": f"test-{frappe.generate_hash(length=8)}"})
		legacy.flags.in_import = True
		legacy.insert()
		update_doc("Service Subscription", legacy.name, notes="Client depuis 2012")
		self.assertEqual(frappe.db.get_value("Service Subscription", legacy.name, "start_date_unknown"), 1)
		update_doc("Service Subscription", legacy.name, start_date="2012-05-01")
		self.assertEqual(frappe.db.get_value("Service Subscription", legacy.name, "start_date_unknown"), 0)

	def test_the_radius_account_of_a_service_without_equipment_is_encrypted(self):
		from frappe.utils.password import get_decrypted_password

		sub = make_subscription(
			make_service_location(), radius_username="gf4242", radius_password="s3cret-pw"
		)
		self.assertNotIn(
			"s3cret-pw", frappe.db.get_value("Service Subscription", sub.name, "radius_password")
		)
		self.assertEqual(
			get_decrypted_password("Service Subscription", sub.name, "radius_password"), "s3cret-pw"
		)
