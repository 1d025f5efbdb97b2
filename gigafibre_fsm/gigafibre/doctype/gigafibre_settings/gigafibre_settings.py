from frappe.model.document import Document


class GigafibreSettings(Document):
	pass
