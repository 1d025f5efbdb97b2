"""Writing validated documents in batches: the legacy import's way to insert ~200,000 rows.

``doc.insert()`` costs 5-15 ms a row, mostly in per-row queries (link checks, uniqueness
checks, series numbers, hooks that read settings) and single-row INSERTs. Here a document is
built in memory (``frappe.get_doc``) and goes through the steps of ``Document.insert``, in
its order, with every per-row query answered from an :class:`Index` loaded once and kept up
to date as rows are accepted; the rows are then written with one multi-row INSERT per table
and batch. What runs for each new document, and why it equals a save:

1. **Defaults** of the fields the legacy row does not give (as Data Import does, since
   ``Document._set_defaults`` is skipped under ``frappe.flags.in_import``); owner, creation
   and modified as ``db_insert`` sets them. A field the row gives as unknown stays empty
   (a legacy "no date" is not today).
2. **Links**, as ``Document._validate_links``: every Link and Dynamic Link of the document and
   its child rows must name an existing record, found in the Index (loaded from the database,
   plus the records accepted since), with the same case correction and ``fetch_from`` values.
3. ``before_insert``; the **name** by the doctype's own rule (series numbers are reserved a
   batch at a time under the ``tabSeries`` row lock ``getseries`` takes, and a refused row
   gives its number back as the rollback of its save would; Customer, Contact and Address
   names follow ERPNext's rules with the taken names in memory); parents of child rows.
4. ``before_validate``, ``validate``, ``before_save``: the controller's validate() itself,
   or, for the doctypes whose validate() reads the database for every row, its steps in its
   order (:data:`RECIPES`) with those reads answered from the Index through the optional
   argument the controller method takes for it (check_location_belongs_to_customer, the
   equipment's and the drop's unique checks, the line's one-active-DID check, the drop's
   holder status). tests/unit/test_legacy_recipes.py compares every recipe with its
   controller, call by call, and pins the Frappe/ERPNext code the Customer, Contact, Address
   and User recipes follow. Then the ``doc_events`` hooks and server scripts of those events;
   Frappe's and ERPNext's hooks for every doctype whose outcome depends only on the doctype
   (the running-deletion guard, an SLA for doctypes that have none) run once per batch.
5. ``Document._validate``'s checks, Frappe's own methods in its order (mandatory, data fields,
   non-negative, lengths, rating, code, autoname field, images, HTML sanitising, workflow),
   each called when the doctype has fields of its kind (:func:`validate_fields`), plus the
   Select options, which a save checks and Data Import skips; the unique columns against the
   Index and the batch; passwords encrypted into ``__Auth`` as ``_save_passwords`` does.
6. After the INSERT, the post-save handlers, except those shown to do nothing for imported
   rows (:data:`IDLE_HANDLERS`, :func:`_idle_hook`: a new location with no drop claims
   nothing, an ONT's serial reaches its drop through ``fibre.sn``, no imported payment method
   is a default, ERPNext's primary contact and address are written with the customer; Frappe's
   assignment, workflow, milestone and energy-point hooks when the site has none configured
   for the doctype). Any other handler (another app's hook, a server script) runs for each
   row. Global search is updated as a save does (the batch's texts queued in one Redis call);
   no Version row is written (an insert writes none); realtime list updates are not sent.

A document a check refuses raises the controller's typed error; the step logs it and the
batch goes on. The database's unique keys stay the last word: a multi-row INSERT that still
hits one is retried row by row, so only the offending row is refused.
"""

import ast
import inspect
import json
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal

import frappe
import pymysql
import redis
from frappe import _
from frappe.core.doctype.dynamic_link.dynamic_link import deduplicate_dynamic_links
from frappe.model import default_fields, float_like_fields
from frappe.model.base_document import get_controller
from frappe.model.document import Document
from frappe.model.naming import NamingSeries, parse_naming_series
from frappe.utils import now
from frappe.utils.global_search import update_global_search
from frappe.utils.password import encrypt

from gigafibre_fsm.validation import (
	check_location_belongs_to_customer,
	check_status_transition,
	normalize_coordinates,
	normalize_mac_field,
	normalize_port_fields,
	normalize_postal_code_field,
)

# ---------------------------------------------------------------------------------------
# The index: what the database holds, loaded once, kept up to date as rows are accepted


