"""The public website's endpoints (guests, rate-limited per IP): address search and
availability, quote, card setup, checkout, waitlist and business quotes. See API.md.

Each endpoint checks its input, calls a service (network/civic_address, network/coverage,
orders/offer, orders/pipeline, orders/leads, orders/payment_link) and returns. A refusal is a translated 4xx naming the field; nothing a
refused request did is kept (Frappe rolls back the request's transaction).
"""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from gigafibre_fsm.api.guard import Refusals, check_body, refuse_field, use_request_language
from gigafibre_fsm.network.coverage import load_site
from gigafibre_fsm.orders import leads, offer, pipeline
from gigafibre_fsm.orders import payment_link as orders_payment_link
from gigafibre_fsm.orders.order_input import checkout_body, read_email, read_name

# Requests per IP and window (seconds); site config ``gigafibre_rate_limits`` may change
# the counts, e.g. {"checkout": 1000} on a load-test site.
RATE_LIMITS = {
	"search_addresses": (120, 60),
	"availability": (60, 60),
	"quote": (120, 60),
	"start_payment": (20, 600),
	"checkout": (20, 600),
	"join_waitlist": (10, 3600),
	"request_business_quote": (10, 3600),
	"payment_link": (30, 600),
}
MAX_QUERY = 200


def _limit(endpoint: str):
	def limit() -> int:
		configured = frappe.conf.get("gigafibre_rate_limits") or {}
		return int(configured.get(endpoint) or RATE_LIMITS[endpoint][0])

	return limit


def _window(endpoint: str) -> int:
	return RATE_LIMITS[endpoint][1]


# ---------------------------------------------------------------------------------------
# Address


def _address_summary(address: dict, coverage: str) -> dict:
	from gigafibre_fsm.network.civic_address.records import civic_display

	return {
		"address_id": address.name,
		"label": address.label,
		"civic_number": civic_display(address.civic_number, address.civic_suffix),
		"street": address.street,
		"municipality": address.municipality,
		"postal_code": address.postal_code,
		"coverage": coverage,
	}


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=_limit("search_addresses"), seconds=_window("search_addresses"))
def search_addresses(q: str | None = None, limit: int | str | None = 8) -> list[dict]:
	"""Type-ahead over the civic addresses: the best matches with their coverage."""
	from gigafibre_fsm.network.civic_address.search import MAX_LIMIT, search

	use_request_language()
	if q is None or not str(q).strip():
		refuse_field("q", _("Type an address"))
	if len(q) > MAX_QUERY:
		refuse_field("q", _("At most {0} characters").format(MAX_QUERY))
	try:
		count = int(limit if limit not in (None, "") else 8)
	except (TypeError, ValueError):
		count = 0
	if not 1 <= count <= MAX_LIMIT:
		refuse_field("limit", _("Must be a whole number from 1 to {0}").format(MAX_LIMIT))
	return search(q, count)


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=_limit("availability"), seconds=_window("availability"))
def availability(address_id: str | None = None) -> dict:
	"""Whether fibre can be ordered at an address, and the plans its drop carries with prices."""
	use_request_language()
	if not address_id or not str(address_id).strip():
		refuse_field("address_id", _("This field is required"))
	with Refusals():
		site = load_site(str(address_id).strip())
		plans = offer.plans_at(site)
	return {
		"address": _address_summary(site.address, site.coverage),
		"coverage": site.coverage,
		"max_speed_mbps": site.max_speed,
		"zone": site.zone,
		"plans": plans,
	}


