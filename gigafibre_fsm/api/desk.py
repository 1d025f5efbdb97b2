"""The agents' endpoints behind the desk page "Nouvelle installation": the same services as
the website (address search, availability, price, checkout) for an order taken by phone.

Permission first: only staff who may create customers and locations place orders. An
agent's order has no card: the customer may get a payment link by SMS and/or email, and
an agent may add a special discount (RAB_X).
"""

import frappe

from gigafibre_fsm.api import website
from gigafibre_fsm.api.guard import Refusals, check_body, use_request_language
from gigafibre_fsm.billing import collections
from gigafibre_fsm.orders import offer, pipeline
from gigafibre_fsm.orders.order_input import checkout_body
from gigafibre_fsm.roles import COLLECTIONS, SALES, SUPPORT, SYSTEM_MANAGER

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


# ---------------------------------------------------------------------------------------
# Collections: what a customer owes, and suspending or restoring them by hand

BALANCE_READERS = (COLLECTIONS, SUPPORT, SYSTEM_MANAGER)
COLLECTORS = (COLLECTIONS, SYSTEM_MANAGER)


def _only(roles: tuple[str, ...]) -> None:
	# Not frappe.only_for: it lets everyone through while tests run, and this is tested.
	if set(roles).isdisjoint(frappe.get_roles()):
		frappe.throw(
			frappe._("Only {0} may do this").format(" / ".join(frappe._(role) for role in roles)),
			frappe.PermissionError,
		)


def _yes(value) -> bool:
	return str(value).strip().lower() in ("1", "true", "yes")


@frappe.whitelist(methods=["GET"])
def balance(customer: str | None = None) -> dict:
	"""What the customer owes (API.md "Desk"): ERPNext's outstanding and overdue amounts, the
	open invoices, unallocated payments, the arrangement in force, auto-pay, suspended."""
	_only(BALANCE_READERS)
	with Refusals():
		return collections.balance(customer)


@frappe.whitelist(methods=["POST"])
def suspend_customer(customer: str | None = None, reason: str | None = None, notify: bool | int | str = 1) -> dict:
	"""The Customer form's "Suspend": the same service as collections, kept until a person restores."""
	_only(COLLECTORS)
	frappe.has_permission("Customer", "write", customer, throw=True)
	with Refusals():
		return collections.suspend_by_hand(customer, reason, notify=_yes(notify))


@frappe.whitelist(methods=["POST"])
def restore_customer(customer: str | None = None, reason: str | None = None, notify: bool | int | str = 1) -> dict:
	"""The Customer form's "Restore": every suspension of the customer lifted, what each suspended
	back in service."""
	_only(COLLECTORS)
	frappe.has_permission("Customer", "write", customer, throw=True)
	with Refusals():
		return collections.restore_by_hand(customer, reason, notify=_yes(notify))
