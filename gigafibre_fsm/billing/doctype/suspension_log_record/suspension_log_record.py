"""A record a suspension moved (or held, when another suspension had moved it first)."""

from frappe.model.document import Document


class SuspensionLogRecord(Document):
	pass
