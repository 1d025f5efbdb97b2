"""What follows a monthly invoice once its transaction commits: it is emailed to the customer
in their language with its PDF (rendered by the worker, outside the billing run's time), and
charged to their saved card when they are on card auto-pay (orders/unpaid.py: the charge, then
the payment link and a task for Collections when the card does not pay). Bank auto-pay is the
run's debit file (billing/bank_debits.py)."""

import frappe

EMAIL_JOB = "gigafibre_fsm.billing.delivery.email_invoice"
CHARGE_JOB = "gigafibre_fsm.orders.unpaid.charge_job"
DEBITS_JOB = "gigafibre_fsm.billing.bank_debits.scheduled_batch"


def email_job_id(invoice: str) -> str:
	return f"gigafibre-invoice-email::{invoice}"


def email_after_commit(invoice: str) -> None:
	frappe.enqueue(
		EMAIL_JOB,
		queue="long",
		job_id=email_job_id(invoice),
		deduplicate=True,
		enqueue_after_commit=True,
		invoice=invoice,
	)


# How an auto-pay method collects, by processor (API.md's "auto_pay"): a card is charged
# off-session on the invoice date; a bank account is debited through the debit file
# (billing/bank_debits.py). A Paysafe token cannot be charged from here: never auto-pay, its
# customers are listed for a move to Stripe (report "Paysafe Customers to Move").
AUTO_PAY = {"Stripe": "Stripe", "Bank Draft": "Bank"}


def auto_pay_method(customer: str) -> frappe._dict | None:
	"""The customer's payment method on auto-pay, if any.

	Auto-pay is recorded on the Payment Method: "Charge Automatically (PPA)" (``ppa_enabled``)
	on a method not disabled. The website's checkout sets it on the card it saves (the customer
	agrees there to be charged after the installation and each month); the legacy import sets
	it on a Stripe customer whose account had Stripe pre-authorised payments and on a bank
	account with bank PPA; Collections tick or untick it. With several, the default one wins,
	then a card before a bank account, then the latest."""
	rows = frappe.get_all(
		"Payment Method",
		filters={"customer": customer, "ppa_enabled": 1, "disabled": 0, "processor": ("in", list(AUTO_PAY))},
		fields=["name", "processor", "is_default", "ppa_amount", "ppa_fixed_amount"],
		order_by="is_default desc, creation desc",
	)
	rows.sort(key=lambda r: (-int(r.is_default or 0), r.processor != "Stripe"))
	return rows[0] if rows else None


def auto_pay(customer: str) -> str | None:
	"""How the customer pays without being asked: "Stripe", "Bank" or None (API.md's
	``auto_pay`` of ``api.desk.balance``)."""
	method = auto_pay_method(customer)
	return AUTO_PAY[method.processor] if method else None


def collect_after_commit(invoice: str) -> None:
	"""Queue the card charge of an invoice whose customer is on card auto-pay. A bank debit is
	collected by the run's debit file, not per invoice."""
	customer = frappe.db.get_value("Sales Invoice", invoice, "customer")
	if auto_pay(customer) != "Stripe":
		return
	frappe.enqueue(
		CHARGE_JOB,
		queue="short",
		job_id=charge_job_id(invoice),
		deduplicate=True,
		enqueue_after_commit=True,
		invoice=invoice,
	)


def debits_after_run(day) -> None:
	"""After a (not dry) billing run commits: the period's bank debit file, written by a worker
	once the run's invoices are all committed (one job per period at a time)."""
	day = frappe.utils.getdate(day)
	frappe.enqueue(
		DEBITS_JOB,
		queue="long",
		job_id=debits_job_id(day),
		deduplicate=True,
		enqueue_after_commit=True,
		day=str(day),
	)


def debits_job_id(day) -> str:
	return f"gigafibre-bank-debits::{frappe.utils.getdate(day):%Y-%m}"


def charge_job_id(invoice: str) -> str:
	return f"gigafibre-charge::{invoice}"


def email_invoice(invoice: str) -> str | None:
	"""Render the invoice's PDF and send it (Mailjet), in the customer's language; once."""
	from gigafibre_fsm.billing.invoice_pdf import invoice_pdf
	from gigafibre_fsm.integrations import mailjet_api
	from gigafibre_fsm.orders import messages

	doc = frappe.get_doc("Sales Invoice", invoice)
	if doc.get("emailed_on"):
		return None
	email = frappe.db.get_value("Customer", doc.customer, "email_id")
	if not email:
		return None
	lang = messages.language_of(frappe.db.get_value("Customer", doc.customer, "language"))
	pdf = invoice_pdf(invoice)
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
