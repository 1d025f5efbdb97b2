"""Suspending a customer's service and restoring it: one service for collections' rules and for
staff suspending or restoring by hand from the Customer.

**Suspend** (in the caller's transaction, the customer's row locked first, so two runs, a payment
and a person never interleave on one customer): every Active Service Subscription and Service
Location of the customer moves to Suspended (through their controllers: the status flow, the
reason), the customer's ``is_suspended`` flag is set (what the ACS's answer reads), and a
Suspension Log lists exactly the records this suspension moved. A record another open suspension
moved first is listed as *held*: it stays suspended while either lasts. A customer already
suspended the same way (automatically, or by hand) is not suspended twice.

**Restore** a log: exactly the records it moved go back to Active — unless another open
suspension holds them (a person's suspension survives a payment), or someone moved them since
(a cancelled subscription stays cancelled). The flag is cleared only when this log set it and no
other open suspension remains. Staff restoring a customer by hand lift every open suspension.

After the commit only: the OLT is told to stop or resume the ONTs of the locations (integrations/
olt.py), one job per log and action, recorded on the log (Pending → Done, Failed and tried again
by the daily run, Not Configured); and the customer is told (billing/notices.py).
"""

import frappe
from frappe import _
from frappe.model.naming import make_autoname
from frappe.utils import getdate

from gigafibre_fsm.billing import collection_rules as rules
from gigafibre_fsm.billing import notices
from gigafibre_fsm.integrations import olt

LOG = "Suspension Log"
MISSED_ARRANGEMENT, OVERDUE_INVOICES, MANUAL = "Missed Arrangement", "Overdue Invoices", "Manual"
AUTOMATIC = (MISSED_ARRANGEMENT, OVERDUE_INVOICES)
ACTIVE, SUSPENDED = "Active", "Suspended"
# What a suspension moves, in this order (subscriptions before the premises that carry them).
RECORDS = ("Service Subscription", "Service Location")
CUSTOMER = "Customer"
FLAG_OFF = "Not Suspended"
STOP, RESUME = "Stop", "Resume"
PENDING, DONE, FAILED, NOT_CONFIGURED = "Pending", "Done", "Failed", "Not Configured"
NETWORK_JOB = "gigafibre_fsm.billing.suspension.apply_network"
MAX_NETWORK_ATTEMPTS = 10


def lock_customer(customer: str) -> None:
	if not frappe.db.sql("select name from `tabCustomer` where name = %s for update", customer):
		frappe.throw(_("Customer {0} not found").format(customer), frappe.DoesNotExistError)


def open_logs(customer: str, types: tuple[str, ...] = (*AUTOMATIC, MANUAL)) -> list[frappe._dict]:
	"""The customer's suspensions still lasting, of these types (a legacy one has no type)."""
	return frappe.get_all(
		LOG,
		filters={"customer": customer, "to_date": ("is", "not set"), "suspension_type": ("in", types)},
		fields=["name", "suspension_type", "payment_arrangement", "sales_invoice"],
		order_by="creation",
	)


def held_records(customer: str, excluding: str | None = None) -> set[tuple[str, str]]:
	"""The records the customer's other open suspensions listed (moved or held)."""
	rows = frappe.db.sql(
		"""select r.record_type, r.record_name
		from `tabSuspension Log Record` r join `tabSuspension Log` l on l.name = r.parent
		where l.customer = %(customer)s and l.to_date is null and ifnull(l.suspension_type, '') != ''
			and l.name != %(excluding)s and r.parenttype = 'Suspension Log' and r.restored = 0""",
		{"customer": customer, "excluding": excluding or ""},
	)
	return {(t, n) for t, n in rows}


def _move(doctype: str, name: str, status: str, reason: str) -> None:
	"""A status move through the record's controller (status flow, reason, its own checks)."""
	doc = frappe.get_doc(doctype, name, for_update=True)
	doc.status = status
	doc.status_reason = reason
	doc.flags.ignore_permissions = True
	doc.save()


