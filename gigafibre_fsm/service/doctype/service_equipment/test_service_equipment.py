import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.password import get_decrypted_password

from gigafibre_fsm.exceptions import (
	DuplicateSerialError,
	InvalidMACAddressError,
	InvalidSerialError,
	StatusTransitionError,
)
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_equipment, make_service_location, update_doc

test_ignore = ERPNEXT_DOCTYPES


def serial() -> str:
	return "rcmg" + frappe.generate_hash(length=8)


class TestServiceEquipment(FrappeTestCase):
	def test_mac_and_serial_are_normalised(self):
		sn = serial()
		eq = make_equipment(make_service_location(), serial_number=f" {sn} ", mac_address="a0-b1-c2-d3-e4-f5")
		self.assertEqual(eq.serial_number, sn.upper())
		self.assertEqual(eq.mac_address, "A0:B1:C2:D3:E4:F5")
		self.assertEqual(
			frappe.db.get_value("Service Equipment", {"mac_address": "A0:B1:C2:D3:E4:F5"}), eq.name
		)

	def test_bad_identifiers_are_refused(self):
		with self.assertRaises(InvalidMACAddressError):
			make_equipment(mac_address="A0:B1:C2")
		with self.assertRaises(InvalidSerialError):
			make_equipment(serial_number="RC;MG")

	def test_serial_and_mac_are_unique_across_equipment(self):
		sn = serial()
		make_equipment(serial_number=sn, mac_address="AA:00:00:00:00:01", equipment_type="Routeur")
		with self.assertRaises(DuplicateSerialError):
			make_equipment(serial_number=sn.lower())
		with self.assertRaises(DuplicateSerialError):
			make_equipment(mac_address="aa0000000001")

	def test_placeholders_without_serials_can_coexist(self):
		location = make_service_location()
		first = make_equipment(location)
		second = make_equipment(location, equipment_type="Routeur")
		self.assertIsNone(first.serial_number)
		self.assertIsNone(second.serial_number)

	def test_status_flow_and_active_needs_serial(self):
		name = make_equipment(make_service_location()).name
		with self.assertRaises(frappe.ValidationError):
			update_doc("Service Equipment", name, status="Actif")
		update_doc("Service Equipment", name, status="Actif", serial_number=serial())
		update_doc("Service Equipment", name, status="Retourné")
		with self.assertRaises(StatusTransitionError):
			update_doc("Service Equipment", name, status="Actif")

	def test_secrets_are_stored_encrypted(self):
		eq = make_equipment(
			make_service_location(),
			equipment_type="Routeur",
			wifi_ssid="Gigafibre-Tremblay",
			wifi_password="s3cret-WiFi!",
		)
		stored = frappe.db.sql("select wifi_password from `tabService Equipment` where name=%s", eq.name)[0][
			0
		]
		self.assertNotEqual(stored, "s3cret-WiFi!")
		self.assertEqual(
			get_decrypted_password("Service Equipment", eq.name, "wifi_password"), "s3cret-WiFi!"
		)
