"""An order placed on the website or by an agent, named by its idempotency key.

The key is the primary key, so a replayed request hits the database's own uniqueness: the
second insert waits for the first transaction and then fails, and the first answer, kept in
``response``, is returned instead (see orders/pipeline.py). Written once by the pipeline.
"""

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.roles import COLLECTIONS, SUPPORT, SYSTEM_MANAGER


class WebOrder(Document):
	@frappe.whitelist()
	def revoke_payment_links(self) -> dict:
		"""The form's button: every payment link sent for this order stops working."""
		from gigafibre_fsm.orders import payment_link

		if {SUPPORT, COLLECTIONS, SYSTEM_MANAGER}.isdisjoint(frappe.get_roles()):
			frappe.throw(_("Only Support and Collections revoke payment links"), frappe.PermissionError)
		payment_link.revoke(self.name)
		return {"payment_link_version": frappe.db.get_value("Web Order", self.name, "payment_link_version")}
