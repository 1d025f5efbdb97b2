"""Charging a saved card for an invoice, off-session, once.

The card the customer saved at the order (a Stripe SetupIntent for off-session use) is charged
when an invoice is due: a PaymentIntent for the invoice's outstanding amount with the
customer and the card, then confirmed by the server. Its record is a Frappe Integration
Request named after the invoice (``stripe-charge-<invoice>``): a retried job or a replayed
completion finds it and never makes a second intent, and every Stripe call that creates
something carries an idempotency key derived from the invoice.

Outcomes (Stripe's guide: declines and authentication are normal outcomes, not errors):
- ``succeeded``: a Payment Entry against the invoice (Mode of Payment "Stripe");
- ``requires_action`` (the bank wants the customer to authenticate) and ``failed`` (declined):
  the invoice stays unpaid;
- ``no_card``: the customer has no saved card (an agent's order);
- ``pending``: not known yet (a charge running, Stripe unreachable: retried by the job).
What follows an unpaid invoice (the payment link, a task for Collections) is orders/unpaid.py's.
The webhook (api/stripe.py → :func:`apply_event`) confirms what the synchronous answer said;
applying an outcome twice changes nothing.
"""

import frappe
from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
from frappe.utils import flt, nowdate

from gigafibre_fsm.setup.site import require

SERVICE = "Stripe"
SUCCEEDED, REQUIRES_ACTION, FAILED, NO_CARD, PENDING = (
	"succeeded",
	"requires_action",
	"failed",
	"no_card",
	"pending",
)
# Integration Request status of each outcome.
STATUS = {
	SUCCEEDED: "Completed",
	REQUIRES_ACTION: "Authorized",
	FAILED: "Failed",
	NO_CARD: "Cancelled",
	PENDING: "Queued",
}


def record_name(invoice: str) -> str:
	return f"stripe-charge-{invoice}"


def idempotency_key(invoice: str, step: str) -> str:
	"""Stripe's idempotency key of a step of an invoice's charge, unique per site."""
	return f"gigafibre:{frappe.local.site}:{invoice}:{step}"


def outcome(invoice: str) -> dict:
	"""The charge's outcome as the technician's phone and the API read it."""
	row = frappe.db.get_value("Integration Request", record_name(invoice), ["status", "output"], as_dict=True)
	if not row:
		return {"status": PENDING, "payment_entry": None, "payment_link": None}
	output = frappe.parse_json(row.output or "{}")
	return {
		"status": output.get("status") or PENDING,
		"payment_entry": output.get("payment_entry"),
		"payment_link": output.get("payment_link"),
		"followed_up": bool(output.get("followed_up")),
	}


def mark(invoice: str, **values) -> None:
	"""Note on the charge's record what was done about it (the link sent, the task opened)."""
	record = frappe.get_doc("Integration Request", record_name(invoice), for_update=True)
	current = frappe.parse_json(record.output or "{}")
	current.update(values)
	record.db_set("output", frappe.as_json(current), commit=False)


def _card_of(customer: str) -> dict | None:
	"""The card to charge: the customer's Stripe method on auto-pay, else their default one
	(the order's card), never a disabled one. Its ids are Password fields, read here only. A
	method imported with only its Stripe customer is charged on the card Stripe holds as that
	customer's default (else its one saved card)."""
	from frappe.utils.password import get_decrypted_password

	row = frappe.db.get_value(
		"Payment Method",
		{"customer": customer, "processor": "Stripe", "disabled": 0},
		["name", "stripe_customer_id", "ppa_enabled", "is_default"],
		as_dict=True,
		order_by="ppa_enabled desc, is_default desc, creation desc",
	)
	if not row or not (row.ppa_enabled or row.is_default) or not row.stripe_customer_id:
		return None
	method = get_decrypted_password(
		"Payment Method", row.name, "stripe_payment_method_id", raise_exception=False
	) or _stripe_default_card(row.stripe_customer_id)
	if not method:
		return None
	return {"payment_method": method, "customer": row.stripe_customer_id, "name": row.name}


def _stripe_default_card(stripe_customer: str) -> str | None:
	from gigafibre_fsm.integrations import stripe_api

	client = stripe_api.client()
	found = stripe_api._call(client.customers.retrieve, stripe_customer)
	default = (found.get("invoice_settings") or {}).get("default_payment_method")
	if default:
		return default if isinstance(default, str) else default.id
	cards = stripe_api._call(
		client.payment_methods.list, params={"customer": stripe_customer, "type": "card"}
	).data
	return cards[0].id if len(cards) == 1 else None


def _record(invoice) -> "frappe.Document":
	name = record_name(invoice.name)
	if frappe.db.exists("Integration Request", name):
		return frappe.get_doc("Integration Request", name, for_update=True)
	record = frappe.get_doc(
		{
			"doctype": "Integration Request",
			"integration_request_service": SERVICE,
			"request_description": "Card charge of an invoice",
			"status": "Queued",
			"reference_doctype": "Sales Invoice",
			"reference_docname": invoice.name,
			"data": frappe.as_json({"invoice": invoice.name, "customer": invoice.customer}),
		}
	)
	record.flags._name = name
	record.insert(ignore_permissions=True)
	return record


def _save(record, status: str, **output) -> dict:
	current = frappe.parse_json(record.output or "{}")
	current.update(output, status=status)
	record.db_set({"status": STATUS[status], "output": frappe.as_json(current)}, commit=False)
	return current


