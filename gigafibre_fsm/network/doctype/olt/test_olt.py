from frappe.tests.utils import FrappeTestCase

from gigafibre_fsm.exceptions import InvalidIPAddressError
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES, make_olt

test_ignore = ERPNEXT_DOCTYPES


class TestOLT(FrappeTestCase):
	def test_ip_address_must_be_an_ip(self):
		with self.assertRaises(InvalidIPAddressError):
			make_olt(ip_address="10.20.0")

	def test_olt_named_by_its_name(self):
		olt = make_olt(ip_address=" 10.20.0.9 ")
		self.assertEqual(olt.name, olt.olt_name)
		self.assertEqual(olt.ip_address, "10.20.0.9")