class Index:
	"""Records of the site the import links to, and the values their ``fetch_from`` fields read.

	Loaded per doctype on first use (one query), then updated in memory as documents are
	accepted, so a link to a record accepted earlier in the same batch resolves.
	"""

	def __init__(self):
		self._records: dict[str, dict[str, dict]] = {}
		self._folded: dict[str, dict[str, str]] = {}
		self._fields: dict[str, set[str]] = defaultdict(set)
		self._unique: dict[tuple[str, str], UniqueValues] = {}
		self.created: set[tuple[str, str]] = set()  # (doctype, name) written by this run

	def want(self, doctype: str, fields) -> None:
		"""Declare fields of ``doctype`` that links will fetch; a loaded doctype is read again."""
		fields = set(fields) - self._fields[doctype]
		if fields:
			self._fields[doctype].update(fields)
			self._records.pop(doctype, None)

	def _load(self, doctype: str) -> dict[str, dict]:
		if doctype not in self._records:
			meta = frappe.get_meta(doctype)
			fields = [
				"name",
				*sorted(f for f in self._fields[doctype] if meta.get_field(f) or f in default_fields),
			]
			if meta.issingle:
				rows = [{"name": doctype}]
			else:
				rows = frappe.db.sql(
					"select {} from `tab{}`".format(", ".join(f"`{f}`" for f in fields), doctype),
					as_dict=True,
				)
			self._records[doctype] = {r["name"]: r for r in rows}
			self._folded[doctype] = {str(r["name"]).casefold(): r["name"] for r in rows}
		return self._records[doctype]

	def get(self, doctype: str, name) -> dict | None:
		"""The record's fetchable values, or None when no such record exists."""
		if not name:
			return None
		records = self._load(doctype)
		record = records.get(name)
		if record is None:
			# MariaDB compares names without case, as the link check does.
			actual = self._folded[doctype].get(str(name).casefold())
			record = records.get(actual) if actual else None
		return record

	def value(self, doctype: str, name, fieldname: str):
		record = self.get(doctype, name)
		return record.get(fieldname) if record else None

	def add(self, doc: Document) -> None:
		"""Record an accepted document so later links and uniqueness checks see it."""
		self.created.add((doc.doctype, doc.name))
		if not doc.meta.istable:
			self._load(doc.doctype)
			values = {"name": doc.name, **{f: doc.get(f) for f in self._fields[doc.doctype]}}
			self._records[doc.doctype][doc.name] = values
			self._folded[doc.doctype][str(doc.name).casefold()] = doc.name
		for (doctype, fieldname), values in self._unique.items():
			if doctype == doc.doctype and doc.get(fieldname):
				values.claim(doc.get(fieldname), doc.name)

	def remove(self, doc: Document) -> None:
		"""Forget an accepted document that will not be written after all."""
		self.created.discard((doc.doctype, doc.name))
		records = self._records.get(doc.doctype)
		if records is not None and records.pop(doc.name, None) is not None:
			self._folded[doc.doctype].pop(str(doc.name).casefold(), None)
		for d in (doc, *doc.get_all_children()):
			for (doctype, _fieldname), values in self._unique.items():
				if doctype == d.doctype:
					values.release(d.name)

	def update(self, doctype: str, name: str, values: dict) -> None:
		if doctype in self._records and name in self._records[doctype]:
			self._records[doctype][name].update(
				{k: v for k, v in values.items() if k in self._fields[doctype]}
			)
		for (dt, fieldname), index in self._unique.items():
			if dt == doctype and fieldname in values:
				index.claim(values[fieldname], name)

	def unique(self, doctype: str, fieldname: str) -> "UniqueValues":
		"""The values of a unique column and the records holding them."""
		key = (doctype, fieldname)
		if key not in self._unique:
			rows = frappe.db.sql(
				f"select `{fieldname}`, name from `tab{doctype}` where ifnull(`{fieldname}`, '') != ''"
			)
			self._unique[key] = UniqueValues(rows)
		return self._unique[key]

	def other(self, doctype: str, fieldname: str, value, name: str | None) -> str | None:
		"""Another record holding ``value`` in a unique column, as the controllers' checks ask."""
		holder = self.unique(doctype, fieldname).get(value)
		return holder if holder and holder != name else None

	def finder(self, doctype: str, name: str | None) -> Callable:
		return lambda fieldname, value: self.other(doctype, fieldname, value, name)


def _unique_key(value) -> str:
	return str(value).strip().casefold()


class UniqueValues:
	"""{value: name} of a unique column, compared as MariaDB does (without case), and the value
	each record holds, so that a record's change of value is one lookup, not a scan."""

	def __init__(self, rows=()):
		self.by_value: dict[str, str] = {}
		self.by_name: dict[str, str] = {}
		for value, name in rows:
			self.claim(value, name)

	def get(self, value) -> str | None:
		return self.by_value.get(_unique_key(value))

	def claim(self, value, name: str) -> None:
		"""``name`` now holds ``value`` (an empty value: none)."""
		self.release(name)
		if value not in (None, ""):
			key = _unique_key(value)
			self.by_value[key] = name
			self.by_name[name] = key

	def release(self, name: str) -> None:
		key = self.by_name.pop(name, None)
		if key is not None and self.by_value.get(key) == name:
			del self.by_value[key]


# ---------------------------------------------------------------------------------------
# Naming


class Namer:
	"""Names for new documents by the doctype's rule, series numbers reserved a batch at a time."""

	def __init__(self):
		self.blocks: dict[str, list[int]] = {}  # prefix → [next, end]
		self.taken: dict[str, set[str]] = {}

	def series(self, series: str, doc: Document) -> str:
		return parse_naming_series(series, doc=doc, number_generator=self._number)

	def _number(self, prefix: str, digits: int) -> str:
		block = self.blocks.get(prefix)
		if not block or block[0] > block[1]:
			block = self._reserve(prefix, 500)
		number = block[0]
		block[0] += 1
		self.last = (prefix, number)
		return str(number).zfill(digits)

	def undo(self, doctype: str, name: str) -> None:
		"""Give back the name of a document that was refused, as the rollback of its save would."""
		last, self.last = getattr(self, "last", None), None
		if last and self.blocks.get(last[0], [None])[0] == last[1] + 1 and name.endswith(str(last[1])):
			self.blocks[last[0]][0] -= 1
		self.taken.get(doctype, set()).discard(name.casefold())

	def _reserve(self, prefix: str, count: int) -> list[int]:
		# The row lock getseries takes, held to the end of the batch's transaction.
		current = frappe.db.sql("select current from `tabSeries` where name = %s for update", prefix)
		if not current:
			frappe.db.sql("insert into `tabSeries` (name, current) values (%s, 0)", prefix)
			start = 0
		else:
			start = int(current[0][0] or 0)
		frappe.db.sql("update `tabSeries` set current = %s where name = %s", (start + count, prefix))
		self.blocks[prefix] = [start + 1, start + count]
		return self.blocks[prefix]

	def prepare(self, doctypes) -> None:
		"""Make the series rows the run's new documents will number from, before the run starts.

		A series row that does not exist yet is looked up with SELECT … FOR UPDATE, which locks
		the gap where it would go until the batch commits: the other lane's first INSERT of its
		own new row in that gap waits for that whole batch (seen on a site that had never had a
		quote or a subscription: the service step waited out the quote step's batch). Made here
		and committed with the run's start, every row exists and a batch locks its own row only.
		"""
		prefixes = {p for doctype in doctypes if (p := series_prefix(doctype))}
		if not prefixes:
			return
		found = set(frappe.db.sql_list("select name from `tabSeries` where name in %s", (tuple(prefixes),)))
		for prefix in sorted(prefixes - found):
			frappe.db.sql("insert ignore into `tabSeries` (name, current) values (%s, 0)", prefix)

	def release(self) -> None:
		"""Give back the numbers reserved and not used, so series have no gaps (before commit)."""
		for prefix, (following, end) in self.blocks.items():
			if following <= end:
				frappe.db.sql(
					"update `tabSeries` set current = %s where name = %s and current = %s",
					(following - 1, prefix, end),
				)
		self.blocks.clear()

	def unique(self, doctype: str, base: str, separator: str = "-") -> str:
		"""``base``, or ``base-1``, ``base-2``… when taken (as append_number_if_name_exists)."""
		taken = self._taken(doctype)
		name, count = base, 0
		while name.casefold() in taken:
			count += 1
			name = f"{base}{separator}{count}"
		taken.add(name.casefold())
		return name

	def _taken(self, doctype: str) -> set[str]:
		if doctype not in self.taken:
			self.taken[doctype] = {n.casefold() for n in frappe.get_all(doctype, pluck="name")}
		return self.taken[doctype]


