"""The only place the order pipeline enqueues work: the messages about an order, after commit.

Each Order Notification row is written in the order's transaction; `send_after_commit`
enqueues one job per row only once that transaction commits (a rolled-back order sends
nothing). A job locks its row, sends, and records the outcome in its own commit: sent once,
or the error and the next attempt. `retry_notifications` (scheduler) re-enqueues what is
due; after `MAX_ATTEMPTS` a notification is Failed and stays visible in the desk. A failing
message never touches the order.
"""

import frappe
from frappe.utils import add_to_date, now_datetime

MAX_ATTEMPTS = 5
# Minutes to wait before attempt n+1 (the last value repeats).
BACKOFF_MINUTES = (1, 5, 15, 60)
JOB = "gigafibre_fsm.orders.tasks.send_notification"
REALTIME_EVENT = "gigafibre_new_order"


def job_id(notification: str) -> str:
	return f"gigafibre-order-notification::{notification}"


def send_after_commit(notifications: list[str]) -> None:
	for name in notifications:
		frappe.enqueue(
			JOB,
			queue="short",
			job_id=job_id(name),
			deduplicate=True,
			enqueue_after_commit=True,
			notification=name,
		)


def retry_notifications() -> None:
	"""Scheduler: re-enqueue the queued notifications whose next attempt is due (and any whose
	job was lost, e.g. Redis restarted before a worker took it)."""
	due = frappe.get_all(
		"Order Notification",
		filters={"status": "Queued", "next_attempt_at": ("<=", now_datetime())},
		pluck="name",
		limit=500,
	)
	lost = frappe.get_all(
		"Order Notification",
		filters={
			"status": "Queued",
			"next_attempt_at": ("is", "not set"),
			"creation": ("<", add_to_date(now_datetime(), minutes=-10)),
		},
		pluck="name",
		limit=500,
	)
	for name in due + lost:
		frappe.enqueue(JOB, queue="short", job_id=job_id(name), deduplicate=True, notification=name)


def send_notification(notification: str) -> str | None:
	"""Send one notification unless it was sent already; return its status."""
	row = frappe.db.get_value(
		"Order Notification",
		notification,
		["name", "web_order", "dispatch_job", "kind", "channel", "recipient", "status", "attempts"],
		as_dict=True,
		for_update=True,  # a second job for the same row waits, then finds it sent
	)
	if not row or row.status != "Queued":
		frappe.db.rollback()
		return row.status if row else None
	try:
		reference = deliver(row)
	except Exception as e:
		frappe.db.rollback()
		return record_failure(row, e)
	frappe.db.set_value(
		"Order Notification",
		row.name,
		{
			"status": "Sent",
			"attempts": (row.attempts or 0) + 1,
			"sent_at": now_datetime(),
			"provider_reference": (reference or "")[:140],
			"last_error": None,
			"next_attempt_at": None,
		},
		update_modified=False,
	)
	frappe.db.commit()  # nosemgrep: the outcome of a message already sent must be kept
	return "Sent"


def record_failure(row, error: Exception) -> str:
	attempts = (row.attempts or 0) + 1
	status = "Failed" if attempts >= MAX_ATTEMPTS else "Queued"
	wait = BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1]
	message = f"{type(error).__name__}: {error}"[:1000]
	frappe.db.set_value(
		"Order Notification",
		row.name,
		{
			"status": status,
			"attempts": attempts,
			"last_error": message,
			"next_attempt_at": add_to_date(now_datetime(), minutes=wait) if status == "Queued" else None,
		},
		update_modified=False,
	)
	frappe.log_error(title=f"Order notification {row.name} ({row.channel}) failed", message=message)
	frappe.db.commit()  # nosemgrep: the failure is kept for the retry and the desk
	return status


