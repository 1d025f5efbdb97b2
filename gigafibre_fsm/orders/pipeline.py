"""The order pipeline: from a checked request to the whole customer graph, in one transaction.

    answer = place_order(prepare(read_checkout(body, today(), needs_card=True), "Website"))

Everything that can be refused is refused before the first write (`prepare`): the address
and its drop, the basket (pricing engine), the card setup. Then, in the request's one
database transaction (this module never commits; Frappe commits when the request ends and
rolls back on any exception):

1. the Web Order, named by the idempotency key — first, so a replay of the same key waits
   on the primary key and then answers with the first order;
2. the fibre drop's row, locked FOR UPDATE and checked free again — of two buyers of one
   port, the second waits here and gets a 409 (the Service Location's unique key
   ``active_fibre_drop`` refuses it too, should anything get past the lock);
3. then each step of `STEPS`: the customer (contact, address), the service location (which
   reserves the drop's port), the subscriptions, the equipment placeholders, the payment
   method, the installation project and its tasks, the dispatch job and the notifications
   to send.

Messages and the ops-desk event are sent by orders/tasks.py after the commit.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.utils import getdate

from gigafibre_fsm.billing.tax_template import quebec_rates
from gigafibre_fsm.exceptions import (
	OrderConflictError,
	PaymentSetupError,
	PortUnavailableError,
	refuse,
)
from gigafibre_fsm.field_service import task_types
from gigafibre_fsm.network.coverage import Site, load_site
from gigafibre_fsm.network.fibre_port import format_port, is_free
from gigafibre_fsm.orders import offer, pricing, tasks
from gigafibre_fsm.orders.order_input import (
	CheckoutRequest,
	fingerprint,
	random_password,
	read_checkout,
	read_key,
	wifi_ssid,
)
from gigafibre_fsm.setup.site import require, settings_values

# Tries at taking the idempotency key when concurrent requests with it fail and retry.
OPEN_ATTEMPTS = 5
FIBRE_KINDS = (pricing.INTERNET, pricing.TV, pricing.TV_ADDON)


def today() -> datetime.date:
	"""Today, or the date a test chose (``frappe.flags.current_date``)."""
	return getdate(frappe.flags.current_date or None)


# ---------------------------------------------------------------------------------------
# Reads before the transaction


@dataclass
class Prepared:
	"""Everything the transaction needs, read and checked before its first write."""

	request: CheckoutRequest
	source: str
	site: Site
	catalogue: dict
	quote: pricing.Quote
	card: dict | None = None  # stripe customer, setup intent, payment method, brand, last4
	agent: str | None = None
	records: dict = field(default_factory=dict)

	@property
	def kinds(self) -> set[str]:
		return {line.kind for line in self.quote.lines}

	@property
	def has_fibre_service(self) -> bool:
		return bool(self.kinds & set(FIBRE_KINDS))

	def units(self, kind: str) -> int:
		return sum(line.qty for line in self.quote.lines if line.kind == kind and line.rule is None)

	def line_item(self, kind: str) -> pricing.CatalogueItem | None:
		line = next((line for line in self.quote.lines if line.kind == kind), None)
		return self.catalogue.get(line.sku) if line else None


def prepare(request: CheckoutRequest, source: str, agent: str | None = None) -> Prepared:
	"""Every check that needs no write: the address, the basket, the port, the card."""
	site = load_site(request.address_id)
	catalogue = offer.load_catalogue()
	quote = pricing.price_order(
		catalogue,
		request.items,
		max_speed_mbps=site.max_speed,
		zone=site.zone,
		commitment_months=request.commitment_months,
		install_date=request.first_date,
		allow_special_discounts=source == "Desk",
		tax_rates=quebec_rates(),
	)
	prepared = Prepared(request, source, site, catalogue, quote, agent=agent)
	if prepared.has_fibre_service and site.coverage == "taken":
		throw_port_taken(site.drop.name)
	if request.setup_intent_id:
		prepared.card = check_card(request)
	return prepared


def check_card(request: CheckoutRequest) -> dict:
	"""The card was saved (SetupIntent succeeded) for a Stripe customer of this buyer, and
	no other order uses it. Nothing is charged."""
	from gigafibre_fsm.integrations import stripe_api

	intent = stripe_api.retrieve_setup_intent(request.setup_intent_id)

	def refuse_card(message: str):
		refuse("setup_intent_id", f"setup_intent_id: {message}", PaymentSetupError)

	if intent is None:
		refuse_card(_("unknown card setup"))
	if intent.status != "succeeded":
		refuse_card(_("the card was not saved ({0})").format(intent.status))
	if intent.usage != "off_session":
		# The card is charged after the installation, without the customer there.
		refuse_card(_("the card was not saved for charges after the installation"))
	customer = intent.customer
	if not customer or isinstance(customer, str) or customer.get("deleted"):
		refuse_card(_("the card setup has no customer"))
	if (customer.get("email") or "").strip().lower() != request.person.email.lower():
		refuse_card(_("the card was saved for another customer"))
	used_by = frappe.db.get_value("Web Order", {"stripe_setup_intent": intent.id}, "name")
	if used_by:
		refuse(
			"setup_intent_id",
			_("setup_intent_id: this card setup already belongs to order {0}").format(used_by),
			OrderConflictError,
		)
	return {"stripe_customer": customer.id, "setup_intent": intent.id, **stripe_api.saved_card(intent)}


def throw_port_taken(drop: str):
	refuse(
		"address_id",
		_("address_id: the fibre port of this address was just taken ({0})").format(drop),
		OrderConflictError,
	)


# ---------------------------------------------------------------------------------------
# Idempotency


def checkout(body: dict, source: str, *, needs_card: bool, agent: str | None = None) -> dict:
	"""An order from a request's body (website or desk): the first answer again when its key
	was seen with the same body, else the order checked in full, then written."""
	answer = replay(read_key(body), fingerprint(body))
	if answer is not None:
		return answer
	request = read_checkout(body, today(), needs_card=needs_card)
	return place_order(prepare(request, source, agent=agent))


def replay(key: str, request_hash: str) -> dict | None:
	"""The first answer for this key, or None if no order has it; 409 for another request."""
	row = frappe.db.get_value("Web Order", key, ["request_hash", "response"], as_dict=True)
	if not row:
		return None
	if row.request_hash != request_hash:
		refuse(
			"idempotency_key",
			_("idempotency_key: this key was already used for a different order"),
			OrderConflictError,
		)
	return frappe.parse_json(row.response)


# ---------------------------------------------------------------------------------------
# The transaction


def place_order(prepared: Prepared) -> dict:
	"""Write the order; return the answer (also kept on the Web Order for replays)."""
	request = prepared.request
	for attempt in range(OPEN_ATTEMPTS):
		try:
			open_order(prepared)
			break
		except frappe.DuplicateEntryError:
			# Another request with this key committed first (we waited on its primary key).
			frappe.db.rollback()
			frappe.clear_messages()
			answer = replay(request.idempotency_key, request.fingerprint)
			if answer is not None:
				return answer
			if attempt == OPEN_ATTEMPTS - 1:
				raise
		except frappe.UniqueValidationError:
			# The card setup, the Web Order's other unique key: another order took it meanwhile.
			frappe.db.rollback()
			frappe.clear_messages()
			refuse(
				"setup_intent_id",
				_("setup_intent_id: this card setup already belongs to another order"),
				OrderConflictError,
			)
		except frappe.QueryDeadlockError:
			# Requests with this key were waiting on one that failed: they all reach for the
			# freed key at once and the database picks victims. Nothing was written yet.
			frappe.db.rollback()
			frappe.clear_messages()
			if attempt == OPEN_ATTEMPTS - 1:
				raise
	lock_drop(prepared)
	for step in STEPS:
		step(prepared)
	return close_order(prepared)


def open_order(prepared: Prepared) -> None:
	request = prepared.request
	order = frappe.get_doc(
		{
			"doctype": "Web Order",
			"idempotency_key": request.idempotency_key,
			"request_hash": request.fingerprint,
			"source": prepared.source,
			"agent": prepared.agent,
			"email": request.person.email,
			"phone": request.person.phone,
			"language": request.person.language,
			"civic_address": prepared.site.address.name,
			"fibre_drop": prepared.site.drop.name if prepared.has_fibre_service else None,
			"stripe_setup_intent": prepared.card["setup_intent"] if prepared.card else None,
			"payment_link_channels": ", ".join(request.payment_link) or None,
			"monthly_total": float(prepared.quote.monthly.total),
			"due_at_installation": float(prepared.quote.due_at_installation.total),
			"basket": frappe.as_json(
				[{"sku": item.get("sku"), "qty": item.get("qty", 1)} for item in request.items], indent=None
			),
			"commitment_months": request.commitment_months,
		}
	)
	order.flags.ignore_links = True
	order.insert(ignore_permissions=True)
	prepared.records["order"] = order


def lock_drop(prepared: Prepared) -> None:
	"""Lock the drop's row and check again, now that no one else can change it."""
	if not prepared.has_fibre_service:
		return
	drop = prepared.site.drop
	row = frappe.db.get_value(
		"Fibre Drop", drop.name, ["installed_serial", "service_location"], as_dict=True, for_update=True
	)
	if not row or not is_free(row.installed_serial) or row.service_location:
		throw_port_taken(drop.name)


