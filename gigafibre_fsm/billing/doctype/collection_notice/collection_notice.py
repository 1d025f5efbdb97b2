"""A message collections sent a customer (a reminder, a notice, their suspension or its end),
once: named by what it is about and its channel, so a second run finds it and sends nothing."""

from frappe.model.document import Document


class CollectionNotice(Document):
	pass
