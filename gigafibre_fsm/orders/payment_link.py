"""The payment link of an order: the customer saves a card, or pays an open invoice, on the
order page, through Stripe.

An order taken by phone has no card; a card that was declined or needs authentication leaves
its invoice open. The payment-link messages (orders/tasks.py) carry
``/commander?commande=…&jeton=…&expire=…``; the page (www/commander) asks :func:`link_page`
what to show — the invoice's amount to pay when the order has an open invoice, else the card
to save — and calls :func:`record_card` once Stripe Elements is done. The token is an HMAC,
under the site's encryption key, of the order, the link's expiry and the order's link
version: it stops working when it expires (``PAYMENT_LINK_DAYS``) or when staff revoke the
order's links (the version goes up), and nothing guessable is stored. The Stripe customer,
SetupIntent and the invoice's PaymentIntent are made once (idempotency keys, kept on the order
and its records).
"""

import hashlib
import hmac
import time

import frappe
from frappe import _
from frappe.utils import get_url

from gigafibre_fsm.exceptions import AddressNotFoundError, PaymentSetupError

ORDER_FIELDS = (
	"name",
	"customer_name",
	"stripe_setup_intent",
	"payment_method",
	"monthly_total",
	"due_at_installation",
)


# How long a link works, in days.
PAYMENT_LINK_DAYS = 30


def payment_token(order: str, expires: int, version: int | None = None) -> str:
	from frappe.utils.password import get_encryption_key

	if version is None:
		version = frappe.db.get_value("Web Order", order, "payment_link_version") or 0
	message = f"payment-link:{order}:{int(expires)}:{int(version)}"
	return hmac.new(get_encryption_key().encode(), message.encode(), hashlib.sha256).hexdigest()[:32]


def check_payment_token(order: str, token: str | None, expires: object) -> bool:
	try:
		expiry = int(str(expires))
	except (TypeError, ValueError):
		return False
	if expiry < time.time():
		return False
	return hmac.compare_digest(payment_token(order, expiry), str(token or ""))


def revoke(order: str) -> None:
	"""Every link sent for the order stops working (the next one sent works)."""
	version = frappe.db.get_value("Web Order", order, "payment_link_version") or 0
	frappe.db.set_value("Web Order", order, "payment_link_version", version + 1, update_modified=False)


