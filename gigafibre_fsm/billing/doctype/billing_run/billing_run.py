"""A run of the monthly billing: what it billed, what it could not and why (billing/monthly.py)."""

from frappe.model.document import Document


class BillingRun(Document):
	pass