def naming_series(doctype: str, meta=None) -> str | None:
	"""The naming series the writer names a new document of ``doctype`` by, if it uses one
	(the doctype's rule, as :meth:`BulkWriter.set_name` applies it)."""
	meta = meta or frappe.get_meta(doctype)
	autoname = (meta.autoname or "").strip()
	if doctype == "Customer":
		if frappe.defaults.get_global_default("cust_master_name") != "Naming Series":
			return None
		return NamingSeries(meta.get_field("naming_series").options.split("\n")[0]).series
	if doctype in ("Contact", "Address"):
		return None
	if autoname.startswith("naming_series:"):
		return NamingSeries(meta.get_field("naming_series").options.split("\n")[0]).series
	if "#" in autoname and not autoname.startswith(("field:", "format:")):
		return autoname
	return None


def series_prefix(doctype: str) -> str | None:
	"""The row of ``tabSeries`` a new document of ``doctype`` numbers from today, if any."""
	series = naming_series(doctype)
	if not series:
		return None
	try:
		return NamingSeries(series).get_prefix()
	except Exception:
		return None  # a series built from the document's own values: known only per document


# ---------------------------------------------------------------------------------------
# Recipes: each controller's validate(), step by step, with the Index's answers


def _location(doc, ix):
	# Service Location.validate as it is: a new location has no drop and no OLT port yet, so
	# check_fibre_port_free has nothing to look up.
	doc.validate()


def _subscription(doc, ix):
	check_location_belongs_to_customer(doc, ix.value("Service Location", doc.service_location, "customer"))
	check_status_transition(doc)
	doc.check_dates()
	doc.check_rate()
	doc.set_commitment_end_date()


def _equipment(doc, ix):
	doc.normalize_serials()
	normalize_mac_field(doc, "mac_address")
	doc.check_identifiers_unique(ix.finder("Service Equipment", doc.name))
	normalize_port_fields(doc, "frame", "slot", "port", "ont_id")
	check_location_belongs_to_customer(doc, ix.value("Service Location", doc.service_location, "customer"))
	check_status_transition(doc)
	doc.check_active_has_serial()


def _fibre_drop(doc, ix):
	from gigafibre_fsm.network.doctype.fibre_drop.fibre_drop import PORT_FIELDS

	normalize_postal_code_field(doc)
	normalize_coordinates(doc)
	normalize_port_fields(doc, *PORT_FIELDS)
	doc.normalize_installed_serial()
	doc.keep_holder_reserved(ix.value("Service Location", doc.service_location, "status"))
	doc.set_position_and_status()
	doc.check_position_not_duplicated(lambda key: ix.other("Fibre Drop", "position_key", key, doc.name))


def _voip_line(doc, ix):
	doc.normalize_phone()
	check_location_belongs_to_customer(doc, ix.value("Service Location", doc.service_location, "customer"))
	check_status_transition(doc)
	doc.check_one_active_line(lambda: ix.other("VoIP Line", "active_did", doc.did, doc.name))
	normalize_mac_field(doc, "ata_mac")
	normalize_postal_code_field(doc, "e911_postal_code")
	doc.mark_911_address_changed()


def _controller_validate(doc, ix):
	# The controller's validate() reads nothing from the database for these rows.
	doc.validate()


def _user(doc, ix):
	from frappe.core.doctype.user.user import STANDARD_USERS

	# User.validate keeps the new password aside under its private name, as it does itself.
	doc._User__new_password = doc.new_password
	doc.new_password = ""
	if not frappe.flags.in_test:
		doc.password_strength_test()
	if doc.name not in STANDARD_USERS:
		doc.email = doc.name
		doc.validate_email_type(doc.name)
	doc.add_system_manager_role()
	doc.populate_role_profile_roles()
	doc.check_roles_added()
	doc.set_system_user()
	doc.set_full_name()
	doc.check_enable_disable()
	doc.ensure_unique_roles()
	doc.remove_all_roles_for_guest()
	doc.validate_username()
	doc.remove_disabled_roles()
	doc.validate_user_email_inbox()
	ix.ask_pass_update()
	doc.validate_allowed_modules()
	doc.validate_user_image()
	doc.set_time_zone()
	if doc.language == "Loading...":
		doc.language = None
	if doc.name not in ("Administrator", "Guest") and not doc.get_social_login_userid("frappe"):
		doc.set_social_login_userid("frappe", frappe.generate_hash(length=39))


