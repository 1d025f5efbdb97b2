from frappe.model.document import Document


class LegacyImportRunTable(Document):
	pass
