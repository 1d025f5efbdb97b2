"""A number of the company's DID inventory: Free, Assigned to a line, Porting in, or Retired.

The record is named by the number's 10 digits. A line takes a Free number under a row lock
(voip/lines.py); a customer's own number typed in comes in as Porting. A number whose line
still holds it cannot go back to Free or be retired: the line is cancelled first. A VoIP Line
keeps its own DID: the inventory tells which numbers the company may still give.
"""

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.exceptions import InvalidDIDError, StatusTransitionError
from gigafibre_fsm.rules.phone import format_phone, normalize_phone
from gigafibre_fsm.validation import check_status_transition

FREE, ASSIGNED, PORTING, RETIRED = "Free", "Assigned", "Porting", "Retired"
# A number starts Free (added to the inventory) or Porting (a customer's own, coming in).
NEW_STATUSES = (FREE, PORTING)


class DIDInUseError(frappe.ValidationError):
	"""The number is held by a line: it cannot be freed, retired or given to another line."""


def did_of(value: str | None) -> str:
	"""The 10 digits of a typed number, or a refusal naming it."""
	number = normalize_phone(value)
	if not number:
		frappe.throw(
			_("{0} is not a valid North-American phone number (10 digits, e.g. 418-555-1234)").format(
				frappe.bold(value or "")
			),
			InvalidDIDError,
		)
	return number


class DID(Document):
	def autoname(self):
		self.number = did_of(self.number)
		self.name = self.number

	def validate(self):
		self.number = did_of(self.number)
		self.check_status()
		self.check_line()

	def check_status(self):
		if self.is_new():
			if self.status not in NEW_STATUSES:
				frappe.throw(
					_("A new number starts as {0} or {1}, not {2}").format(
						frappe.bold(_(FREE)), frappe.bold(_(PORTING)), frappe.bold(_(self.status))
					),
					StatusTransitionError,
				)
			return
		check_status_transition(self)

	def check_line(self):
		"""An Assigned number names its line, the line has this number, and a number a line still
		holds stays with it."""
		line = (
			frappe.db.get_value("VoIP Line", self.voip_line, ["did", "status"], as_dict=True)
			if self.voip_line
			else None
		)
		if self.voip_line and not line:
			frappe.throw(_("VoIP Line {0} not found").format(self.voip_line), frappe.LinkValidationError)
		if line and line.did != self.number:
			frappe.throw(
				_("VoIP Line {0} has the number {1}, not {2}").format(
					self.voip_line, format_phone(line.did or ""), format_phone(self.number)
				),
				InvalidDIDError,
			)
		if self.status == ASSIGNED and not self.voip_line:
			frappe.throw(_("An assigned number names the VoIP Line that uses it"), StatusTransitionError)
		if self.status in (FREE, RETIRED) and line and line.status != "Cancelled":
			frappe.throw(
				_("{0} is still used by VoIP Line {1}: cancel the line first").format(
					format_phone(self.number), self.voip_line
				),
				DIDInUseError,
			)
		if self.status == FREE:
			# Free again: nobody's number any more.
			self.voip_line = self.customer = self.service_location = None
