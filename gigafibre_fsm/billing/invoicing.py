"""The installation invoice: an ERPNext Sales Invoice, priced by the engine that quoted it.

When the technician completes the installation, the order's basket is priced again by the
pricing engine (orders/pricing.py) for the installation date: the one-time lines, each
monthly line for a whole month and one line taking off the days of the month before the
installation (`Quote.first_invoice_lines`), taxed with the company's "TPS/TVQ" template. The
invoice is submitted like any ERPNext invoice (GL and payment ledger entries), never rounded
to the dollar, and its grand total is the quote's "due at installation" for the same basket
and date, to the cent.
"""

import datetime
import json

import frappe
from erpnext.controllers.accounts_controller import get_taxes_and_charges

from gigafibre_fsm.billing.tax_template import quebec_rates
from gigafibre_fsm.network.coverage import load_site
from gigafibre_fsm.orders import offer, pricing
from gigafibre_fsm.setup.site import require


class InvoiceMismatchError(frappe.ValidationError):
	"""ERPNext's totals differ from the engine's: nothing is posted rather than a wrong amount."""


def order_basket(order: dict) -> tuple[list[dict], int]:
	"""The customer's choice and commitment: kept on the order since it has them; for an older
	order, read back from its quote (the lines the engine did not add itself)."""
	if order.get("basket"):
		basket = order.basket if isinstance(order.basket, list) else json.loads(order.basket)
		return basket, int(order.commitment_months or 0)
	answer = frappe.parse_json(order.response or "{}")
	lines = (answer.get("quote") or {}).get("lines") or []
	catalogue = offer.load_catalogue()
	basket = []
	for line in lines:
		item = catalogue.get(line["sku"])
		if line.get("rule") not in (None, pricing.SPECIAL) or not item or item.automatic:
			continue
		basket.append({"sku": line["sku"], "qty": line["qty"]})
	commitment = frappe.db.get_value(
		"Service Subscription", {"service_location": order.service_location}, "max(commitment_months)"
	)
	return basket, int(commitment or 0)


def quote_at_installation(web_order: str, install_date: datetime.date) -> pricing.Quote:
	"""The order's basket priced for its installation on ``install_date``."""
	order = frappe.db.get_value(
		"Web Order",
		web_order,
		["name", "civic_address", "service_location", "source", "basket", "commitment_months", "response"],
		as_dict=True,
	)
	basket, commitment = order_basket(order)
	site = load_site(order.civic_address)
	drop = site.drop
	return pricing.price_order(
		offer.load_catalogue(),
		basket,
		max_speed_mbps=(drop.max_speed_mbps or None) if drop else None,
		zone=site.zone,
		commitment_months=commitment,
		install_date=install_date,
		allow_special_discounts=order.source == "Desk",
		tax_rates=quebec_rates(),
	)


def _row(line: pricing.QuoteLine, income_account: str) -> dict:
	row = {
		"item_name": line.description[:140],
		"description": line.description,
		"qty": line.qty,
		"rate": float(line.rate),
		# The engine's rate, not the price list's (zone prices, credits, the free box).
		"price_list_rate": float(line.rate),
		"uom": "Nos",
		"conversion_factor": 1,
	}
	if line.sku:
		row["item_code"] = line.sku
	else:
		row["income_account"] = income_account
	return row


def installation_invoice(
	web_order: str, install_date: datetime.date, *, customer: str, service_location: str
) -> "frappe.Document":
	"""Make and submit the installation invoice of an order (in the caller's transaction)."""
	settings = require("company", "sales_taxes_template")
	quote = quote_at_installation(web_order, install_date)
	income_account = frappe.get_cached_value("Company", settings.company, "default_income_account")
	invoice = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": settings.company,
			"posting_date": install_date,
			"set_posting_time": 1,
			"due_date": install_date,
			"service_location": service_location,
			"web_order": web_order,
			"ignore_pricing_rule": 1,
			# CAD has no smallest fraction in Frappe's currency data: no rounding to the dollar.
			"disable_rounded_total": 1,
			"taxes_and_charges": settings.sales_taxes_template,
			"items": [_row(line, income_account) for line in quote.first_invoice_lines()],
		}
	)
	invoice.set(
		"taxes", get_taxes_and_charges("Sales Taxes and Charges Template", settings.sales_taxes_template)
	)
	invoice.flags.ignore_permissions = True
	# Submitted as it is inserted (one validate, not one for the draft and one for the
	# submit); a total that differs from the quote undoes it with the caller's transaction.
	invoice.docstatus = 1
	invoice.insert(ignore_permissions=True)
	check_totals(invoice, quote)
	# The ledger wrote what is outstanding in the database, not on this copy.
	invoice.reload()
	return invoice


def check_totals(invoice, quote: pricing.Quote) -> None:
	due = quote.due_at_installation
	got = (invoice.net_total, invoice.total_taxes_and_charges, invoice.grand_total)
	wanted = (float(due.subtotal), float(due.tps + due.tvq), float(due.total))
	if any(abs(a - b) > 0.004 for a, b in zip(got, wanted, strict=True)):
		frappe.throw(
			frappe._("The invoice's totals {0} differ from the quote's {1}").format(got, wanted),
			InvoiceMismatchError,
		)
