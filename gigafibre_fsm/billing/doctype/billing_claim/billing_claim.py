"""One invoice per customer and month: the claim is taken in the invoice's transaction, so no customer is ever billed twice for a period."""

from frappe.model.document import Document


class BillingClaim(Document):
	pass
