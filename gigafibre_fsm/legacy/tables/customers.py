"""account → Customer, with its Contact and its billing Address.

The legacy account has no address of its own: the billing address is the account's first
service address. An account is suspended when it says so (status 2) or a dated suspension
still runs; a closed account's customer is disabled once its history is in
(``run.Importer.close_accounts``).
"""

from collections import defaultdict

import frappe

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.clean import Invalid
from gigafibre_fsm.legacy.convert import (
	INVALID,
	MISSING,
	UNKNOWN_CODE,
	Context,
	Issue,
	Notes,
	Plan,
	city,
	phone_number,
	split,
)
from gigafibre_fsm.legacy.step import REFUSALS, Step, error_text, insert_new, legacy_names, update_doc
from gigafibre_fsm.rules.address import location_title

# ---------------------------------------------------------------------------------------
# Conversion


def person_name(notes: Notes, ctx: Context, row: dict) -> tuple[str | None, str | None]:
	first = notes.text(row.get("first_name"), ctx.vocabulary, what="first name")
	last = notes.text(row.get("last_name"), ctx.vocabulary, what="last name")
	return first, last


def is_suspended(row: dict, suspensions: list[dict], now_ts: int) -> bool:
	"""Suspended: the account says so (status 2), or a dated suspension is still running."""
	if row.get("status") == 2:
		return True
	if row.get("status") == 0:
		return False
	for suspension in suspensions:
		start, end = suspension.get("date_start") or 0, suspension.get("date_end") or 0
		if start > 0 and (end == 0 or end > now_ts):
			return True
	return False


def convert_account(row: dict, ctx: Context) -> Plan:
	notes = Notes()
	first, last = person_name(notes, ctx, row)
	company = notes.text(row.get("company"), ctx.vocabulary, what="company")
	person = " ".join(p for p in (first, last) if p) or None
	customer_name = company or person or f"Compte {row['id']}"
	if not (company or person):
		notes.warn(MISSING, "no name: named after the account number")
	group = clean.customer_group(row.get("group_id"))
	if isinstance(group, Invalid):
		fallback = "Commercial" if company or row.get("commercial") else "Résidentiel"
		notes.warn(UNKNOWN_CODE, f"{group}, {fallback} used")
		group = fallback
	status = clean.account_status(row.get("status"))
	if isinstance(status, Invalid):
		notes.warn(UNKNOWN_CODE, f"{status}, kept enabled")
		status = None
	language = clean.language(row.get("language")) if row.get("language") else None
	if isinstance(language, Invalid):
		notes.warn(INVALID, str(language))
		language = None
	stripe_id = clean.clean_text(row.get("stripe_id"))
	if stripe_id and not stripe_id.startswith("cus_"):
		notes.warn(INVALID, f"stripe_id {stripe_id!r}: not a Stripe customer id")
		stripe_id = None
	now_ts = int(ctx.now.timestamp()) if ctx.now else 0
	customer = {
		"customer_name": customer_name[:140],
		"customer_type": "Company" if company else "Individual",
		"customer_group": group,
		"territory": ctx.territory,
		"language": language,
		# A closed account is disabled after its history is in (Importer.close_accounts).
		"disabled": 0,
		"is_suspended": 1 if is_suspended(row, ctx.suspensions.get(row["id"], []), now_ts) else 0,
		"stripe_id": stripe_id,
		"ppa_enabled": 1 if row.get("ppa") == 1 else 0,
		"stripe_ppa_enabled": 1 if row.get("stripe_ppa") == 1 else 0,
		"legacy_customer_id": str(row["id"]),
	}
	plan = Plan("Customer", customer, warnings=notes.warnings, extra={"status": status})
	contact = account_contact(row, ctx, notes, first, last, company)
	if contact:
		plan.others.append(("Contact", contact))
	address = account_address(row, ctx, notes, customer_name)
	if address:
		plan.others.append(("Address", address))
	return plan


def account_contact(row, ctx, notes: Notes, first, last, company) -> dict | None:
	email = notes.value(clean.clean_email(row.get("email")))
	phone = phone_number(notes, row.get("phone"), "phone")
	cell = phone_number(notes, row.get("cell"), "cell")
	if not (first or last or email or phone or cell):
		return None
	phones = []
	if phone:
		phones.append({"phone": phone, "is_primary_phone": 1, "is_primary_mobile_no": 0})
	if cell and cell != phone:
		phones.append({"phone": cell, "is_primary_phone": 0, "is_primary_mobile_no": 1})
	return {
		"first_name": first or (None if last else company) or "",
		"last_name": last,
		"company_name": company,
		"is_primary_contact": 1,
		"email_ids": [{"email_id": email, "is_primary": 1}] if email else [],
		"phone_nos": phones,
		"legacy_customer_id": str(row["id"]),
	}