def _insert(values: dict, name_base: str | None = None):
	"""Insert a record; when a concurrent order took the same name (people share names),
	take another one instead of failing the order."""
	if not name_base:
		return frappe.get_doc(values).insert(ignore_permissions=True)
	frappe.db.savepoint("gf_unique_name")
	try:
		return frappe.get_doc(values).insert(ignore_permissions=True)
	except frappe.DuplicateEntryError:
		frappe.db.rollback(save_point="gf_unique_name")
		frappe.clear_messages()
		name = f"{name_base} - {frappe.generate_hash(length=5).upper()}"
		return frappe.get_doc(values).insert(ignore_permissions=True, set_name=name)


def _new(values: dict):
	"""A record whose links all point at what this order just created or checked: Frappe's
	link check (one query per link) is skipped."""
	doc = frappe.get_doc(values)
	doc.flags.ignore_links = True
	return doc


def _customer_defaults() -> dict:
	"""Group and territory of a new customer: Gigafibre Settings', else the Selling Settings'
	defaults, else any leaf (ERPNext requires both)."""
	settings = settings_values("customer_group", "territory")
	values = {}
	for doctype, fieldname in (("Customer Group", "customer_group"), ("Territory", "territory")):
		values[fieldname] = (
			settings.get(fieldname)
			or frappe.db.get_single_value("Selling Settings", fieldname)
			or frappe.db.get_value(doctype, {"is_group": 0}, "name")
		)
	return values