def charge_invoice(invoice_name: str) -> dict:
	"""Charge the invoice's outstanding amount to the customer's saved card, unless that was
	done already; commits each step so a retry resumes where this one stopped."""
	from gigafibre_fsm.integrations import stripe_api

	invoice = frappe.get_doc("Sales Invoice", invoice_name)
	record = _record(invoice)
	done = frappe.parse_json(record.output or "{}")
	if done.get("status") in (SUCCEEDED, REQUIRES_ACTION, FAILED, NO_CARD):
		frappe.db.commit()  # nosemgrep: nothing to do but release the row
		return outcome(invoice.name)
	if flt(invoice.outstanding_amount) <= 0:
		_save(record, SUCCEEDED, payment_entry=None, note="nothing outstanding")
		frappe.db.commit()  # nosemgrep
		return outcome(invoice.name)
	card = _card_of(invoice.customer)
	if not card:
		_save(record, NO_CARD)
		frappe.db.commit()  # nosemgrep
		return outcome(invoice.name)
	intent_id = done.get("payment_intent")
	if not intent_id:
		intent = stripe_api.create_payment_intent(
			amount_cents=round(flt(invoice.outstanding_amount) * 100),
			currency=(invoice.currency or "CAD").lower(),
			customer=card["customer"],
			payment_method=card["payment_method"],
			metadata={"invoice": invoice.name, "site": frappe.local.site},
			idempotency_key=idempotency_key(invoice.name, "intent"),
		)
		intent_id = intent.id
		_save(record, PENDING, payment_intent=intent_id)
		frappe.db.commit()  # nosemgrep: the intent is known before it is confirmed
	intent = stripe_api.confirm_payment_intent(intent_id, idempotency_key(invoice.name, "confirm"))
	result = apply_intent(invoice.name, intent.id, intent.status, stripe_api.decline_reason(intent))
	frappe.db.commit()  # nosemgrep: the outcome of a charge made is kept
	return result


def apply_intent(invoice_name: str, intent_id: str, status: str, reason: str | None = None) -> dict:
	"""Record what a PaymentIntent became (the charge's answer, or a webhook's event), once."""
	record = frappe.get_doc("Integration Request", record_name(invoice_name), for_update=True)
	done = frappe.parse_json(record.output or "{}")
	if done.get("status") == SUCCEEDED:
		return outcome(invoice_name)  # a late or replayed event after the payment
	if status == "succeeded":
		entry = _payment_entry(invoice_name, intent_id)
		_save(record, SUCCEEDED, payment_intent=intent_id, payment_entry=entry)
	elif status in ("requires_action", "requires_payment_method", "canceled"):
		if done.get("status") in (REQUIRES_ACTION, FAILED):
			return outcome(invoice_name)  # collections were told already
		kind = REQUIRES_ACTION if status == "requires_action" else FAILED
		_save(record, kind, payment_intent=intent_id, reason=reason)
	else:
		_save(record, PENDING, payment_intent=intent_id)
	return outcome(invoice_name)


def _payment_entry(invoice_name: str, intent_id: str) -> str:
	"""ERPNext's own Payment Entry against the invoice, into the Stripe account."""
	existing = frappe.db.get_value("Payment Entry", {"reference_no": intent_id, "docstatus": 1}, "name")
	if existing:
		return existing
	settings = require("stripe_account")
	# Recorded by the system, whoever's request received the answer (a technician, a guest
	# paying through a link, Stripe's webhook): ERPNext reads the bank account's balance on
	# the way, which they may not see.
	user = frappe.session.user
	frappe.set_user("Administrator")
	try:
		entry = get_payment_entry("Sales Invoice", invoice_name, bank_account=settings.stripe_account)
		entry.mode_of_payment = SERVICE
		entry.reference_no = intent_id
		entry.reference_date = nowdate()
		entry.docstatus = 1  # submitted as it is inserted: one validate
		entry.insert(ignore_permissions=True)
	finally:
		frappe.set_user(user)
	return entry.name


def apply_event(event) -> tuple[str, str | None]:
	"""A Stripe webhook event, applied once (its Integration Request is named by its id):
	what was done and the invoice it was about."""
	name = f"stripe-event-{event['id']}"
	if frappe.db.exists("Integration Request", name):
		return "replayed", None
	record = frappe.get_doc(
		{
			"doctype": "Integration Request",
			"integration_request_service": SERVICE,
			"request_description": event["type"],
			"is_remote_request": 1,
			"status": "Queued",
			"data": frappe.as_json({"id": event["id"], "type": event["type"]}),
		}
	)
	record.flags._name = name
	record.insert(ignore_permissions=True)
	intent = event["data"]["object"]
	invoice = (intent.get("metadata") or {}).get("invoice")
	applied = "ignored"
	if (
		event["type"] in ("payment_intent.succeeded", "payment_intent.payment_failed")
		and invoice
		and frappe.db.exists("Integration Request", record_name(invoice))
	):
		status = "succeeded" if event["type"] == "payment_intent.succeeded" else "requires_payment_method"
		error = intent.get("last_payment_error") or {}
		apply_intent(invoice, intent["id"], status, error.get("code"))
		applied = "applied"
	record.db_set({"status": "Completed", "output": frappe.as_json({"result": applied})}, commit=False)
	return applied, invoice


def record_link_payment(invoice_name: str, intent_id: str) -> dict:
	"""The customer paid the invoice through the payment link: its Payment Entry, once."""
	invoice = frappe.get_doc("Sales Invoice", invoice_name)
	_record(invoice)
	return apply_intent(invoice_name, intent_id, "succeeded")
