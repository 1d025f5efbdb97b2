"""A customer a billing run could not bill, and why."""

from frappe.model.document import Document


class BillingRunReject(Document):
	pass