def create_customer(prepared: Prepared) -> None:
	request, address = prepared.request, prepared.site.address
	person = request.person
	customer = _insert(
		{
			"doctype": "Customer",
			"customer_name": person.full_name,
			"customer_type": "Individual",
			**_customer_defaults(),
			"language": person.language,
			"stripe_id": prepared.card["stripe_customer"] if prepared.card else None,
		},
		person.full_name,
	)
	contact = _insert(
		{
			"doctype": "Contact",
			"first_name": person.first_name,
			"last_name": person.last_name,
			"is_primary_contact": 1,
			"email_ids": [{"email_id": person.email, "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		},
		person.full_name,
	)
	add_contact_phone(contact.name, person.phone)
	street = " ".join(p for p in (f"{address.civic_number}{address.civic_suffix or ''}", address.street) if p)
	billing = _insert(
		{
			"doctype": "Address",
			"address_title": customer.name,
			"address_type": "Billing",
			"address_line1": street,
			"address_line2": f"App. {request.apartment}" if request.apartment else None,
			"city": address.municipality,
			# Every address of the reference (Adresses Québec) is in Québec, Canada.
			"state": "QC",
			"pincode": address.postal_code,
			"country": "Canada",
			"email_id": person.email,
			"phone": person.phone,
			"is_primary_address": 1,
			"is_shipping_address": 1,
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		},
		f"{customer.name}-Billing",
	)
	frappe.db.set_value(
		"Customer",
		customer.name,
		{
			"customer_primary_contact": contact.name,
			"customer_primary_address": billing.name,
			"email_id": person.email,
			"mobile_no": person.phone,
		},
		update_modified=False,
	)
	prepared.records.update(customer=customer, contact=contact.name, address=billing.name)


def add_contact_phone(contact: str, phone: str) -> None:
	"""The phone goes in after the insert: ERPNext's Contact ``after_insert`` hook
	(telephony call_log.link_existing_conversations) commits once per phone number, which
	would commit half an order."""
	frappe.get_doc(
		{
			"doctype": "Contact Phone",
			"parent": contact,
			"parenttype": "Contact",
			"parentfield": "phone_nos",
			"idx": 1,
			"phone": phone,
			"is_primary_mobile_no": 1,
		}
	).db_insert()
	frappe.db.set_value("Contact", contact, "mobile_no", phone, update_modified=False)


def create_service_location(prepared: Prepared) -> None:
	address, drop = prepared.site.address, prepared.site.drop
	fibre = prepared.has_fibre_service
	values = {
		"doctype": "Service Location",
		"customer": prepared.records["customer"].name,
		"status": "Pending Install",
		"connection_type": "Fibre" if fibre else "Phone only",
		"civic_number": address.civic_number,
		"civic_suffix": address.civic_suffix,
		"street": address.street,
		"apartment": prepared.request.apartment,
		"city": address.municipality,
		"municipality_code": address.municipality_code,
		"province": "QC",
		"postal_code": address.postal_code,
		"latitude": address.latitude,
		"longitude": address.longitude,
		"civic_address": address.name,
	}
	if fibre:
		# The port comes from the drop; saving the location reserves it (network/drop_claims.py).
		values.update(
			fibre_drop=drop.name,
			olt=drop.olt,
			olt_ip=drop.olt_ip,
			frame=drop.frame,
			slot=drop.slot,
			port=drop.port,
			ont_id=drop.ont_slot,
		)
	try:
		location = frappe.get_doc(values).insert(ignore_permissions=True)
	except PortUnavailableError:
		frappe.clear_messages()
		throw_port_taken(drop.name)
	prepared.records["location"] = location


def create_subscriptions(prepared: Prepared) -> None:
	"""One subscription per unit of each monthly line: each phone line is its own service
	(and its own 911 fee); discounts are subscriptions with a negative rate."""
	records = prepared.records
	names = []
	for line in prepared.quote.recurring_lines:
		service = line.kind in pricing.SERVICE_KINDS
		for _unit in range(line.qty if line.rule is None else 1):
			rate = line.rate if line.rule is None else line.amount
			names.append(
				_new(
					{
						"doctype": "Service Subscription",
						"customer": records["customer"].name,
						"service_location": records["location"].name,
						"item": line.sku,
						"item_name": line.description,
						"service_type": line.kind,
						"rate": float(rate),
						"billing_interval": "Monthly",
						"status": "Pending",
						"commitment_months": prepared.request.commitment_months if service else 0,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
	records["subscriptions"] = names


def create_equipment(prepared: Prepared) -> None:
	"""Placeholders the technician binds to real devices by scanning their serials."""
	records, drop = prepared.records, prepared.site.drop
	location = records["location"]
	base = {
		"doctype": "Service Equipment",
		"status": "In Stock",
		"customer": location.customer,
		"service_location": location.name,
	}
	wanted: list[dict] = []
	internet = prepared.line_item(pricing.INTERNET)
	if prepared.has_fibre_service:
		wanted.append(
			{
				"equipment_type": "ONT",
				"olt": drop.olt,
				"frame": drop.frame,
				"slot": drop.slot,
				"port": drop.port,
				"ont_id": drop.ont_slot,
				"line_profile": internet.line_profile if internet else None,
			}
		)
	if internet:
		wanted.append(
			{
				"equipment_type": "Router",
				"wifi_enabled": 1,
				"wifi_ssid": wifi_ssid(prepared.request.person.last_name),
				"wifi_password": random_password(12),
			}
		)
	tv_boxes = next((line.qty for line in prepared.quote.lines if line.kind == pricing.EQUIPMENT), 0)
	box_sku = next((line.sku for line in prepared.quote.lines if line.kind == pricing.EQUIPMENT), None)
	wanted += [{"equipment_type": "TV Box", "item": box_sku} for _ in range(tv_boxes)]
	for line_number in range(1, prepared.units(pricing.PHONE) + 1):
		wanted.append(
			{
				"equipment_type": "IP Phone",
				"sip_username": f"{location.name.lower()}-{line_number}",
				"sip_password": random_password(16),
				"sip_line": line_number,
			}
		)
	records["equipment"] = [_new({**base, **values}).insert(ignore_permissions=True) for values in wanted]


def create_payment_method(prepared: Prepared) -> None:
	card = prepared.card
	if not card:
		return
	records = prepared.records
	records["payment_method"] = (
		_new(
			{
				"doctype": "Payment Method",
				"customer": records["customer"].name,
				"processor": "Stripe",
				"is_default": 1,
				"ppa_enabled": 1,
				"stripe_customer_id": card["stripe_customer"],
				"stripe_payment_method_id": card["payment_method"],
				"stripe_setup_intent_id": card["setup_intent"],
				"card_brand": card["brand"],
				"card_last4": card["last4"],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def installation_tasks(prepared: Prepared) -> list[tuple[task_types.TaskType, str]]:
	"""The installation's tasks (field_service/task_types.py) for what was ordered."""
	drop = prepared.site.drop if prepared.has_fibre_service else None
	return task_types.installation_tasks(
		olt_port=format_port(drop.frame, drop.slot, drop.port) if drop else None,
		fibre=bool(drop),
		internet=bool(prepared.line_item(pricing.INTERNET)),
		phone=bool(prepared.units(pricing.PHONE)),
	)


def create_project(prepared: Prepared) -> None:
	records = prepared.records
	customer = records["customer"]
	start = prepared.request.first_date
	project = frappe.get_doc(
		{
			"doctype": "Project",
			# ERPNext keeps project names unique; the customer's record name is unique too.
			"project_name": f"Installation - {customer.name}",
			"customer": customer.name,
			"service_location": records["location"].name,
			"company": company(),
			"expected_start_date": start,
			"status": "Open",
		}
	)
	project.insert(ignore_permissions=True)
	records["project"] = project.name
	records["tasks"] = []
	wanted = installation_tasks(prepared)
	for (task_type, subject), (lft, rgt) in zip(wanted, task_tree_positions(len(wanted)), strict=True):
		task = _new(
			{
				"doctype": "Task",
				"subject": subject,
				"type": task_type.key,
				"project": project.name,
				"team": task_type.team,
				"exp_start_date": start,
				"exp_end_date": start,
			}
		)
		# Root tasks placed at the end of ERPNext's task tree (see task_tree_positions); new
		# tasks without dependencies: the project's progress is computed once, below.
		task.lft, task.rgt = lft, rgt
		task.flags.from_project = True
		task.flags.ignore_recursion_check = True
		records["tasks"].append(task.insert(ignore_permissions=True).name)
	project.update_project()


def task_tree_positions(count: int) -> list[tuple[int, int]]:
	"""Places for ``count`` new root tasks at the end of ERPNext's task tree (lft/rgt).

	ERPNext numbers a new root task by shifting every row to its right, two full-table
	UPDATEs per task; the order's tasks are leaves appended at the end, so their numbers
	follow the tree's largest ``rgt``, read with a lock: a concurrent order (or a task saved
	in the desk) waits here until this order commits, then numbers after it. A Task given
	its numbers is left where it is by ERPNext's tree code (it only moves a node whose
	parent changed)."""
	right = frappe.db.sql("SELECT COALESCE(MAX(rgt), 0) FROM `tabTask` FOR UPDATE")[0][0]
	return [(right + 1 + 2 * i, right + 2 + 2 * i) for i in range(count)]


def company() -> str:
	"""The company the app sells for (Gigafibre Settings; a 412 naming it when not set)."""
	return require("company").company


def create_dispatch_job(prepared: Prepared) -> None:
	records, request = prepared.records, prepared.request
	location = records["location"]
	tags = ["Fibre", "Installation"] if prepared.has_fibre_service else ["Installation"]
	if pricing.TV in prepared.kinds:
		tags.append("TV")
	if prepared.units(pricing.PHONE):
		tags.append("Téléphonie")
	tags = frappe.get_all("Dispatch Tag", filters={"name": ("in", tags)}, pluck="name")
	dates = list(request.preferred_dates) + [None] * 3
	summary = " + ".join(
		line.description for line in prepared.quote.lines if line.kind in pricing.SERVICE_KINDS
	)
	job = _new(
		{
			"doctype": "Dispatch Job",
			"job_type": "Installation",
			"customer": location.customer,
			"service_location": location.name,
			"address": location.location_title,
			"project": records["project"],
			"status": "Scheduled",
			"scheduled_date": request.first_date,
			"preferred_date_1": dates[0],
			"preferred_date_2": dates[1],
			"preferred_date_3": dates[2],
			"contact_me": 1 if request.contact_me else 0,
			"required_tags": [{"tag": tag} for tag in tags],
			"equipment": [
				{"equipment_type": eq.equipment_type, "item": eq.item, "qty": 1, "service_equipment": eq.name}
				for eq in records["equipment"]
			],
			"notes": summary,
		}
	)
	job.insert(ignore_permissions=True)
	records["dispatch_job"] = job.name


def create_notifications(prepared: Prepared) -> None:
	"""The messages to send once the order is committed: queued rows, sent by orders/tasks.py."""
	records, person = prepared.records, prepared.request.person
	order = records["order"].name
	wanted = [
		("Order Confirmation", "SMS", person.phone_e164),
		("Order Confirmation", "Email", person.email),
		("Order Confirmation", "Realtime", "ops"),
	]
	for channel in prepared.request.payment_link:
		wanted.append(("Payment Link", "SMS" if channel == "sms" else "Email", _recipient(person, channel)))
	records["notifications"] = [
		_new(
			{
				"doctype": "Order Notification",
				"web_order": order,
				"kind": kind,
				"channel": channel,
				"recipient": recipient,
				"status": "Queued",
			}
		)
		.insert(ignore_permissions=True)
		.name
		for kind, channel, recipient in wanted
	]
	tasks.send_after_commit(records["notifications"])


def _recipient(person, channel: str) -> str:
	return person.phone_e164 if channel == "sms" else person.email


# The creation steps, in order; a test makes each fail in turn and finds nothing left behind.
STEPS: list[Callable[[Prepared], None]] = [
	create_customer,
	create_service_location,
	create_subscriptions,
	create_equipment,
	create_payment_method,
	create_project,
	create_dispatch_job,
	create_notifications,
]


def close_order(prepared: Prepared) -> dict:
	records = prepared.records
	order = records["order"]
	answer = {
		"order_id": order.name,
		"status": "confirmed",
		"customer": records["customer"].name,
		"service_location": records["location"].name,
		"subscriptions": records["subscriptions"],
		"equipment": [{"name": eq.name, "equipment_type": eq.equipment_type} for eq in records["equipment"]],
		"project": records["project"],
		"tasks": len(records["tasks"]),
		"dispatch_job": records["dispatch_job"],
		"scheduled_date": prepared.request.first_date.isoformat() if prepared.request.first_date else None,
		"contact_me": prepared.request.contact_me,
		"payment_method": records.get("payment_method"),
		"quote": prepared.quote.to_dict(),
	}
	frappe.db.set_value(
		"Web Order",
		order.name,
		{
			"customer": records["customer"].name,
			"customer_name": records["customer"].customer_name,
			"service_location": records["location"].name,
			"project": records["project"],
			"dispatch_job": records["dispatch_job"],
			"payment_method": records.get("payment_method"),
			"response": frappe.as_json(answer, indent=None),
		},
		update_modified=False,
	)
	return answer
