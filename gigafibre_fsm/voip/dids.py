"""The company's DID inventory: numbers added by range, a Free number taken under a row lock,
a customer's own number recorded as Porting.

Taking a number locks its row (``FOR UPDATE SKIP LOCKED``): two configurations at once take
two different numbers, neither waiting for the other. The VoIP Line's unique ``active_did``
stays the database's rule; a Free number that an active line holds after all (a line typed in
the desk) is marked Assigned to that line and the next one is taken.
"""

import frappe
from frappe import _
from frappe.utils import now

from gigafibre_fsm.exceptions import InvalidDIDError, refuse
from gigafibre_fsm.rules.phone import format_phone, normalize_phone
from gigafibre_fsm.voip.accounts import MAX_RANGE, RangeError, number_range
from gigafibre_fsm.voip.doctype.did.did import ASSIGNED, FREE, PORTING, DIDInUseError

DID = "DID"


class NoFreeDIDError(frappe.ValidationError):
	"""The inventory has no Free number left."""

	http_status_code = 409


def add_range(first: str | None, last: str | None) -> dict:
	"""Put the numbers from ``first`` to ``last`` in the inventory: Free, or Assigned to the
	active line that already has one; numbers already there are left as they are."""
	try:
		numbers = number_range(first, last)
	except RangeError as error:
		refuse(error.field, _range_message(error), InvalidDIDError)
	existing = {
		row[0]
		for row in frappe.db.sql(
			f"select name from `tab{DID}` where name between %s and %s", (numbers[0], numbers[-1])
		)
	}
	wanted = [n for n in numbers if n not in existing]
	lines = dict(
		frappe.get_all(
			"VoIP Line",
			filters={"active_did": ("in", wanted)} if wanted else {"name": ""},
			fields=["active_did", "name"],
			as_list=True,
		)
	)
	stamp, user = now(), frappe.session.user
	rows = [
		(
			number,
			number,
			ASSIGNED if number in lines else FREE,
			lines.get(number),
			stamp,
			stamp,
			user,
			user,
			0,
		)
		for number in wanted
	]
	# One INSERT per 10,000 rows; a number someone added meanwhile is left as it is.
	frappe.db.bulk_insert(
		DID,
		(
			"name",
			"number",
			"status",
			"voip_line",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"docstatus",
		),
		rows,
		ignore_duplicates=True,
	)
	for number, line in lines.items():
		customer, location = frappe.db.get_value("VoIP Line", line, ["customer", "service_location"])
		frappe.db.set_value(
			DID, number, {"customer": customer, "service_location": location}, update_modified=False
		)
	return {
		"free": len(wanted) - len(lines),
		"assigned": len(lines),
		"existing": len(existing),
		"first": numbers[0],
		"last": numbers[-1],
	}


def _range_message(error: RangeError) -> str:
	label = _("First Number") if error.field == "first" else _("Last Number")
	if error.kind == RangeError.INVALID:
		return _("{0}: {1} is not a North-American phone number (10 digits, e.g. 819-555-0100)").format(
			label, frappe.bold(error.value or "")
		)
	if error.kind == RangeError.BACKWARDS:
		return _("{0}: the last number comes before the first").format(label)
	return _("{0}: a range holds {1} numbers at most").format(label, MAX_RANGE)


# Free numbers read (without a lock) before one is locked by its key.
CANDIDATES = 50


def take_free() -> str:
	"""Lock and return the lowest Free number no active line holds; a refusal naming what to do
	when there is none. The caller assigns it in the same transaction.

	Each candidate is locked by its key (``FOR UPDATE SKIP LOCKED`` on the primary key: the row
	only, no gap of the status index, which the other configurations' own numbers move through
	when they become Assigned); one another configuration holds is skipped, one it took
	meanwhile no longer reads Free. Only when every candidate is gone does a locking scan of
	the Free numbers decide."""
	candidates = frappe.db.sql(
		f"select name from `tab{DID}` where status = %s order by name limit {CANDIDATES}", FREE, pluck=True
	)
	for number in candidates:
		locked = frappe.db.sql(
			f"select name from `tab{DID}` where name = %s and status = %s for update skip locked",
			(number, FREE),
		)
		if locked and (number := _unless_held(number)):
			return number
	while True:
		rows = frappe.db.sql(
			f"select name from `tab{DID}` where status = %s order by name limit 1 for update skip locked",
			FREE,
		)
		if not rows:
			refuse(
				"did",
				_(
					"No free number left in the DID inventory: add numbers (DID list → Add a Range), "
					"or type the customer's own number to port it"
				),
				NoFreeDIDError,
			)
		if number := _unless_held(rows[0][0]):
			return number


def _unless_held(number: str) -> str | None:
	"""The locked Free number, unless a line made in the desk holds it: then the inventory says
	so, and None (the next one is taken)."""
	holder = frappe.db.get_value("VoIP Line", {"active_did": number}, "name")
	if not holder:
		return number
	assign(number, holder)
	return None


def porting(value: str | None) -> str:
	"""A customer's own number, typed in: its 10 digits once it is known to be free to come in
	(a number of the inventory that is Free is simply taken). Checked before anything is written."""
	number = normalize_phone(value)
	if not number:
		refuse(
			"ported_number",
			_(
				"{0} is not a North-American phone number (10 digits, e.g. 819-555-1234): nothing was "
				"configured"
			).format(frappe.bold(value or "")),
			InvalidDIDError,
		)
	holder = frappe.db.get_value("VoIP Line", {"active_did": number}, "name")
	if holder:
		refuse(
			"ported_number",
			_("{0} is already the number of VoIP Line {1}").format(format_phone(number), holder),
			DIDInUseError,
		)
	status = frappe.db.get_value(DID, number, "status")
	if status and status not in (FREE, PORTING):
		refuse(
			"ported_number",
			_("{0} is {1} in the DID inventory: it cannot be given to this line").format(
				format_phone(number), frappe.bold(_(status))
			),
			DIDInUseError,
		)
	return number


def lock_ported(number: str) -> str:
	"""Lock the inventory row of a number coming in (made Porting when the inventory lacks it);
	returns the status it will have once its line is made: Assigned when it was Free, else
	Porting. A concurrent configuration of the same number waits here, then finds it taken."""
	status = frappe.db.get_value(DID, number, "status", for_update=True)
	if not status:
		frappe.get_doc({"doctype": DID, "number": number, "status": PORTING}).insert(ignore_permissions=True)
		status = PORTING
	return ASSIGNED if status == FREE else PORTING


def assign(number: str, line: str, status: str = ASSIGNED) -> None:
	"""Give the (locked) number to the line."""
	doc = frappe.get_doc(DID, number)
	doc.update({"status": status, "voip_line": line})
	doc.flags.ignore_permissions = True
	doc.save()
