import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.password import get_decrypted_password

from gigafibre_fsm.exceptions import (
	DuplicateSerialError,
	InvalidMACAddressError,
	InvalidPortError,
	InvalidSerialError,
	StatusTransitionError,
)
from gigafibre_fsm.service.doctype.service_equipment.service_equipment import record_device_event
from gigafibre_fsm.tests.utils import (
	ERPNEXT_DOCTYPES,
	make_equipment,
	make_fibre_drop,
	make_service_location,
	update_doc,
)

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
		with self.assertRaises(InvalidPortError):
			make_equipment(frame=-1)
		with self.assertRaises(StatusTransitionError):
			make_equipment(status="Broken")

	def test_serial_mac_and_cwmp_serial_are_unique_across_equipment(self):
		sn = serial()
		cwmp = serial()
		make_equipment(
			serial_number=sn, mac_address="AA:00:00:00:00:01", equipment_type="Router", cwmp_serial=cwmp
		)
		with self.assertRaises(DuplicateSerialError):
			make_equipment(serial_number=sn.lower())
		with self.assertRaises(DuplicateSerialError):
			make_equipment(mac_address="aa0000000001")
		with self.assertRaises(DuplicateSerialError):
			make_equipment(cwmp_serial=f" {cwmp.lower()} ")

	def test_placeholders_without_serials_can_coexist(self):
		location = make_service_location()
		first = make_equipment(location)
		second = make_equipment(location, equipment_type="Router")
		self.assertIsNone(first.serial_number)
		self.assertIsNone(second.serial_number)

	def test_status_flow_and_active_needs_serial(self):
		name = make_equipment(make_service_location()).name
		with self.assertRaises(InvalidSerialError):
			update_doc("Service Equipment", name, status="Active")
		update_doc("Service Equipment", name, status="Active", serial_number=serial())
		update_doc("Service Equipment", name, status="Returned")
		with self.assertRaises(StatusTransitionError):
			update_doc("Service Equipment", name, status="Active")

	def test_the_installed_ont_occupies_the_drop(self):
		drop = make_fibre_drop()
		location = make_service_location(fibre_drop=drop.name)
		ont = make_equipment(location)
		sn = serial().upper()
		update_doc("Service Equipment", ont.name, status="Active", serial_number=sn)
		self.assertEqual(
			frappe.db.get_value("Fibre Drop", drop.name, ["status", "installed_serial"]), ("Occupied", sn)
		)
		update_doc("Service Equipment", ont.name, status="Returned")
		self.assertEqual(frappe.db.get_value("Fibre Drop", drop.name, "status"), "Reserved")

	def test_secrets_are_stored_encrypted(self):
		eq = make_equipment(
			make_service_location(),
			equipment_type="Router",
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

	def test_acs_reports_do_not_count_as_edits(self):
		eq = make_equipment(make_service_location(), serial_number=serial())
		modified = frappe.db.get_value("Service Equipment", eq.name, "modified")
		versions = frappe.db.count("Version", {"ref_doctype": "Service Equipment", "docname": eq.name})
		for i in range(3):
			record_device_event(eq.name, ip=f"100.64.0.{i}", firmware="V5R020", event="boot")
		row = frappe.db.get_value("Service Equipment", eq.name, ["modified", "last_ip", "firmware_version"])
		self.assertEqual(row, (modified, "100.64.0.2", "V5R020"))
		self.assertEqual(
			frappe.db.count("Version", {"ref_doctype": "Service Equipment", "docname": eq.name}), versions
		)
		self.assertIsNotNone(frappe.db.get_value("Service Equipment", eq.name, "last_inform"))
