import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_months, getdate

from gigafibre_fsm.exceptions import IncompleteRecordError, InvalidAmountError, InvalidDateRangeError
from gigafibre_fsm.validation import check_location_belongs_to_customer, check_status_transition, is_import


class ServiceSubscription(Document):
	def validate(self):
		check_location_belongs_to_customer(self)
		check_status_transition(self)
		self.check_dates()
		self.check_rate()
		self.set_commitment_end_date()

	def check_dates(self):
		if self.start_date and self.end_date and getdate(self.end_date) < getdate(self.start_date):
			frappe.throw(
				_("End Date {0} is before Start Date {1}").format(self.end_date, self.start_date),
				InvalidDateRangeError,
			)
		# A legacy service recorded without its start date is history: imported with the date
		# unknown (flagged, shown in the form) until someone enters it.
		if self.start_date or not set_by_import(self, "start_date_unknown"):
			self.start_date_unknown = 0
		if self.status == "Active" and not self.start_date and not self.start_date_unknown:
			frappe.throw(_("An active subscription needs a Start Date"), IncompleteRecordError)

	def check_rate(self):
		# Only discounts (RAB2X, RAB24M…) lower the bill.
		if (self.rate or 0) < 0 and self.service_type != "discount":
			frappe.throw(
				_("Rate cannot be negative for {0}: only discount items can").format(self.item),
				InvalidAmountError,
			)

	def set_commitment_end_date(self):
		if self.start_date and self.commitment_months:
			self.commitment_end_date = add_months(self.start_date, self.commitment_months)
		else:
			self.commitment_end_date = None


def set_by_import(doc, flag: str) -> bool:
	"""A flag only an import sets (the field is read-only): set by this import, or already
	set before this save."""
	if not doc.get(flag):
		return False
	if is_import(doc):
		return True
	before = doc.get_doc_before_save()
	return bool(before and before.get(flag))
