"""The PBX: SIP accounts of the customers' phone lines, through Routr's REST API (v1beta1, the
API Fonoster's Routr serves). Neither project publishes a Python client, so this is `requests`.

Configuration (site config, like the other providers' addresses): ``pbx_api_base`` (e.g.
``https://pbx.gigafibre.ca:4567/api/v1beta1``), ``pbx_api_token`` (the API user's token, sent
as Routr's ``token`` query parameter) and ``pbx_sip_domain`` (the domain the accounts register
to, e.g. ``sip.gigafibre.ca``). A site without them answers "the PBX is not configured".

An account is an Agent: ``metadata.name`` (the line's name, for people), ``spec.credentials``
(user name and secret) and ``spec.domains``. :func:`ensure_account` is idempotent: it looks the
user name up first and creates the account only when the PBX has none, so a retry after a lost
answer never makes a second account. No error raised here carries the URL (its token) or the
request's body (the secret).
"""

import frappe
import requests
from frappe import _

from gigafibre_fsm.exceptions import ProviderUnavailableError
from gigafibre_fsm.integrations import TIMEOUT

AGENTS = "agents"


class PBXError(Exception):
	"""The PBX refused the request or could not be reached; the message holds no secret."""


def _config() -> tuple[str, str, str]:
	base = (frappe.conf.get("pbx_api_base") or "").rstrip("/")
	token = frappe.conf.get("pbx_api_token") or ""
	domain = frappe.conf.get("pbx_sip_domain") or ""
	missing = [
		key
		for key, value in (("pbx_api_base", base), ("pbx_api_token", token), ("pbx_sip_domain", domain))
		if not value
	]
	if missing:
		frappe.throw(
			_("The PBX is not configured: set {0} in the site config").format(", ".join(missing)),
			ProviderUnavailableError,
		)
	return base, token, domain


def _call(method: str, path: str, params: dict | None = None, body: dict | None = None) -> dict:
	base, token, _domain = _config()
	try:
		response = requests.request(
			method,
			f"{base}/{path}",
			params={**(params or {}), "token": token},
			json=body,
			timeout=TIMEOUT,
		)
	except requests.RequestException as error:
		# The exception's text names the URL, token included: only its kind goes on.
		raise PBXError(
			f"the PBX could not be reached ({type(error).__name__}) for {method} /{path}"
		) from None
	try:
		answer = response.json()
	except ValueError:
		answer = {}
	if response.status_code >= 300:
		message = str(answer.get("message") or response.reason or "")[:200]
		raise PBXError(f"the PBX answered {response.status_code} to {method} /{path}: {message}")
	return answer if isinstance(answer, dict) else {}


def find_account(username: str) -> str | None:
	"""The reference of the PBX's account with this SIP user name, or None."""
	answer = _call("GET", AGENTS, params={"filter": f"@.spec.credentials.username=='{username}'"})
	for agent in answer.get("data") or []:
		if ((agent.get("spec") or {}).get("credentials") or {}).get("username") == username:
			return (agent.get("metadata") or {}).get("ref") or username
	return None


def create_account(name: str, username: str, secret: str) -> None:
	"""Create the SIP account (an Agent of the site's domain)."""
	_base, _token, domain = _config()
	_call(
		"POST",
		AGENTS,
		body={
			"apiVersion": "v1beta1",
			"kind": "Agent",
			"metadata": {"name": name[:60]},
			"spec": {"credentials": {"username": username, "secret": secret}, "domains": [domain]},
		},
	)


def ensure_account(name: str, username: str, secret: str) -> str:
	"""The reference of the account ``username``, created when the PBX does not have it yet."""
	ref = find_account(username)
	if ref:
		return ref
	try:
		create_account(name, username, secret)
	except PBXError as error:
		# 409: made meanwhile (another attempt); anything else stands.
		if " 409 " not in str(error):
			raise
	ref = find_account(username)
	if not ref:
		raise PBXError(f"the PBX has no account {username} after creating it")
	return ref
