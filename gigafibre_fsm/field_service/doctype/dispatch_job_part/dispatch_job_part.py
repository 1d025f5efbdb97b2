from frappe.model.document import Document


class DispatchJobPart(Document):
	pass