def _customer(doc, ix):
	from erpnext.accounts.party import validate_party_accounts

	from gigafibre_fsm.overrides import customer as customer_override

	doc.flags.is_new_doc = True
	doc.flags.old_lead = doc.lead_name
	validate_party_accounts(doc)
	doc.validate_credit_limit_on_change()
	ix.set_loyalty_program(doc)
	doc.check_customer_group_change()
	doc.validate_default_bank_account()
	ix.validate_internal_customer(doc)
	doc.add_role_for_user()
	doc.validate_currency_for_receivable_payable_and_advance_account()
	ix.check_sales_team(doc)
	ix.validate_name_with_customer_group(doc)
	customer_override.validate(doc)


def _contact(doc, ix):
	doc.full_name = doc._get_full_name()
	doc.set_primary_email()
	doc.set_primary("phone")
	doc.set_primary("mobile_no")
	ix.set_contact_user(doc)
	ix.set_link_titles(doc)
	ix.gravatar(doc)
	deduplicate_dynamic_links(doc)


def _address(doc, ix):
	doc.validate_reference()
	doc.update_compnay_address()
	doc.link_address()
	ix.validate_preferred_address(doc)
	ix.set_link_titles(doc)
	deduplicate_dynamic_links(doc)


# doctype → (recipe, the controller method it stands for, why it equals that method)
RECIPES: dict[str, tuple[Callable, str]] = {
	"Service Location": (_location, "validate"),
	"Service Subscription": (_subscription, "validate"),
	"Service Equipment": (_equipment, "validate"),
	"Fibre Drop": (_fibre_drop, "validate"),
	"VoIP Line": (_voip_line, "validate"),
	"Payment Arrangement": (_controller_validate, "validate"),
	"Payment Method": (_controller_validate, "validate"),
	"Suspension Log": (_controller_validate, "validate"),
	"Dispatch Job": (_controller_validate, "validate"),
	"Quotation": (_controller_validate, "validate"),
	"User": (_user, "validate"),
	"Customer": (_customer, "validate"),
	"Contact": (_contact, "validate"),
	"Address": (_address, "validate"),
}

# How a recipe stands for its controller's validate(), checked by
# tests/unit/test_legacy_recipes.py: the controller's statement-level calls, with the names
# in REPLACED mapped to the recipe's own, must be the recipe's calls without those in EXTRA.
REPLACED: dict[str, dict[str, str]] = {
	"Contact": {
		"set_user": "set_contact_user",  # users by email from the Index
		"set_link_title": "set_link_titles",  # titles of the linked records from the Index
	},
	"Address": {"set_link_title": "set_link_titles"},
}
EXTRA: dict[str, set[str]] = {
	# Customer.validate's `if` statements: the tier of an existing customer's loyalty program
	# (never an imported one), the sales team total (none imported); then Customer.on_update's
	# name check and this app's Customer hook, which a save runs too.
	"Customer": {"check_sales_team", "validate_name_with_customer_group", "validate"},
	# Contact.validate's `if self.email_id and not self.image: has_gravatar(…)`.
	"Contact": {"gravatar"},
}


class Checks:
	"""The Index's answers to the checks of ERPNext's Customer, Contact and Address that query."""

	def __init__(self, index: Index):
		self.index = index
		self._loyalty: dict[tuple, str | None] = {}
		self._internal_customer = None
		self._users_by_email = None
		self._groups = None

	def value(self, doctype, name, fieldname):
		return self.index.value(doctype, name, fieldname)

	def other(self, doctype, fieldname, value, name):
		return self.index.other(doctype, fieldname, value, name)

	def finder(self, doctype, name):
		return self.index.finder(doctype, name)

	def set_loyalty_program(self, doc) -> None:
		if doc.loyalty_program:
			return
		key = (doc.customer_group, doc.territory)
		if key not in self._loyalty:
			doc.set_loyalty_program()
			self._loyalty[key] = doc.loyalty_program
		doc.loyalty_program = self._loyalty[key]

	def validate_internal_customer(self, doc) -> None:
		if not doc.is_internal_customer:
			doc.represents_company = ""
		if self._internal_customer is None:
			self._internal_customer = (
				frappe.db.get_value("Customer", {"is_internal_customer": 1, "represents_company": ""}, "name")
				or ""
			)
		if doc.is_internal_customer or self._internal_customer:
			doc.validate_internal_customer()

	def ask_pass_update(self) -> None:
		# Writes a site default, which clears every cache: once per run is the same answer.
		if not getattr(self, "_asked", False):
			from frappe.core.doctype.user.user import ask_pass_update

			ask_pass_update()
			self._asked = True

	def check_sales_team(self, doc) -> None:
		if doc.sales_team and sum(m.allocated_percentage or 0 for m in doc.sales_team) != 100:
			frappe.throw(_("Total contribution percentage should be equal to 100"))

	def validate_name_with_customer_group(self, doc) -> None:
		if self._groups is None:
			self._groups = {g.casefold() for g in frappe.get_all("Customer Group", pluck="name")}
		if doc.name.casefold() in self._groups:
			doc.validate_name_with_customer_group()

	def set_contact_user(self, doc) -> None:
		if self._users_by_email is None:
			self._users_by_email = {
				(u.email or "").casefold(): u.name for u in frappe.get_all("User", fields=["name", "email"])
			}
		if not doc.user and doc.email_id:
			doc.user = self._users_by_email.get(doc.email_id.casefold())

	def set_link_titles(self, doc) -> None:
		for link in doc.links:
			if not link.link_title:
				record = self.index.get(link.link_doctype, link.link_name) or {}
				title_field = frappe.get_meta(link.link_doctype).title_field
				link.link_title = (record.get(title_field) if title_field else None) or link.link_name

	def gravatar(self, doc) -> None:
		if doc.email_id and not doc.image:
			from frappe.utils import has_gravatar

			doc.image = has_gravatar(doc.email_id)

	def validate_preferred_address(self, doc) -> None:
		# A party created by this run has no address but the one being written.
		if any(doc.get(f) for f in ("is_primary_address", "is_shipping_address")) and any(
			(link.link_doctype, link.link_name) not in self.index.created for link in doc.links
		):
			doc.validate_preferred_address()


# ---------------------------------------------------------------------------------------
# Hooks


