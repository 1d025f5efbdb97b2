"""What the app needs on any set-up ERPNext site, made by the app itself.

A site whose setup wizard some company finished (its own name and abbreviation, Canada, CAD,
the standard chart of accounts) has no TVQ: ERPNext's Canada wizard makes a GST account and
GST, HST and PST templates only. :func:`ensure` makes, where they are missing, the item group
and unit of the services, the customer groups, an address template for Canada, the Selling
Settings the orders rely on (negative rates for discounts), and for the company the app sells
for: the TVQ payable account beside its GST account and the "TPS/TVQ" Sales Taxes and Charges
Template (TPS 5 % and TVQ 9.975 %, each "On Net Total"), recorded in Gigafibre Settings.

It runs after install, when the setup wizard completes and on every migrate; before the wizard
(no company, no root groups) it does nothing yet. Where it cannot choose for the business —
several companies, no GST account to put the TVQ beside — it leaves the setting empty and
:func:`require` later refuses the request that needs it with a 412 naming the setting to set.
"""

import frappe
from frappe import _

from gigafibre_fsm.billing.taxes import TPS_RATE, TVQ_RATE
from gigafibre_fsm.exceptions import SetupIncompleteError
from gigafibre_fsm.setup.install_record import record, remember

ITEM_GROUP = "Services Gigafibre"
UOM = "Nos"
CUSTOMER_GROUPS = ("Résidentiel", "Commercial")
TAX_TEMPLATE = "TPS/TVQ"
STRIPE = "Stripe"
TPS_NAMES = ("TPS", "GST")
TVQ_NAMES = ("TVQ", "QST")
# An address template in the Canada Post order, used where the site has none for Canada.
ADDRESS_TEMPLATE = """{{ address_line1 }}<br>
{% if address_line2 %}{{ address_line2 }}<br>{% endif -%}
{{ city }}{% if state %} {{ state }}{% endif %}{% if pincode %}  {{ pincode }}{% endif %}<br>
{{ country }}<br>
{% if phone %}{{ _("Phone") }}: {{ phone }}<br>{% endif -%}
{% if email_id %}{{ _("Email") }}: {{ email_id }}<br>{% endif -%}
"""

SETTINGS = "Gigafibre Settings"
COMMERCIAL_ROUNDING = "Commercial Rounding"


def after_wizard(args=None) -> None:
	"""setup_wizard_complete: the company exists now."""
	ensure()


def ensure() -> dict:
	"""Make what is missing; return what this run made (for the install and migrate logs)."""
	made: dict[str, list[str]] = {}
	if not _wizard_done():
		return made
	_uom(made)
	_item_group(made)
	_customer_groups(made)
	_address_template(made)
	_selling_settings(made)
	_rounding(made)
	company = _company(made)
	if company:
		_taxes(company, made)
		_card_payments(company, made)
	remember(
		"site",
		[f"{doctype}::{name}" for doctype, names in made.items() for name in names if doctype in REMOVABLE],
	)
	return made


# What uninstall may take back, when nothing uses it (in this order).
REMOVABLE = (
	"Sales Taxes and Charges Template",
	"Account",
	"Address Template",
	"Customer Group",
	"Item Group",
)


def remove_unused() -> None:
	"""Uninstall: the records this app made for the site's sales, unless something uses them
	(an invoice posted to the TVQ account keeps it, a customer keeps its group)."""
	made = [entry.split("::", 1) for entry in record().get("site", [])]
	for doctype in REMOVABLE:
		for kind, name in made:
			if kind != doctype or not frappe.db.exists(doctype, name):
				continue
			frappe.db.savepoint("gf_remove_unused")
			try:
				frappe.delete_doc(doctype, name, ignore_permissions=True)
			except (frappe.LinkExistsError, frappe.ValidationError):
				frappe.db.rollback(save_point="gf_remove_unused")
				frappe.clear_messages()


def _wizard_done() -> bool:
	return bool(frappe.db.a_row_exists("Company") and frappe.db.exists("Item Group", {"is_group": 1}))


def _note(made: dict, kind: str, name: str) -> None:
	made.setdefault(kind, []).append(name)


