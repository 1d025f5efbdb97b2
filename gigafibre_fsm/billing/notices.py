"""Collections' messages to customers: recorded in the transaction that decides them, sent after
it commits, each once.

A notice is a Collection Notice named ``<kind>:<record>:<channel>`` (the arrangement, the overdue
invoice or the suspension it is about): a second run, or two at once, find the name taken and
record nothing more — the database's primary key is the guarantee. The text is written then, in
the customer's language, and kept on the record (what the customer was told). One job per
notice sends it after the commit (a rolled-back decision sends nothing): it locks the row, sends
through Twilio or Mailjet, and records Sent, or the error and the attempt; the daily collections
run sends again what is still queued, and a notice is Failed after ``MAX_ATTEMPTS``. A customer
with neither a mobile number nor an email gets a notice on channel None, Failed at once, so the
ladder still counts it given and staff see who could not be told.
"""

import frappe
from frappe.utils import now_datetime

from gigafibre_fsm.billing import collection_messages
from gigafibre_fsm.orders.messages import language_of
from gigafibre_fsm.rules.phone import normalize_phone

DOCTYPE = "Collection Notice"
JOB = "gigafibre_fsm.billing.notices.send_notice"
MAX_ATTEMPTS = 5
SMS, EMAIL, NONE = "SMS", "Email", "None"
QUEUED, SENT, FAILED = "Queued", "Sent", "Failed"


def notice_key(kind: str, reference: str, channel: str) -> str:
	return f"{kind}:{reference}:{channel}"


def job_id(name: str) -> str:
	return f"gigafibre-collection-notice::{name}"


def contact(customer: str) -> frappe._dict:
	values = frappe.db.sql(
		"select customer_name, mobile_no, email_id, language from `tabCustomer` where name = %s",
		customer,
		as_dict=True,
	)[0]
	number = normalize_phone(values.mobile_no or "")
	channels = [(SMS, f"+1{number}")] if number else []
	if values.email_id:
		channels.append((EMAIL, values.email_id.strip()))
	return frappe._dict(name=values.customer_name, lang=language_of(values.language), channels=channels)


def queue(
	customer: str, kind: str, reference_type: str, reference: str, day, facts: dict | None = None
) -> list[str]:
	"""Record the notice for each channel the customer has, unless recorded already, in the
	caller's transaction; each is sent once it commits. Returns the notices recorded now."""
	who = contact(customer)
	facts = {
		"customer_name": who.name,
		"support_phone": frappe.get_cached_doc("Gigafibre Settings").support_phone,
		**(facts or {}),
	}
	sms, subject, text = collection_messages.texts(kind, facts, who.lang)
	names = []
	for channel, recipient in who.channels or [(NONE, "")]:
		name = notice_key(kind, reference, channel)
		doc = frappe.get_doc(
			{
				"doctype": DOCTYPE,
				"notice_key": name,
				"customer": customer,
				"kind": kind,
				"channel": channel,
				"recipient": recipient,
				"status": QUEUED if channel != NONE else FAILED,
				"last_error": None if channel != NONE else "The customer has neither a mobile number nor an email",
				"notice_date": day,
				"reference_type": reference_type,
				"reference_name": reference,
				"subject": subject if channel == EMAIL else None,
				"message": sms if channel != EMAIL else text,
			}
		)
		doc.name = name
		doc.customer_name = who.name
		doc.set_user_and_timestamp()
		try:
			# A record with no rules of its own: written as is, its name the guarantee.
			doc.db_insert()
		except frappe.DuplicateEntryError:
			continue  # recorded already (by this run before, or another run)
		if channel != NONE:
			names.append(name)
	send_after_commit(names)
	return names


def send_after_commit(names: list[str]) -> None:
	for name in names:
		frappe.enqueue(
			JOB,
			queue="short",
			job_id=job_id(name),
			deduplicate=True,
			enqueue_after_commit=True,
			notice=name,
		)


def retry_queued() -> int:
	"""The daily run: send again the notices still queued (a job lost or a provider down)."""
	names = frappe.get_all(DOCTYPE, filters={"status": QUEUED}, pluck="name", limit=5000)
	for name in names:
		frappe.enqueue(JOB, queue="short", job_id=job_id(name), deduplicate=True, notice=name)
	return len(names)


def send_notice(notice: str) -> str | None:
	"""Send one notice unless it was sent already; return its status."""
	row = frappe.db.get_value(
		DOCTYPE,
		notice,
		["name", "channel", "recipient", "status", "attempts", "subject", "message", "customer"],
		as_dict=True,
		for_update=True,  # a second job for the same notice waits, then finds it sent
	)
	if not row or row.status != QUEUED:
		frappe.db.rollback()
		return row.status if row else None
	try:
		reference = deliver(row)
	except Exception as error:
		frappe.db.rollback()
		return record_failure(row, error)
	frappe.db.set_value(
		DOCTYPE,
		row.name,
		{
			"status": SENT,
			"attempts": (row.attempts or 0) + 1,
			"sent_at": now_datetime(),
			"provider_reference": (reference or "")[:140],
			"last_error": None,
		},
		update_modified=False,
	)
	frappe.db.commit()  # nosemgrep: a message sent is kept sent
	return SENT


def record_failure(row, error: Exception) -> str:
	attempts = (row.attempts or 0) + 1
	status = FAILED if attempts >= MAX_ATTEMPTS else QUEUED
	message = f"{type(error).__name__}: {error}"[:1000]
	frappe.db.set_value(
		DOCTYPE, row.name, {"status": status, "attempts": attempts, "last_error": message}, update_modified=False
	)
	frappe.log_error(title=f"Collection notice {row.name} failed", message=message)
	frappe.db.commit()  # nosemgrep: the failure is kept for the retry and the desk
	return status


def deliver(row) -> str | None:
	if row.channel == SMS:
		from gigafibre_fsm.integrations import twilio_api

		return twilio_api.send_sms(row.recipient, row.message)
	from gigafibre_fsm.integrations import mailjet_api

	name = frappe.db.get_value("Customer", row.customer, "customer_name") or ""
	return mailjet_api.send_email(
		row.recipient, name, row.subject, row.message, collection_messages.html_of(row.message)
	)
