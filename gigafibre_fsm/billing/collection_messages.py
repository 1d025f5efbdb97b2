"""What collections tell a customer, by SMS and email, in the customer's language.

English source texts translated by Frappe (``translations/fr.csv``); dates and amounts written by
Babel in the customer's locale, as orders/messages.py does for the order's messages. Each
function returns (SMS text, email subject, email text).
"""

from html import escape

from frappe import _

from gigafibre_fsm.billing import collection_rules as rules
from gigafibre_fsm.orders.messages import long_date, money


def _call_us(phone: str | None, lang: str) -> str:
	return _("Questions? Call us at {0}.", lang=lang).format(phone) if phone else ""


def texts(kind: str, facts: dict, lang: str) -> tuple[str, str, str]:
	"""(sms, subject, text) of a notice of ``kind`` with its ``facts`` (amounts, dates)."""
	call = _call_us(facts.get("support_phone"), lang)
	amount = money(facts.get("amount") or 0, lang)
	if kind == rules.ARRANGEMENT_REMINDER:
		body = _(
			"Gigafibre reminder: your payment arrangement of {0} is due by {1}. If it is not paid, "
			"your service will be suspended after {2}.",
			lang=lang,
		).format(amount, long_date(facts.get("pay_by") or facts.get("cutoff"), lang), long_date(facts.get("cutoff"), lang))
		subject = _("Gigafibre — Payment arrangement reminder", lang=lang)
	elif kind == rules.REMINDER:
		body = _(
			"Gigafibre: your invoice {0} was due on {1}. Your balance due is {2}. Thank you for paying it soon.",
			lang=lang,
		).format(facts.get("invoice"), long_date(facts.get("due_date"), lang), amount)
		subject = _("Gigafibre — Payment reminder", lang=lang)
	elif kind == rules.SECOND_REMINDER:
		body = _(
			"Gigafibre, second reminder: your invoice {0} has been overdue since {1}. Your balance due is {2}.",
			lang=lang,
		).format(facts.get("invoice"), long_date(facts.get("due_date"), lang), amount)
		subject = _("Gigafibre — Second payment reminder", lang=lang)
	elif kind == rules.SUSPENSION_NOTICE:
		body = _(
			"Gigafibre, notice: unless your balance due of {0} is paid, your service will be suspended on or after {1}.",
			lang=lang,
		).format(amount, long_date(facts.get("suspension_date"), lang))
		subject = _("Gigafibre — Notice of suspension", lang=lang)
	elif kind == rules.SUSPENDED:
		body = _(
			"Gigafibre: your service is suspended for non-payment. Your balance due is {0}; it is restored as soon as it is paid.",
			lang=lang,
		).format(amount)
		subject = _("Gigafibre — Service suspended", lang=lang)
	elif kind == rules.RESTORED:
		body = _("Gigafibre: thank you! Your service is restored.", lang=lang)
		subject = _("Gigafibre — Service restored", lang=lang)
	else:
		raise ValueError(f"no message for {kind}")
	sms = f"{body} {call}".strip()
	text = "\n\n".join(
		part
		for part in (
			_("Hello {0},", lang=lang).format(facts.get("customer_name") or ""),
			body,
			call,
			_("The Gigafibre team", lang=lang),
		)
		if part
	)
	return sms, subject, text


def html_of(text: str) -> str:
	return "<div style='font-family:sans-serif'>" + "<br>".join(escape(row) for row in text.split("\n")) + "</div>"