def _root(doctype: str, parent_field: str) -> str | None:
	return frappe.db.get_value(doctype, {"is_group": 1, parent_field: ("in", ("", None))}, "name")


def _uom(made: dict) -> None:
	if not frappe.db.exists("UOM", UOM):
		frappe.get_doc({"doctype": "UOM", "uom_name": UOM, "must_be_whole_number": 1}).insert(
			ignore_permissions=True
		)
		_note(made, "UOM", UOM)


def _item_group(made: dict) -> None:
	if frappe.db.exists("Item Group", ITEM_GROUP):
		return
	frappe.get_doc(
		{
			"doctype": "Item Group",
			"item_group_name": ITEM_GROUP,
			"parent_item_group": _root("Item Group", "parent_item_group"),
			"is_group": 0,
		}
	).insert(ignore_permissions=True)
	_note(made, "Item Group", ITEM_GROUP)


def _customer_groups(made: dict) -> None:
	root = _root("Customer Group", "parent_customer_group")
	for group in CUSTOMER_GROUPS:
		if not frappe.db.exists("Customer Group", group):
			frappe.get_doc(
				{
					"doctype": "Customer Group",
					"customer_group_name": group,
					"parent_customer_group": root,
					"is_group": 0,
				}
			).insert(ignore_permissions=True)
			_note(made, "Customer Group", group)
	if not frappe.db.get_single_value(SETTINGS, "customer_group"):
		frappe.db.set_single_value(SETTINGS, "customer_group", CUSTOMER_GROUPS[0])


def _address_template(made: dict) -> None:
	"""Every Address needs a template for its country (or a default one)."""
	if frappe.db.exists("Address Template", "Canada") or frappe.db.exists(
		"Address Template", {"is_default": 1}
	):
		return
	if not frappe.db.exists("Country", "Canada"):
		return
	frappe.get_doc(
		{"doctype": "Address Template", "country": "Canada", "template": ADDRESS_TEMPLATE, "is_default": 0}
	).insert(ignore_permissions=True)
	_note(made, "Address Template", "Canada")


def _selling_settings(made: dict) -> None:
	"""Quotations and invoices carry the discounts and the free TV box as negative lines
	(orders/pricing.py), which ERPNext refuses unless Selling Settings allow them."""
	if not frappe.db.get_single_value("Selling Settings", "allow_negative_rates_for_items"):
		frappe.db.set_single_value("Selling Settings", "allow_negative_rates_for_items", 1)
		_note(made, "Selling Settings", "allow_negative_rates_for_items")


def _rounding(made: dict) -> None:
	"""Taxes round half up to the cent (0.005 → 0.01), as the quote does (billing/taxes.py):
	with ERPNext's banker's rounding an invoice would differ from its quote by a cent when a
	tax falls on half a cent (118.90 × 5 % = 5.945)."""
	if frappe.db.get_single_value("System Settings", "rounding_method") != COMMERCIAL_ROUNDING:
		frappe.db.set_single_value("System Settings", "rounding_method", COMMERCIAL_ROUNDING)
		frappe.clear_document_cache("System Settings", "System Settings")
		if hasattr(frappe.local, "system_settings"):
			del frappe.local.system_settings
		_note(made, "System Settings", "rounding_method")


def _company(made: dict) -> str | None:
	"""The company the app sells for: the one in Gigafibre Settings, else the only one."""
	company = frappe.db.get_single_value(SETTINGS, "company")
	if company and frappe.db.exists("Company", company):
		return company
	companies = frappe.get_all("Company", pluck="name", limit=2)
	if len(companies) != 1:
		return None
	frappe.db.set_single_value(SETTINGS, "company", companies[0])
	_note(made, SETTINGS, f"company {companies[0]}")
	return companies[0]


def _tax_account(company: str, names: tuple[str, ...]) -> str | None:
	for account_name in names:
		name = frappe.db.get_value(
			"Account", {"company": company, "account_name": account_name, "is_group": 0}, "name"
		)
		if name:
			return name
	return None


