"""One message about an order (SMS, email, ops-desk event), written in the order's
transaction and sent after its commit by a background job (orders/tasks.py): a failure is
kept here with the number of attempts and the last error, and retried, never undoing the order.
"""

from frappe.model.document import Document


class OrderNotification(Document):
	pass