# Registered for every doctype; their outcome depends on the doctype (and company) only, so
# they run once per batch on its first document.
ONCE_PER_BATCH_HOOKS = {
	"erpnext.setup.doctype.transaction_deletion_record.transaction_deletion_record.check_for_running_deletion_job",
}
SLA_HOOK = "erpnext.support.doctype.service_level_agreement.service_level_agreement.apply"
# Post-save handlers that are no-ops for what the import writes, and why.
IDLE_HANDLERS = {
	"Service Location.on_update": "a new location has no drop to claim (drops come with fibre)",
	"Service Equipment.on_update": "an ONT's serial reaches its drop through fibre.sn",
	"Payment Method.on_update": "no imported payment method is a default",
	"Customer.on_update": "contact and address are written with the customer; no lead",
	"Customer.after_insert": "no lead",
	"Address.on_update": "the customer's primary address is written with it",
	# Frappe's hooks for every doctype: each returns at once under in_import, or when the site
	# has nothing configured for the doctype (checked once per writer in _idle_hook).
	"frappe.automation.doctype.assignment_rule.assignment_rule.update_due_date": "returns under in_import",
	"frappe.social.doctype.energy_point_rule.energy_point_rule.process_energy_points": "returns under in_import",
	"frappe.integrations.doctype.google_contacts.google_contacts.insert_contacts_to_google_contacts": (
		"the import never sets a contact to sync with Google"
	),
	"frappe.integrations.doctype.google_contacts.google_contacts.update_contacts_to_google_contacts": (
		"the import never sets a contact to sync with Google"
	),
}


def _idle_hook(hook: str, doctype: str) -> bool:
	"""Whether a handler has nothing to do for the rows the import writes of ``doctype``."""
	if hook in IDLE_HANDLERS:
		return True
	if hook == "frappe.desk.notifications.clear_doctype_notifications":
		from frappe.desk.notifications import get_notification_config

		return doctype not in (get_notification_config() or {}).get("for_doctype", {})
	if hook == "frappe.workflow.doctype.workflow_action.workflow_action.process_workflow_actions":
		from frappe.model.workflow import get_workflow_name

		return not get_workflow_name(doctype)
	if hook == "frappe.automation.doctype.assignment_rule.assignment_rule.apply":
		return not frappe.get_all("Assignment Rule", {"document_type": doctype, "disabled": 0}, limit=1)
	if hook == "frappe.automation.doctype.milestone_tracker.milestone_tracker.evaluate_milestone":
		return not frappe.get_all("Milestone Tracker", {"document_type": doctype, "disabled": 0}, limit=1)
	if hook == "frappe.core.doctype.user_type.user_type.apply_permissions_for_non_standard_user_type":
		return not frappe.get_all("User Type", {"is_standard": 0}, limit=1)
	if hook == "frappe.core.doctype.file.utils.attach_files_to_document":
		return not frappe.get_meta(doctype).get("fields", {"fieldtype": ["in", ["Attach", "Attach Image"]]})
	if hook == "erpnext.telephony.doctype.call_log.call_log.link_existing_conversations":
		return not frappe.db.count("Call Log")
	return False


EVENTS_BEFORE = ("before_insert", "before_validate", "validate", "before_save")
EVENTS_AFTER = ("after_insert", "on_update", "on_change")


def _handlers(doctype: str, event: str) -> list[tuple[str, str]]:
	"""(kind, name) of what a save would run for ``event``: controller method, hooks, scripts."""
	found = []
	controller = get_controller(doctype)
	if event in controller.__dict__ or any(
		event in base.__dict__ for base in controller.__mro__[1:] if base not in (Document, object)
	):
		found.append(("controller", f"{doctype}.{event}"))
	hooks = frappe.get_doc_hooks()
	for key in (doctype, "*"):
		for method in hooks.get(key, {}).get(event, []):
			found.append(("hook", method))
	from frappe.core.doctype.server_script.server_script_utils import EVENT_MAP, get_server_script_map

	if event in EVENT_MAP:
		for script in get_server_script_map().get(doctype, {}).get(EVENT_MAP[event], []):
			found.append(("script", script))
	return found


# ---------------------------------------------------------------------------------------
# The writer


class Fields:
	"""The fields of one doctype the writer visits for every row, read from its meta once."""

	_cache: dict[str, "Fields"] = {}

	def __init__(self, doctype: str):
		meta = frappe.get_meta(doctype)
		self.links = [
			(df, [(f, f.fetch_from.split(".")[-1]) for f in meta.get_fields_to_fetch(df.fieldname)])
			for df in meta.get_link_fields() + meta.get("fields", {"fieldtype": ("=", "Dynamic Link")})
		]
		self.passwords = [df.fieldname for df in meta.fields if df.fieldtype == "Password"]
		self.unique = [df for df in meta.fields if df.unique]
		self.money = {df.fieldname for df in meta.fields if df.fieldtype in float_like_fields}
		# Which of Document._validate's field checks can do anything for this doctype.
		self.data_checks = bool(
			meta.get_phone_fields()
			or [df for df in meta.get_data_fields() if df.get("options") in ("Email", "Name", "Phone", "URL")]
		)
		self.non_negative = bool(
			[df for df in meta.fields if df.non_negative and df.fieldtype in ("Int", "Float", "Currency")]
		)
		self.rating = bool([df for df in meta.fields if df.fieldtype == "Rating"])
		self.code = bool(meta.get_code_fields())
		self.text_editors = [df.fieldname for df in meta.fields if df.fieldtype == "Text Editor"]
		self.autoname_field = (meta.autoname or "").startswith("field:")

	@classmethod
	def of(cls, doctype: str) -> "Fields":
		if doctype not in cls._cache:
			cls._cache[doctype] = cls(doctype)
		return cls._cache[doctype]


