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
