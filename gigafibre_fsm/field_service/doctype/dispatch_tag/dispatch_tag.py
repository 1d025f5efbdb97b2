from frappe.model.document import Document


class DispatchTag(Document):
	pass