class BulkWriter:
	"""New documents of one doctype, validated as a save does and written a batch at a time."""

	def __init__(self, doctype: str, index: Index, namer: Namer, *, dry_run: bool = False):
		self.doctype = doctype
		self.meta = frappe.get_meta(doctype)
		self.index = index
		self.checks = Checks(index)
		self.namer = namer
		self.dry_run = dry_run
		self.recipe = RECIPES.get(doctype, (None, None))[0]
		self.defaults = {
			k: v
			for k, v in frappe.new_doc(doctype, as_dict=True).items()
			if k not in default_fields
			and k not in ("doctype", "__islocal", "__unsaved")
			and v not in (None, "")
		}
		self.pending: list[Document] = []
		self.auth: list[tuple] = []
		self._batch_checked = False
		self._declare_links(self.meta)
		self.before, self.after = self._per_row_handlers()
		# update_global_search finds nothing to index in a doctype with no searchable field.
		self.searchable = bool(
			self.meta.get_global_search_fields()
			or any(
				frappe.get_meta(df.options).get_global_search_fields() for df in self.meta.get_table_fields()
			)
		)

	# -- set-up --------------------------------------------------------------------------

	def _declare_links(self, meta) -> None:
		for df in meta.get_link_fields():
			self.index.want(
				df.options, [f.fetch_from.split(".")[-1] for f in meta.get_fields_to_fetch(df.fieldname)]
			)
		for df in meta.get_table_fields():
			self._declare_links(frappe.get_meta(df.options))

	def _per_row_handlers(self) -> tuple[dict, dict]:
		"""Handlers a save would run that the recipe does not already stand for."""
		from erpnext.support.doctype.service_level_agreement.service_level_agreement import (
			get_documents_with_active_service_level_agreement,
		)

		covered = {f"{self.doctype}.validate"} if self.recipe else set()
		if self.doctype == "Customer":
			covered.add("gigafibre_fsm.overrides.customer.validate")
		covered |= ONCE_PER_BATCH_HOOKS
		if self.doctype not in get_documents_with_active_service_level_agreement():
			covered.add(SLA_HOOK)
		before = {
			e: [
				h
				for h in _handlers(self.doctype, e)
				if h[1] not in covered and not _idle_hook(h[1], self.doctype)
			]
			for e in EVENTS_BEFORE
		}
		after = {
			e: [h for h in _handlers(self.doctype, e) if not _idle_hook(h[1], self.doctype)]
			for e in EVENTS_AFTER
		}
		return before, after

	# -- building ------------------------------------------------------------------------

	def new(self, values: dict, name: str | None = None) -> Document:
		"""A new document from the plan's values, with the doctype's defaults for the rest."""
		data = {
			"doctype": self.doctype,
			**{k: v for k, v in self.defaults.items() if k not in values},
			**values,
		}
		doc = frappe.get_doc(data)
		doc.flags.in_import = True
		doc.flags.ignore_permissions = True
		doc.set("__islocal", True)
		doc._action = "save"
		stamp, user = now(), frappe.session.user
		doc.creation = doc.modified = stamp
		doc.owner = doc.modified_by = user
		doc.docstatus = 0
		for child in doc.get_all_children():
			child.creation = child.modified = stamp
			child.owner = child.modified_by = user
			child.docstatus = 0
		if name:
			doc.name = name
		return doc

	def validate(self, doc: Document) -> None:
		"""Everything Document.insert checks before its INSERT; raises the typed error on refusal."""
		named = not doc.name
		try:
			self._validate(doc, named)
		except BaseException:
			if named and doc.name:
				self.namer.undo(self.doctype, doc.name)
			raise

	def _validate(self, doc: Document, named: bool) -> None:
		self.check_links(doc)
		self._run(doc, "before_insert")
		if named:
			self.set_name(doc)
		for child in doc.get_all_children():
			if not child.name:
				child.name = frappe.generate_hash(length=10)
		doc.set_parent_in_children()
		self._run(doc, "before_validate")
		if not self._batch_checked:
			self._run_batch_hooks(doc)
		if self.recipe:
			self.recipe(doc, self.checks)
		self._run(doc, "validate")
		self._run(doc, "before_save")
		doc.set_title_field()
		validate_fields(doc)
		check_selects(doc)
		self.check_unique(doc)

	def _run(self, doc: Document, event: str) -> None:
		for kind, handler in self.before.get(event, ()):
			if kind == "controller":
				getattr(doc, event)()
			elif kind == "hook":
				frappe.get_attr(handler)(doc, event)
			else:
				frappe.get_doc("Server Script", handler).execute_doc(doc)

	def _run_batch_hooks(self, doc: Document) -> None:
		for method in ONCE_PER_BATCH_HOOKS:
			if method in dict(_handlers(self.doctype, "validate")).values():
				frappe.get_attr(method)(doc, "validate")
		self._batch_checked = True

	def set_name(self, doc: Document) -> None:
		autoname = (self.meta.autoname or "").strip()
		if self.doctype == "Customer":
			rule = frappe.defaults.get_global_default("cust_master_name")
			if rule == "Naming Series":
				# ERPNext's set_name_by_naming_series: the series with its number part.
				series = doc.naming_series or self.meta.get_field("naming_series").options.split("\n")[0]
				doc.name = self.namer.series(NamingSeries(series).series, doc)
			else:
				doc.name = self.namer.unique("Customer", doc.customer_name.strip(), separator=" - ")
		elif self.doctype == "Contact":
			base = doc._get_full_name()
			for link in doc.links:
				base = f"{base}-{link.link_name.strip()}"
				break
			doc.name = self.namer.unique("Contact", base)
		elif self.doctype == "Address":
			if not doc.address_title and doc.links:
				doc.address_title = doc.links[0].link_name
			doc.name = self.namer.unique(
				"Address", f"{doc.address_title.strip()}-{_(doc.address_type).strip()}"
			)
		elif autoname.startswith("naming_series:"):
			series = doc.naming_series or self.meta.get_field("naming_series").options.split("\n")[0]
			doc.naming_series = series
			doc.name = self.namer.series(NamingSeries(series).series, doc)
		elif autoname.startswith("field:"):
			doc.name = doc.get(autoname[len("field:") :])
		elif autoname == "hash" or not autoname:
			doc.name = frappe.generate_hash(length=10)
		elif "#" in autoname:
			doc.name = self.namer.series(autoname, doc)
		else:
			doc.set_new_name()

	def check_links(self, doc: Document) -> None:
		"""Document._validate_links against the Index: existence, case, fetched values."""
		invalid = []
		for d in (doc, *doc.get_all_children()):
			for df, fetches in Fields.of(d.doctype).links:
				value = d.get(df.fieldname)
				if not value:
					continue
				linked = df.options if df.fieldtype == "Link" else d.get(df.options)
				if not linked:
					frappe.throw(_("{0} must be set first").format(d.meta.get_label(df.options)))
				record = self.index.get(linked, value)
				if not record:
					label = _(df.label, context=df.parent)
					invalid.append(
						f"{_('Row')} #{d.idx}: {label}: {value}"
						if d.get("parentfield")
						else f"{label}: {value}"
					)
					continue
				d.set(df.fieldname, record["name"])
				for fetched, source in fetches:
					if fetched.get("fetch_if_empty") and d.get(fetched.fieldname):
						continue
					d.set(fetched.fieldname, record.get(source))
		if invalid:
			frappe.throw(_("Could not find {0}").format(", ".join(invalid)), frappe.LinkValidationError)

	def check_unique(self, doc: Document) -> None:
		"""The unique columns the database will check, so one bad row does not fail a batch."""
		for d in (doc, *doc.get_all_children()):
			for df in Fields.of(d.doctype).unique:
				if d.get(df.fieldname):
					other = self.index.other(d.doctype, df.fieldname, d.get(df.fieldname), d.name)
					if other:
						# The message a save gets when the database refuses the duplicate.
						d.show_unique_validation_message(Exception(f"'{df.fieldname}'"))
						frappe.throw(
							_("{0} {1} is already used by {2}").format(
								_(df.label), frappe.bold(d.get(df.fieldname)), other
							),
							frappe.UniqueValidationError,
						)

	# -- accepting and writing -----------------------------------------------------------

	def accept(self, doc: Document) -> None:
		"""Queue a validated document for the batch's INSERT and make it visible to later rows."""
		# Rows a controller added during validate (payment schedule…) are named at insert.
		doc.set_parent_in_children()
		for child in doc.get_all_children():
			if not child.name:
				child.name = frappe.generate_hash(length=10)
			child.creation = child.creation or doc.creation
			child.modified = doc.modified
			child.owner = child.owner or doc.owner
			child.modified_by = doc.modified_by
		for d in (doc, *doc.get_all_children()):
			fields = Fields.of(d.doctype)
			for fieldname in fields.passwords:
				value = d.get(fieldname)
				if value and not d.is_dummy_password(value):
					self.auth.append((d.doctype, d.name, fieldname, encrypt(value), 1))
					d.set(fieldname, "*" * len(value))
			for df in fields.unique:
				if d.get(df.fieldname):
					self.index.unique(d.doctype, df.fieldname).claim(d.get(df.fieldname), d.name)
		self.index.add(doc)
		self.pending.append(doc)

	def withdraw(self, docs) -> None:
		"""Take accepted documents back before the INSERT: a row that fails after them leaves
		nothing behind (their names, secrets and place in the Index go with them)."""
		gone = {id(doc) for doc in docs}
		if not gone:
			return
		names = set()
		for doc in self.pending:
			if id(doc) in gone:
				names.update(d.name for d in (doc, *doc.get_all_children()))
				self.index.remove(doc)
				self.namer.undo(self.doctype, doc.name)
		self.pending = [doc for doc in self.pending if id(doc) not in gone]
		self.auth = [a for a in self.auth if a[1] not in names]

	def rows(self) -> dict[str, tuple[list[str], list[tuple]]]:
		"""{table doctype: (columns, rows)} of the pending documents, as db_insert writes them."""
		tables: dict[str, tuple[list[str], list[tuple]]] = {}
		for doc in self.pending:
			for d in (doc, *doc.get_all_children()):
				values = d.get_valid_dict(convert_dates_to_str=True, ignore_virtual=True)
				# Money stays a Decimal to the database (get_valid_dict would make it a float).
				for fieldname in Fields.of(d.doctype).money:
					value = d.__dict__.get(fieldname)
					if isinstance(value, Decimal):
						values[fieldname] = value
				columns = list(values)
				table = tables.setdefault(d.doctype, (columns, []))
				if table[0] != columns:
					raise ValueError(f"{d.doctype}: columns differ within a batch")
				table[1].append(tuple(values.values()))
		return tables

	def flush(self) -> list[Document]:
		"""INSERT the pending documents; returns those written (a refused one is dropped)."""
		if not self.pending:
			return []
		written = list(self.pending)
		try:
			frappe.db.savepoint("legacy_bulk")
			insert_rows(self.rows())
			insert_auth(self.auth)
		except pymysql.err.IntegrityError:
			frappe.db.rollback(save_point="legacy_bulk")
			written = self._one_by_one()
		self.after_save(written)
		self.pending, self.auth = [], []
		self._batch_checked = False
		return written

	def _one_by_one(self) -> list[Document]:
		"""A unique key the Index did not know (a concurrent writer): find the row it refuses."""
		written, pending, auth = [], self.pending, self.auth
		for doc in pending:
			self.pending = [doc]
			names = {d.name for d in (doc, *doc.get_all_children())}
			self.auth = [a for a in auth if a[1] in names]
			try:
				frappe.db.savepoint("legacy_row")
				insert_rows(self.rows())
				insert_auth(self.auth)
				written.append(doc)
			except pymysql.err.IntegrityError as error:
				frappe.db.rollback(save_point="legacy_row")
				doc.flags.refused = error
		return written

	def after_save(self, docs: list[Document]) -> None:
		with global_search_batch():
			for doc in docs:
				for event in EVENTS_AFTER:
					for kind, handler in self.after.get(event, ()):
						if kind == "controller":
							getattr(doc, event)()
						elif kind == "hook":
							frappe.get_attr(handler)(doc, event)
						else:
							frappe.get_doc("Server Script", handler).execute_doc(doc)
				if self.searchable and not self.dry_run:
					update_global_search(doc)