def _taxes(company: str, made: dict) -> None:
	settings = settings_values("tps_account", "tvq_account", "sales_taxes_template")
	tps = settings.tps_account or _tax_account(company, TPS_NAMES)
	if not tps:
		return  # nothing to put the TVQ beside: Gigafibre Settings must name the TPS account
	tvq = settings.tvq_account or _tax_account(company, TVQ_NAMES)
	if not tvq:
		parent, currency = frappe.db.get_value("Account", tps, ["parent_account", "account_currency"])
		tvq = (
			frappe.get_doc(
				{
					"doctype": "Account",
					"account_name": TVQ_NAMES[0],
					"company": company,
					"parent_account": parent,
					"account_type": "Tax",
					"tax_rate": float(TVQ_RATE * 100),
					"account_currency": currency,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		_note(made, "Account", tvq)
	template = settings.sales_taxes_template or frappe.db.get_value(
		"Sales Taxes and Charges Template", {"company": company, "title": TAX_TEMPLATE}, "name"
	)
	if not template:
		template = (
			frappe.get_doc(
				{
					"doctype": "Sales Taxes and Charges Template",
					"title": TAX_TEMPLATE,
					"company": company,
					"taxes": [
						{
							"charge_type": "On Net Total",
							"account_head": tps,
							"description": "TPS",
							"rate": float(TPS_RATE * 100),
						},
						{
							"charge_type": "On Net Total",
							"account_head": tvq,
							"description": "TVQ",
							"rate": float(TVQ_RATE * 100),
						},
					],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		_note(made, "Sales Taxes and Charges Template", template)
	values = {"tps_account": tps, "tvq_account": tvq, "sales_taxes_template": template}
	for fieldname, value in values.items():
		if settings.get(fieldname) != value:
			frappe.db.set_single_value(SETTINGS, fieldname, value)


def _card_payments(company: str, made: dict) -> None:
	"""Card payments land in a "Stripe" bank account of the company (Stripe pays it out to
	the real bank later), through the Mode of Payment "Stripe"."""
	account = settings_values("stripe_account").stripe_account
	if not account:
		account = frappe.db.get_value(
			"Account", {"company": company, "account_name": STRIPE, "is_group": 0}, "name"
		)
	if not account:
		parent = frappe.db.get_value(
			"Account", {"company": company, "account_type": "Bank", "is_group": 1}, "name"
		) or frappe.db.get_value(
			"Account",
			frappe.get_cached_value("Company", company, "default_bank_account") or "",
			"parent_account",
		)
		if not parent:
			return  # Gigafibre Settings must name the account card payments go to
		account = (
			frappe.get_doc(
				{
					"doctype": "Account",
					"account_name": STRIPE,
					"company": company,
					"parent_account": parent,
					"account_type": "Bank",
					"account_currency": frappe.get_cached_value("Company", company, "default_currency"),
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		_note(made, "Account", account)
	if not frappe.db.exists("Mode of Payment", STRIPE):
		frappe.get_doc(
			{"doctype": "Mode of Payment", "mode_of_payment": STRIPE, "type": "Bank", "enabled": 1}
		).insert(ignore_permissions=True)
		_note(made, "Mode of Payment", STRIPE)
	mode = frappe.get_doc("Mode of Payment", STRIPE)
	if not any(row.company == company for row in mode.accounts):
		mode.append("accounts", {"company": company, "default_account": account})
		mode.save(ignore_permissions=True)
	if settings_values("stripe_account").stripe_account != account:
		frappe.db.set_single_value(SETTINGS, "stripe_account", account)


# ---------------------------------------------------------------------------------------
# What a request needs


def settings_values(*fieldnames: str) -> frappe._dict:
	"""Fields of Gigafibre Settings (a Single: one indexed read each, empty ones as None)."""
	return frappe._dict({f: frappe.db.get_single_value(SETTINGS, f) or None for f in fieldnames})


def require(*fieldnames: str) -> dict:
	"""The Gigafibre Settings a request needs, or a 412 naming the first one not set."""
	values = settings_values(*fieldnames)
	for fieldname in fieldnames:
		if not values.get(fieldname):
			label = _(frappe.get_meta(SETTINGS).get_label(fieldname))
			frappe.throw(
				_("The site is not set up to sell yet: set {0} in Gigafibre Settings").format(label),
				SetupIncompleteError,
				title=_("Setup incomplete"),
			)
	return values
