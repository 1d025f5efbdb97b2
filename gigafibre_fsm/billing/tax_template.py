"""The TPS and TVQ rates of the company's Sales Taxes and Charges Template (Gigafibre Settings).

Quotes are taxed with the rates of the template the invoices post with, so a quote's "due at
installation" and the first invoice agree to the cent. Cached: every quote asks; saving the
settings or a template clears it.
"""

from decimal import Decimal

import frappe

from gigafibre_fsm.billing.taxes import TaxRates
from gigafibre_fsm.setup.site import require, settings_values

CACHE_KEY = "gigafibre_fsm:tax_rates"


def _rates() -> dict:
	settings = require("company", "sales_taxes_template")
	tps, tvq = settings_values("tps_account", "tvq_account").values()
	rows = frappe.get_all(
		"Sales Taxes and Charges",
		filters={"parent": settings.sales_taxes_template, "parenttype": "Sales Taxes and Charges Template"},
		fields=["account_head", "rate", "charge_type"],
		order_by="idx",
	)
	by_account = {r.account_head: r for r in rows if r.charge_type == "On Net Total"}
	if tps in by_account and tvq in by_account:
		return {"tps": str(by_account[tps].rate), "tvq": str(by_account[tvq].rate)}
	if len(rows) == 2 and all(r.charge_type == "On Net Total" for r in rows):
		# A template of two rows on the net total: TPS first, TVQ second, as the app makes it.
		return {"tps": str(rows[0].rate), "tvq": str(rows[1].rate)}
	require("tps_account", "tvq_account")
	frappe.throw(
		frappe._("The taxes template {0} has no TPS and TVQ rows on the net total").format(
			settings.sales_taxes_template
		)
	)


def quebec_rates() -> TaxRates:
	"""The rates quotes use, as fractions (5 % → 0.05)."""
	rates = frappe.cache.get_value(CACHE_KEY, _rates)
	return TaxRates(tps=Decimal(rates["tps"]) / 100, tvq=Decimal(rates["tvq"]) / 100)


def clear_tax_rates_cache(doc=None, method=None) -> None:
	frappe.cache.delete_value(CACHE_KEY)
