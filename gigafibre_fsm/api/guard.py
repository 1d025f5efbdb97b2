"""What every order endpoint does before its work: the request's language, the size and the
form of its body, and a refusal turned into a translated, typed 4xx naming the field."""

import json

import frappe
from frappe import _

from gigafibre_fsm.exceptions import InvalidOrderError, RequestTooLargeError, refuse
from gigafibre_fsm.orders.order_input import LANGUAGES, MAX_BODY_BYTES
from gigafibre_fsm.orders.pricing import CatalogueError, PricingError


def strip_tracebacks_for_guests(response=None, request=None) -> None:
	"""after_request: a visitor's error answer keeps its message (``exception``, the message
	lines) but never the server's traceback, which Frappe adds to every error answer when
	System Settings allow tracebacks."""
	if response is None or frappe.session.user != "Guest" or response.status_code < 400:
		return
	if response.mimetype != "application/json":
		return
	try:
		body = json.loads(response.get_data())
	except ValueError:
		return
	if not isinstance(body, dict) or not ({"exc", "_debug_messages"} & body.keys()):
		return
	body.pop("exc", None)
	body.pop("_debug_messages", None)
	response.set_data(json.dumps(body))


def use_request_language(preferred: str | None = None) -> str:
	"""French unless the request asks for English (``_lang`` or Accept-Language)."""
	lang = (preferred or frappe.form_dict.get("_lang") or "").strip().lower()[:2]
	if lang not in LANGUAGES:
		header = (frappe.get_request_header("Accept-Language") or "").strip().lower()
		lang = "en" if header.startswith("en") else "fr"
	frappe.local.lang = lang
	return lang


def check_body() -> None:
	"""At most 64 KB, and JSON (or form fields) — never another kind of body ignored silently."""
	request = getattr(frappe.local, "request", None)
	if not request or request.method != "POST":
		return
	if (request.content_length or 0) > MAX_BODY_BYTES:
		frappe.throw(
			_("The request is too large ({0} bytes at most)").format(MAX_BODY_BYTES), RequestTooLargeError
		)
	mimetype = request.mimetype or ""
	if request.content_length and not (
		request.is_json or mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
	):
		refuse_field("body", _("Send the request as JSON (Content-Type: application/json)"))


def refuse_field(field: str, message: str, exc=InvalidOrderError):
	frappe.local.response["field"] = field
	refuse(field, f"{field}: {message}", exc, title=_("Invalid request"))


def refuse_pricing(error: PricingError):
	"""A refusal of the pricing engine or of the order checks, translated, as a 417."""
	refuse_field(error.field, error.render(_))


class Refusals:
	"""``with Refusals():`` turns the engine's and the checks' errors into 4xx answers."""

	def __enter__(self):
		return self

	def __exit__(self, exc_type, exc, tb):
		if exc_type and issubclass(exc_type, PricingError):
			refuse_pricing(exc)
		if exc is not None and getattr(exc, "field", None):
			# A service's refusal naming the request's field (exceptions.refuse).
			frappe.local.response["field"] = exc.field
		if exc_type and issubclass(exc_type, CatalogueError):
			# The site's catalogue, not the customer's request: logged for the staff.
			frappe.log_error(title="Catalogue error", message=str(exc))
		return False
