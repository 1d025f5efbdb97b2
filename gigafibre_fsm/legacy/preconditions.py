"""What a site must hold before the legacy import writes anything, checked before its first write.

The import writes records that lean on what ERPNext's setup wizard and the app's own set-up
make: the company the app sells for (the quotes are its), its currency and a selling price
list, the item group and unit of the products, the customer groups of the accounts, an
address template for Canadian addresses. ``gigafibre_fsm.setup.site.ensure()`` makes the
app's part on any site whose wizard is finished (it runs after install, at the wizard's end
and on every migrate); :func:`check` runs it too when something is missing, then refuses the
run — a dry run as well — when something still is, naming each thing and what to do, before
the run's first write. A run that starts therefore never has a row refused because the site was not set up.

:func:`site_setup` is the same reading without the check: what the steps link their records
to (the second lane of a run reads it in its own process).
"""

from dataclasses import dataclass, field

import frappe
from frappe import _

from gigafibre_fsm.exceptions import SetupIncompleteError
from gigafibre_fsm.legacy import clean
from gigafibre_fsm.setup import site

COUNTRY = "Canada"


class ImportPreconditionError(SetupIncompleteError):
	"""The site lacks what the legacy import writes into: the message says what to do."""


@dataclass
class SiteSetup:
	"""What the import's records link to on this site."""

	company: str | None = None
	currency: str | None = None
	price_list: str | None = None
	territory: str | None = None
	item_group: str = site.ITEM_GROUP
	uom: str = site.UOM
	problems: list[str] = field(default_factory=list)


# What each step writes into, beyond the setup wizard and the company every run needs.
NEEDS = {
	"account": ("customer_groups", "address_template"),
	"product": ("item_group", "uom"),
	"soumission": ("price_list", "uom"),
}


def check(steps) -> SiteSetup:
	"""The setup the steps need, what the app's set-up makes made first where it is missing,
	or a refusal of the run.

	Raises :class:`ImportPreconditionError` with every missing thing and what to do; the
	caller has written nothing yet (what ``ensure`` made is rolled back with the refusal).
	"""
	setup = site_setup(steps)
	if setup.problems:
		# What the app's set-up makes, made now (only then: ensure() writes a site default,
		# which clears every cache of the site).
		site.ensure()
		setup = site_setup(steps)
	if setup.problems:
		frappe.db.rollback()
		frappe.throw(
			_("The legacy import cannot start on this site: {0}").format(" ".join(setup.problems)),
			ImportPreconditionError,
			title=_("Setup incomplete"),
		)
	return setup


def site_setup(steps=()) -> SiteSetup:
	"""The site's setup as the import uses it, with what is missing for ``steps``."""
	setup = SiteSetup()
	problems = setup.problems
	if not wizard_done():
		problems.append(
			_(
				"Finish the setup wizard of this site first (its company, currency and chart of accounts), then run the import again."
			)
		)
		return setup
	setup.company = site.settings_values("company").company
	if not setup.company or not frappe.db.exists("Company", setup.company):
		problems.append(
			_(
				"Set the Company in Gigafibre Settings: the legacy customers, quotes and work orders are that company's."
			)
		)
	else:
		setup.currency = frappe.get_cached_value("Company", setup.company, "default_currency")
	setup.territory = territory()
	needs = {need for step in steps for need in NEEDS.get(step, ())}
	if "customer_groups" in needs:
		for group in clean.CUSTOMER_GROUP.values():
			if not frappe.db.exists("Customer Group", group):
				problems.append(
					_(
						"Customer Group {0} is missing: create it (bench migrate makes it on a site whose setup wizard is finished)."
					).format(group)
				)
	if "address_template" in needs and not address_template():
		problems.append(
			_("No Address Template for {0} and no default one: create an Address Template for {0}.").format(
				COUNTRY
			)
		)
	if "item_group" in needs and not frappe.db.exists("Item Group", setup.item_group):
		problems.append(
			_(
				"Item Group {0} is missing: create it (bench migrate makes it on a site whose setup wizard is finished)."
			).format(setup.item_group)
		)
	if "uom" in needs and not frappe.db.exists("UOM", setup.uom):
		problems.append(_("UOM {0} is missing: create it (bench migrate makes it).").format(setup.uom))
	if "price_list" in needs:
		setup.price_list = selling_price_list()
		if not setup.price_list:
			problems.append(
				_(
					"No selling price list for the legacy quotes: set the Selling Price List in Gigafibre Settings (or the Default Price List in Selling Settings)."
				)
			)
		elif setup.currency:
			currency = frappe.db.get_value("Price List", setup.price_list, "currency")
			if currency and currency != setup.currency:
				problems.append(
					_(
						"Price List {0} is in {1}, company {2} in {3}: set a selling price list in {3} in Gigafibre Settings."
					).format(setup.price_list, currency, setup.company, setup.currency)
				)
	return setup


def wizard_done() -> bool:
	"""ERPNext's setup wizard finished: it says so, and made a company and the item groups."""
	return bool(
		frappe.db.get_single_value("System Settings", "setup_complete")
		and frappe.db.a_row_exists("Company")
		and frappe.db.exists("Item Group", {"is_group": 1})
	)


def address_template() -> str | None:
	"""The template a Canadian address is displayed with (frappe's get_address_templates)."""
	return frappe.db.exists("Address Template", COUNTRY) or frappe.db.get_value(
		"Address Template", {"is_default": 1}, "name"
	)


def selling_price_list() -> str | None:
	"""Gigafibre Settings', else Selling Settings' default, else ERPNext's "Standard Selling"."""
	for name in (
		site.settings_values("selling_price_list").selling_price_list,
		frappe.db.get_single_value("Selling Settings", "selling_price_list"),
		"Standard Selling",
	):
		if name and frappe.db.get_value("Price List", {"name": name, "enabled": 1, "selling": 1}):
			return name
	return None


def territory() -> str | None:
	"""Gigafibre Settings', else Selling Settings' default, else Canada, else the root."""
	for name in (
		site.settings_values("territory").territory,
		frappe.db.get_single_value("Selling Settings", "territory"),
		COUNTRY,
	):
		if name and frappe.db.exists("Territory", name):
			return name
	return frappe.db.get_value("Territory", {"is_group": 1, "parent_territory": ("in", ("", None))}, "name")
