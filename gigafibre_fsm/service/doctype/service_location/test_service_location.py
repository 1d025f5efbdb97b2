import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.exceptions import InvalidPostalCodeError, PortUnavailableError, StatusTransitionError
from gigafibre_fsm.tests.utils import (
	ERPNEXT_DOCTYPES,
	make_customer,
	make_fibre_drop,
	make_olt,
	make_service_location,
	update_doc,
)

test_ignore = ERPNEXT_DOCTYPES


class TestServiceLocation(FrappeTestCase):
	def test_address_is_normalised_and_titled(self):
		location = make_service_location(apartment="3", postal_code="j0a 1c0")
		self.assertEqual(location.postal_code, "J0A 1C0")
		self.assertEqual(location.status, "Pending Install")
		self.assertEqual(location.location_title, "12 Rue Principale, apt. 3, Saint-Adrien")

	def test_invalid_postal_code_is_refused(self):
		with self.assertRaises(InvalidPostalCodeError):
			make_service_location(postal_code="90210")

	def test_pending_install_cannot_be_disconnected_without_reason(self):
		location = make_service_location()
		with self.assertRaises(StatusTransitionError):
			update_doc("Service Location", location.name, status="Disconnected")
		self.assertEqual(frappe.db.get_value("Service Location", location.name, "status"), "Pending Install")
		update_doc(
			"Service Location",
			location.name,
			status="Disconnected",
			status_reason="Le client a annulé la commande",
		)
		self.assertEqual(frappe.db.get_value("Service Location", location.name, "status"), "Disconnected")

	def test_lifecycle_moves(self):
		name = make_service_location().name
		with self.assertRaises(StatusTransitionError):
			update_doc("Service Location", name, status="Suspended", status_reason="Non-paiement")
		update_doc("Service Location", name, status="Active")
		with self.assertRaises(StatusTransitionError):  # a suspension says why
			update_doc("Service Location", name, status="Suspended")
		update_doc("Service Location", name, status="Suspended", status_reason="Non-paiement")
		update_doc("Service Location", name, status="Active")
		update_doc("Service Location", name, status="Disconnected", status_reason="Déménagement")
		with self.assertRaises(StatusTransitionError):
			update_doc("Service Location", name, status="Active")

	def test_fibre_drop_cannot_serve_two_locations(self):
		drop = make_fibre_drop()
		first = make_service_location(fibre_drop=drop.name)
		# The port is copied from the drop.
		self.assertEqual(
			(first.olt, first.frame, first.slot, first.port, first.ont_id),
			(drop.olt, drop.frame, drop.slot, drop.port, drop.ont_slot),
		)
		self.assertEqual(frappe.db.get_value("Fibre Drop", drop.name, "service_location"), first.name)
		before = frappe.db.count("Service Location")
		with self.assertRaises(PortUnavailableError):
			make_service_location(customer=make_customer().name, fibre_drop=drop.name)
		self.assertEqual(frappe.db.count("Service Location"), before)

		update_doc("Service Location", first.name, status="Disconnected", status_reason="Client parti")
		self.assertIsNone(frappe.db.get_value("Fibre Drop", drop.name, "service_location"))
		second = make_service_location(fibre_drop=drop.name)
		self.assertEqual(frappe.db.get_value("Fibre Drop", drop.name, "service_location"), second.name)

	def test_olt_port_cannot_serve_two_locations(self):
		olt = make_olt().name
		port = {"olt": olt, "frame": 0, "slot": 2, "port": 4, "ont_id": 9}
		make_service_location(**port)
		with self.assertRaises(PortUnavailableError):
			make_service_location(**port)
		make_service_location(**{**port, "ont_id": 10})
