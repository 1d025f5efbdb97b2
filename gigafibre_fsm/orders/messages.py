"""What the customer receives about an order: the confirmation SMS, the order summary email
and the payment-link messages, in the customer's language (the order's ``language``: French
by default, English when the customer chose it).

The texts are English source strings translated by Frappe (``translations/fr.csv``), so a
wording is changed in one place for both languages; dates and amounts are written by Babel
in the customer's locale (« lundi 17 mars 2025 », « 12,50 $ »; "Monday, March 17, 2025",
"$12.50").
"""

import datetime
from html import escape

from babel.dates import format_date
from babel.numbers import format_currency
from frappe import _

LOCALES = {"fr": "fr_CA", "en": "en_CA"}
DEFAULT_LANGUAGE = "fr"


def language_of(value: str | None) -> str:
	lang = (value or "").strip().lower()[:2]
	return lang if lang in LOCALES else DEFAULT_LANGUAGE


def long_date(value: str | datetime.date | None, lang: str) -> str:
	if not value:
		return ""
	day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
	return format_date(day, format="full", locale=LOCALES[language_of(lang)])


def money(amount: float, lang: str) -> str:
	return format_currency(amount, "CAD", locale=LOCALES[language_of(lang)])


def no_charge(lang: str) -> str:
	return _("No charge until the installation is completed to your satisfaction.", lang=lang)


def when(answer: dict, lang: str) -> str:
	if answer.get("scheduled_date"):
		return _("Installation planned on {0}.", lang=lang).format(long_date(answer["scheduled_date"], lang))
	return _("We will call you to schedule the installation.", lang=lang)


def confirmation_sms(answer: dict, address: str, lang: str) -> str:
	return _("Order confirmed! Gigafibre, {0}. {1} Order {2}. {3}", lang=lang).format(
		address, when(answer, lang), answer["order_id"], no_charge(lang)
	)


def summary_email(answer: dict, first_name: str, address: str, lang: str) -> tuple[str, str, str]:
	"""(subject, text, html) of the order summary."""
	quote = answer["quote"]
	subject = _("Gigafibre — Order confirmed ({0})", lang=lang).format(answer["order_id"])
	lines = [(line["description"], line["qty"], line["amount"], line["recurring"]) for line in quote["lines"]]
	monthly = [f"  {d} × {q} : {money(a, lang)}" for d, q, a, r in lines if r]
	once = [f"  {d} × {q} : {money(a, lang)}" for d, q, a, r in lines if not r]
	due, month = quote["due_at_installation"], quote["monthly"]
	total = _("Total (TPS {0}, TVQ {1}): {2}", lang=lang)
	text = "\n".join(
		[
			_("Hello {0},", lang=lang).format(first_name),
			"",
			_("Your order {0} is confirmed for {1}.", lang=lang).format(answer["order_id"], address),
			when(answer, lang),
			"",
			_("Monthly:", lang=lang),
			*monthly,
			"  "
			+ _("Monthly total (TPS {0}, TVQ {1}): {2}", lang=lang).format(
				money(month["tps"], lang), money(month["tvq"], lang), money(month["total"], lang)
			),
			"",
			_("At installation:", lang=lang),
			*once,
			"  " + _("First month: {0}", lang=lang).format(money(quote["first_month"], lang)),
			"  " + total.format(money(due["tps"], lang), money(due["tvq"], lang), money(due["total"], lang)),
			"",
			no_charge(lang),
			"",
			_("The Gigafibre team", lang=lang),
		]
	)
	html = "<br>".join(escape(row) for row in text.split("\n"))
	return subject, text, f"<div style='font-family:sans-serif'>{html}</div>"


def service_activated_sms(address: str, lang: str) -> str:
	return _(
		"Service activated! Gigafibre, {0}. Welcome! Questions? Reply to this message.", lang=lang
	).format(address)


def job_scheduled_sms(day, address: str | None, lang: str) -> str:
	return _(
		"Gigafibre: a technician will come on {0} to {1}. We will text you when they are on the way.",
		lang=lang,
	).format(long_date(day, lang), address or "")


def en_route_sms(lang: str) -> str:
	return _("Technician on the way! Your Gigafibre technician is heading to you.", lang=lang)


def invoice_email(invoice, lang: str) -> tuple[str, str, str]:
	"""(subject, text, html) of a monthly invoice's email; the PDF goes with it."""
	subject = _("Gigafibre — Invoice {0}", lang=lang).format(invoice.name)
	text = "\n\n".join(
		[
			_("Hello {0},", lang=lang).format(invoice.customer_name),
			_("Your invoice {0} of {1} is attached: {2}, due on {3}.", lang=lang).format(
				invoice.name,
				long_date(invoice.posting_date, lang),
				money(invoice.grand_total, lang),
				long_date(invoice.due_date, lang),
			),
			_("The Gigafibre team", lang=lang),
		]
	)
	html = "<br>".join(escape(row) for row in text.split("\n"))
	return subject, text, f"<div style='font-family:sans-serif'>{html}</div>"


def payment_link_sms(order_id: str, url: str, lang: str) -> str:
	return _("Your Gigafibre order {0} is confirmed! Save your card here: {1} {2}", lang=lang).format(
		order_id, url, no_charge(lang)
	)


def payment_link_email(order_id: str, first_name: str, url: str, lang: str) -> tuple[str, str, str]:
	subject = _("Gigafibre — Save your card ({0})", lang=lang).format(order_id)
	hello = _("Hello {0},", lang=lang)
	confirmed = _("Your order {0} is confirmed.", lang=lang)
	text = "\n\n".join(
		[
			hello.format(first_name),
			confirmed.format(order_id) + " " + _("Save your payment card here: {0}", lang=lang).format(url),
			no_charge(lang),
			_("The Gigafibre team", lang=lang),
		]
	)
	html = (
		f"<p>{escape(hello.format(first_name))}</p><p>{escape(confirmed.format(order_id))}</p>"
		f"<p><a href='{escape(url)}'>{escape(_('Save my card', lang=lang))}</a></p>"
		f"<p>{escape(no_charge(lang))}</p>"
	)
	return subject, text, html
