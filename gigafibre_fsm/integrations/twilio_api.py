"""Twilio: text messages to customers."""

import frappe
from frappe import _
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from gigafibre_fsm.exceptions import ProviderUnavailableError
from gigafibre_fsm.integrations import TIMEOUT, secret, settings


def client() -> Client:
	sid = settings().twilio_account_sid
	token = secret("twilio_auth_token")
	if not (sid and token):
		frappe.throw(_("Text messages are not configured"), ProviderUnavailableError)
	twilio = Client(sid, token, http_client=TwilioHttpClient(timeout=TIMEOUT))
	if base := frappe.conf.get("twilio_api_base"):
		twilio.api.base_url = base.rstrip("/")
	return twilio


def send_sms(to: str, body: str) -> str:
	"""Send ``body`` to ``to`` (E.164, +1…); return Twilio's message id."""
	sender = settings().twilio_from_number
	if not sender:
		frappe.throw(_("Text messages are not configured"), ProviderUnavailableError)
	return client().messages.create(to=to, from_=sender, body=body).sid
