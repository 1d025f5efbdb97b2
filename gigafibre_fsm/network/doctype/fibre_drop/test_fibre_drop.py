import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.exceptions import (
	InvalidCoordinatesError,
	InvalidPortError,
	InvalidPostalCodeError,
	PortUnavailableError,
)
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_fibre_drop, make_olt

test_ignore = ERPNEXT_DOCTYPES


class TestFibreDrop(FrappeTestCase):
	def test_status_follows_installed_serial(self):
		drop = make_fibre_drop(postal_code="j0a1c0")
		self.assertEqual(drop.status, "Available")
		self.assertEqual(drop.postal_code, "J0A 1C0")
		self.assertEqual(drop.olt_port, f"0/1/{drop.port}")
		drop.installed_serial = "reserved-order-1"
		drop.save()
		self.assertEqual(drop.status, "Reserved")
		drop.installed_serial = "rcmg1234abcd"
		drop.save()
		self.assertEqual((drop.status, drop.installed_serial), ("Occupied", "RCMG1234ABCD"))
		drop.installed_serial = ""
		drop.box_not_installed = 1
		drop.save()
		self.assertEqual(drop.status, "Not Installed")

	def test_bad_values_are_refused_and_nothing_is_saved(self):
		olt = make_olt().name
		before = frappe.db.count("Fibre Drop")
		for values, error in (
			({"postal_code": "12345"}, InvalidPostalCodeError),
			({"latitude": 95}, InvalidCoordinatesError),
			({"longitude": -200}, InvalidCoordinatesError),
			({"port": -1}, InvalidPortError),
			({"frame": -2}, InvalidPortError),
			({"ont_slot": "x"}, InvalidPortError),
		):
			with self.subTest(values=values), self.assertRaises(error):
				make_fibre_drop(olt=olt, **values)
		self.assertEqual(frappe.db.count("Fibre Drop"), before)

	def test_one_drop_per_ont_position(self):
		olt = make_olt().name
		make_fibre_drop(olt=olt, port=3, ont_slot=5)
		make_fibre_drop(olt=olt, port=3, ont_slot=6)
		with self.assertRaises(PortUnavailableError):
			make_fibre_drop(olt=olt, port=3, ont_slot=5)

	def test_drops_with_unknown_positions_never_collide(self):
		olt = make_olt().name
		first = make_fibre_drop(olt=olt, port=None, ont_slot=None, latitude=None)
		second = make_fibre_drop(olt=olt, port=None, ont_slot=None)
		self.assertIsNone(first.position_key)
		self.assertIsNone(second.position_key)
		row = frappe.db.sql(
			"select port, ont_slot, latitude from `tabFibre Drop` where name = %s", first.name
		)[0]
		self.assertEqual(row, (None, None, None))
