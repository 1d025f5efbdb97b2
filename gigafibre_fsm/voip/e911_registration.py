"""Registering a line's 911 address with the 911 provider, and removing an orphan registration.

:func:`register` sends the line's location's address (in the line's 911 parts) to the provider
(integrations/e911_provider.py) and records it on the line: the address, who, when, the
provider's reference; the re-registration flag is cleared and the support task completed when
none of its lines waits any more. :func:`deregister` removes the registration of a number no
line in service holds (the orphans of the report "Orphan 911 Registrations").

The provider is called first and the line saved after: a refusal writes nothing, and a save
that fails after the provider answered is put right by registering again (the provider keeps
one registration per number). Every change is a save of the line, so its Version history
keeps each registration's who and when (saved with a Version even where Frappe skips them, in
tests: the history is the record).
"""

import frappe
from frappe import _
from frappe.utils import now_datetime

from gigafibre_fsm.exceptions import ProviderUnavailableError, refuse
from gigafibre_fsm.integrations import e911_provider
from gigafibre_fsm.rules.phone import format_phone
from gigafibre_fsm.voip import e911
from gigafibre_fsm.voip.e911_lines import (
	CANCELLED,
	LINE,
	E911AddressError,
	close_task_when_done,
	part_labels,
)

SERVICE_FIELDS = ["name", *e911.PARTS]


def holds_registration_sql(alias: str = "l") -> str:
	"""SQL: the line holds a registration at the provider (registered here, or imported from the
	legacy system's 911 addresses) that was not removed."""
	return (
		f"(({alias}.e911_synced = 1 or ifnull({alias}.legacy_phone_addr_id, '') != '')"
		f" and {alias}.e911_deregistered_on is null)"
	)


def orphan_sql(alias: str = "l") -> str:
	"""SQL: a cancelled line's registration that no line in service (any status but Cancelled)
	of the same number needs."""
	return (
		f"({alias}.status = 'Cancelled' and {holds_registration_sql(alias)} and not exists ("
		f"select 1 from `tabVoIP Line` live where live.did = {alias}.did and live.status != 'Cancelled'))"
	)


def _call(what, *args):
	try:
		return what(*args)
	except e911_provider.E911ProviderError as error:
		frappe.throw(_("The 911 provider refused: {0}").format(str(error)), ProviderUnavailableError)


def register(line_name: str) -> dict:
	"""Register the line's location's address as its 911 address (see the module's docstring)."""
	line = frappe.get_doc(LINE, line_name, for_update=True)
	if line.status == CANCELLED:
		refuse(
			"line",
			_("VoIP Line {0} is cancelled: its number is not registered").format(line.name),
			frappe.ValidationError,
		)
	service = (
		frappe.db.get_value("Service Location", line.service_location, SERVICE_FIELDS, as_dict=True)
		if line.service_location
		else None
	)
	if not service:
		refuse(
			"service_location",
			_("VoIP Line {0} has no Service Location: its 911 address is the location's").format(line.name),
			E911AddressError,
		)
	address = e911.address_of(service)
	status, parts = e911.compare(service, address)
	if status != e911.MATCH:
		refuse(
			"service_location",
			_("The address of Service Location {0} is incomplete ({1}): complete it, then register").format(
				service.name, part_labels(parts)
			),
			E911AddressError,
		)
	registration = {
		"did": line.did,
		"caller_name": line.caller_id_name or line.customer_name or None,
		"class_of_service": line.e911_class or "RES",
		**{part: address[field] for part, field in e911.PARTS.items()},
	}
	reference = _call(e911_provider.provider().register, registration)
	line.update(address)
	line.update(
		{
			"e911_synced": 1,
			"e911_synced_on": now_datetime(),
			"e911_synced_by": frappe.session.user,
			"e911_provider_ref": reference,
			"e911_reregister": 0,
			"e911_deregistered_on": None,
			"e911_deregistered_by": None,
		}
	)
	line.flags.e911_registering = True
	line.flags.ignore_permissions = True
	line.save(ignore_version=False)
	task_closed = close_task_when_done(line.e911_task)
	return {
		"line": line.name,
		"did": line.did,
		"e911_match": line.e911_match,
		"e911_provider_ref": reference,
		"e911_synced_on": line.e911_synced_on,
		"e911_synced_by": line.e911_synced_by,
		"task_closed": task_closed,
	}


def deregister(line_name: str) -> dict:
	"""Remove the registration of an orphan line's number at the provider; the number's
	cancelled lines that held it say who removed it and when."""
	row = frappe.db.sql(
		f"select l.name, l.did, {orphan_sql('l')} as orphan from `tabVoIP Line` l where l.name = %s for update",
		line_name,
		as_dict=True,
	)
	if not row:
		frappe.throw(_("VoIP Line {0} not found").format(line_name), frappe.DoesNotExistError)
	line = row[0]
	if not line.orphan:
		refuse(
			"line",
			_(
				"The 911 registration of {0} ({1}) is not an orphan: a line in service holds the number, "
				"or it was removed already"
			).format(line.name, format_phone(line.did)),
			frappe.ValidationError,
		)
	_call(e911_provider.provider().deregister, line.did)
	names = frappe.db.sql(
		f"select l.name from `tabVoIP Line` l where l.did = %s and {orphan_sql('l')} order by l.creation",
		line.did,
		pluck=True,
	)
	for name in names:
		doc = frappe.get_doc(LINE, name, for_update=True)
		doc.update(
			{
				"e911_synced": 0,
				"e911_reregister": 0,
				"e911_deregistered_on": now_datetime(),
				"e911_deregistered_by": frappe.session.user,
			}
		)
		doc.flags.ignore_permissions = True
		doc.save(ignore_version=False)
	return {"line": line.name, "did": line.did, "deregistered": names}