def suspend(
	customer: str,
	reason: str,
	suspension_type: str,
	day=None,
	arrangement: str | None = None,
	invoice: str | None = None,
	user: str | None = None,
	notify: bool = True,
	facts: dict | None = None,
) -> str:
	"""Suspend the customer (see the module); return the Suspension Log (the open one of this
	kind when there is one already)."""
	if not (reason or "").strip():
		frappe.throw(_("Say why the customer is suspended"), frappe.MandatoryError)
	day = getdate(day)
	lock_customer(customer)
	manual = suspension_type == MANUAL
	for log in open_logs(customer):
		if (log.suspension_type == MANUAL) == manual:
			return log.name  # already suspended this way: nothing more
	held = held_records(customer)
	name = make_autoname(frappe.get_meta(LOG).autoname, LOG)
	# The reason each record keeps names its log: a move needs a reason written with it.
	why = f"{reason.strip()} ({name})"
	log = frappe.get_doc(
		{
			"doctype": LOG,
			"customer": customer,
			"suspension_type": suspension_type,
			"payment_arrangement": arrangement,
			"sales_invoice": invoice,
			"from_date": day,
			"suspended_by": user,
			"reason": reason.strip(),
		}
	)
	moved_location = False
	for doctype in RECORDS:
		for row in frappe.get_all(
			doctype,
			filters={"customer": customer, "status": ("in", (ACTIVE, SUSPENDED))},
			fields=["name", "status"],
			order_by="creation",
		):
			if row.status == ACTIVE:
				_move(doctype, row.name, SUSPENDED, why)
				log.append("records", {"record_type": doctype, "record_name": row.name, "previous_status": ACTIVE})
				moved_location = moved_location or doctype == "Service Location"
			elif (doctype, row.name) in held:
				log.append(
					"records",
					{"record_type": doctype, "record_name": row.name, "previous_status": SUSPENDED, "held_only": 1},
				)
	if not frappe.db.get_value(CUSTOMER, customer, "is_suspended"):
		frappe.db.set_value(CUSTOMER, customer, "is_suspended", 1)
		log.append("records", {"record_type": CUSTOMER, "record_name": customer, "previous_status": FLAG_OFF})
	elif (CUSTOMER, customer) in held:
		log.append(
			"records",
			{"record_type": CUSTOMER, "record_name": customer, "previous_status": SUSPENDED, "held_only": 1},
		)
	if moved_location:
		log.network_action, log.network_status = STOP, PENDING
	log.flags.ignore_permissions = True
	log.insert(set_name=name)
	if moved_location:
		network_after_commit(log.name, STOP)
	if notify:
		notices.queue(customer, rules.SUSPENDED, LOG, log.name, day, facts)
	return log.name


def restore(
	log_name: str,
	reason: str,
	day=None,
	user: str | None = None,
	payment_entry: str | None = None,
	notify: bool = True,
) -> list[tuple[str, str]]:
	"""Restore what this suspension moved (see the module); return the records restored."""
	customer = frappe.db.get_value(LOG, log_name, "customer")
	lock_customer(customer)
	log = frappe.get_doc(LOG, log_name, for_update=True)
	if log.to_date:
		return []
	day = getdate(day)
	_close(log, reason, day, user, payment_entry)
	restored = _restore_records([log], held_records(customer, excluding=log.name), reason)
	_after_restoring(log, notify, day)
	return restored


def restore_customer(customer: str, reason: str, day=None, user: str | None = None, notify: bool = True) -> dict:
	"""Staff restoring a customer by hand: every open suspension lifted (a legacy one too), what
	each moved back to Active, the flag cleared."""
	if not (reason or "").strip():
		frappe.throw(_("Say why the customer is restored"), frappe.MandatoryError)
	day = getdate(day)
	lock_customer(customer)
	names = frappe.get_all(
		LOG, filters={"customer": customer, "to_date": ("is", "not set")}, pluck="name", order_by="creation"
	)
	logs = [frappe.get_doc(LOG, name, for_update=True) for name in names]
	for log in logs:
		_close(log, reason, day, user, None)
	restored = _restore_records(logs, set(), reason, lift_held=True)
	if frappe.db.get_value(CUSTOMER, customer, "is_suspended"):
		frappe.db.set_value(CUSTOMER, customer, "is_suspended", 0)
		if (CUSTOMER, customer) not in restored:
			restored.append((CUSTOMER, customer))
	for log in logs:
		_after_restoring(log, notify=False, day=day)
	if notify and logs:
		notices.queue(customer, rules.RESTORED, LOG, logs[-1].name, day)
	return {"suspensions": [log.name for log in logs], "restored": restored}


def _close(log, reason: str, day, user: str | None, payment_entry: str | None) -> None:
	log.to_date = max(day, getdate(log.from_date)) if log.from_date else day
	log.restored_by = user
	log.restoration_reason = (reason or "").strip()
	log.payment_entry = payment_entry


def _restore_records(
	logs: list, held: set[tuple[str, str]], reason: str, lift_held: bool = False
) -> list[tuple[str, str]]:
	"""Move back what these logs moved, except what ``held`` still holds or was moved since
	(``lift_held``: also what they held, a person lifting every suspension)."""
	restored = []
	why = _("Restored: {0}").format(reason.strip())
	for log in logs:
		for row in log.get("records") or []:
			key = (row.record_type, row.record_name)
			if (row.held_only and not lift_held) or row.restored or key in held or key in restored:
				continue
			if row.record_type == CUSTOMER:
				if frappe.db.get_value(CUSTOMER, row.record_name, "is_suspended"):
					frappe.db.set_value(CUSTOMER, row.record_name, "is_suspended", 0)
			elif frappe.db.get_value(row.record_type, row.record_name, "status") == SUSPENDED:
				_move(row.record_type, row.record_name, ACTIVE, f"{why} ({log.name})")
			else:
				continue  # moved since by someone (cancelled, disconnected): left as it is
			row.restored = 1
			restored.append(key)
	return restored


