"""The bulk writer of the legacy import runs the same checks as a save: each recipe must call
what its controller's validate() calls, in the same order, and the Frappe and ERPNext code
the recipes stand for must be the code they were written against (a new version fails here
until the recipes are reviewed)."""

import hashlib
import inspect

import pytest

from gigafibre_fsm.legacy import bulk
from gigafibre_fsm.legacy.bulk import EXTRA, RECIPES, REPLACED, recipe_calls


def controller_validate_calls(doctype: str) -> list[str]:
	if doctype == "Address":
		from erpnext.accounts.custom.address import ERPNextAddress
		from frappe.contacts.doctype.address.address import Address

		calls = recipe_calls(ERPNextAddress.validate)
		position = calls.index("validate")  # super().validate()
		return calls[:position] + recipe_calls(Address.validate) + calls[position + 1 :]
	return recipe_calls(controller(doctype).validate)


def controller(doctype: str):
	"""The controller class, imported without a site (frappe.get_controller needs one)."""
	import importlib
	from pathlib import Path

	paths = {
		"Customer": "erpnext.selling.doctype.customer.customer",
		"Contact": "frappe.contacts.doctype.contact.contact",
		"User": "frappe.core.doctype.user.user",
		"Quotation": "erpnext.selling.doctype.quotation.quotation",
	}
	folder = doctype.lower().replace(" ", "_")
	if doctype not in paths:
		(path,) = Path(bulk.__file__).parents[1].glob(f"*/doctype/{folder}/{folder}.py")
		paths[doctype] = f"gigafibre_fsm.{path.parents[2].name}.doctype.{folder}.{folder}"
	return getattr(importlib.import_module(paths[doctype]), doctype.replace(" ", ""))


APP_DOCTYPES = (
	"Service Location",
	"Service Subscription",
	"Service Equipment",
	"Fibre Drop",
	"VoIP Line",
	"Payment Arrangement",
	"Payment Method",
	"Suspension Log",
	"Dispatch Job",
)


@pytest.mark.parametrize("doctype", sorted(RECIPES))
def test_recipe_makes_the_calls_of_its_controller(doctype):
	recipe = RECIPES[doctype][0]
	if recipe in (bulk._controller_validate, bulk._location):
		assert recipe_calls(recipe) == ["validate"]  # the controller's own validate()
		return
	replaced = REPLACED.get(doctype, {})
	expected = [replaced.get(name, name) for name in controller_validate_calls(doctype)]
	actual = [name for name in recipe_calls(recipe) if name not in EXTRA.get(doctype, set())]
	assert actual == expected


def test_every_imported_app_doctype_has_a_recipe():
	assert set(APP_DOCTYPES) <= set(RECIPES)


# The Frappe and ERPNext methods the bulk writer stands for, as they were when it was written.
PINNED = {
	"erpnext.selling.doctype.customer.customer.Customer.validate": "3735ef83452b",
	"erpnext.selling.doctype.customer.customer.Customer.on_update": "f6a1f9e71241",
	"erpnext.selling.doctype.customer.customer.Customer.after_insert": "22af3ddaa365",
	"erpnext.selling.doctype.customer.customer.Customer.autoname": "10cfde056851",
	"frappe.contacts.doctype.contact.contact.Contact.validate": "90b103d1511e",
	"frappe.contacts.doctype.contact.contact.Contact.autoname": "3900dc0d5ec3",
	"frappe.contacts.doctype.address.address.Address.validate": "bb4ea594b538",
	"frappe.contacts.doctype.address.address.Address.autoname": "545dfff2d323",
	"erpnext.accounts.custom.address.ERPNextAddress.validate": "b0d1b630616b",
	"erpnext.accounts.custom.address.ERPNextAddress.on_update": "d1e7ece09566",
	"frappe.core.doctype.user.user.User.validate": "0efbadfa5662",
	"frappe.model.document.Document.insert": "7f89228c7ef2",
	"frappe.model.document.Document._validate": "8fdacad2afcf",
	"frappe.model.document.Document._validate_links": "590cdfa100a7",
	"frappe.model.base_document.BaseDocument.get_invalid_links": "41d7f771e494",
	"frappe.model.document.Document._set_defaults": "49b9383e3763",
	"frappe.model.document.Document.run_before_save_methods": "b31c5d004ce7",
	"frappe.model.document.Document.run_post_save_methods": "96582aceb0d2",
}


@pytest.mark.parametrize("path", sorted(PINNED))
def test_frappe_and_erpnext_code_is_the_one_the_recipes_follow(path):
	import importlib

	module, cls, method = path.rsplit(".", 2)
	function = getattr(getattr(importlib.import_module(module), cls), method)
	digest = hashlib.sha1(inspect.getsource(function).encode()).hexdigest()[:12]
	assert digest == PINNED[path], f"{path} changed: review gigafibre_fsm/legacy/bulk.py, then update PINNED"
