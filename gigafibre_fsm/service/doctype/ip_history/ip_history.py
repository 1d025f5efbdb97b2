from frappe.model.document import Document


class IPHistory(Document):
	pass