def deliver(row) -> str | None:
	"""Send through the provider; return its reference. Raises when the provider fails."""
	from gigafibre_fsm.orders import messages
	from gigafibre_fsm.orders.payment_link import payment_link_url

	if row.kind in (JOB_SCHEDULED, EN_ROUTE):
		return _sms(row.recipient, job_message(row))

	order = frappe.db.get_value(
		"Web Order",
		row.web_order,
		[
			"name",
			"customer",
			"customer_name",
			"service_location",
			"source",
			"response",
			"dispatch_job",
			"language",
		],
		as_dict=True,
	)
	answer = frappe.parse_json(order.response)
	lang = messages.language_of(order.language)
	location = frappe.db.get_value("Service Location", order.service_location, "location_title")
	first_name = frappe.db.get_value(
		"Contact", frappe.db.get_value("Customer", order.customer, "customer_primary_contact"), "first_name"
	)
	if row.kind == "Service Activated":
		return _sms(row.recipient, messages.service_activated_sms(location, lang))
	if row.kind == "Payment Link":
		url = payment_link_url(order.name)
		if row.channel == "SMS":
			return _sms(row.recipient, messages.payment_link_sms(order.name, url, lang))
		return _email(
			row.recipient,
			order.customer_name,
			*messages.payment_link_email(order.name, first_name, url, lang),
		)
	if row.channel == "SMS":
		return _sms(row.recipient, messages.confirmation_sms(answer, location, lang))
	if row.channel == "Email":
		return _email(
			row.recipient, order.customer_name, *messages.summary_email(answer, first_name, location, lang)
		)
	frappe.publish_realtime(
		REALTIME_EVENT,
		{
			"order": order.name,
			"source": order.source,
			"customer": order.customer,
			"customer_name": order.customer_name,
			"service_location": order.service_location,
			"address": location,
			"dispatch_job": order.dispatch_job,
			"scheduled_date": answer.get("scheduled_date"),
		},
	)
	return REALTIME_EVENT


def _sms(to: str, body: str) -> str:
	from gigafibre_fsm.integrations import twilio_api

	return twilio_api.send_sms(to, body)


def _email(to: str, name: str, subject: str, text: str, html: str) -> str:
	from gigafibre_fsm.integrations import mailjet_api

	return mailjet_api.send_email(to, name, subject, text, html)


def queue_payment_link(order: str) -> list[str]:
	"""The order's payment link to the customer, by SMS and email, sent after the commit."""
	values = frappe.db.get_value("Web Order", order, ["email", "phone"], as_dict=True)
	names = []
	for channel, recipient in (
		("SMS", f"+1{values.phone}" if values.phone else None),
		("Email", values.email),
	):
		if not recipient:
			continue
		notification = frappe.get_doc(
			{
				"doctype": "Order Notification",
				"web_order": order,
				"kind": "Payment Link",
				"channel": channel,
				"recipient": recipient,
				"status": "Queued",
			}
		)
		notification.flags.ignore_links = True
		names.append(notification.insert(ignore_permissions=True).name)
	send_after_commit(names)
	return names


def queue_service_activated(order: str) -> list[str]:
	"""The "Service activé!" SMS, sent once the completion commits."""
	phone = frappe.db.get_value("Web Order", order, "phone")
	if not phone:
		return []
	notification = frappe.get_doc(
		{
			"doctype": "Order Notification",
			"web_order": order,
			"kind": "Service Activated",
			"channel": "SMS",
			"recipient": f"+1{phone}",
			"status": "Queued",
		}
	)
	notification.flags.ignore_links = True
	names = [notification.insert(ignore_permissions=True).name]
	send_after_commit(names)
	return names


JOB_SCHEDULED, EN_ROUTE = "Job Scheduled", "Technician En Route"


def queue_job_message(dispatch_job: str, kind: str) -> list[str]:
	"""An SMS to the job's customer (scheduled, technician on the way), sent after the commit."""
	job = frappe.db.get_value("Dispatch Job", dispatch_job, ["customer", "service_location"], as_dict=True)
	order = (
		frappe.db.get_value(
			"Web Order", {"service_location": job.service_location or ""}, ["name", "phone"], as_dict=True
		)
		if job
		else None
	)
	phone = (order.phone if order else None) or (
		frappe.db.get_value("Customer", job.customer, "mobile_no") if job and job.customer else None
	)
	from gigafibre_fsm.rules.phone import normalize_phone

	number = normalize_phone(phone or "")
	if not number:
		return []
	notification = frappe.get_doc(
		{
			"doctype": "Order Notification",
			"web_order": order.name if order else None,
			"dispatch_job": dispatch_job,
			"kind": kind,
			"channel": "SMS",
			"recipient": f"+1{number}",
			"status": "Queued",
		}
	)
	notification.flags.ignore_links = True
	names = [notification.insert(ignore_permissions=True).name]
	send_after_commit(names)
	return names


def job_message(row) -> str:
	from gigafibre_fsm.orders import messages

	job = frappe.db.get_value(
		"Dispatch Job", row.dispatch_job, ["customer", "scheduled_date", "address"], as_dict=True
	)
	lang = messages.language_of(
		(frappe.db.get_value("Web Order", row.web_order, "language") if row.web_order else None)
		or frappe.db.get_value("Customer", job.customer, "language")
	)
	if row.kind == EN_ROUTE:
		return messages.en_route_sms(lang)
	return messages.job_scheduled_sms(job.scheduled_date, job.address, lang)