@contextmanager
def global_search_batch():
	"""update_global_search queues each document's search text in Redis (one LPUSH, one round
	trip each); here the batch's texts go in one LPUSH, the same queue the scheduler empties."""
	from frappe.utils import global_search

	queued: list[str] = []
	push = global_search.sync_value_in_queue
	global_search.sync_value_in_queue = lambda value: queued.append(json.dumps(value))
	try:
		yield
	finally:
		global_search.sync_value_in_queue = push
	if queued:
		try:
			redis.Redis.lpush(frappe.cache, frappe.cache.make_key("global_search_queue"), *queued)
		except redis.exceptions.ConnectionError:
			for value in queued:
				global_search.sync_value(json.loads(value))


def validate_fields(doc: Document) -> None:
	"""Document._validate, calling each field check only when the doctype has fields it checks.

	The checks are Frappe's own methods, in _validate's order; one whose doctype has no field
	of its kind (no Rating, no Text Editor holding an image, no value that looks like HTML…)
	would loop over nothing, and is not called. Passwords go to __Auth in accept().
	tests/unit/test_legacy_recipes.py pins the source of Document._validate, so a change in
	Frappe shows up there.
	"""
	from frappe.model import optional_fields

	docs = (doc, *doc.get_all_children())
	for d in docs:
		fields = Fields.of(d.doctype)
		if d is doc:
			d._validate_mandatory()
		if fields.data_checks:
			d._validate_data_fields()
		d._validate_selects()
		if fields.non_negative:
			d._validate_non_negative()
		d._validate_length()
		if fields.rating:
			d._fix_rating_value()
		if fields.code:
			d._validate_code_fields()
		if fields.autoname_field:
			d._sync_autoname_field()
		if any("<img" in (d.get(f) or "") for f in fields.text_editors):
			d._extract_images_from_text_editor()
		if any(isinstance(v, str) and ("<" in v or ">" in v) for v in d.__dict__.values()):
			d._sanitize_content()
		if d is doc and _has_workflow(doc.doctype):
			doc.validate_workflow()
	for fieldname in optional_fields:
		doc.set(fieldname, None)


