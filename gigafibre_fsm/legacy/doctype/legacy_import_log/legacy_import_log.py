"""A legacy row the import did not take as it was: rejected (not imported, and why), skipped
(a duplicate or an older version of another row) or imported with a value left out."""

from frappe.model.document import Document


class LegacyImportLog(Document):
	pass
