"""The payment link of an agent's order: the customer saves a card later, through Stripe.

An order taken by phone has no card. Its payment-link messages (orders/tasks.py) carry
``/commander?commande=…&jeton=…``; the page (www/commander) asks :func:`link_page` what to
show and calls :func:`record_card` once Stripe Elements saved the card. The token is an HMAC
of the order under the site's encryption key, so the SMS and the email carry the same
working link and nothing guessable is stored. The Stripe customer and SetupIntent are made
once per order, when the first link is sent (kept on the order and its Payment Method).
"""

import hashlib
import hmac

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


def payment_token(order: str) -> str:
	from frappe.utils.password import get_encryption_key

	return hmac.new(
		get_encryption_key().encode(), f"payment-link:{order}".encode(), hashlib.sha256
	).hexdigest()[:32]


def check_payment_token(order: str, token: str | None) -> bool:
	return hmac.compare_digest(payment_token(order), str(token or ""))


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
	return f"{get_url()}/commander?commande={order}&jeton={payment_token(order)}"


def linked_order(commande: str | None, jeton: str | None) -> dict:
	"""The order a link names, when its token is right (404 otherwise: nothing to guess from)."""
	order = frappe.db.get_value("Web Order", str(commande or "")[:64], ORDER_FIELDS, as_dict=True)
	if not order or not order.stripe_setup_intent or not check_payment_token(order.name, jeton):
		frappe.throw(_("This payment link is not valid"), AddressNotFoundError)
	return order


def link_page(commande: str | None, jeton: str | None) -> dict:
	"""What the page of a payment link needs to save the card with Stripe Elements."""
	from gigafibre_fsm.integrations import stripe_api

	order = linked_order(commande, jeton)
	intent = stripe_api.retrieve_setup_intent(order.stripe_setup_intent)
	saved = bool(intent and intent.status == "succeeded")
	return {
		"order_id": order.name,
		"customer_name": order.customer_name,
		"monthly_total": order.monthly_total,
		"due_at_installation": order.due_at_installation,
		"saved": saved,
		"client_secret": intent.client_secret if intent and not saved else None,
		"publishable_key": stripe_api.publishable_key(),
	}


def record_card(commande: str | None, jeton: str | None) -> dict:
	"""Keep the card the customer saved through the link (read from Stripe, not trusted from
	the browser) on the order's Payment Method."""
	from gigafibre_fsm.integrations import stripe_api

	order = linked_order(commande, jeton)
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
