"""The technicians' phones (API.md "Technicians"): the day's jobs, arriving, scanning the
equipment, completing the installation. Logged in as a Field Technician, only on one's own
jobs (403 otherwise); nothing about money but the completion's payment outcome."""

import frappe
from frappe.utils import getdate

from gigafibre_fsm.api.guard import use_request_language
from gigafibre_fsm.billing import card_payments
from gigafibre_fsm.field_service import activation, technician
from gigafibre_fsm.orders import unpaid


@frappe.whitelist(methods=["GET"])
def my_jobs(date: str | None = None) -> list[dict]:
	technician.only_technicians()
	use_request_language(frappe.local.lang)
	return technician.my_jobs(getdate(date) if date else activation.today())


@frappe.whitelist(methods=["POST"])
def start_job(dispatch_job: str | None = None) -> dict:
	technician.only_technicians()
	use_request_language(frappe.local.lang)
	return technician.start_job(dispatch_job)


@frappe.whitelist(methods=["POST"])
def scan_equipment(
	dispatch_job: str | None = None,
	equipment: str | None = None,
	serial: str | None = None,
	mac: str | None = None,
) -> dict:
	technician.only_technicians()
	use_request_language(frappe.local.lang)
	return technician.scan_equipment(dispatch_job, equipment, serial, mac)


@frappe.whitelist(methods=["POST"])
def complete_job(dispatch_job: str | None = None, notes: str | None = None) -> dict:
	"""Activate and bill in one transaction; once committed, charge the saved card. The answer
	says the payment's outcome when the charge finished within the request, else ``pending``;
	the same completion again answers the same documents and the payment's current outcome."""
	technician.only_technicians()
	use_request_language(frappe.local.lang)
	technician.job_of_technician(dispatch_job)
	answer, completed_now = activation.complete_installation(dispatch_job, notes)
	invoice = answer.get("invoice")
	if not invoice:
		return {**answer, "payment": None}
	if completed_now:
		# The activation and its invoice are kept whatever the charge does.
		frappe.db.commit()  # nosemgrep: the charge runs only after the activation is committed
		try:
			payment = unpaid.charge(invoice)
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=f"Card charge of {invoice} deferred")
			unpaid.charge_after_commit(invoice)
			frappe.db.commit()  # nosemgrep: the retry is queued
			payment = card_payments.outcome(invoice)
	else:
		payment = card_payments.outcome(invoice)
	return {
		**answer,
		"payment": {
			"status": payment["status"],
			"payment_entry": payment.get("payment_entry"),
			"payment_link": payment.get("payment_link"),
		},
	}
