import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime

from gigafibre_fsm.validation import check_location_belongs_to_customer, check_status_transition

NEEDS_TECHNICIAN = ("In Progress", "Completed")


class DispatchJob(Document):
	def validate(self):
		check_location_belongs_to_customer(self)
		check_status_transition(self)
		self.check_technicians()
		self.check_schedule()

	def check_technicians(self):
		seen = set()
		for row in self.technicians:
			if row.technician in seen:
				frappe.throw(_("Row {0}: {1} is already on this job").format(row.idx, row.technician))
			seen.add(row.technician)
			if row.arrival_time and row.departure_time:
				if get_datetime(row.departure_time) < get_datetime(row.arrival_time):
					frappe.throw(
						_("Row {0}: {1} cannot leave ({2}) before arriving ({3})").format(
							row.idx,
							row.technician_name or row.technician,
							row.departure_time,
							row.arrival_time,
						)
					)
			elif row.departure_time and not row.arrival_time:
				frappe.throw(_("Row {0}: enter the arrival time before the departure time").format(row.idx))
		if self.status in NEEDS_TECHNICIAN and not self.technicians:
			frappe.throw(_("Assign a technician before setting the job to {0}").format(_(self.status)))

	def check_schedule(self):
		if self.status in NEEDS_TECHNICIAN and not self.scheduled_date:
			frappe.throw(_("Set the Scheduled Date before setting the job to {0}").format(_(self.status)))

	def is_assigned_to(self, user: str) -> bool:
		return any(row.technician == user for row in self.technicians)
