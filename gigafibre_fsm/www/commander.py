"""The public order page (/commander): address, plans with prices, details, card, confirm.

It calls the website endpoints (api/website.py) like any client of API.md; Stripe.js comes
from site config ``stripe_js_url`` and Stripe Elements is used when a publishable key is set.
The page speaks French unless the browser asks for English. Where no address matches, or the
fibre does not reach it yet, the page offers the waitlist and the customer-service phone
(Gigafibre Settings ``support_phone``).
"""

import json

import frappe
from frappe import _

from gigafibre_fsm.api.guard import use_request_language
from gigafibre_fsm.integrations import stripe_api
from gigafibre_fsm.rules.phone import normalize_phone

no_cache = 1

# Texts the page's script shows, translated here so the script needs no translation files.
SCRIPT_TEXTS = (
	"month",
	"None",
	"Monthly",
	"Due at installation",
	"Installation",
	"We will call you to schedule the installation",
	"Card payments are not configured",
	"The card was refused",
	"Thank you! We will let you know.",
	"Your card is saved. Thank you!",
	"Amount to pay",
	"Pay",
	"Your payment is received. Thank you!",
	"The address search is not available right now. Try again in a moment.",
)


def get_context(context):
	lang = use_request_language()
	context.lang = lang
	context.title = _("Order Gigafibre")
	context.stripe_js_url = stripe_api.js_url()
	context.stripe_publishable_key = stripe_api.publishable_key() or ""
	context.order_id = frappe.form_dict.get("commande") or ""
	context.payment_token = frappe.form_dict.get("jeton") or ""
	context.payment_expires = frappe.form_dict.get("expire") or ""
	context.support_phone = frappe.db.get_single_value("Gigafibre Settings", "support_phone") or ""
	context.support_phone_href = phone_link(context.support_phone)
	context.script_texts = json.dumps({text: _(text) for text in SCRIPT_TEXTS}, ensure_ascii=False)
	return context


def phone_link(phone: str) -> str:
	"""A ``tel:`` link for a number as people write it: +1 and its 10 digits when it is a
	North-American number, its digits otherwise."""
	digits = normalize_phone(phone)
	if digits:
		return f"tel:+1{digits}"
	return "tel:" + "".join(c for c in phone if c.isdigit() or c == "+")
