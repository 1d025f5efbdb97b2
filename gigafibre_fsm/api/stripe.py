"""Stripe's webhook (API.md `api.stripe.webhook`): the events that confirm what a card charge's
answer said. The signature is checked with the SDK against Gigafibre Settings' webhook
secret (400 when it does not match); each event is applied once, a late or replayed one
changes nothing (billing/card_payments.py), and an invoice left unpaid is followed up
(orders/unpaid.py)."""

import frappe
import stripe as stripe_sdk
from frappe import _
from frappe.utils.password import get_decrypted_password

from gigafibre_fsm.billing import card_payments
from gigafibre_fsm.exceptions import InvalidSignatureError, SetupIncompleteError
from gigafibre_fsm.integrations import stripe_api
from gigafibre_fsm.orders import unpaid


@frappe.whitelist(allow_guest=True, methods=["POST"])
def webhook() -> dict:
	secret = get_decrypted_password(
		"Gigafibre Settings", "Gigafibre Settings", "stripe_webhook_secret", raise_exception=False
	)
	if not secret:
		frappe.throw(
			_("The site is not set up to sell yet: set {0} in Gigafibre Settings").format(
				_("Stripe Webhook Secret")
			),
			SetupIncompleteError,
		)
	try:
		event = stripe_api.webhook_event(
			frappe.request.get_data(), frappe.get_request_header("Stripe-Signature"), secret
		)
	except (ValueError, stripe_sdk.SignatureVerificationError):
		frappe.throw(_("The webhook's signature does not match"), InvalidSignatureError)
	applied, invoice = card_payments.apply_event(event)
	if invoice:
		unpaid.follow_up(invoice)
	return {"received": True, "result": applied}
