"""Every whitelisted method of the app declares its argument types.

Frappe 15.45 does not read `require_type_annotated_api_methods`, so the rule is held here:
the test imports every module of the app (registering its endpoints) and walks
`frappe.whitelisted`.
"""

import importlib
import inspect
import pkgutil

import frappe
from frappe.tests.utils import FrappeTestCase

import gigafibre_fsm
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES

test_ignore = ERPNEXT_DOCTYPES


def import_every_module() -> None:
	for module in pkgutil.walk_packages(gigafibre_fsm.__path__, "gigafibre_fsm."):
		if ".tests" in module.name or ".patches." in module.name:
			continue
		importlib.import_module(module.name)


def endpoints() -> list:
	import_every_module()
	return [fn for fn in frappe.whitelisted if getattr(fn, "__module__", "").startswith("gigafibre_fsm.")]


class TestAPIContract(FrappeTestCase):
	def test_every_endpoint_declares_its_argument_types(self):
		found = endpoints()
		self.assertIn("gigafibre_fsm.field_service.queries", {fn.__module__ for fn in found})
		untyped = {}
		for fn in found:
			params = inspect.signature(fn).parameters.values()
			missing = [
				p.name
				for p in params
				if p.annotation is inspect.Parameter.empty
				and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
				# A form's button is a method of its document.
				and p.name != "self"
			]
			if missing:
				untyped[f"{fn.__module__}.{fn.__qualname__}"] = missing
		self.assertEqual(untyped, {})

	def test_guest_endpoints_are_few_and_named(self):
		guests = {f"{fn.__module__}.{fn.__qualname__}" for fn in endpoints() if fn in frappe.guest_methods}
		# Only the website's endpoints, and Stripe's webhook (its signature is its login), may be
		# called without logging in.
		self.assertTrue(
			all(
				name.startswith("gigafibre_fsm.api.website.") or name == "gigafibre_fsm.api.stripe.webhook"
				for name in guests
			),
			guests,
		)
