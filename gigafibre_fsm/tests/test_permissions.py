"""The permission matrix (roles.py) walked through Frappe's real checks, role by role and
right by right: `frappe.has_permission`, `frappe.get_list`, and `/api/resource` over HTTP.

A user of one of our roles also holds the roles every desk user has ("All", "Desk User"):
what those grant on ERPNext's doctypes is ERPNext's business, so it is measured on a desk
user without our roles and added to what the matrix expects, never assumed.
"""

import frappe
from frappe.tests.test_api import FrappeAPITestCase
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.roles import MATRIX, STAFF_ROLES, rights
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_user

test_ignore = ERPNEXT_DOCTYPES

CHECKED = ("read", "write", "create", "delete", "submit", "export", "print", "share", "report")
BASELINE = "matrix-baseline@gigafibre.test"


def role_user(role: str) -> str:
	return make_user(f"matrix-{role.lower().replace(' ', '-')}@gigafibre.test", role)


def baseline_user() -> str:
	"""A desk user with none of our roles: only the ones Frappe gives every desk user."""
	if not frappe.db.exists("User", BASELINE):
		frappe.get_doc(
			{"doctype": "User", "email": BASELINE, "first_name": "Baseline", "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	frappe.db.set_value("User", BASELINE, "user_type", "System User")
	frappe.clear_cache(user=BASELINE)
	return BASELINE


def granted(doctype: str, user: str) -> set[str]:
	return {r for r in CHECKED if frappe.has_permission(doctype, r, user=user)}


def expected(doctype: str, role: str) -> set[str]:
	"""The matrix's rights for ``role``, plus whatever every desk user already has there."""
	return (set(rights(doctype, role)) & set(CHECKED)) | granted(doctype, BASELINE)


def listable(doctype: str) -> bool:
	return not frappe.get_meta(doctype).issingle


class TestPermissionMatrix(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.users = {role: role_user(role) for role in STAFF_ROLES}
		baseline_user()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_has_permission_follows_the_matrix(self):
		for doctype in MATRIX:
			for role, user in self.users.items():
				self.assertEqual(granted(doctype, user), expected(doctype, role), f"{role} on {doctype}")

	def test_lists_follow_the_matrix(self):
		for doctype in filter(listable, MATRIX):
			for role, user in self.users.items():
				frappe.set_user(user)
				if "read" in expected(doctype, role):
					frappe.get_list(doctype, limit=1)
				else:
					with self.assertRaises(frappe.PermissionError, msg=f"{role} listed {doctype}"):
						frappe.get_list(doctype, limit=1)
				frappe.set_user("Administrator")

	def test_no_role_of_ours_adds_sharing(self):
		for doctype in MATRIX:
			if "share" in granted(doctype, BASELINE):
				continue  # ERPNext lets every desk user share this one
			for role, user in self.users.items():
				self.assertFalse(
					frappe.has_permission(doctype, "share", user=user), f"{role} shares {doctype}"
				)


class TestPermissionMatrixOverHTTP(FrappeAPITestCase):
	"""`GET /api/resource/<doctype>`: 200 for the roles that read it, 403 for the others."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tokens = {}
		for role in STAFF_ROLES:
			user = role_user(role)
			doc = frappe.get_doc("User", user)
			secret = frappe.generate_hash(length=15)
			doc.api_key = doc.api_key or frappe.generate_hash(length=15)
			doc.api_secret = secret
			doc.save(ignore_permissions=True)
			cls.tokens[role] = f"token {doc.api_key}:{secret}"
		baseline_user()
		frappe.db.commit()  # nosemgrep: the requests read through another connection

	def test_rest_api_follows_the_matrix(self):
		for doctype in filter(listable, MATRIX):
			for role in STAFF_ROLES:
				response = self.get(
					self.resource(doctype) + "?limit_page_length=1",
					headers={"Authorization": self.tokens[role]},
				)
				want = 200 if "read" in expected(doctype, role) else 403
				self.assertEqual(response.status_code, want, f"{role} GET {doctype}")
