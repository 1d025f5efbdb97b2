import ipaddress

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.exceptions import InvalidIPAddressError


class OLT(Document):
	def validate(self):
		self.check_ip_address()

	def check_ip_address(self):
		if not self.ip_address:
			return
		self.ip_address = self.ip_address.strip()
		try:
			ipaddress.ip_address(self.ip_address)
		except ValueError:
			frappe.throw(
				_("{0} is not an IP address").format(frappe.bold(self.ip_address)), InvalidIPAddressError
			)
