"""Which record a legacy row became, and a keyed hash of what it was made from: a re-run
compares the hash to skip what did not change and update what did."""

from frappe.model.document import Document


class LegacyRecord(Document):
	pass
