from frappe.model.document import Document


class DispatchJobEquipment(Document):
	pass
