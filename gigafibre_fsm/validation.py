"""Field checks shared by the app's controllers: each normalises a field in place or
stops the save with a translated, typed error naming the field."""

import frappe
from frappe import _
from frappe.utils import flt

from gigafibre_fsm.exceptions import (
	CustomerMismatchError,
	InvalidCoordinatesError,
	InvalidMACAddressError,
	InvalidPortError,
	InvalidPostalCodeError,
	StatusTransitionError,
)
from gigafibre_fsm.network.address import latitude_in_range, longitude_in_range, normalize_postal_code
from gigafibre_fsm.service.identifiers import normalize_mac
from gigafibre_fsm.status_flow import FLOWS, NOT_ALLOWED, REASON_REQUIRED


def _label(doc, fieldname: str) -> str:
	return _(doc.meta.get_label(fieldname))


def normalize_postal_code_field(doc, fieldname: str = "postal_code") -> None:
	value = (doc.get(fieldname) or "").strip()
	if not value:
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


def check_coordinates(doc, lat_field: str = "latitude", lng_field: str = "longitude") -> None:
	lat, lng = doc.get(lat_field), doc.get(lng_field)
	if not latitude_in_range(lat):
		frappe.throw(_("Latitude {0} is out of range (-90 to 90)").format(lat), InvalidCoordinatesError)
	if not longitude_in_range(lng):
		frappe.throw(_("Longitude {0} is out of range (-180 to 180)").format(lng), InvalidCoordinatesError)


def check_non_negative(doc, *fieldnames: str) -> None:
	"""OLT coordinates (frame, slot, port, ONT id) are whole numbers from 0."""
	for fieldname in fieldnames:
		value = doc.get(fieldname)
		if value is not None and value != "" and flt(value) < 0:
			frappe.throw(
				_("{0} must be 0 or more, not {1}").format(_label(doc, fieldname), value), InvalidPortError
			)


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


def check_status_transition(doc, reason_field: str = "status_reason") -> None:
	"""Refuse a status change the doctype's flow does not allow, or one that needs a reason."""
	if doc.is_new():
		return
	old = doc.get_doc_before_save()
	old_status = old.status if old else None
	verdict = FLOWS[doc.doctype].check(old_status, doc.status, doc.get(reason_field))
	if verdict == NOT_ALLOWED:
		frappe.throw(
			_("{0} {1} cannot go from {2} to {3}").format(
				_(doc.doctype), doc.name, frappe.bold(_(old_status)), frappe.bold(_(doc.status))
			),
			StatusTransitionError,
		)
	if verdict == REASON_REQUIRED:
		frappe.throw(
			_("Say why {0} {1} goes from {2} to {3}: fill in {4}").format(
				_(doc.doctype),
				doc.name,
				_(old_status),
				_(doc.status),
				frappe.bold(_label(doc, reason_field)),
			),
			StatusTransitionError,
		)


def check_location_belongs_to_customer(doc) -> None:
	"""A record tied to a service location must be for the customer of that location."""
	if not (doc.get("service_location") and doc.get("customer")):
		return
	owner = frappe.db.get_value("Service Location", doc.service_location, "customer")
	if owner and owner != doc.customer:
		frappe.throw(
			_("Service Location {0} belongs to customer {1}, not {2}").format(
				doc.service_location, owner, doc.customer
			),
			CustomerMismatchError,
		)
