"""Mailjet: emails to customers (Send API v3.1)."""

import frappe
from frappe import _
from mailjet_rest import Client

from gigafibre_fsm.exceptions import ProviderUnavailableError
from gigafibre_fsm.integrations import TIMEOUT, secret, settings


class MailjetError(Exception):
	pass


def client() -> Client:
	key = settings().mailjet_api_key
	api_secret = secret("mailjet_api_secret")
	if not (key and api_secret):
		frappe.throw(_("Email is not configured"), ProviderUnavailableError)
	options = {"version": "v3.1", "timeout": TIMEOUT}
	if base := frappe.conf.get("mailjet_api_base"):
		options["api_url"] = base
	return Client(auth=(key, api_secret), **options)


def send_email(
	to: str,
	to_name: str,
	subject: str,
	text: str,
	html: str,
	attachments: list[tuple[str, str, bytes]] | None = None,
) -> str:
	"""Send one email (with ``attachments``: file name, content type, bytes); return Mailjet's
	message id."""
	sender = settings().mailjet_sender_email
	if not sender:
		frappe.throw(_("Email is not configured"), ProviderUnavailableError)
	message = {
		"From": {"Email": sender, "Name": "Gigafibre"},
		"To": [{"Email": to, "Name": to_name}],
		"Subject": subject,
		"TextPart": text,
		"HTMLPart": html,
	}
	if attachments:
		import base64

		message["Attachments"] = [
			{"ContentType": kind, "Filename": name, "Base64Content": base64.b64encode(content).decode()}
			for name, kind, content in attachments
		]
	response = client().send.create(data={"Messages": [message]})
	if response.status_code >= 300:
		raise MailjetError(f"Mailjet answered {response.status_code}: {response.text[:300]}")
	try:
		sent = response.json()["Messages"][0]
		return str(sent["To"][0].get("MessageID") or sent["To"][0].get("MessageUUID") or "")
	except (ValueError, KeyError, IndexError):
		return ""
