"""An invoice's PDF, rendered by the worker that emails it.

Frappe's print view links its stylesheet by the site's public URL, which wkhtmltopdf then
fetches over HTTP: a worker that cannot reach the site's own address (behind a proxy, on a
private network, a test site's name) fails with a network error. The stylesheets are files of
this bench, so they are read from disk and put inline; nothing is fetched.
"""

import datetime
import os
import re

import frappe
from babel.dates import format_date
from frappe.utils import getdate
from frappe.utils.pdf import get_pdf

from gigafibre_fsm.orders import messages

PRINT_FORMAT = "Facture Gigafibre"
STYLESHEET = re.compile(r"<link[^>]+href=[\"'](?:https?://[^/\"']+)?(/assets/[^\"'?]+\.css)[^\"']*[\"'][^>]*>")


def invoice_pdf(invoice: str) -> bytes:
	html = frappe.get_print("Sales Invoice", invoice, print_format=PRINT_FORMAT)
	return get_pdf(inline_stylesheets(html))


def inline_stylesheets(html: str) -> str:
	"""Each ``<link>`` to a stylesheet of the bench's assets becomes a ``<style>`` with its
	text (one the bench does not have is dropped rather than fetched)."""
	assets = os.path.realpath(frappe.get_site_path("..", "assets"))

	def inline(match: re.Match) -> str:
		path = os.path.realpath(os.path.join(assets, match.group(1)[len("/assets/") :]))
		if not path.startswith(assets + os.sep) or not os.path.isfile(path):
			return ""
		with open(path, encoding="utf-8") as stylesheet:
			return f"<style>{stylesheet.read()}</style>"

	return STYLESHEET.sub(inline, html)


# The print format's words for the customer's locale (hooks.py ``jinja``).


def invoice_language(customer: str | None) -> str:
	return messages.language_of(frappe.db.get_value("Customer", customer, "language") if customer else None)


def invoice_date(value: str | datetime.date | None, lang: str) -> str:
	if not value:
		return ""
	return format_date(getdate(value), format="long", locale=messages.LOCALES[messages.language_of(lang)])


def invoice_money(amount: float | None, lang: str) -> str:
	return messages.money(amount or 0, lang)
