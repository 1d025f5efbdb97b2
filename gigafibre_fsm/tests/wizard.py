"""Finish ERPNext's setup wizard from code, for the demo site and the test sites: what a person
does in the browser on a new site. The app itself never calls it (setup/site.py makes what
the app needs on a site whose wizard someone finished)."""

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
	return frappe.db.get_value("Company", {}, "name")
