"""A period during which a customer's services were suspended (collections)."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from gigafibre_fsm.exceptions import InvalidDateRangeError


class SuspensionLog(Document):
	def validate(self):
		self.check_dates()

	def check_dates(self):
		if self.from_date and self.to_date and getdate(self.to_date) < getdate(self.from_date):
			frappe.throw(
				_("Suspended Until ({0}) cannot be before Suspended From ({1})").format(
					self.to_date, self.from_date
				),
				InvalidDateRangeError,
			)