def payment_link_url(order: str) -> str:
	"""The link the customer opens to save a card; makes the order's Stripe customer and
	SetupIntent the first time. Committed with the notification's "Sent": if sending fails,
	a retry starts again."""
	from gigafibre_fsm.integrations import stripe_api

	values = frappe.db.get_value(
		"Web Order",
		order,
		["customer", "customer_name", "email", "phone", "payment_method", "stripe_setup_intent"],
		as_dict=True,
		for_update=True,
	)
	if not values.stripe_setup_intent:
		stripe_customer = frappe.db.get_value("Customer", values.customer, "stripe_id")
		if not stripe_customer:
			stripe_customer = stripe_api.create_customer(
				values.email, values.customer_name, f"+1{values.phone}", {"order": order}
			)
			frappe.db.set_value(
				"Customer", values.customer, "stripe_id", stripe_customer, update_modified=False
			)
		intent = stripe_api.create_setup_intent(stripe_customer, {"order": order, "source": "payment_link"})
		method = (
			frappe.get_doc(
				{
					"doctype": "Payment Method",
					"customer": values.customer,
					"processor": "Stripe",
					"is_default": 1,
					"stripe_customer_id": stripe_customer,
					"stripe_setup_intent_id": intent.id,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		frappe.db.set_value(
			"Web Order",
			order,
			{"stripe_setup_intent": intent.id, "payment_method": method},
			update_modified=False,
		)
	expires = link_expiry()
	return f"{get_url()}/commander?commande={order}&jeton={payment_token(order, expires)}&expire={expires}"


def link_expiry(now: float | None = None) -> int:
	"""The expiry of a link sent now: the end of the day ``PAYMENT_LINK_DAYS`` days ahead (UTC),
	so the SMS and the email of one sending carry the same link."""
	day = int(now if now is not None else time.time()) // 86400
	return (day + PAYMENT_LINK_DAYS + 1) * 86400


def _stripe_customer(values, order: str) -> str:
	from gigafibre_fsm.integrations import stripe_api

	stripe_customer = frappe.db.get_value("Customer", values.customer, "stripe_id")
	if not stripe_customer:
		stripe_customer = stripe_api.create_customer(
			values.email,
			values.customer_name,
			f"+1{values.phone}",
			{"order": order},
			idempotency_key=f"gigafibre:{frappe.local.site}:{order}:customer",
		)
		frappe.db.set_value("Customer", values.customer, "stripe_id", stripe_customer, update_modified=False)
	return stripe_customer


def open_invoice(order: str) -> dict | None:
	"""The order's submitted invoice that still has something to pay, if any."""
	return frappe.db.get_value(
		"Sales Invoice",
		{"web_order": order, "docstatus": 1, "outstanding_amount": (">", 0)},
		["name", "outstanding_amount", "currency", "customer"],
		as_dict=True,
		order_by="posting_date desc",
	)


def linked_order(commande: str | None, jeton: str | None, expire: object = None) -> dict:
	"""The order a link names, when its token is right and not expired (404 otherwise:
	nothing to guess from)."""
	order = frappe.db.get_value("Web Order", str(commande or "")[:64], ORDER_FIELDS, as_dict=True)
	if not order or not check_payment_token(order.name, jeton, expire):
		frappe.throw(_("This payment link is not valid or has expired"), AddressNotFoundError)
	return order


def _invoice_intent(order: dict, invoice: dict):
	"""The PaymentIntent the link pays the invoice with (made once per invoice and amount)."""
	from gigafibre_fsm.integrations import stripe_api

	values = frappe.db.get_value(
		"Web Order", order.name, ["customer", "customer_name", "email", "phone"], as_dict=True
	)
	amount = round(float(invoice.outstanding_amount) * 100)
	return stripe_api.create_payment_intent_for_customer(
		amount_cents=amount,
		currency=(invoice.currency or "CAD").lower(),
		customer=_stripe_customer(values, order.name),
		metadata={"invoice": invoice.name, "site": frappe.local.site, "source": "payment_link"},
		idempotency_key=f"gigafibre:{frappe.local.site}:{invoice.name}:link:{amount}",
	)


def link_page(commande: str | None, jeton: str | None, expire: object = None) -> dict:
	"""What the page of a payment link needs: the invoice to pay, or the card to save."""
	from gigafibre_fsm.integrations import stripe_api

	order = linked_order(commande, jeton, expire)
	page = {
		"order_id": order.name,
		"customer_name": order.customer_name,
		"monthly_total": order.monthly_total,
		"due_at_installation": order.due_at_installation,
		"publishable_key": stripe_api.publishable_key(),
	}
	invoice = open_invoice(order.name)
	if invoice:
		intent = _invoice_intent(order, invoice)
		return {
			**page,
			"mode": "pay",
			"invoice": invoice.name,
			"amount": float(invoice.outstanding_amount),
			"paid": intent.status == "succeeded",
			"client_secret": intent.client_secret if intent.status != "succeeded" else None,
		}
	if not order.stripe_setup_intent:
		frappe.throw(_("This payment link is not valid or has expired"), AddressNotFoundError)
	intent = stripe_api.retrieve_setup_intent(order.stripe_setup_intent)
	saved = bool(intent and intent.status == "succeeded")
	return {
		**page,
		"mode": "save_card",
		"saved": saved,
		"client_secret": intent.client_secret if intent and not saved else None,
	}


def record_card(commande: str | None, jeton: str | None, expire: object = None) -> dict:
	"""After Stripe Elements: the invoice paid (its Payment Entry), or the card saved on the
	order's Payment Method. Read from Stripe, never trusted from the browser."""
	from gigafibre_fsm.billing import card_payments
	from gigafibre_fsm.integrations import stripe_api

	order = linked_order(commande, jeton, expire)
	invoice = open_invoice(order.name)
	if invoice:
		intent = _invoice_intent(order, invoice)
		if intent.status != "succeeded":
			frappe.throw(_("The payment did not go through; try again"), PaymentSetupError)
		card_payments.record_link_payment(invoice.name, intent.id)
		return {"order_id": order.name, "paid": True, "invoice": invoice.name}
	if not order.stripe_setup_intent:
		frappe.throw(_("This payment link is not valid or has expired"), AddressNotFoundError)
	intent = stripe_api.retrieve_setup_intent(order.stripe_setup_intent)
	if not intent or intent.status != "succeeded":
		frappe.throw(_("The card was not saved; try again"), PaymentSetupError)
	card = stripe_api.saved_card(intent)
	# A Password field: saved through the document so the id is encrypted.
	payment_method = frappe.get_doc("Payment Method", order.payment_method)
	payment_method.update(
		{
			"stripe_payment_method_id": card["payment_method"],
			"card_brand": card["brand"],
			"card_last4": card["last4"],
		}
	)
	payment_method.save(ignore_permissions=True)
	return {"order_id": order.name, "saved": True}
