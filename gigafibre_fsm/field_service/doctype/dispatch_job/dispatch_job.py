"""A technician visit or work order: when, who (with their hours), what to bring, what was billed."""

from decimal import Decimal

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, get_datetime, time_diff_in_hours

from gigafibre_fsm.billing.taxes import Totals, to_cents
from gigafibre_fsm.exceptions import (
	DispatchAssignmentError,
	IncompleteRecordError,
	InvalidAmountError,
	InvalidDateRangeError,
)
from gigafibre_fsm.validation import check_location_belongs_to_customer, check_status_transition, is_import

NEEDS_TECHNICIAN = ("In Progress", "Completed")


class DispatchJob(Document):
	def validate(self):
		self.set_customer_from_location()
		check_location_belongs_to_customer(self)
		check_status_transition(self)
		self.check_technicians()
		self.check_schedule()
		self.set_totals()

	def set_customer_from_location(self):
		if self.service_location and not self.customer:
			self.customer = frappe.db.get_value("Service Location", self.service_location, "customer")

	def check_technicians(self):
		seen = set()
		for row in self.technicians:
			if row.technician in seen:
				frappe.throw(
					_("Row {0}: {1} is already on this job").format(row.idx, row.technician),
					DispatchAssignmentError,
				)
			seen.add(row.technician)
			if row.arrival_time and row.departure_time:
				if get_datetime(row.departure_time) < get_datetime(row.arrival_time):
					frappe.throw(
						_("Row {0}: {1} cannot leave ({2}) before arriving ({3})").format(
							row.idx,
							row.technician_name or row.technician,
							row.departure_time,
							row.arrival_time,
						),
						InvalidDateRangeError,
					)
				if not row.hours:
					row.hours = round(time_diff_in_hours(row.departure_time, row.arrival_time), 2)
			elif row.departure_time and not row.arrival_time:
				frappe.throw(
					_("Row {0}: enter the arrival time before the departure time").format(row.idx),
					InvalidDateRangeError,
				)
			if flt(row.hours) < 0:
				frappe.throw(_("Row {0}: hours cannot be negative").format(row.idx), InvalidAmountError)
		# A legacy work order recorded without a technician is history: imported with the
		# technician unknown (flagged, shown in the form) until one is added.
		if self.technicians or not set_by_import(self, "technician_unknown"):
			self.technician_unknown = 0
		if self.status in NEEDS_TECHNICIAN and not self.technicians and not self.technician_unknown:
			frappe.throw(
				_("Assign a technician before setting the job to {0}").format(_(self.status)),
				IncompleteRecordError,
			)

	def check_schedule(self):
		"""A job in progress or done has its date; a legacy work order recorded without one is
		history, imported with the date unknown (flagged, shown in the form) until it is entered."""
		if self.scheduled_date or not set_by_import(self, "scheduled_date_unknown"):
			self.scheduled_date_unknown = 0
		if self.status in NEEDS_TECHNICIAN and not self.scheduled_date and not self.scheduled_date_unknown:
			frappe.throw(
				_("Set the Scheduled Date before setting the job to {0}").format(_(self.status)),
				IncompleteRecordError,
			)

	def set_totals(self):
		"""Parts and labour add up to the subtotal; TPS and TVQ as the pricing engine rounds them.

		An imported work order keeps the totals the legacy system billed, through later saves too.
		"""
		billed = is_import(self) or bool(self.legacy_bon_travail_id)
		if billed and not self.parts:
			return
		subtotal = Decimal(0)
		for row in self.parts:
			if flt(row.qty) < 0:
				frappe.throw(_("Row {0}: quantity cannot be negative").format(row.idx), InvalidAmountError)
			amount = to_cents(Decimal(str(flt(row.qty))) * Decimal(str(flt(row.rate))))
			row.amount = float(amount)
			subtotal += amount
		if billed:
			return
		self.update(Totals.of(subtotal).to_dict())

	def is_assigned_to(self, user: str) -> bool:
		return any(row.technician == user for row in self.technicians)


def set_by_import(doc, flag: str) -> bool:
	"""A flag only an import sets (the field is read-only): set by this import, or already
	set before this save."""
	if not doc.get(flag):
		return False
	if is_import(doc):
		return True
	before = doc.get_doc_before_save()
	return bool(before and before.get(flag))
