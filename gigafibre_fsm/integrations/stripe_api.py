"""Stripe: customers and SetupIntents that save a card for charges after installation.

Nothing is ever charged here: a card is saved (SetupIntent, off-session use) and charged
only when the technician completes the installation.
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


def create_customer(email: str, name: str, phone: str | None = None, metadata: dict | None = None) -> str:
	params = {"email": email, "name": name, "metadata": metadata or {}}
	if phone:
		params["phone"] = phone
	return _call(client().customers.create, params=params).id


def create_setup_intent(customer_id: str, metadata: dict | None = None):
	"""A SetupIntent for off-session use: the card is charged later, without the customer."""
	return _call(
		client().setup_intents.create,
		params={"customer": customer_id, "usage": "off_session", "metadata": metadata or {}},
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
