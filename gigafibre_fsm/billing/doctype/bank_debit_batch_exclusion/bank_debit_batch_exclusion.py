from frappe.model.document import Document


class BankDebitBatchExclusion(Document):
	pass
