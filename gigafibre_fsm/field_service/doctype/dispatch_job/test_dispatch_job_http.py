"""A technician's access to dispatch jobs through the real HTTP request path (REST API with
token authentication), as the field app calls it. The requests run in their own database
connection, so this test commits its records and deletes them afterwards."""

import json
from urllib.parse import quote

import frappe
from frappe.tests.test_api import FrappeAPITestCase

from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_dispatch_job, make_service_location, make_user

test_ignore = ERPNEXT_DOCTYPES

TECH_A = "http-tech-a@gigafibre.test"
TECH_B = "http-tech-b@gigafibre.test"


class TestDispatchJobOverHTTP(FrappeAPITestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tokens = {}
		for user in (TECH_A, TECH_B):
			make_user(user, "Field Technician")
			doc = frappe.get_doc("User", user)
			secret = frappe.generate_hash(length=15)
			doc.api_key = doc.api_key or frappe.generate_hash(length=15)
			doc.api_secret = secret
			doc.save(ignore_permissions=True)
			cls.tokens[user] = f"token {doc.api_key}:{secret}"
		cls.location = make_service_location()
		cls.job_a = make_dispatch_job(cls.location, [TECH_A]).name
		cls.job_b = make_dispatch_job(cls.location, [TECH_B]).name
		frappe.db.commit()  # nosemgrep: the HTTP requests read through another connection

	@classmethod
	def tearDownClass(cls):
		for name in (cls.job_a, cls.job_b):
			frappe.delete_doc("Dispatch Job", name, force=True, ignore_permissions=True)
		frappe.delete_doc("Service Location", cls.location.name, force=True, ignore_permissions=True)
		frappe.delete_doc("Customer", cls.location.customer, force=True, ignore_permissions=True)
		for user in (TECH_A, TECH_B):
			frappe.delete_doc("User", user, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		super().tearDownClass()

	def as_user(self, user: str) -> dict:
		return {"headers": {"Authorization": self.tokens[user]}}

	def test_own_job_is_readable_and_another_technicians_is_forbidden(self):
		response = self.get(self.resource("Dispatch Job", self.job_a), **self.as_user(TECH_A))
		self.assertEqual(response.status_code, 200)
		self.assertEqual(response.json["data"]["name"], self.job_a)
		response = self.get(self.resource("Dispatch Job", self.job_b), **self.as_user(TECH_A))
		self.assertEqual(response.status_code, 403)

	def test_list_holds_only_own_jobs(self):
		path = self.resource("Dispatch Job") + "?limit_page_length=0&fields=" + quote(json.dumps(["name"]))
		response = self.get(path, **self.as_user(TECH_B))
		self.assertEqual(response.status_code, 200)
		names = {row["name"] for row in response.json["data"]}
		self.assertIn(self.job_b, names)
		self.assertNotIn(self.job_a, names)

	def test_child_rows_of_other_jobs_are_not_listed(self):
		for child in ("Dispatch Job Technician", "Dispatch Job Equipment", "Dispatch Job Tag"):
			path = (
				self.resource(child)
				+ "?parent=Dispatch%20Job&limit_page_length=0&fields="
				+ quote(json.dumps(["parent"]))
			)
			response = self.get(path, **self.as_user(TECH_A))
			self.assertEqual(response.status_code, 200, child)
			parents = {row["parent"] for row in response.json["data"]}
			self.assertNotIn(self.job_b, parents, child)
			if child == "Dispatch Job Technician":
				self.assertIn(self.job_a, parents)

	def test_cannot_update_another_technicians_job(self):
		response = self.put(
			self.resource("Dispatch Job", self.job_b), {"notes": "pas mon travail"}, **self.as_user(TECH_A)
		)
		self.assertEqual(response.status_code, 403)
		self.assertNotEqual(frappe.db.get_value("Dispatch Job", self.job_b, "notes"), "pas mon travail")
