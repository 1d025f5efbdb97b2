"""What the customer receives about an order: the confirmation SMS, the order summary email
and the payment-link messages. Pure Python; the texts are data, in French, whoever placed
the order (as the business writes to its customers).
"""

import datetime
from html import escape

NO_CHARGE = "Aucun frais avant la complétion de l'installation à votre satisfaction."
_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = (
	"janvier",
	"février",
	"mars",
	"avril",
	"mai",
	"juin",
	"juillet",
	"août",
	"septembre",
	"octobre",
	"novembre",
	"décembre",
)


def french_date(value: str | datetime.date | None) -> str:
	"""2025-03-17 → « lundi 17 mars 2025 »."""
	if not value:
		return ""
	day = datetime.date.fromisoformat(str(value)) if not isinstance(value, datetime.date) else value
	first = "1er" if day.day == 1 else str(day.day)
	return f"{_DAYS[day.weekday()]} {first} {_MONTHS[day.month - 1]} {day.year}"


def money(amount: float) -> str:
	"""12.5 → « 12,50 $ », as Québec writes prices."""
	text = f"{abs(amount):,.2f}".replace(",", " ").replace(".", ",")
	return f"{'-' if amount < 0 else ''}{text} $"


def when(answer: dict) -> str:
	if answer.get("scheduled_date"):
		return f"Installation prévue le {french_date(answer['scheduled_date'])}."
	return "Nous vous appellerons pour fixer la date d'installation."


def confirmation_sms(answer: dict, address: str) -> str:
	return (
		f"Commande confirmée! Gigafibre, {address}. {when(answer)} Commande {answer['order_id']}. {NO_CHARGE}"
	)


def summary_email(answer: dict, first_name: str, address: str) -> tuple[str, str, str]:
	"""(subject, text, html) of the order summary."""
	quote = answer["quote"]
	subject = f"Gigafibre — Commande confirmée ({answer['order_id']})"
	lines = [(line["description"], line["qty"], line["amount"], line["recurring"]) for line in quote["lines"]]
	monthly = [f"  {d} × {q} : {money(a)}" for d, q, a, r in lines if r]
	once = [f"  {d} × {q} : {money(a)}" for d, q, a, r in lines if not r]
	due, month = quote["due_at_installation"], quote["monthly"]
	text = "\n".join(
		[
			f"Bonjour {first_name},",
			"",
			f"Votre commande {answer['order_id']} est confirmée pour le {address}.",
			when(answer),
			"",
			"Mensuel :",
			*monthly,
			f"  Total mensuel (TPS {money(month['tps'])}, TVQ {money(month['tvq'])}) : {money(month['total'])}",
			"",
			"À l'installation :",
			*once,
			f"  Premier mois : {money(quote['first_month'])}",
			f"  Total (TPS {money(due['tps'])}, TVQ {money(due['tvq'])}) : {money(due['total'])}",
			"",
			NO_CHARGE,
			"",
			"L'équipe Gigafibre",
		]
	)
	html = "<br>".join(escape(row) for row in text.split("\n"))
	return subject, text, f"<div style='font-family:sans-serif'>{html}</div>"


def payment_link_sms(order_id: str, url: str) -> str:
	return (
		f"Votre commande Gigafibre {order_id} est confirmée! Enregistrez votre carte ici : {url} {NO_CHARGE}"
	)


def payment_link_email(order_id: str, first_name: str, url: str) -> tuple[str, str, str]:
	subject = f"Gigafibre — Enregistrez votre carte ({order_id})"
	text = (
		f"Bonjour {first_name},\n\nVotre commande {order_id} est confirmée. "
		f"Enregistrez votre carte de paiement ici : {url}\n\n{NO_CHARGE}\n\nL'équipe Gigafibre"
	)
	html = (
		f"<p>Bonjour {escape(first_name)},</p><p>Votre commande {escape(order_id)} est confirmée.</p>"
		f"<p><a href='{escape(url)}'>Enregistrer ma carte</a></p><p>{escape(NO_CHARGE)}</p>"
	)
	return subject, text, html
