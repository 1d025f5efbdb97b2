"""A civic address of the Adresses Québec reference (RQA). Loaded in bulk by
``bench --site SITE load-addresses FILE.csv``; a desk edit goes through the same checks and
is put into the search index on save."""

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.network.civic_address import records
from gigafibre_fsm.network.civic_address.loader import index_address
from gigafibre_fsm.network.civic_address.schema import ensure_search_tables


class InvalidCivicAddressError(frappe.ValidationError):
	pass


class CivicAddress(Document):
	def validate(self):
		self.clean_fields()
		self.set_display()

	def on_update(self):
		index_address(self)

	def clean_fields(self):
		"""The same checks and normal forms as the bulk loader, so both store identical rows."""
		values = {column: self.get(column) for column in records.COLUMNS}
		try:
			clean = records.clean_row(values)
		except records.RowError as e:
			frappe.throw(
				_(e.template).format(_(self.meta.get_label(e.column)), *e.args_[1:]),
				InvalidCivicAddressError,
			)
		self.update(clean)

	def set_display(self):
		self.street = records.street_display(
			self.street_generic, self.street_link, self.street_specific, self.street_direction
		)
		self.label = records.label(
			self.civic_number, self.civic_suffix, self.street, self.municipality, self.postal_code
		)


def on_doctype_update():
	ensure_search_tables()
