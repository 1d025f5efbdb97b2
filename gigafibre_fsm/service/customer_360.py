"""The Customer 360: everything the office knows of one customer, read in one go, and the actions
its panel offers (public/js/customer_360.js, api/customer_360.py).

**Reading** (:func:`gather`) costs a bounded number of indexed queries whatever the customer's
history: one per section, each on an indexed column (``customer``, ``party_name``, a child
table's ``parent``, the Payment Ledger's ``party``), never one per row — so the 360 of an
imported customer with years of invoices stays fast. Sections are read only when the user may
read their doctype (roles.py): a Field Technician gets the service, not the money (no rates, no
invoices, payments, balance, quotes, arrangements or suspensions).

**Acting**: every action is the service the rest of the app uses — suspending and restoring are
collections' (billing/collections.py, called through api/desk.py), the payment link is the
order's (orders/tasks.py), a ticket, an arrangement and a technician's visit are the doctypes'
own records inserted through their controllers and the user's rights. :func:`preview` says,
before anything is done, which records an action will change.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import add_days, add_to_date, flt, get_datetime, getdate, now_datetime

from gigafibre_fsm.exceptions import refuse
from gigafibre_fsm.roles import COLLECTIONS, SUPPORT, SYSTEM_MANAGER

# An ONT or a router informs the ACS at least this often; silent longer, it is offline.
ONLINE_MINUTES = 60
ONLINE, OFFLINE, NEVER_SEEN = "Online", "Offline", "Never Seen"
# Issue statuses ERPNext counts as finished.
CLOSED_TICKETS = ("Resolved", "Closed")
# A section lists at most this many rows (newest first) and says how many there are: the panel
# links to the full list. The legacy system's busiest customer has a few hundred of any record.
MAX_ROWS = 500
CENT = Decimal("0.01")
# Who suspends and restores by hand (api/desk.py's collections endpoints, which check it) and who
# sends a payment link again: roles, not a doctype right, since these act through services.
COLLECTORS = (COLLECTIONS, SYSTEM_MANAGER)
LINK_SENDERS = (SUPPORT, COLLECTIONS, SYSTEM_MANAGER)


def _money(value) -> Decimal:
	return Decimal(str(value or 0)).quantize(CENT)


def _can(doctype: str, right: str = "read") -> bool:
	return bool(frappe.has_permission(doctype, right))


def _date(value) -> str | None:
	return str(value) if value else None


def _in(names) -> tuple:
	# "in ()" is not SQL: an empty list matches nothing.
	return tuple(names) or ("",)


def check_customer(customer: str | None) -> str:
	if not customer or not frappe.db.exists("Customer", customer):
		refuse("customer", _("Customer {0} not found").format(customer or ""), frappe.DoesNotExistError)
	return customer


# ---------------------------------------------------------------------------------------
# Reading


def gather(customer: str | None, day: datetime.date | None = None) -> dict:
	"""The 360 of ``customer``: each section the user may read, with what the panel may do."""
	customer = check_customer(customer)
	frappe.has_permission("Customer", "read", customer, throw=True)
	day = getdate(day or frappe.flags.current_date or None)
	sees_money = _can("Sales Invoice")
	head = frappe.db.get_value(
		"Customer",
		customer,
		[
			"name",
			"customer_name",
			"customer_group",
			"legacy_customer_id",
			"is_suspended",
			"collections_paused",
			"language",
			"disabled",
		],
		as_dict=True,
	)
	locations = _locations(customer)
	names = [loc.name for loc in locations]
	result = {
		"customer": head,
		"sees_money": sees_money,
		"locations": locations,
		"subscriptions": _subscriptions(customer, sees_money),
		"equipment": _equipment(customer),
		"voip_lines": _voip_lines(customer),
		"tickets": _tickets(customer) if _can("Issue") else None,
		"dispatch_jobs": _dispatch_jobs(customer) if _can("Dispatch Job") else None,
		"ip_history": _history("IP History", names, ["ip_address", "assigned_on"], "assigned_on"),
		"address_history": _history(
			"Address History",
			names,
			["changed_on", "address_line", "apartment", "city", "province", "postal_code"],
			"changed_on",
		),
		"quotes": _quotes(customer) if _can("Quotation") else None,
		"invoices": _invoices(customer) if sees_money else None,
		"payments": _payments(customer) if _can("Payment Entry") else None,
		"balance": _balance(customer, day) if sees_money else None,
		"arrangements": _arrangements(customer) if _can("Payment Arrangement") else None,
		"suspensions": _suspensions(customer) if _can("Suspension Log") else None,
		"actions": actions_allowed(customer, head),
	}
	jobs = result["dispatch_jobs"]
	if jobs is not None:
		for loc in locations:
			loc["hours"] = jobs["hours_by_location"].get(loc.name, 0.0)
	return result


def _locations(customer: str) -> list[dict]:
	return frappe.db.sql(
		"""select name, location_title, status, status_reason, connection_type, address_line, apartment,
			city, postal_code, olt, frame, slot, port, ont_id, fibre_drop, legacy_delivery_id
		from `tabService Location` where customer = %s order by creation""",
		customer,
		as_dict=True,
	)


def _subscriptions(customer: str, sees_money: bool) -> dict:
	rows = frappe.db.sql(
		"""select name, service_location, item, item_name, service_type, status, rate, billing_interval,
			start_date, end_date, commitment_end_date, legacy_service_id
		from `tabService Subscription` where customer = %s
		order by field(status, 'Active', 'Pending', 'Suspended', 'Cancelled'), start_date desc, name
		limit %s""",
		(customer, MAX_ROWS),
		as_dict=True,
	)
	monthly = Decimal(0)
	for row in rows:
		if row.status == "Active" and row.billing_interval == "Monthly":
			monthly += _money(row.rate)
		for field in ("start_date", "end_date", "commitment_end_date"):
			row[field] = _date(row[field])
		if sees_money:
			row.rate = float(_money(row.rate))
		else:
			row.pop("rate")
	counts = defaultdict(int)
	for row in rows:
		counts[row.status] += 1
	return {
		"rows": rows,
		"counts": dict(counts),
		"monthly_total": float(monthly) if sees_money else None,
	}


def online_status(last_inform, last_event: str | None, now: datetime.datetime | None = None) -> str:
	"""Online when the device informed the ACS lately and its last event was not "offline"."""
	if not last_inform:
		return NEVER_SEEN
	now = now or now_datetime()
	recent = get_datetime(last_inform) >= add_to_date(now, minutes=-ONLINE_MINUTES)
	return ONLINE if recent and last_event != "offline" else OFFLINE


def _equipment(customer: str) -> list[dict]:
	rows = frappe.db.sql(
		"""select name, equipment_type, status, serial_number, mac_address, brand, model, service_location,
			last_inform, last_ip, last_event, firmware_version
		from `tabService Equipment` where customer = %s
		order by field(status, 'Active', 'In Stock', 'Returned'), equipment_type, name limit %s""",
		(customer, MAX_ROWS),
		as_dict=True,
	)
	now = now_datetime()
	for row in rows:
		row.online = online_status(row.last_inform, row.last_event, now)
		row.last_inform = str(row.last_inform) if row.last_inform else None
	return rows


def _voip_lines(customer: str) -> list[dict]:
	# The 911 match is the 911 work's field (voip/e911_lines.py); a site before it has no column.
	has_match = frappe.get_meta("VoIP Line").has_field("e911_match")
	match_fields = ", e911_match, e911_differences, e911_reregister" if has_match else ""
	rows = frappe.db.sql(
		f"""select name, did, status, service_location, equipment, caller_id_name, e911_synced,
			e911_street, e911_civic_number, e911_city {match_fields}
		from `tabVoIP Line` where customer = %s
		order by field(status, 'Active', 'Pending 911', 'Suspended', 'Cancelled'), did limit %s""",
		(customer, MAX_ROWS),
		as_dict=True,
	)
	for row in rows:
		row.setdefault("e911_match", None)
	return rows


def _tickets(customer: str) -> dict:
	rows = frappe.db.sql(
		"""select name, subject, status, issue_type, priority, service_location, opening_date
		from `tabIssue` where customer = %s order by opening_date desc, creation desc limit %s""",
		(customer, MAX_ROWS),
		as_dict=True,
	)
	for row in rows:
		row.opening_date = _date(row.opening_date)
	open_rows = [r for r in rows if r.status not in CLOSED_TICKETS]
	return {"open": open_rows, "total": len(rows)}


def _dispatch_jobs(customer: str) -> dict:
	"""The visits and work orders, each with its technicians' hours, and the hours per address:
	one query over the jobs and their technicians (the child table's ``parent`` is indexed)."""
	rows = frappe.db.sql(
		"""select j.name, j.job_type, j.status, j.scheduled_date, j.service_location, j.issue,
			j.legacy_bon_travail_id,
			coalesce(sum(t.hours), 0) as hours,
			group_concat(distinct coalesce(t.technician_name, t.technician) separator ', ') as technicians
		from `tabDispatch Job` j
		left join `tabDispatch Job Technician` t on t.parent = j.name and t.parenttype = 'Dispatch Job'
		where j.customer = %s
		group by j.name
		order by j.scheduled_date is null, j.scheduled_date desc, j.creation desc limit %s""",
		(customer, MAX_ROWS),
		as_dict=True,
	)
	by_location: dict[str, Decimal] = defaultdict(Decimal)
	for row in rows:
		row.hours = float(Decimal(str(row.hours)).quantize(CENT))
		row.scheduled_date = _date(row.scheduled_date)
		if row.service_location:
			by_location[row.service_location] += Decimal(str(row.hours))
	return {
		"rows": rows,
		"open": sum(1 for r in rows if r.status in ("Scheduled", "In Progress")),
		"hours_by_location": {k: float(v.quantize(CENT)) for k, v in by_location.items()},
		"hours": float(sum(by_location.values(), Decimal(0)).quantize(CENT)),
	}


def _history(doctype: str, locations: list[str], fields: list[str], date_field: str) -> list[dict]:
	rows = frappe.db.sql(
		f"""select parent as service_location, {", ".join(fields)} from `tab{doctype}`
		where parent in %(locations)s and parenttype = 'Service Location'
		order by {date_field} desc, idx desc limit {MAX_ROWS}""",
		{"locations": _in(locations)},
		as_dict=True,
	)
	for row in rows:
		row[date_field] = str(row[date_field]) if row[date_field] else None
	return rows


def _quotes(customer: str) -> list[dict]:
	rows = frappe.db.sql(
		"""select name, transaction_date, valid_till, status, docstatus, grand_total, currency,
			legacy_soumission_id, converted_location
		from `tabQuotation` where quotation_to = 'Customer' and party_name = %s
		order by transaction_date desc, creation desc limit %s""",
		(customer, MAX_ROWS),
		as_dict=True,
	)
	for row in rows:
		row.grand_total = float(_money(row.grand_total))
		row.transaction_date = _date(row.transaction_date)
		row.valid_till = _date(row.valid_till)
	return rows


def _invoices(customer: str) -> dict:
	rows = frappe.db.sql(
		"""select name, posting_date, due_date, status, grand_total, outstanding_amount, is_return,
			service_location
		from `tabSales Invoice` where customer = %s and docstatus = 1
		order by posting_date desc, creation desc limit %s""",
		(customer, MAX_ROWS),
		as_dict=True,
	)
	for row in rows:
		row.grand_total = float(_money(row.grand_total))
		row.outstanding_amount = float(_money(row.outstanding_amount))
		row.posting_date = _date(row.posting_date)
		row.due_date = _date(row.due_date)
	total = frappe.db.sql(
		"select count(*) from `tabSales Invoice` where customer = %s and docstatus = 1", customer
	)[0][0]
	return {"rows": rows, "total": total}


def _payments(customer: str) -> dict:
	# Payment Entry has no index on its party: its names come from the Payment Ledger's, indexed.
	rows = frappe.db.sql(
		"""select p.name, p.posting_date, p.paid_amount, p.unallocated_amount, p.mode_of_payment,
			p.reference_no, p.payment_type
		from `tabPayment Entry` p
		where p.name in (
			select voucher_no from `tabPayment Ledger Entry`
			where party_type = 'Customer' and party = %s and voucher_type = 'Payment Entry')
			and p.docstatus = 1
		order by p.posting_date desc, p.creation desc limit %s""",
		(customer, MAX_ROWS),
		as_dict=True,
	)
	for row in rows:
		row.paid_amount = float(_money(row.paid_amount))
		row.unallocated_amount = float(_money(row.unallocated_amount))
		row.posting_date = _date(row.posting_date)
	return {"rows": rows, "total": len(rows)}


def _balance(customer: str, day: datetime.date) -> dict:
	"""Collections' own answer (billing/collections.py), and the next cut-off: the arrangement's,
	else the day the dunning ladder suspends for the oldest overdue invoice."""
	from gigafibre_fsm.billing import collections

	balance = collections.balance(customer, day)
	cutoff, why = None, None
	if balance["arrangement"] and balance["arrangement"]["cutoff"]:
		cutoff, why = balance["arrangement"]["cutoff"], "arrangement"
	elif balance["overdue"] > 0 and not balance["suspended"]:
		paused = frappe.db.get_value("Customer", customer, "collections_paused")
		oldest = next((i for i in balance["invoices"] if i["outstanding"] > 0 and i["due_date"]), None)
		ladder = collections.ladder_from(frappe.get_cached_doc("Gigafibre Settings"))
		if oldest and not paused and ladder.suspension:
			cutoff, why = str(add_days(getdate(oldest["due_date"]), ladder.suspension)), "dunning"
	return {**balance, "next_cutoff": cutoff, "next_cutoff_from": why}


def _arrangements(customer: str) -> list[dict]:
	rows = frappe.db.sql(
		"""select name, status, amount, method, agreed_date, due_date, cutoff_date, outcome_date, note,
			legacy_accord_id
		from `tabPayment Arrangement` where customer = %s
		order by field(status, 'Open', 'Pending', 'Missed', 'Kept', 'Completed'), agreed_date desc, name desc
		limit %s""",
		(customer, MAX_ROWS),
		as_dict=True,
	)
	for row in rows:
		row.amount = float(_money(row.amount))
		for field in ("agreed_date", "due_date", "cutoff_date", "outcome_date"):
			row[field] = _date(row[field])
	return rows


def _suspensions(customer: str) -> list[dict]:
	rows = frappe.db.sql(
		"""select name, suspension_type, from_date, to_date, reason, restoration_reason,
			payment_arrangement, sales_invoice, network_status, legacy_suspension_id
		from `tabSuspension Log` where customer = %s
		order by to_date is not null, from_date desc, creation desc limit %s""",
		(customer, MAX_ROWS),
		as_dict=True,
	)
	for row in rows:
		row.from_date = _date(row.from_date)
		row.to_date = _date(row.to_date)
		row.open = row.to_date is None
	return rows


# ---------------------------------------------------------------------------------------
# What the panel may do


def _has_role(*roles: str) -> bool:
	return not set(roles).isdisjoint(frappe.get_roles())


def actions_allowed(customer: str, head=None) -> dict:
	"""Which of the panel's actions the user may take on this customer (the buttons shown)."""
	head = head or frappe.db.get_value("Customer", customer, ["is_suspended"], as_dict=True)
	collector = _has_role(*COLLECTORS) and bool(frappe.has_permission("Customer", "write", customer))
	return {
		"suspend": collector and not head.is_suspended,
		"restore": collector and bool(head.is_suspended),
		"arrangement": _can("Payment Arrangement", "create"),
		"ticket": _can("Issue", "create"),
		"technician": _can("Dispatch Job", "create"),
		"payment_link": _has_role(*LINK_SENDERS) and bool(latest_order(customer)),
		"convert_quote": _can("Quotation") and _can("Service Subscription", "create"),
	}


def latest_order(customer: str) -> str | None:
	"""The order whose payment link the customer gets (the link pays its order's open invoice)."""
	return frappe.db.get_value("Web Order", {"customer": customer}, "name", order_by="creation desc")


def preview(customer: str | None, action: str | None, service_location: str | None = None) -> dict:
	"""What ``action`` will change, before it is done: the records and how (nothing is written)."""
	customer = check_customer(customer)
	frappe.has_permission("Customer", "read", customer, throw=True)
	if action == "suspend":
		changes = [
			{"doctype": doctype, "name": name, "title": title, "from": "Active", "to": "Suspended"}
			for doctype, name, title in frappe.db.sql(
				"""select 'Service Subscription', name, coalesce(item_name, item) from `tabService Subscription`
				where customer = %(c)s and status = 'Active'
				union all
				select 'Service Location', name, location_title from `tabService Location`
				where customer = %(c)s and status = 'Active'""",
				{"c": customer},
			)
		]
		changes.append({"doctype": "Customer", "name": customer, "field": "is_suspended", "from": 0, "to": 1})
		changes.append({"doctype": "Suspension Log", "name": None, "new": True})
		return {"action": action, "changes": changes}
	if action == "restore":
		rows = frappe.db.sql(
			"""select l.name as log, r.record_type, r.record_name
			from `tabSuspension Log` l
			left join `tabSuspension Log Record` r on r.parent = l.name and r.parenttype = 'Suspension Log'
				and r.restored = 0
			where l.customer = %s and l.to_date is null""",
			customer,
			as_dict=True,
		)
		changes = [
			{"doctype": r.record_type, "name": r.record_name, "from": "Suspended", "to": "Active"}
			for r in rows
			if r.record_name and r.record_type != "Customer"
		]
		changes += [
			{"doctype": "Suspension Log", "name": log, "field": "to_date", "to": str(getdate())}
			for log in sorted({r.log for r in rows})
		]
		changes.append({"doctype": "Customer", "name": customer, "field": "is_suspended", "from": 1, "to": 0})
		return {"action": action, "changes": changes}
	if action == "payment_link":
		order = latest_order(customer)
		if not order:
			refuse("customer", _("{0} has no order to send a payment link for").format(customer))
		return {"action": action, "order": order, **_link_facts(order)}
	refuse("action", _("Unknown action {0}").format(action or ""))


def _link_facts(order: str) -> dict:
	from gigafibre_fsm.orders import payment_link

	values = frappe.db.get_value("Web Order", order, ["email", "phone"], as_dict=True)
	invoice = payment_link.open_invoice(order)
	return {
		"sms": f"+1{values.phone}" if values.phone else None,
		"email": values.email or None,
		"invoice": invoice.name if invoice else None,
		"amount": float(_money(invoice.outstanding_amount)) if invoice else None,
	}


# ---------------------------------------------------------------------------------------
# Acting (each in the request's transaction; the records' controllers check them)


def _location_of(customer: str, service_location: str | None, required: bool) -> str | None:
	if not service_location:
		if required:
			refuse("service_location", _("Choose the service location"), frappe.MandatoryError)
		return None
	owner = frappe.db.get_value("Service Location", service_location, "customer")
	if owner != customer:
		refuse(
			"service_location",
			_("Service location {0} is not {1}'s").format(service_location, customer),
			frappe.ValidationError,
		)
	return service_location


def new_arrangement(
	customer: str | None,
	amount,
	due_date: str | None,
	cutoff_date: str | None = None,
	method: str | None = None,
	note: str | None = None,
) -> dict:
	"""A Payment Arrangement agreed today (Open), as the form makes it, with the user's rights."""
	customer = check_customer(customer)
	doc = frappe.get_doc(
		{
			"doctype": "Payment Arrangement",
			"customer": customer,
			"amount": flt(amount),
			"agreed_date": getdate(),
			"due_date": due_date or None,
			"cutoff_date": cutoff_date or None,
			"method": method or "Unset",
			"status": "Open",
			"agent": frappe.session.user,
			"note": note,
		}
	).insert()
	return {"payment_arrangement": doc.name, "status": doc.status, "amount": float(_money(doc.amount))}


def new_ticket(
	customer: str | None,
	subject: str | None,
	issue_type: str | None = None,
	service_location: str | None = None,
	description: str | None = None,
) -> dict:
	"""An Issue for the customer (at one of its locations), with the user's rights."""
	customer = check_customer(customer)
	if not (subject or "").strip():
		refuse("subject", _("Say what the ticket is about"), frappe.MandatoryError)
	doc = frappe.get_doc(
		{
			"doctype": "Issue",
			"subject": subject.strip(),
			"customer": customer,
			"issue_type": issue_type or "Support",
			"service_location": _location_of(customer, service_location, required=False),
			"description": description,
		}
	).insert()
	return {"issue": doc.name, "status": doc.status}


def send_technician(
	customer: str | None,
	service_location: str | None,
	job_type: str | None = None,
	preferred_date: str | None = None,
	issue: str | None = None,
	notes: str | None = None,
) -> dict:
	"""A Dispatch Job at one of the customer's locations, for dispatch to schedule and assign."""
	customer = check_customer(customer)
	location = _location_of(customer, service_location, required=True)
	if issue and frappe.db.get_value("Issue", issue, "customer") != customer:
		refuse("issue", _("Ticket {0} is not {1}'s").format(issue, customer))
	address = frappe.db.get_value("Service Location", location, "location_title")
	doc = frappe.get_doc(
		{
			"doctype": "Dispatch Job",
			"job_type": job_type or "Repair",
			"customer": customer,
			"service_location": location,
			"address": address,
			"status": "Scheduled",
			"preferred_date_1": preferred_date or None,
			"issue": issue or None,
			"notes": frappe.utils.escape_html(notes) if notes else None,
		}
	).insert()
	return {"dispatch_job": doc.name, "status": doc.status, "service_location": location}


def resend_payment_link(customer: str | None) -> dict:
	"""The customer's order's payment link again, by SMS and email, sent after the commit."""
	from gigafibre_fsm.orders import tasks

	customer = check_customer(customer)
	order = latest_order(customer)
	if not order:
		refuse("customer", _("{0} has no order to send a payment link for").format(customer))
	notifications = tasks.queue_payment_link(order)
	if not notifications:
		refuse("customer", _("Order {0} has neither a phone number nor an email").format(order))
	return {"order": order, "notifications": notifications, **_link_facts(order)}


# What a quote's line becomes when it is converted: the services billed every month (the one-time
# lines — installation, equipment, fees — are the installation's, not a subscription).
RECURRING = ("internet", "tv", "tv_addon", "phone", "discount")


def convert_quote(customer: str | None, quotation: str | None, service_location: str | None) -> dict:
	"""A quote the customer accepted becomes services at one of its locations: one Pending Service
	Subscription per recurring line, at the quote's rate (installation then activates them). Once
	per quote: the quote keeps the location it was converted for."""
	customer = check_customer(customer)
	location = _location_of(customer, service_location, required=True)
	quote = frappe.db.get_value(
		"Quotation",
		quotation or "",
		["name", "party_name", "quotation_to", "docstatus", "status", "converted_location"],
		as_dict=True,
	)
	if not quote or quote.quotation_to != "Customer" or quote.party_name != customer:
		refuse(
			"quotation",
			_("Quote {0} is not {1}'s").format(quotation or "", customer),
			frappe.DoesNotExistError,
		)
	frappe.has_permission("Quotation", "read", quote.name, throw=True)
	if quote.converted_location:
		refuse(
			"quotation",
			_("Quote {0} was already converted for {1}").format(quote.name, quote.converted_location),
		)
	if quote.docstatus == 2 or quote.status in ("Lost", "Expired"):
		refuse(
			"quotation",
			_("Quote {0} is {1}: it cannot be converted").format(quote.name, _(quote.status or "Cancelled")),
		)
	lines = frappe.db.sql(
		"""select qi.item_code, qi.item_name, qi.qty, qi.rate, i.service_type
		from `tabQuotation Item` qi join `tabItem` i on i.name = qi.item_code
		where qi.parent = %s and qi.parenttype = 'Quotation' and i.service_type in %s
			and ifnull(i.billing_interval, '') != 'Once'
		order by qi.idx""",
		(quote.name, RECURRING),
		as_dict=True,
	)
	if not lines:
		refuse("quotation", _("Quote {0} has no monthly service to convert").format(quote.name))
	subscriptions = []
	for line in lines:
		for _unit in range(max(1, int(line.qty or 1))):
			subscriptions.append(
				frappe.get_doc(
					{
						"doctype": "Service Subscription",
						"customer": customer,
						"service_location": location,
						"item": line.item_code,
						"item_name": line.item_name,
						"service_type": line.service_type,
						"rate": line.rate,
						"billing_interval": "Monthly",
						"status": "Pending",
						"notes": _("From quote {0}").format(quote.name),
					}
				)
				.insert()
				.name
			)
	frappe.db.set_value("Quotation", quote.name, "converted_location", location)
	return {"quotation": quote.name, "service_location": location, "subscriptions": subscriptions}
