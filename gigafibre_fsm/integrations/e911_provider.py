"""The 911 provider: where each phone number's civic address is registered for the 911 centres.

Pluggable, chosen by site config like the other providers' addresses:

- ``e911_provider``: ``"http"`` (the default when ``e911_api_base`` is set) or the dotted path
  of a class with the same two methods as :class:`HTTPProvider` (another provider's client);
- ``e911_api_base`` and ``e911_api_token`` for ``"http"``: a REST API that keeps one
  registration per number — ``PUT {base}/registrations/{did}`` with the address in parts
  answers the registration's ``id``; ``DELETE {base}/registrations/{did}`` removes it (a
  number it does not hold answers 404, which is what was asked). The token goes as a Bearer
  header.

A site without them answers "the 911 provider is not configured". Nothing raised here
carries the token.
"""

import frappe
import requests
from frappe import _

from gigafibre_fsm.exceptions import ProviderUnavailableError
from gigafibre_fsm.integrations import TIMEOUT


class E911ProviderError(Exception):
	"""The provider refused the request or could not be reached; the message holds no secret."""


class HTTPProvider:
	def __init__(self, base: str, token: str):
		self.base = base.rstrip("/")
		self.token = token

	def _call(self, method: str, did: str, body: dict | None = None) -> requests.Response:
		path = f"registrations/{did}"
		try:
			return requests.request(
				method,
				f"{self.base}/{path}",
				json=body,
				headers={"Authorization": f"Bearer {self.token}"},
				timeout=TIMEOUT,
			)
		except requests.RequestException as error:
			raise E911ProviderError(
				f"the 911 provider could not be reached ({type(error).__name__}) for {method} /{path}"
			) from None

	@staticmethod
	def _refused(response: requests.Response, what: str) -> E911ProviderError:
		try:
			message = str((response.json() or {}).get("message") or "")[:200]
		except ValueError:
			message = response.reason or ""
		return E911ProviderError(f"the 911 provider answered {response.status_code} to {what}: {message}")

	def register(self, registration: dict) -> str:
		"""Register (or replace) the number's address; returns the provider's reference."""
		did = registration["did"]
		response = self._call("PUT", did, registration)
		if response.status_code >= 300:
			raise self._refused(response, f"PUT /registrations/{did}")
		try:
			answer = response.json() or {}
		except ValueError:
			answer = {}
		return str(answer.get("id") or did)

	def deregister(self, did: str) -> None:
		"""Remove the number's registration (one the provider does not hold is gone already)."""
		response = self._call("DELETE", did)
		if response.status_code >= 300 and response.status_code != 404:
			raise self._refused(response, f"DELETE /registrations/{did}")


def provider():
	"""The site's 911 provider (see the module's docstring)."""
	conf = frappe.conf
	choice = conf.get("e911_provider") or ("http" if conf.get("e911_api_base") else None)
	if not choice:
		frappe.throw(
			_("The 911 provider is not configured: set {0} in the site config").format(
				"e911_provider / e911_api_base"
			),
			ProviderUnavailableError,
		)
	if choice == "http":
		if not (conf.get("e911_api_base") and conf.get("e911_api_token")):
			frappe.throw(
				_("The 911 provider is not configured: set {0} in the site config").format(
					"e911_api_base, e911_api_token"
				),
				ProviderUnavailableError,
			)
		return HTTPProvider(conf.get("e911_api_base"), conf.get("e911_api_token"))
	return frappe.get_attr(choice)()
