from frappe.model.document import Document


class DispatchJobTechnician(Document):
	pass