def _after_restoring(log, notify: bool, day) -> None:
	"""Save the closed log; resume its ONTs after the commit (also when their stop never ran)."""
	restored_location = any(
		row.restored and row.record_type == "Service Location" for row in log.get("records") or []
	)
	if restored_location or log.network_status == PENDING:
		log.network_action, log.network_status = RESUME, PENDING
		log.network_attempts, log.network_error = 0, None
	log.flags.ignore_permissions = True
	log.save()
	if log.network_status == PENDING and log.network_action == RESUME:
		network_after_commit(log.name, RESUME)
	if notify:
		notices.queue(log.customer, rules.RESTORED, LOG, log.name, day)


# ---------------------------------------------------------------------------------------
# The network, after the commit


def network_job_id(log: str, action: str) -> str:
	return f"gigafibre-ont::{log}::{action}"


def network_after_commit(log: str, action: str) -> None:
	frappe.enqueue(
		NETWORK_JOB,
		queue="short",
		job_id=network_job_id(log, action),
		deduplicate=True,
		enqueue_after_commit=True,
		log=log,
	)


def retry_network() -> int:
	"""The daily run: the ONT actions still pending or failed, tried again."""
	rows = frappe.get_all(
		LOG,
		filters={
			"network_status": ("in", (PENDING, FAILED)),
			"network_attempts": ("<", MAX_NETWORK_ATTEMPTS),
		},
		fields=["name", "network_action"],
		limit=5000,
	)
	for row in rows:
		frappe.enqueue(
			NETWORK_JOB,
			queue="short",
			job_id=network_job_id(row.name, row.network_action),
			deduplicate=True,
			log=row.name,
		)
	return len(rows)


def onts(locations: list[str]) -> list[olt.Ont]:
	"""The ONTs in service at these locations, with their OLT and position."""
	if not locations:
		return []
	rows = frappe.db.sql(
		"""select e.serial_number, l.name as location, l.olt, o.ip_address, l.frame, l.slot, l.port, l.ont_id
		from `tabService Equipment` e
		join `tabService Location` l on l.name = e.service_location
		left join `tabOLT` o on o.name = l.olt
		where e.service_location in %(locations)s and e.equipment_type = 'ONT' and e.status != 'Returned'
			and ifnull(e.serial_number, '') != ''
		order by l.name, e.creation""",
		{"locations": tuple(locations)},
		as_dict=True,
	)
	return [
		olt.Ont(
			serial=row.serial_number,
			olt=row.olt,
			olt_ip=row.ip_address,
			frame=row.frame,
			slot=row.slot,
			port=row.port,
			ont_id=row.ont_id,
			service_location=row.location,
		)
		for row in rows
	]


def apply_network(log: str) -> str | None:
	"""Stop (or, once restored, resume) the ONTs of the log's locations; record the outcome."""
	row = frappe.db.get_value(
		LOG, log, ["name", "to_date", "network_status", "network_attempts"], as_dict=True, for_update=True
	)
	if not row or row.network_status not in (PENDING, FAILED):
		frappe.db.rollback()
		return row.network_status if row else None
	resume = bool(row.to_date)
	locations = [
		r.record_name
		for r in frappe.get_all(
			"Suspension Log Record",
			filters={"parent": log, "parenttype": LOG, "record_type": "Service Location"},
			fields=["record_name", "restored", "held_only"],
			order_by="idx",
		)
		# Stop what this log moved (another log stopped what it holds); resume what it restored.
		if (r.restored if resume else not r.held_only)
	]
	attempts = (row.network_attempts or 0) + 1
	try:
		targets = onts(locations)
		if targets:
			adapter = olt.adapter()
			for ont in targets:
				(adapter.resume if resume else adapter.suspend)(ont)
		status, error = DONE, None if targets else _("No ONT in service at the locations")
	except olt.NotConfigured as e:
		status, error = NOT_CONFIGURED, str(e)
	except Exception as e:
		frappe.db.rollback()
		status, error = FAILED, f"{type(e).__name__}: {e}"[:1000]
		frappe.log_error(title=f"ONT {'resume' if resume else 'stop'} failed for {log}", message=error)
		frappe.db.get_value(LOG, log, "name", for_update=True)
	frappe.db.set_value(
		LOG,
		log,
		{
			"network_action": RESUME if resume else STOP,
			"network_status": status,
			"network_attempts": attempts,
			"network_error": error,
		},
		update_modified=False,
	)
	frappe.db.commit()  # nosemgrep: what the OLT was told is kept
	return status
