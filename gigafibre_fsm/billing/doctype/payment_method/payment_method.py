import re

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.exceptions import InvalidAmountError, PaymentDetailsError


class PaymentMethod(Document):
	def validate(self):
		self.check_processor_details()
		self.check_ppa()

	def on_update(self):
		self.keep_single_default()

	def check_processor_details(self):
		if self.processor == "Bank Draft":
			if not re.fullmatch(r"\d{3}", self.institution_number or ""):
				frappe.throw(_("Institution Number must be 3 digits"), PaymentDetailsError)
			if not re.fullmatch(r"\d{5}", self.transit_number or ""):
				frappe.throw(_("Transit Number must be 5 digits"), PaymentDetailsError)
			if not self.account_number:
				frappe.throw(_("Enter the bank Account Number"), PaymentDetailsError)
		elif self.processor == "Stripe":
			if self.stripe_customer_id and not self.stripe_customer_id.startswith("cus_"):
				frappe.throw(_("Stripe Customer ID must start with cus_"), PaymentDetailsError)
			if not (self.stripe_customer_id or self.stripe_payment_method_id):
				frappe.throw(
					_("A Stripe payment method needs its Stripe Customer ID or Payment Method ID"),
					PaymentDetailsError,
				)
		if self.card_last4 and not re.fullmatch(r"\d{4}", self.card_last4):
			frappe.throw(_("Card Last 4 must be 4 digits"), PaymentDetailsError)

	def check_ppa(self):
		for fieldname in ("ppa_amount", "ppa_amount_buffer"):
			if (self.get(fieldname) or 0) < 0:
				frappe.throw(
					_("{0} cannot be negative").format(_(self.meta.get_label(fieldname))), InvalidAmountError
				)
		if self.ppa_enabled and self.ppa_fixed_amount and not self.ppa_amount:
			frappe.throw(_("Enter the PPA Amount to charge a fixed amount"), PaymentDetailsError)

	def keep_single_default(self):
		if self.is_default:
			frappe.db.set_value(
				"Payment Method",
				{"customer": self.customer, "name": ("!=", self.name), "is_default": 1},
				"is_default",
				0,
			)
