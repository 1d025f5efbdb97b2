"""Gigafibre Settings: which company the app sells for, its taxes, the providers' keys, the
legacy database. The app fills what it can choose itself (setup/site.py)."""

import frappe
from frappe import _
from frappe.model.document import Document


class GigafibreSettings(Document):
	def validate(self):
		self.check_belongs_to_company()
		self.check_collections()

	def on_update(self):
		from gigafibre_fsm.billing.tax_template import clear_tax_rates_cache

		clear_tax_rates_cache()

	def check_belongs_to_company(self):
		"""Accounts and the taxes template are the selling company's."""
		if not self.company:
			return
		for fieldname, doctype in (
			("tps_account", "Account"),
			("tvq_account", "Account"),
			("sales_taxes_template", "Sales Taxes and Charges Template"),
		):
			value = self.get(fieldname)
			if value and frappe.db.get_value(doctype, value, "company") != self.company:
				frappe.throw(
					_("{0}: {1} is not an {2} of {3}").format(
						_(self.meta.get_label(fieldname)),
						frappe.bold(value),
						_(doctype),
						frappe.bold(self.company),
					)
				)

	def check_collections(self):
		"""The dunning ladder climbs: each rung after the one before it. A setting never saved
		(a site older than collections) takes its default, so saving the form keeps the ladder."""
		from gigafibre_fsm.billing.collections import SETTING_DEFAULTS, ladder_from

		for fieldname, default in SETTING_DEFAULTS.items():
			if self.get(fieldname) is None:
				self.set(fieldname, default)
		problems = ladder_from(self).problems()
		if problems:
			frappe.throw(
				_("Dunning Ladder: {0}").format("; ".join(_(problem) for problem in problems)),
				title=_("Collections"),
			)

	@frappe.whitelist()
	def load_standard_catalogue(self) -> dict:
		"""The button: create the standard products the site lacks (never over existing Items)."""
		from gigafibre_fsm.setup.catalogue import load_standard_catalogue

		frappe.only_for("System Manager")
		frappe.has_permission("Item", "create", throw=True)
		return load_standard_catalogue()
