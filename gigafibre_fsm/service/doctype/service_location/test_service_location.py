import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.exceptions import (
	CustomerMismatchError,
	InvalidCoordinatesError,
	InvalidPortError,
	InvalidPostalCodeError,
	PortUnavailableError,
	StatusTransitionError,
)
from gigafibre_fsm.tests.utils import (
	ERPNEXT_DOCTYPES,
	make_customer,
	make_fibre_drop,
	make_olt,
	make_service_location,
	update_doc,
)

test_ignore = ERPNEXT_DOCTYPES


def drop_state(drop: str) -> tuple:
	return tuple(frappe.db.get_value("Fibre Drop", drop, ["status", "installed_serial", "service_location"]))


class TestServiceLocation(FrappeTestCase):
	def tearDown(self):
		frappe.local.lang = "en"

	def test_address_is_kept_in_parts_and_the_line_is_derived(self):
		location = make_service_location(
			civic_number=" 125 ",
			civic_suffix="a",
			street="Chemin du Lac",
			apartment="3",
			postal_code="j0a 1c0",
		)
		self.assertEqual(location.postal_code, "J0A 1C0")
		self.assertEqual(location.status, "Pending Install")
		self.assertEqual((location.civic_number, location.civic_suffix), ("125", "A"))
		self.assertEqual(location.address_line, "125A Chemin du Lac")
		self.assertEqual(location.location_title, "3-125A Chemin du Lac, Saint-Adrien")

	def test_the_title_does_not_depend_on_who_saves(self):
		frappe.local.lang = "fr"
		in_french = make_service_location(apartment="3").location_title
		frappe.local.lang = "en"
		in_english = make_service_location(apartment="3").location_title
		self.assertEqual(in_french, in_english)
		self.assertEqual(in_english, "3-12 Rue Principale, Saint-Adrien")

	def test_bad_values_are_refused_and_nothing_is_saved(self):
		customer = make_customer().name
		for values, error in (
			({"postal_code": "90210"}, InvalidPostalCodeError),
			({"latitude": 91}, InvalidCoordinatesError),
			({"longitude": "-181"}, InvalidCoordinatesError),
			({"latitude": "nord"}, InvalidCoordinatesError),
			({"frame": -1}, InvalidPortError),
			({"ont_id": "2.5"}, InvalidPortError),
			({"port": "trois"}, InvalidPortError),
			({"status": "Active"}, StatusTransitionError),
		):
			with self.subTest(values=values), self.assertRaises(error):
				make_service_location(customer=customer, **values)
		self.assertEqual(frappe.db.count("Service Location", {"customer": customer}), 0)

	def test_unknown_is_not_zero(self):
		location = make_service_location(
			latitude=None, longitude="", frame=None, slot=None, port=None, ont_id=None
		)
		row = frappe.db.sql(
			"select latitude, longitude, frame, slot, port, ont_id from `tabService Location` where name = %s",
			location.name,
		)[0]
		self.assertEqual(row, (None,) * 6)
		# Two locations on an OLT with unknown positions do not collide.
		olt = make_olt().name
		make_service_location(olt=olt)
		make_service_location(olt=olt)
		# Port 0 is a port; a coordinate of 0 is how other systems wrote "unknown" (rules/address.py).
		zero = make_service_location(olt=olt, frame=0, slot=0, port="0", ont_id=0, latitude=0)
		self.assertEqual((zero.frame, zero.port, zero.latitude), ("0", "0", None))

	def test_a_move_that_needs_a_reason_needs_one_written_with_it(self):
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
		update_doc("Service Location", location.name, status="Pending Install")
		update_doc("Service Location", location.name, status="Active")
		# The old reason is still on the record: it explained another move.
		with self.assertRaises(StatusTransitionError):
			update_doc("Service Location", location.name, status="Suspended")
		update_doc("Service Location", location.name, status="Suspended", status_reason="Non-paiement")

	def test_lifecycle_moves(self):
		name = make_service_location().name
		with self.assertRaises(StatusTransitionError):
			update_doc("Service Location", name, status="Suspended", status_reason="Non-paiement")
		update_doc("Service Location", name, status="Active")
		update_doc("Service Location", name, status="Suspended", status_reason="Non-paiement")
		update_doc("Service Location", name, status="Active")
		update_doc("Service Location", name, status="Disconnected", status_reason="Déménagement")
		with self.assertRaises(StatusTransitionError):
			update_doc("Service Location", name, status="Active")

	def test_an_import_may_create_a_location_in_any_status(self):
		doc = frappe.get_doc(
			{
				"doctype": "Service Location",
				"customer": make_customer().name,
				"street": "Rang 10",
				"city": "Ham-Nord",
				"status": "Active",
			}
		)
		doc.flags.in_import = True
		doc.insert()
		self.assertEqual(doc.status, "Active")

	def test_fibre_drop_is_held_by_one_location_at_a_time(self):
		drop = make_fibre_drop()
		first = make_service_location(fibre_drop=drop.name)
		# The port is copied from the drop, and the drop is reserved for the order.
		self.assertEqual(
			(first.olt, first.frame, first.slot, first.port, first.ont_id),
			(drop.olt, drop.frame, drop.slot, drop.port, drop.ont_slot),
		)
		self.assertEqual(drop_state(drop.name), ("Reserved", f"RESERVED-{first.name}", first.name))
		before = frappe.db.count("Service Location")
		with self.assertRaises(PortUnavailableError):
			make_service_location(customer=make_customer().name, fibre_drop=drop.name)
		self.assertEqual(frappe.db.count("Service Location"), before)
		update_doc("Service Location", first.name, status="Disconnected", status_reason="Client parti")
		self.assertEqual(drop_state(drop.name), ("Available", None, None))
		second = make_service_location(fibre_drop=drop.name)
		self.assertEqual(drop_state(drop.name), ("Reserved", f"RESERVED-{second.name}", second.name))

	def test_a_drop_with_an_ont_installed_cannot_be_sold_again(self):
		drop = make_fibre_drop(installed_serial="RCMG0000LEGACY")
		with self.assertRaises(PortUnavailableError):
			make_service_location(fibre_drop=drop.name)

	def test_moving_to_another_drop_frees_the_first(self):
		first, second = make_fibre_drop(), make_fibre_drop()
		location = make_service_location(fibre_drop=first.name)
		update_doc(
			"Service Location",
			location.name,
			fibre_drop=second.name,
			olt=second.olt,
			frame=second.frame,
			slot=second.slot,
			port=second.port,
			ont_id=second.ont_slot,
		)
		self.assertEqual(drop_state(first.name)[0], "Available")
		self.assertEqual(drop_state(second.name)[2], location.name)

	def test_olt_port_cannot_serve_two_locations(self):
		olt = make_olt().name
		port = {"olt": olt, "frame": 0, "slot": 2, "port": 4, "ont_id": 9}
		first = make_service_location(**port)
		with self.assertRaises(PortUnavailableError):
			make_service_location(**port)
		make_service_location(**{**port, "ont_id": 10})
		update_doc("Service Location", first.name, status="Disconnected", status_reason="Client parti")
		make_service_location(**port)

	def test_records_of_a_location_belong_to_its_customer(self):
		from gigafibre_fsm.tests.utils import make_dispatch_job, make_equipment, make_subscription

		location = make_service_location()
		stranger = make_customer().name
		for make in (
			lambda: make_subscription(location, customer=stranger),
			lambda: make_equipment(location, customer=stranger),
			lambda: make_dispatch_job(location, customer=stranger),
			lambda: frappe.get_doc(
				{
					"doctype": "VoIP Line",
					"did": "8195550199",
					"service_location": location.name,
					"customer": stranger,
				}
			).insert(),
		):
			with self.assertRaises(CustomerMismatchError):
				make()
