"""One run of the legacy import: when, what was asked, and what each source table gave.

Written by the importer only (gigafibre_fsm/legacy/run.py), a batch at a time in the
same transaction as the batch's records, so its counts are always those of the committed
data; a run whose process died is found by the next run and resumed from its last keys.
"""

from frappe.model.document import Document


class LegacyImportRun(Document):
	pass
