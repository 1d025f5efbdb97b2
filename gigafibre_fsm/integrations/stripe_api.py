"""Stripe through its official SDK: customers and SetupIntents that save a card at the order,
PaymentIntents that charge it (or that a payment link pays) once an invoice is due, and the
webhook's signed events. Every call that creates something can carry an idempotency key.
"""

import frappe
import stripe
from frappe import _

from gigafibre_fsm.exceptions import ProviderUnavailableError
from gigafibre_fsm.integrations import TIMEOUT, secret, settings

_clients: dict[tuple[str, str], stripe.StripeClient] = {}


def api_base() -> str:
	return frappe.conf.get("stripe_api_base") or stripe.DEFAULT_API_BASE


def js_url() -> str:
	return frappe.conf.get("stripe_js_url") or "https://js.stripe.com/v3/"


def publishable_key() -> str | None:
	return settings().stripe_publishable_key or None


def is_configured() -> bool:
	return bool(secret("stripe_secret_key"))


def client() -> stripe.StripeClient:
	key = secret("stripe_secret_key")
	if not key:
		frappe.throw(_("Card payments are not configured"), ProviderUnavailableError)
	base = api_base()
	# One client per key and address per worker: it keeps its HTTP connections open.
	if (key, base) not in _clients:
		_clients[(key, base)] = stripe.StripeClient(
			key,
			base_addresses={"api": base},
			max_network_retries=1,
			http_client=stripe.RequestsClient(timeout=TIMEOUT),
		)
	return _clients[(key, base)]


def _call(fn, *args, **kwargs):
	"""Call the SDK; a Stripe that cannot be reached is a 503, never a half-made record."""
	try:
		return fn(*args, **kwargs)
	except (stripe.APIConnectionError, stripe.AuthenticationError, stripe.RateLimitError) as e:
		frappe.log_error(title="Stripe unreachable", message=str(e))
		frappe.throw(_("The card service does not answer; try again in a moment"), ProviderUnavailableError)


def _options(idempotency_key: str | None) -> dict:
	"""A retried job must not make a second customer, SetupIntent or charge: Stripe answers a
	request it saw with the same key with its first answer."""
	return {"idempotency_key": idempotency_key} if idempotency_key else {}


def create_customer(
	email: str,
	name: str,
	phone: str | None = None,
	metadata: dict | None = None,
	idempotency_key: str | None = None,
) -> str:
	params = {"email": email, "name": name, "metadata": metadata or {}}
	if phone:
		params["phone"] = phone
	return _call(client().customers.create, params=params, options=_options(idempotency_key)).id


def create_setup_intent(customer_id: str, metadata: dict | None = None, idempotency_key: str | None = None):
	"""A SetupIntent for off-session use: the card is charged later, without the customer."""
	return _call(
		client().setup_intents.create,
		params={"customer": customer_id, "usage": "off_session", "metadata": metadata or {}},
		options=_options(idempotency_key),
	)


def retrieve_setup_intent(setup_intent_id: str):
	"""The SetupIntent with its customer and card, or None when Stripe does not know it."""
	try:
		return _call(
			client().setup_intents.retrieve,
			setup_intent_id,
			params={"expand": ["customer", "payment_method"]},
		)
	except stripe.InvalidRequestError:
		return None


def saved_card(intent) -> dict:
	"""The card a SetupIntent saved (retrieved with its payment method expanded): its
	payment method id, brand and last four digits, as the Payment Method keeps them."""
	method = intent.payment_method if intent else None
	card = (method.get("card") or {}) if method and not isinstance(method, str) else {}
	return {
		"payment_method": method if isinstance(method, str) else (method.id if method else None),
		"brand": card.get("brand"),
		"last4": card.get("last4"),
	}


def create_payment_intent(
	*,
	amount_cents: int,
	currency: str,
	customer: str,
	payment_method: str,
	metadata: dict,
	idempotency_key: str,
):
	"""A PaymentIntent for a saved card, confirmed separately (:func:`confirm_payment_intent`).
	Automatic capture: the answer of the confirmation is the charge's."""
	return _call(
		client().payment_intents.create,
		params={
			"amount": amount_cents,
			"currency": currency,
			"customer": customer,
			"payment_method": payment_method,
			"metadata": metadata,
			"capture_method": "automatic",
		},
		options=_options(idempotency_key),
	)


def create_payment_intent_for_customer(
	*, amount_cents: int, currency: str, customer: str, metadata: dict, idempotency_key: str
):
	"""A PaymentIntent the customer confirms in the page (Stripe Elements) with a card."""
	return _call(
		client().payment_intents.create,
		params={
			"amount": amount_cents,
			"currency": currency,
			"customer": customer,
			"metadata": metadata,
			"capture_method": "automatic",
		},
		options=_options(idempotency_key),
	)


def confirm_payment_intent(intent_id: str, idempotency_key: str):
	"""Confirm server-side; a declined card is an outcome (the intent, read again), not an error."""
	try:
		return _call(client().payment_intents.confirm, intent_id, options=_options(idempotency_key))
	except stripe.CardError:
		return retrieve_payment_intent(intent_id)
	except stripe.InvalidRequestError:
		# Confirmed already (a retried job): what it became.
		return retrieve_payment_intent(intent_id)


def retrieve_payment_intent(intent_id: str):
	return _call(client().payment_intents.retrieve, intent_id)


def decline_reason(intent) -> str | None:
	error = getattr(intent, "last_payment_error", None) or {}
	return error.get("code") if isinstance(error, dict) else getattr(error, "code", None)


def webhook_event(payload: bytes, signature: str | None, secret: str):
	"""The event of a webhook request, its signature checked by the SDK (raises when wrong)."""
	return stripe.Webhook.construct_event(payload, signature or "", secret)
