from frappe.model.document import Document


class AddressHistory(Document):
	pass
