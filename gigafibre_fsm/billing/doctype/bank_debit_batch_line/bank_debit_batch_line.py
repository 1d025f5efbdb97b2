from frappe.model.document import Document


class BankDebitBatchLine(Document):
	pass
