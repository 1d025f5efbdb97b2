"""Field checks shared by the app's controllers: each normalises a field in place or
stops the save with a translated, typed error naming the field."""

import frappe
from frappe import _

from gigafibre_fsm.exceptions import (
	CustomerMismatchError,
	InvalidCoordinatesError,
	InvalidMACAddressError,
	InvalidPortError,
	InvalidPostalCodeError,
	StatusTransitionError,
)
from gigafibre_fsm.rules.address import (
	format_coordinate,
	normalize_postal_code,
	parse_coordinate,
	parse_port_number,
)
from gigafibre_fsm.service.identifiers import normalize_mac
from gigafibre_fsm.status_flow import FLOWS, NOT_ALLOWED, REASON_FIELDS, REASON_REQUIRED


def _label(doc, fieldname: str) -> str:
	return _(doc.meta.get_label(fieldname))


def is_import(doc) -> bool:
	"""Whether the record comes from an import (Data Import or the legacy import), which may
	create records in any status and keep the values the source system had."""
	return bool(frappe.flags.in_import or doc.flags.in_import)


def normalize_postal_code_field(doc, fieldname: str = "postal_code") -> None:
	value = (doc.get(fieldname) or "").strip()
	if not value:
		doc.set(fieldname, None)
		return
	normalized = normalize_postal_code(value)
	if not normalized:
		frappe.throw(
			_("{0}: {1} is not a Canadian postal code (expected A1A 1A1)").format(
				_label(doc, fieldname), frappe.bold(value)
			),
			InvalidPostalCodeError,
		)
	doc.set(fieldname, normalized)


def normalize_coordinates(doc, lat_field: str = "latitude", lng_field: str = "longitude") -> None:
	"""Store each coordinate in one form, and an unknown one as empty, never as 0."""
	for fieldname, limit in ((lat_field, 90), (lng_field, 180)):
		try:
			value = parse_coordinate(doc.get(fieldname), limit)
		except ValueError:
			frappe.throw(
				_("{0}: {1} is not a number between -{2} and {2}").format(
					_label(doc, fieldname), frappe.bold(doc.get(fieldname)), limit
				),
				InvalidCoordinatesError,
			)
		doc.set(fieldname, format_coordinate(value))


def normalize_port_fields(doc, *fieldnames: str) -> None:
	"""OLT frame, slot, port and ONT id: whole numbers from 0, empty when unknown."""
	for fieldname in fieldnames:
		try:
			value = parse_port_number(doc.get(fieldname))
		except ValueError:
			frappe.throw(
				_("{0} must be a whole number from 0, not {1}").format(
					_label(doc, fieldname), frappe.bold(doc.get(fieldname))
				),
				InvalidPortError,
			)
		doc.set(fieldname, None if value is None else str(value))


def normalize_mac_field(doc, fieldname: str = "mac_address") -> None:
	value = (doc.get(fieldname) or "").strip()
	if not value:
		doc.set(fieldname, None)
		return
	normalized = normalize_mac(value)
	if not normalized:
		frappe.throw(
			_("{0}: {1} is not a MAC address (12 hexadecimal digits, e.g. AA:BB:CC:DD:EE:FF)").format(
				_label(doc, fieldname), frappe.bold(value)
			),
			InvalidMACAddressError,
		)
	doc.set(fieldname, normalized)


def check_status_transition(doc) -> None:
	"""A new record starts in its flow's first status (an import may say otherwise); a move
	must be allowed by the flow, and a move that needs a reason needs one written with it."""
	flow = FLOWS[doc.doctype]
	if doc.status not in flow.colours:
		frappe.throw(
			_("{0} is not a status of {1}").format(frappe.bold(doc.status), _(doc.doctype)),
			StatusTransitionError,
		)
	if doc.is_new():
		if doc.status != flow.initial and not is_import(doc):
			frappe.throw(
				_("A new {0} starts as {1}, not {2}").format(
					_(doc.doctype), frappe.bold(_(flow.initial)), frappe.bold(_(doc.status))
				),
				StatusTransitionError,
			)
		return
	old = doc.get_doc_before_save()
	old_status = old.status if old else None
	reason_field = REASON_FIELDS.get(doc.doctype)
	# Only a reason written in this same save explains this move.
	reason = doc.get(reason_field) if reason_field and doc.has_value_changed(reason_field) else None
	verdict = flow.check(old_status, doc.status, reason)
	if verdict == NOT_ALLOWED:
		frappe.throw(
			_("{0} {1} cannot go from {2} to {3}").format(
				_(doc.doctype), doc.name, frappe.bold(_(old_status)), frappe.bold(_(doc.status))
			),
			StatusTransitionError,
		)
	if verdict == REASON_REQUIRED:
		frappe.throw(
			_("Say why {0} {1} goes from {2} to {3}: write it in {4}").format(
				_(doc.doctype),
				doc.name,
				_(old_status),
				_(doc.status),
				frappe.bold(_label(doc, reason_field)),
			),
			StatusTransitionError,
		)


# "Not given": a caller that already knows the answer (the legacy import's index) passes it.
UNKNOWN = object()


def check_location_belongs_to_customer(doc, owner=UNKNOWN) -> None:
	"""A record tied to a service location must be for the customer of that location.

	``owner``: the location's customer when the caller already knows it (the bulk import).
	"""
	if not (doc.get("service_location") and doc.get("customer")):
		return
	if owner is UNKNOWN:
		owner = frappe.db.get_value("Service Location", doc.service_location, "customer")
	if owner and owner != doc.customer:
		frappe.throw(
			_("Service Location {0} belongs to customer {1}, not {2}").format(
				doc.service_location, owner, doc.customer
			),
			CustomerMismatchError,
		)


def raise_unique_violation(doc, error: Exception, messages: dict) -> None:
	"""Turn the database's refusal of a duplicate key into the app's own error.

	``messages`` maps a unique key to a function that throws the app's error for it; called
	from a controller's ``show_unique_validation_message`` so a racer that lost at the
	database gets the same clear answer as one stopped by the check before the write.
	"""
	text = str(error)
	for key, throw in messages.items():
		if f"'{key}'" in text:
			throw()
