"""A run's bank debit file and its debits (billing/bank_debits.py writes it). The form's
buttons record what the bank answered; each checks the user may change the batch."""

import frappe
from frappe.model.document import Document

from gigafibre_fsm.billing import bank_debits


class BankDebitBatch(Document):
	@frappe.whitelist()
	def mark_uploaded(self) -> None:
		self.check_permission("write")
		bank_debits.mark_uploaded(self.name)

	@frappe.whitelist()
	def record_return(self, sales_invoice: str, reason: str, returned_on: str | None = None) -> dict:
		self.check_permission("write")
		return bank_debits.record_return(self.name, sales_invoice, reason, returned_on)

	@frappe.whitelist()
	def record_cleared(self) -> list[str]:
		self.check_permission("write")
		return bank_debits.record_cleared(self.name)
