"""Typed errors, so callers (the website, the ACS, the import) can tell one failure from another."""

import frappe


class InvalidMACAddressError(frappe.ValidationError):
	pass


class InvalidSerialError(frappe.ValidationError):
	pass


class DuplicateSerialError(frappe.DuplicateEntryError):
	pass


class InvalidPostalCodeError(frappe.ValidationError):
	pass


class InvalidCoordinatesError(frappe.ValidationError):
	pass


class InvalidPortError(frappe.ValidationError):
	pass


class PortUnavailableError(frappe.ValidationError):
	pass


class InvalidDIDError(frappe.ValidationError):
	pass


class DuplicateActiveLineError(frappe.ValidationError):
	pass


class StatusTransitionError(frappe.ValidationError):
	pass


class CustomerMismatchError(frappe.ValidationError):
	pass


class InvalidDateRangeError(frappe.ValidationError):
	"""An end before its start: departure before arrival, end date before start date…"""


class InvalidAmountError(frappe.ValidationError):
	"""A negative or zero amount, rate, quantity or number of hours where it cannot be."""


class IncompleteRecordError(frappe.ValidationError):
	"""A status that needs something first: a start date, a technician, a scheduled date."""


class DispatchAssignmentError(frappe.ValidationError):
	pass


class PaymentDetailsError(frappe.ValidationError):
	"""Bank or card details that cannot be used to collect a payment."""


class InvalidIPAddressError(frappe.ValidationError):
	pass


class InvalidOrderError(frappe.ValidationError):
	"""An order, quote or lead request the website or an agent sent that cannot be accepted;
	the message names the field."""


class OrderConflictError(frappe.ValidationError):
	"""The fibre port was taken meanwhile, or an idempotency key was reused for another request."""

	http_status_code = 409


class RequestTooLargeError(frappe.ValidationError):
	http_status_code = 413


class PaymentSetupError(frappe.ValidationError):
	"""A card setup (Stripe SetupIntent) that did not succeed or is not this customer's."""


class ProviderUnavailableError(frappe.ValidationError):
	"""Stripe, Twilio or Mailjet did not answer, or is not configured: nothing was written."""

	http_status_code = 503


class AddressNotFoundError(frappe.DoesNotExistError):
	pass


def refuse(field: str, message: str, exc: type[Exception] = InvalidOrderError, title: str | None = None):
	"""Stop with a translated, typed error that names the request's field it is about.

	Services say which field; the web layer (api/guard.py) puts it in the answer
	(``"field"``), so no service writes to the HTTP response."""
	try:
		frappe.throw(message, exc, title=title)
	except exc as error:
		error.field = field
		raise


class SetupIncompleteError(frappe.ValidationError):
	"""The site lacks something only its administrators can set (Gigafibre Settings, ERPNext's
	setup wizard): the message names it. Not the visitor's fault, and not a crash."""

	http_status_code = 412


class InvalidSignatureError(frappe.ValidationError):
	"""A webhook whose signature does not match its secret: not from the provider."""

	http_status_code = 400
