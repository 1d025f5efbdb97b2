"""The agents' endpoints behind the desk page "Nouvelle installation": the same services as
the website (address search, availability, price, checkout) for an order taken by phone.

Permission first: only staff who may create customers and locations place orders. An
agent's order has no card: the customer may get a payment link by SMS and/or email, and
an agent may add a special discount (RAB_X).
"""

import frappe

from gigafibre_fsm.api import website
from gigafibre_fsm.api.guard import Refusals, check_body, use_request_language
from gigafibre_fsm.orders import offer, pipeline
from gigafibre_fsm.orders.order_input import checkout_body
from gigafibre_fsm.roles import SALES, SUPPORT, SYSTEM_MANAGER

ORDER_TAKERS = (SALES, SUPPORT, SYSTEM_MANAGER)


def _only_order_takers() -> None:
	frappe.only_for(ORDER_TAKERS)


@frappe.whitelist(methods=["GET"])
def search_addresses(q: str | None = None, limit: int | str | None = 8) -> list[dict]:
	_only_order_takers()
	return website.search_addresses(q=q, limit=limit)


@frappe.whitelist(methods=["GET"])
def availability(address_id: str | None = None) -> dict:
	_only_order_takers()
	return website.availability(address_id=address_id)


@frappe.whitelist(methods=["POST"])
def quote(
	address_id: str | None = None,
	items: list | None = None,
	commitment_months: int | str | None = 0,
	install_date: str | None = None,
) -> dict:
	_only_order_takers()
	use_request_language(frappe.local.lang)
	with Refusals():
		return offer.quote_at(
			address_id, items, commitment_months, install_date, special_discounts=True
		).to_dict()


@frappe.whitelist(methods=["POST"])
def checkout(
	idempotency_key: str | None = None,
	address_id: str | None = None,
	customer: dict | None = None,
	items: list | None = None,
	commitment_months: int | str | None = 0,
	preferred_dates: list | None = None,
	contact_me: bool | int | str | None = False,
	apartment: str | None = None,
	send_payment_link: list | str | None = None,
) -> dict:
	"""Place an order taken by phone: the website's pipeline, without a card."""
	_only_order_takers()
	use_request_language(frappe.local.lang)
	check_body()
	with Refusals():
		return pipeline.checkout(checkout_body(locals()), "Desk", needs_card=False, agent=frappe.session.user)
