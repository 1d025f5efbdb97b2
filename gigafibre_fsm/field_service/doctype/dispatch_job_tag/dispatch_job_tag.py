from frappe.model.document import Document


class DispatchJobTag(Document):
	pass
