"""An invoice the card did not pay: what follows, once.

The card charge (billing/card_payments.py) only records what Stripe answered. Here, for an
order's invoice that stays unpaid — a declined card, a bank that wants the customer to
authenticate, an order without a card — the customer gets the order's payment link (which
pays that invoice, orders/payment_link.py; a monthly invoice is tied to the customer's order for
it) by SMS and email, and Collections get a task on the
installation's project (found by its key, "Collect Payment"). Done once per invoice, whether
the news came from the charge itself or from Stripe's webhook.
"""

import frappe
from frappe.utils import nowdate

from gigafibre_fsm.billing import card_payments
from gigafibre_fsm.field_service import task_types

JOB = "gigafibre_fsm.orders.unpaid.charge_job"
NEEDS_FOLLOW_UP = (card_payments.REQUIRES_ACTION, card_payments.FAILED, card_payments.NO_CARD)


def charge(invoice: str) -> dict:
	"""Charge the invoice's card; what follows an unpaid invoice, in the same commit."""
	card_payments.charge_invoice(invoice)
	result = follow_up(invoice)
	frappe.db.commit()  # nosemgrep: the link and the task go with the outcome they follow
	return result


def charge_after_commit(invoice: str) -> None:
	"""Queue the charge once the transaction that made the invoice commits (one job per invoice)."""
	frappe.enqueue(
		JOB,
		queue="short",
		job_id=f"gigafibre-charge::{invoice}",
		deduplicate=True,
		enqueue_after_commit=True,
		invoice=invoice,
	)


def charge_job(invoice: str) -> dict:
	return charge(invoice)


def follow_up(invoice: str) -> dict:
	"""The payment link and the Collections task of an unpaid invoice, unless sent already."""
	from gigafibre_fsm.orders import payment_link, tasks

	result = card_payments.outcome(invoice)
	if result["status"] not in NEEDS_FOLLOW_UP or result["followed_up"]:
		return result
	doc = frappe.get_doc("Sales Invoice", invoice)
	link = None
	order = doc.get("web_order") or _order_of(doc)
	if order:
		tasks.queue_payment_link(order)
		link = payment_link.payment_link_url(order)
	task = None
	if result["status"] != card_payments.NO_CARD:
		task = collections_task(doc, result["status"])
	card_payments.mark(invoice, followed_up=1, payment_link=link, task=task)
	return card_payments.outcome(invoice)


def _order_of(invoice) -> str | None:
	"""A monthly invoice's order: the customer's latest website order, whose link then pays
	this invoice (the link pays its order's open invoice: the invoice is tied to it)."""
	order = frappe.db.get_value("Web Order", {"customer": invoice.customer}, "name", order_by="creation desc")
	if order:
		frappe.db.set_value("Sales Invoice", invoice.name, "web_order", order, update_modified=False)
	return order


def collections_task(invoice, status: str) -> str:
	"""A task for Collections on the installation's project."""
	subject = f"{task_types.subject_of(task_types.COLLECT_PAYMENT)} {invoice.name}"
	project = frappe.db.get_value(
		"Project", {"service_location": invoice.get("service_location") or ""}, "name"
	)
	task = frappe.get_doc(
		{
			"doctype": "Task",
			"subject": subject,
			"type": task_types.COLLECT_PAYMENT.key,
			"project": project,
			"team": task_types.COLLECT_PAYMENT.team,
			"description": frappe._("Card payment {0}: {1}").format(status, invoice.name),
			"exp_start_date": nowdate(),
		}
	)
	task.insert(ignore_permissions=True)
	return task.name
