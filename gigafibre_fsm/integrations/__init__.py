"""Stripe, Twilio and Mailjet through their official SDKs.

Where each is reached comes from site config (``stripe_api_base``, ``twilio_api_base``,
``mailjet_api_base``), so a test or a staging site points them at local servers; the
secrets come from Gigafibre Settings (Password fields). Nothing here runs inside an order's
transaction except reads (retrieving a SetupIntent): effects go after the commit.
"""

import frappe

TIMEOUT = 10  # seconds: a provider that hangs must not hold a web worker


def settings():
	return frappe.get_cached_doc("Gigafibre Settings")


def secret(fieldname: str) -> str | None:
	return settings().get_password(fieldname, raise_exception=False) or None
