import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.exceptions import (
	DuplicateActiveLineError,
	InvalidDIDError,
	InvalidMACAddressError,
	InvalidPostalCodeError,
	StatusTransitionError,
)
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_service_location

test_ignore = ERPNEXT_DOCTYPES


def make_line(did, location=None, **kw):
	location = location or make_service_location()
	return frappe.get_doc(
		{
			"doctype": "VoIP Line",
			"did": did,
			"service_location": location.name,
			"customer": location.customer,
			**kw,
		}
	).insert()


def random_did() -> str:
	return "819" + str(2000000 + int(frappe.generate_hash(length=5), 16) % 7999999)


class TestVoIPLine(FrappeTestCase):
	def test_did_is_stored_as_ten_digits(self):
		did = random_did()
		line = make_line(f"+1 ({did[:3]}) {did[3:6]}-{did[6:]}")
		self.assertEqual(line.did, did)

	def test_invalid_did_is_refused(self):
		for did in ("555-1234", "1185551234", "41855512345", "911"):
			with self.subTest(did=did), self.assertRaises(InvalidDIDError):
				make_line(did)

	def test_one_active_line_per_did(self):
		did = random_did()
		first = make_line(did)
		with self.assertRaises(DuplicateActiveLineError):
			make_line(did)
		first.update({"status": "Cancelled", "status_reason": "Résiliation"}).save()
		second = make_line(did)
		# Reactivating the first while the second is active is refused.
		first.reload()
		with self.assertRaises(DuplicateActiveLineError):
			first.update({"status": "Active"}).save()
		self.assertEqual(second.active_did, did)

	def test_status_flow(self):
		line = make_line(random_did())
		with self.assertRaises(StatusTransitionError):
			make_line(random_did(), status="Cancelled")
		with self.assertRaises(StatusTransitionError):
			line.update({"status": "Cancelled"}).save()
		line.reload()
		line.update({"status": "Suspended"}).save()
		line.update({"status": "Cancelled", "status_reason": "Non-paiement"}).save()
		self.assertIsNone(frappe.db.get_value("VoIP Line", line.name, "active_did"))

	def test_911_address_and_ata(self):
		line = make_line(
			random_did(),
			e911_civic_number="12",
			e911_street="Rue Principale",
			e911_city="Saint-Adrien",
			e911_postal_code="j0a1c0",
			ata_mac="00-0b-82-aa-bb-cc",
			ata_model="HT502",
		)
		self.assertEqual(line.e911_postal_code, "J0A 1C0")
		self.assertEqual(line.ata_mac, "00:0B:82:AA:BB:CC")
		with self.assertRaises(InvalidPostalCodeError):
			make_line(random_did(), e911_postal_code="ABC")
		with self.assertRaises(InvalidMACAddressError):
			make_line(random_did(), ata_mac="00:0b:82")

	def test_changing_the_911_address_requires_registering_it_again(self):
		line = make_line(random_did(), e911_street="Rue Principale")
		frappe.db.set_value("VoIP Line", line.name, "e911_synced", 1)
		line.reload()
		line.caller_id_name = "TREMBLAY J"
		line.save()
		self.assertEqual(line.e911_synced, 1)
		line.e911_street = "Chemin du Lac"
		line.save()
		self.assertEqual(line.e911_synced, 0)
		frappe.db.set_value("VoIP Line", line.name, "e911_synced", 1)
		line.reload()
		line.e911_civic_suffix = "B"
		line.save()
		self.assertEqual(line.e911_synced, 0)
