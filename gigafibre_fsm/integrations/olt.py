"""Stopping and resuming an ONT's service on its OLT now, not at the device's next boot.

The ACS's answer (``api.acs.provision``) says ``suspended`` from the moment a suspension
commits, but a device asks only when it boots; the internet itself is cut at the OLT. This is
the small adapter collections call after the commit (billing/suspension.py). Which
implementation is the site config's ``olt_adapter``:

- unset or ``"none"``: no OLT control here: the call is refused with :class:`NotConfigured`,
  the suspension stands in the records and the ACS's answer, and its log says so;
- ``"http"``: a REST service in front of the OLTs (the vendor's northbound API or a small
  gateway), ``olt_api_base`` and ``olt_api_token``: ``POST {base}/onts/{serial}/suspend`` or
  ``/resume`` with the OLT and the ONT's position as JSON and the token as a Bearer; any 2xx is
  done. Both calls are idempotent on the OLT (suspending a suspended ONT changes nothing), so a
  retried call is harmless;
- a dotted path to a class (``mycompany.olt.HuaweiTL1``) whose instances have ``suspend(ont)``
  and ``resume(ont)``: another vendor's driver, without changing this app.

No error raised here carries the token.
"""

from dataclasses import asdict, dataclass

import frappe
import requests
from frappe import _

from gigafibre_fsm.integrations import TIMEOUT


@dataclass(frozen=True)
class Ont:
	"""An ONT as the OLT knows it: its serial and where it hangs."""

	serial: str
	olt: str | None
	olt_ip: str | None
	frame: str | None
	slot: str | None
	port: str | None
	ont_id: str | None
	service_location: str


class NotConfigured(Exception):
	"""The site has no OLT control configured."""


class OLTError(Exception):
	"""The OLT refused or could not be reached; the message holds no secret."""


class HttpOLT:
	"""A REST service in front of the OLTs."""

	def __init__(self, base: str, token: str):
		if not base:
			raise NotConfigured(_("Set olt_api_base in the site config"))
		self.base = base.rstrip("/")
		self.token = token

	def suspend(self, ont: Ont) -> str:
		return self._call(ont, "suspend")

	def resume(self, ont: Ont) -> str:
		return self._call(ont, "resume")

	def _call(self, ont: Ont, action: str) -> str:
		try:
			response = requests.post(
				f"{self.base}/onts/{requests.utils.quote(ont.serial, safe='')}/{action}",
				json=asdict(ont),
				headers={"Authorization": f"Bearer {self.token}"} if self.token else {},
				timeout=TIMEOUT,
			)
		except requests.RequestException as error:
			raise OLTError(f"the OLT service could not be reached ({type(error).__name__})") from None
		if response.status_code >= 300:
			raise OLTError(f"the OLT service answered {response.status_code} to {action} {ont.serial}")
		return f"{action} {ont.serial}: {response.status_code}"


def adapter():
	"""The implementation the site config names."""
	kind = (frappe.conf.get("olt_adapter") or "none").strip()
	if kind == "none":
		raise NotConfigured(_("No OLT control is configured (site config olt_adapter)"))
	if kind == "http":
		return HttpOLT(frappe.conf.get("olt_api_base") or "", frappe.conf.get("olt_api_token") or "")
	return frappe.get_attr(kind)()