_WORKFLOWS: dict[str, bool] = {}


def _has_workflow(doctype: str) -> bool:
	if doctype not in _WORKFLOWS:
		from frappe.model.workflow import get_workflow_name

		_WORKFLOWS[doctype] = bool(get_workflow_name(doctype))
	return _WORKFLOWS[doctype]


def check_selects(doc: Document) -> None:
	"""Select options, which Document._validate skips under in_import: a desk save checks them."""
	flag, frappe.flags.in_import = frappe.flags.in_import, False
	try:
		for d in (doc, *doc.get_all_children()):
			d._validate_selects()
	finally:
		frappe.flags.in_import = flag


def insert_rows(tables: dict[str, tuple[list[str], list[tuple]]]) -> None:
	"""One multi-row INSERT per table (pymysql's executemany), 1,000 rows a statement.

	frappe.db.bulk_insert builds the same statement through pypika at 5-6 times the cost per
	row (measured: 300 µs against 55 µs for a 40-column row), which alone would take most of
	the time allowed for the whole import.
	"""
	cursor = frappe.db._cursor
	for doctype, (columns, rows) in tables.items():
		sql = "INSERT INTO `tab{}` ({}) VALUES ({})".format(
			doctype, ", ".join(f"`{c}`" for c in columns), ", ".join(["%s"] * len(columns))
		)
		for start in range(0, len(rows), 1000):
			cursor.executemany(sql, rows[start : start + 1000])


def insert_auth(rows: list[tuple]) -> None:
	"""Encrypted secrets as frappe.utils.password.set_encrypted_password stores them."""
	if rows:
		frappe.db._cursor.executemany(
			"INSERT INTO `__Auth` (`doctype`, `name`, `fieldname`, `password`, `encrypted`) "
			"VALUES (%s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE `password` = VALUES(`password`), `encrypted` = 1",
			rows,
		)


def update_rows(doctype: str, rows: list[dict], key: str = "name", chunk: int = 500) -> None:
	"""UPDATE columns of existing rows: one statement per set of columns and ``chunk`` rows,
	each column set by ``CASE key WHEN … THEN …`` (an UPDATE per row is a round trip per row)."""
	groups: dict[tuple, dict] = defaultdict(dict)
	for row in rows:
		groups[tuple(c for c in row if c != key)][row[key]] = row  # a row's last update wins
	for columns, by_key in groups.items():
		group = list(by_key.values())
		for start in range(0, len(group), chunk):
			part = group[start : start + chunk]
			keys = [row[key] for row in part]
			cases, values = [], []
			for column in columns:
				cases.append(
					f"`{column}` = CASE `{key}` {' '.join(['WHEN %s THEN %s'] * len(part))} ELSE `{column}` END"
				)
				for row in part:
					values += [row[key], row[column]]
			sql = "UPDATE `tab{}` SET {} WHERE `{}` IN ({})".format(
				doctype, ", ".join(cases), key, ", ".join(["%s"] * len(keys))
			)
			frappe.db._cursor.execute(sql, [*values, *keys])


def recipe_calls(function) -> list[str]:
	"""Names of the statement-level calls of a function (recipes and controllers' validate)."""
	tree = ast.parse(inspect.cleandoc("\n" + inspect.getsource(function)))
	body = tree.body[0].body
	names = []
	for node in body:
		if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
			func = node.value.func
			names.append(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "?"))
	return names
