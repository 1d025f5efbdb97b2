"""The ACS's endpoints (GenieACS today, Oktopus next), API.md's "ACS" section: a device's
settings on every boot, and what the ACS saw of a device.

Only the ACS's API user (Frappe API key and secret of a user with the role ACS) may call
them: a guest, another role's key and a wrong key are answered 403. The answer to
``provision`` holds the device's secrets: nothing here logs it or puts it in an error.
"""

import frappe
from frappe import _

from gigafibre_fsm.api.guard import Refusals, check_body, use_request_language
from gigafibre_fsm.roles import ACS
from gigafibre_fsm.service import provisioning

ENDPOINTS = "/api/method/gigafibre_fsm.api.acs."


def _only_acs() -> None:
	use_request_language()
	if ACS not in frappe.get_roles():
		frappe.throw(_("Only the ACS may call this method"), frappe.PermissionError)


@frappe.whitelist(methods=["GET"])
def provision(serial: str | None = None, mac: str | None = None) -> dict:
	"""The device's WiFi, SIP lines, OLT profiles and whether its service is suspended."""
	_only_acs()
	with Refusals():
		return provisioning.provision(serial=serial, mac=mac)


@frappe.whitelist(methods=["POST"])
def device_event(
	serial: str | None = None,
	event: str | None = None,
	ip: str | None = None,
	firmware: str | None = None,
	at: str | None = None,
	mac: str | None = None,
) -> dict:
	"""boot, online, offline or factory_reset: last seen, IP and firmware of the device (by its
	serial, or its MAC as for provision)."""
	_only_acs()
	check_body()
	with Refusals():
		return provisioning.device_event(serial=serial, event=event, ip=ip, firmware=firmware, at=at, mac=mac)


def refuse_wrong_keys(response=None, request=None) -> None:
	"""after_request: Frappe answers a wrong or unknown API key with 401 before any endpoint
	runs; on the ACS's endpoints it is a 403, as a missing key or another role's is (API.md)."""
	if response is None or request is None or response.status_code != 401:
		return
	if request.path.startswith(ENDPOINTS):
		response.status_code = 403
