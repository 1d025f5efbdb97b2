"""Finish ERPNext's setup wizard from code, for the demo site and the test site."""

import frappe
from frappe.utils import now_datetime


def ensure_setup_complete(company_name: str, abbr: str, email: str = "admin@gigafibre.ca") -> str:
	"""Complete the setup wizard as a Québec company billing in CAD, unless already done."""
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	if not frappe.db.a_row_exists("Company"):
		year = now_datetime().year
		setup_complete(
			{
				"currency": "CAD",
				"full_name": "Gigafibre Admin",
				"company_name": company_name,
				"timezone": "America/Toronto",
				"company_abbr": abbr,
				"industry": "Telecommunications",
				"country": "Canada",
				"fy_start_date": f"{year}-01-01",
				"fy_end_date": f"{year}-12-31",
				"language": "english",
				"company_tagline": "Internet fibre",
				"email": email,
				"password": "admin",
				"chart_of_accounts": "Standard",
			}
		)
		frappe.db.commit()  # nosemgrep: the wizard's work must survive the caller's errors
	allow_negative_rates()
	return frappe.db.get_value("Company", {}, "name")


def allow_negative_rates() -> None:
	"""Quotations and invoices carry the discounts and the free TV box as negative lines
	(orders/pricing.py), which ERPNext refuses unless Selling Settings allow them."""
	if not frappe.db.get_single_value("Selling Settings", "allow_negative_rates_for_items"):
		frappe.db.set_single_value("Selling Settings", "allow_negative_rates_for_items", 1)
