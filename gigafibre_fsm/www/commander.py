"""The public order page (/commander): address, plans with prices, details, card, confirm.

It calls the website endpoints (api/website.py) like any client of API.md; Stripe.js comes
from site config ``stripe_js_url`` and Stripe Elements is used when a publishable key is set.
The page speaks French unless the browser asks for English.
"""

import json

import frappe
from frappe import _

from gigafibre_fsm.api.guard import use_request_language
from gigafibre_fsm.integrations import stripe_api

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
)


def get_context(context):
	lang = use_request_language()
	context.lang = lang
	context.title = _("Order Gigafibre")
	context.stripe_js_url = stripe_api.js_url()
	context.stripe_publishable_key = stripe_api.publishable_key() or ""
	context.order_id = frappe.form_dict.get("commande") or ""
	context.payment_token = frappe.form_dict.get("jeton") or ""
	context.script_texts = json.dumps({text: _(text) for text in SCRIPT_TEXTS}, ensure_ascii=False)
	return context
