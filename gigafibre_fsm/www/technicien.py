"""The technician's phone page (/technicien): the day's jobs, arriving, scanning the equipment,
completing the installation.

It calls the technicians' endpoints (api/field.py) like any client of API.md, as the logged-in
user; a visitor is sent to the login page and back, a user who is not a field technician is
told so. The page speaks French unless the request (``_lang``), the user's own language or the
browser asks for English (:func:`page_language`); its script sends that language with every call, so the server's
messages (a serial in service elsewhere, a job not started) come in the same language.
Nothing about money is shown: the payment's outcome is told in words.
"""

import json

import frappe
from frappe import _

from gigafibre_fsm.api.guard import use_request_language
from gigafibre_fsm.field_service import activation
from gigafibre_fsm.orders.order_input import LANGUAGES
from gigafibre_fsm.roles import SYSTEM_MANAGER, TECHNICIAN

no_cache = 1

ROUTE = "technicien"

# Texts the page's script shows, translated here so the script needs no translation files.
SCRIPT_TEXTS = (
	# Statuses and kinds of job, equipment types (stored in English)
	"Scheduled",
	"In Progress",
	"Completed",
	"Cancelled",
	"Installation",
	"Repair",
	"Support",
	"Equipment Removal",
	"ONT",
	"Router",
	"TV Box",
	"IP Phone",
	# The list
	"Today",
	"Loading…",
	"No jobs on this day.",
	"1 job",
	"{0} jobs",
	"No phone number",
	"No address",
	# A job
	"Arrived at {0}",
	"Saved: serial {0}",
	"Saved: serial {0}, MAC {1}",
	"Enter the serial number",
	"{0} of {1} scanned",
	"Scan every piece of equipment before finishing.",
	"No connection. Check the network and try again.",
	"Something went wrong. Try again.",
	# The outcome
	"The service is active.",
	"Equipment activated: {0}",
	"Payment received: the customer's card was charged.",
	"The customer's bank asks them to confirm the payment: they receive a link to do it. Nothing to do on your side.",
	"The customer's card was refused: they receive a link to pay. The service stays active.",
	"The payment is being processed. Nothing to do on your side.",
	"No card on file: the customer receives a link to pay.",
	"Nothing to collect for this job.",
	"Check the payment again",
	"See the payment",
)


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = f"/login?redirect-to=/{ROUTE}"
		raise frappe.Redirect
	lang = use_request_language(page_language())
	context.lang = lang
	if context.get("boot"):
		# The site's boot data was made before the page chose its language (<html lang>).
		context.boot["lang"] = lang
	context.no_breadcrumbs = 1
	context.show_sidebar = 0
	context.title = _("My jobs")
	context.logged_in_as = frappe.session.user
	context.allowed = not {TECHNICIAN, SYSTEM_MANAGER}.isdisjoint(frappe.get_roles())
	context.today = str(activation.today())
	context.script_texts = json.dumps({text: _(text) for text in SCRIPT_TEXTS}, ensure_ascii=False)
	return context


def page_language() -> str | None:
	"""``_lang`` when the address asks; else the user's own language when they chose it (one the
	page speaks, other than the site's default, which every new user gets); None leaves it to
	the browser, French by default."""
	asked = (frappe.form_dict.get("_lang") or "").strip().lower()[:2]
	if asked in LANGUAGES:
		return asked
	own = (frappe.db.get_value("User", frappe.session.user, "language") or "").strip().lower()
	if own[:2] in LANGUAGES and own != (frappe.db.get_default("lang") or "").lower():
		return own[:2]
	return None
