import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from gigafibre_fsm.exceptions import InvalidAmountError, InvalidDateRangeError, StatusTransitionError
from gigafibre_fsm.validation import check_status_transition, is_import


class PaymentArrangement(Document):
	def validate(self):
		self.check_amount()
		self.check_due_date()
		self.check_dates()
		check_status_transition(self)
		self.check_outcome()

	def check_amount(self):
		if (self.amount or 0) <= 0:
			frappe.throw(_("The arranged amount must be more than 0"), InvalidAmountError)

	def check_due_date(self):
		"""A new arrangement says when it is to be paid. One the legacy system recorded without
		that date is history: imported with the date unknown (flagged, shown in the form), and
		it stays so, through later saves, until someone enters the date."""
		if self.due_date:
			self.due_date_unknown = 0
			return
		if set_by_import(self, "due_date_unknown"):
			return
		self.due_date_unknown = 0
		frappe.throw(
			_("Enter the Pay By date of the arrangement"), frappe.MandatoryError, title=_("Missing value")
		)

	def check_dates(self):
		"""Agreed ≤ pay-by ≤ cut-off: the cut-off is the last step of collections."""
		agreed, due, cutoff = (
			getdate(d) if d else None for d in (self.agreed_date, self.due_date, self.cutoff_date)
		)
		if agreed and due and due < agreed:
			frappe.throw(
				_("Pay By ({0}) cannot be before the day it was agreed ({1})").format(due, agreed),
				InvalidDateRangeError,
			)
		if due and cutoff and cutoff < due:
			frappe.throw(
				_("Cut Off On ({0}) cannot be before Pay By ({1})").format(cutoff, due), InvalidDateRangeError
			)


	def check_outcome(self):
		"""Kept and Missed are what collections found (billing/collections.py): a Missed
		arrangement has suspended its customer, a Kept one lifted that. A person reopens one
		(with a reason), never sets these by hand."""
		if self.status not in ("Kept", "Missed"):
			self.outcome_date = None
			return
		if self.has_value_changed("status") and not (self.flags.from_collections or is_import(self)):
			frappe.throw(
				_("{0} is set by collections, when the arrangement is paid or its cut-off passes").format(
					frappe.bold(_(self.status))
				),
				StatusTransitionError,
			)


def set_by_import(doc, flag: str) -> bool:
	"""A flag only an import sets (the field is read-only): set by this import, or already
	set before this save."""
	if not doc.get(flag):
		return False
	if is_import(doc):
		return True
	before = doc.get_doc_before_save()
	return bool(before and before.get(flag))
