"""Installation tasks get their stable key (``Task.type``, an ERPNext Task Type).

Earlier versions told the tasks of an installation apart by their French titles. Each task
whose subject is one of those titles ("Activer port OLT 0/3/7" included) gets the key of its
kind, so installation day finds "Vérifier signal ONT" by its key on sites that ordered
before this version. A task someone already typed keeps its type. Safe to run twice.
"""

import frappe

from gigafibre_fsm.field_service import task_types
from gigafibre_fsm.setup.install import create_task_types


def execute():
	create_task_types()
	titles = [t.title for t in task_types.INSTALLATION]
	rows = frappe.get_all(
		"Task",
		filters=[["type", "is", "not set"], ["subject", "like", f"{task_types.ACTIVATE_OLT_PORT.title}%"]],
		fields=["name", "subject"],
	) + frappe.get_all(
		"Task", filters=[["type", "is", "not set"], ["subject", "in", titles]], fields=["name", "subject"]
	)
	for row in rows:
		key = task_types.key_of_subject(row.subject)
		if key:
			frappe.db.set_value("Task", row.name, "type", key, update_modified=False)
