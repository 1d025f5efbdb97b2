"""An order placed on the website or by an agent, named by its idempotency key.

The key is the primary key, so a replayed request hits the database's own uniqueness: the
second insert waits for the first transaction and then fails, and the first answer, kept in
``response``, is returned instead (see orders/pipeline.py). Written once by the pipeline.
"""

from frappe.model.document import Document


class WebOrder(Document):
	pass
