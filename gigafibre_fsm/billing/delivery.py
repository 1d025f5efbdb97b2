"""What follows a monthly invoice once its transaction commits: it is emailed to the customer
in their language with its PDF (rendered by the worker, outside the billing run's time), and
charged to their saved card when they are on auto-pay (orders/unpaid.py: the charge, then the
payment link and a task for Collections when the card does not pay)."""

import frappe

EMAIL_JOB = "gigafibre_fsm.billing.delivery.email_invoice"
CHARGE_JOB = "gigafibre_fsm.orders.unpaid.charge_job"


def email_after_commit(invoice: str) -> None:
	frappe.enqueue(
		EMAIL_JOB,
		queue="long",
		job_id=f"gigafibre-invoice-email::{invoice}",
		deduplicate=True,
		enqueue_after_commit=True,
		invoice=invoice,
	)


def collect_after_commit(invoice: str) -> None:
	"""Queue the card charge of an invoice whose customer has a saved Stripe card."""
	customer = frappe.db.get_value("Sales Invoice", invoice, "customer")
	if not frappe.db.exists(
		"Payment Method", {"customer": customer, "processor": "Stripe", "is_default": 1, "disabled": 0}
	):
		return
	frappe.enqueue(
		CHARGE_JOB,
		queue="short",
		job_id=f"gigafibre-charge::{invoice}",
		deduplicate=True,
		enqueue_after_commit=True,
		invoice=invoice,
	)


def email_invoice(invoice: str) -> str | None:
	"""Render the invoice's PDF and send it (Mailjet), in the customer's language; once."""
	from gigafibre_fsm.integrations import mailjet_api
	from gigafibre_fsm.orders import messages

	doc = frappe.get_doc("Sales Invoice", invoice)
	if doc.get("emailed_on"):
		return None
	email = frappe.db.get_value("Customer", doc.customer, "email_id")
	if not email:
		return None
	lang = messages.language_of(frappe.db.get_value("Customer", doc.customer, "language"))
	pdf = frappe.get_print("Sales Invoice", invoice, print_format="Facture Gigafibre", as_pdf=True)
	subject, text, html = messages.invoice_email(doc, lang)
	reference = mailjet_api.send_email(
		email,
		doc.customer_name,
		subject,
		text,
		html,
		attachments=[(f"{invoice}.pdf", "application/pdf", pdf)],
	)
	frappe.db.set_value(
		"Sales Invoice", invoice, "emailed_on", frappe.utils.now_datetime(), update_modified=False
	)
	frappe.db.commit()  # nosemgrep: a message sent is kept sent
	return reference