# ---------------------------------------------------------------------------------------
# Price and payment


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=_limit("quote"), seconds=_window("quote"))
def quote(
	address_id: str | None = None,
	items: list | None = None,
	commitment_months: int | str | None = 0,
	install_date: str | None = None,
) -> dict:
	"""The price of a basket at an address: lines, discounts, first month, TPS and TVQ."""
	use_request_language()
	check_body()
	with Refusals():
		return offer.quote_at(address_id, items, commitment_months, install_date).to_dict()


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=_limit("start_payment"), seconds=_window("start_payment"))
def start_payment(
	email: str | None = None, first_name: str | None = None, last_name: str | None = None
) -> dict:
	"""A Stripe customer and a SetupIntent for off-session use; the page confirms it with
	Stripe Elements and sends its id to `checkout`. Nothing is charged, nothing is stored here."""
	from gigafibre_fsm.integrations import stripe_api

	use_request_language()
	check_body()
	with Refusals():
		email = read_email(email, "email")
		name = f"{read_name(first_name, 'first_name')} {read_name(last_name, 'last_name')}"
	customer = stripe_api.create_customer(email, name, metadata={"source": "website"})
	intent = stripe_api.create_setup_intent(customer, {"source": "website"})
	return {
		"setup_intent_id": intent.id,
		"client_secret": intent.client_secret,
		"publishable_key": stripe_api.publishable_key(),
	}


# ---------------------------------------------------------------------------------------
# Checkout


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=_limit("checkout"), seconds=_window("checkout"))
def checkout(
	idempotency_key: str | None = None,
	address_id: str | None = None,
	customer: dict | None = None,
	items: list | None = None,
	commitment_months: int | str | None = 0,
	preferred_dates: list | None = None,
	contact_me: bool | int | str | None = False,
	apartment: str | None = None,
	setup_intent_id: str | None = None,
) -> dict:
	"""Place a website order in one transaction; the same key again returns the same answer."""
	use_request_language((customer or {}).get("language") if isinstance(customer, dict) else None)
	check_body()
	with Refusals():
		return pipeline.checkout(checkout_body(locals()), "Website", needs_card=True)


# ---------------------------------------------------------------------------------------
# No fibre yet, or a business


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=_limit("join_waitlist"), seconds=_window("join_waitlist"))
def join_waitlist(
	address_id: str | None = None,
	address: str | None = None,
	first_name: str | None = None,
	last_name: str | None = None,
	email: str | None = None,
	phone: str | None = None,
) -> dict:
	"""Be told when fibre reaches the address: a Lead for the waitlist, tagged by municipality."""
	use_request_language()
	check_body()
	with Refusals():
		return leads.join_waitlist(
			{
				"address_id": address_id,
				"address": address,
				"first_name": first_name,
				"last_name": last_name,
				"email": email,
				"phone": phone,
			}
		)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=_limit("request_business_quote"), seconds=_window("request_business_quote"))
def request_business_quote(
	company: str | None = None,
	first_name: str | None = None,
	last_name: str | None = None,
	email: str | None = None,
	phone: str | None = None,
	address: str | None = None,
	needs: str | None = None,
) -> dict:
	"""A business asks for a quote: an Enterprise Lead and an Issue for sales."""
	use_request_language()
	check_body()
	with Refusals():
		return leads.request_business_quote(
			{
				"company": company,
				"first_name": first_name,
				"last_name": last_name,
				"email": email,
				"phone": phone,
				"address": address,
				"needs": needs,
			}
		)


# ---------------------------------------------------------------------------------------
# Payment link of an agent's order


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=_limit("payment_link"), seconds=_window("payment_link"))
def payment_link(
	commande: str | None = None, jeton: str | None = None, expire: int | str | None = None
) -> dict:
	"""What the page of a payment link needs: the invoice to pay or the card to save."""
	use_request_language()
	return orders_payment_link.link_page(commande, jeton, expire)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=_limit("payment_link"), seconds=_window("payment_link"))
def confirm_payment_link(
	commande: str | None = None, jeton: str | None = None, expire: int | str | None = None
) -> dict:
	"""Record what the customer did through the link: the invoice paid, or the card saved."""
	use_request_language()
	check_body()
	return orders_payment_link.record_card(commande, jeton, expire)