def account_address(row, ctx: Context, notes: Notes, customer_name: str) -> dict | None:
	"""The billing address: the account's first service address (the legacy account has none)."""
	delivery = ctx.first_delivery.get(row["id"])
	if not delivery:
		return None
	scratch = Notes()  # the location import reports this address's problems once
	parts = split(ctx, scratch, delivery.get("address1"), delivery.get("address2"))
	town = city(ctx, scratch, delivery.get("city"))
	if not (parts.street and town):
		return None
	line = location_title(parts.civic_number, parts.civic_suffix, parts.street, parts.apartment, None)
	return {
		"address_title": customer_name[:140],
		"address_type": "Billing",
		"address_line1": line[:240],
		"city": town,
		"state": scratch.value(clean.clean_province(delivery.get("state")), "QC"),
		"pincode": scratch.value(clean.clean_postal_code(delivery.get("zip"))),
		"country": "Canada",
		"is_primary_address": 1,
		"legacy_customer_id": str(row["id"]),
	}


# ---------------------------------------------------------------------------------------
# Step


class AccountStep(Step):
	key = "account"
	doctype = "Customer"
	legacy_field = "legacy_customer_id"
	sources = ("account",)

	def prepare(self):
		self.load_existing()
		self.imp.prepare_common()
		ctx = self.ctx
		ctx.suspensions = defaultdict(list)
		for row in self.source.query(f"select * from {self.source.table('account_suspension')}"):
			ctx.suspensions[row["account_id"]].append(row)
		ctx.first_delivery = {
			r["account_id"]: r
			for r in self.source.query(
				f"select d.* from {self.source.table('delivery')} d join (select min(id) id from "
				f"{self.source.table('delivery')} group by account_id) f on f.id = d.id"
			)
		}
		self.templates = {}
		self.contacts = legacy_names("Contact", "legacy_customer_id")
		self.addresses = legacy_names("Address", "legacy_customer_id")
		self.writer = self.new_writer()
		self.contact_writer = self.new_writer("Contact")
		self.address_writer = self.new_writer("Address")

	def convert(self, source_table, row):
		return convert_account(row, self.ctx)

	def create(self, source_table, key, plan, row, batch):
		customer = self.writer.new(plan.values)
		self.writer.validate(customer)
		others = dict(plan.others)
		contact = address = None
		# Accepted first, so that its contact's and address's links to it resolve; taken back
		# with them if anything after fails, so a rejected account leaves nothing behind.
		self.accept(customer, batch, source_table, key)
		try:
			if "Contact" in others:
				contact = self.child_doc(self.contact_writer, others["Contact"], customer, batch, key, row)
			if "Address" in others:
				address = self.child_doc(self.address_writer, others["Address"], customer, batch, key, row)
		except BaseException:
			self.withdraw(customer, contact, address, batch)
			raise
		# What ERPNext's Customer.on_update writes right after the insert (create_primary_contact…).
		if contact:
			customer.customer_primary_contact = contact.name
			customer.email_id = contact.email_id
			customer.mobile_no = contact.mobile_no
		if address:
			customer.customer_primary_address = address.name
			customer.primary_address = address.flags.display
		self.existing[key] = customer.name
		return customer.name

	def withdraw(self, customer, contact, address, batch) -> None:
		"""Take back what a failed account had queued for the batch's INSERT."""
		for writer, doc in ((self.contact_writer, contact), (self.address_writer, address)):
			if doc is not None:
				writer.withdraw([doc])
		self.writer.withdraw([customer])
		batch.created.pop(customer.name, None)

	def address_display(self, address) -> str:
		"""get_address_display's text: the same template, compiled once per country."""
		from frappe.contacts.doctype.address.address import get_address_templates
		from frappe.utils.jinja import get_jenv

		values = address.as_dict()
		if address.country not in self.templates:
			_name, template = get_address_templates(values)
			self.templates[address.country] = get_jenv().from_string(template)
		return self.templates[address.country].render(values)

	def child_doc(self, writer, values, customer, batch, key, row):
		"""The customer's contact or address, or None with a warning when its doctype refuses it."""
		values = dict(values, links=[{"link_doctype": "Customer", "link_name": customer.name}])
		doc = writer.new(values)
		try:
			writer.validate(doc)
			if doc.doctype == "Address":
				doc.flags.display = self.address_display(doc)
		except BaseException as error:
			if doc.name:
				writer.namer.undo(writer.doctype, doc.name)
			if not isinstance(error, REFUSALS):
				raise
			frappe.clear_messages()
			issue = Issue(f"{writer.doctype} refused: {type(error).__name__}", error_text(error))
			self.log(batch, "account", key, "Warning", issue, row, ("Customer", customer.name))
			return None
		writer.accept(doc)
		return doc

	def update(self, source_table, key, name, plan, row, batch):
		update_doc("Customer", name, plan.values)
		for doctype, values in plan.others:
			known = (self.contacts if doctype == "Contact" else self.addresses).get(key)
			if known:
				update_doc(doctype, known, values)
			else:
				insert_new(doctype, {**values, "links": [{"link_doctype": "Customer", "link_name": name}]})
		return name

	def write(self, batch):
		customers = {d.name for d in self.writer.pending}
		written = {d.name for d in self.writer.flush()}
		# A customer the database refused after all takes its contact and address with it.
		refused = customers - written
		for writer in (self.contact_writer, self.address_writer):
			if refused:
				writer.withdraw(
					[d for d in writer.pending if any(link.link_name in refused for link in d.links)]
				)
			writer.flush()
		self.refused_at_insert(batch, written)
