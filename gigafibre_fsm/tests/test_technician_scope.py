"""A Field Technician reads the customers, locations, subscriptions, equipment, phone lines,
projects and tickets of the jobs they are assigned to, and nothing else; no money; edits
equipment only through their jobs; the Dispatch Job's child tables stay within their jobs."""

import frappe
import frappe.client
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.tests.utils import (
	ERPNEXT_DOCTYPES,
	make_customer,
	make_dispatch_job,
	make_equipment,
	make_service_location,
	make_subscription,
	make_user,
)

test_ignore = ERPNEXT_DOCTYPES

TECH = "scope-tech@gigafibre.test"
OTHER_TECH = "scope-other@gigafibre.test"
TECH_AND_SUPPORT = "scope-tech-support@gigafibre.test"


def make_world(technician: str) -> dict:
	"""A customer with a location, services, equipment, a line, a project, a ticket and a job."""
	location = make_service_location()
	customer = location.customer
	project = frappe.get_doc(
		{
			"doctype": "Project",
			"project_name": f"Installation - {frappe.generate_hash(length=6)}",
			"customer": customer,
		}
	).insert(ignore_permissions=True)
	issue = frappe.get_doc(
		{
			"doctype": "Issue",
			"subject": "Pas de signal",
			"customer": customer,
			"service_location": location.name,
		}
	).insert(ignore_permissions=True)
	equipment = make_equipment(location)
	world = {
		"Customer": customer,
		"Service Location": location.name,
		"Service Subscription": make_subscription(location).name,
		"Service Equipment": equipment.name,
		"VoIP Line": frappe.get_doc(
			{
				"doctype": "VoIP Line",
				"did": "819" + str(2000000 + int(frappe.generate_hash(length=5), 16) % 7999999),
				"customer": customer,
				"service_location": location.name,
			}
		)
		.insert(ignore_permissions=True)
		.name,
		"Project": project.name,
		"Issue": issue.name,
	}
	for team in ("Field Technician", "Gigafibre Support"):
		world[f"Task {team}"] = (
			frappe.get_doc(
				{"doctype": "Task", "subject": f"Tâche {team}", "project": project.name, "team": team}
			)
			.insert(ignore_permissions=True)
			.name
		)
	world["Task"] = world["Task Field Technician"]
	world["Dispatch Job"] = make_dispatch_job(
		location,
		[technician],
		project=project.name,
		issue=issue.name,
		equipment=[{"equipment_type": "ONT", "service_equipment": equipment.name}],
	).name
	world["Payment Arrangement"] = (
		frappe.get_doc(
			{
				"doctype": "Payment Arrangement",
				"customer": customer,
				"amount": 100,
				"due_date": frappe.utils.add_days(frappe.utils.nowdate(), 10),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	world["Payment Method"] = (
		frappe.get_doc(
			{
				"doctype": "Payment Method",
				"customer": customer,
				"processor": "Stripe",
				"stripe_customer_id": "cus_X",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	return world


SCOPED = (
	"Customer",
	"Service Location",
	"Service Subscription",
	"Service Equipment",
	"VoIP Line",
	"Project",
	"Task",
	"Issue",
	"Dispatch Job",
)


class TestTechnicianScope(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(TECH, "Field Technician")
		make_user(OTHER_TECH, "Field Technician")
		make_user(TECH_AND_SUPPORT, "Field Technician", "Gigafibre Support")
		cls.mine = make_world(TECH)
		cls.theirs = make_world(OTHER_TECH)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_reads_the_records_of_own_jobs_and_nothing_else(self):
		for doctype in SCOPED:
			with self.subTest(doctype=doctype):
				self.assertTrue(frappe.has_permission(doctype, "read", self.mine[doctype], user=TECH))
				self.assertFalse(frappe.has_permission(doctype, "read", self.theirs[doctype], user=TECH))
				frappe.set_user(TECH)
				names = set(frappe.get_list(doctype, pluck="name", limit=0))
				frappe.set_user("Administrator")
				self.assertIn(self.mine[doctype], names)
				self.assertNotIn(self.theirs[doctype], names)

	def test_changes_only_the_technicians_tasks_of_own_jobs(self):
		self.assertTrue(frappe.has_permission("Task", "write", self.mine["Task Field Technician"], user=TECH))
		self.assertTrue(frappe.has_permission("Task", "read", self.mine["Task Gigafibre Support"], user=TECH))
		self.assertFalse(
			frappe.has_permission("Task", "write", self.mine["Task Gigafibre Support"], user=TECH)
		)
		self.assertFalse(
			frappe.has_permission("Task", "write", self.theirs["Task Field Technician"], user=TECH)
		)
		self.assertFalse(frappe.has_permission("Task", "create", user=TECH))
		self.assertFalse(
			frappe.has_permission("Task", "delete", self.mine["Task Field Technician"], user=TECH)
		)

	def test_opening_another_customer_is_refused(self):
		frappe.set_user(TECH)
		with self.assertRaises(frappe.PermissionError):
			frappe.client.get("Customer", self.theirs["Customer"])
		with self.assertRaises(frappe.PermissionError):
			frappe.client.get("Service Location", self.theirs["Service Location"])
		self.assertEqual(frappe.client.get("Customer", self.mine["Customer"])["name"], self.mine["Customer"])

	def test_no_money(self):
		frappe.set_user(TECH)
		for doctype in (
			"Payment Method",
			"Payment Arrangement",
			"Sales Invoice",
			"Payment Entry",
			"Suspension Log",
		):
			with self.subTest(doctype=doctype), self.assertRaises(frappe.PermissionError):
				frappe.get_list(doctype, limit=1)
		frappe.set_user("Administrator")
		for doctype in ("Payment Method", "Payment Arrangement"):
			self.assertFalse(frappe.has_permission(doctype, "read", self.mine[doctype], user=TECH))

	def test_cannot_export_or_share(self):
		for doctype in SCOPED:
			for ptype in ("export", "share"):
				self.assertFalse(frappe.has_permission(doctype, ptype, user=TECH), f"{ptype} {doctype}")

	def test_edits_equipment_only_through_own_jobs(self):
		frappe.set_user(TECH)
		mine = frappe.get_doc("Service Equipment", self.mine["Service Equipment"])
		mine.brand = "Huawei"
		mine.save()
		theirs = frappe.get_doc("Service Equipment", self.theirs["Service Equipment"])
		theirs.brand = "Huawei"
		with self.assertRaises(frappe.PermissionError):
			theirs.save()
		self.assertFalse(frappe.has_permission("Service Equipment", "create", user=TECH))
		customer = frappe.get_doc("Customer", self.mine["Customer"])
		customer.customer_name = "Renommé"
		with self.assertRaises(frappe.PermissionError):
			customer.save()

	def test_child_tables_stay_within_own_jobs(self):
		frappe.set_user(TECH)
		for child in ("Dispatch Job Technician", "Dispatch Job Equipment"):
			rows = frappe.client.get_list(
				child, fields=["parent"], parent="Dispatch Job", limit_page_length=0
			)
			parents = {r["parent"] for r in rows}
			self.assertIn(self.mine["Dispatch Job"], parents, child)
			self.assertNotIn(self.theirs["Dispatch Job"], parents, child)

	def test_a_work_order_without_location_opens_the_customers_services(self):
		customer = make_customer().name
		location = make_service_location(customer=customer)
		sub = make_subscription(location)
		make_dispatch_job(location, [TECH], service_location=None, customer=customer)
		self.assertTrue(frappe.has_permission("Service Subscription", "read", sub.name, user=TECH))
		self.assertFalse(frappe.has_permission("Service Location", "read", location.name, user=TECH))

	def test_a_technician_who_is_also_support_sees_everything_support_sees(self):
		self.assertTrue(
			frappe.has_permission("Customer", "read", self.theirs["Customer"], user=TECH_AND_SUPPORT)
		)
		frappe.set_user(TECH_AND_SUPPORT)
		names = set(frappe.get_list("Dispatch Job", pluck="name", limit=0))
		self.assertTrue({self.mine["Dispatch Job"], self.theirs["Dispatch Job"]} <= names)
