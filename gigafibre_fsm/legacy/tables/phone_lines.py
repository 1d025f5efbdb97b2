"""pbx (+ phone_addr, phone_provisioning) → VoIP Line, with its 911 address and its ATA.

The newest 911 registration (phone_addr) and the newest ATA provisioning of a DID fold into
its line; a 911 registration of a DID that has no line any more is imported as a cancelled
line that keeps the address. A line's status follows its service, else its account.

**The SIP password (pbx.password) goes to the equipment that carries the account**, never to
the line: the location's device with the line's SIP user name (its DID; an ONT the old ACS
pushed the account to), else the location's IP phone with the line's ATA MAC
(voip/accounts.py ``sip_home``). The line names that equipment; the equipment gets the user
name when it had none, and the PBX's password, which replaces one the old ACS pushed (a
warning says so: the PBX is where the account authenticates). A line whose location has no
such device (none imported, or its ATA already carries another line's account: one account
per equipment) keeps its account on the legacy PBX only, and a warning says why its password
was not kept; a cancelled line's password is not kept (the account is closed). The step runs
after the devices' (lane 0 of legacy/run.py); the password is written to the equipment once
its line is in the database.
"""

from collections import defaultdict

import frappe
from frappe.utils.password import get_decrypted_password, set_encrypted_password

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.convert import (
	INVALID,
	NO_TARGET,
	PARENT_NOT_IMPORTED,
	SUPERSEDED,
	UNKNOWN_CODE,
	Context,
	Issue,
	Notes,
	Plan,
	Rejected,
	city,
	mac_address,
	newest_by,
	parent,
	positive,
	postal_code,
)
from gigafibre_fsm.legacy.step import Step, duplicate_issue, legacy_names
from gigafibre_fsm.rules.phone import normalize_phone
from gigafibre_fsm.voip.accounts import sip_home

EQUIPMENT = "Service Equipment"
# A legacy password that replaced another on the equipment (logged as the row's warning).
REPLACED_SECRET = "SIP password replaced by the PBX's"

# ---------------------------------------------------------------------------------------
# Conversion

LINE_STATUS = {"Active": "Active", "Pending": "Active", "Suspended": "Suspended", "Cancelled": "Cancelled"}


def did_of(value) -> str | None:
	"""A legacy phone column as the 10 digits of a DID, or None."""
	return normalize_phone(clean.clean_text(value)) if value else None


def e911_values(notes: Notes, ctx: Context, addr: dict) -> dict:
	civic = clean.clean_text(addr.get("street_number"))
	parts = clean.clean_address(f"{civic} x") if civic else None
	town = city(ctx, notes, addr.get("city"))
	cls = (clean.clean_text(addr.get("class_service")) or "RES").upper()
	if cls not in ("RES", "BUS"):
		notes.warn(UNKNOWN_CODE, f"class_service {cls!r}, RES used")
		cls = "RES"
	return {
		"e911_civic_number": parts.civic_number if parts and parts.civic_number else civic,
		"e911_civic_suffix": parts.civic_suffix if parts else None,
		"e911_apartment": clean.clean_text(addr.get("apt")),
		"e911_street": notes.text(addr.get("street_name"), ctx.vocabulary, what="street_name"),
		"e911_city": town,
		"e911_province": notes.value(clean.clean_province(addr.get("state")), "QC"),
		"e911_postal_code": postal_code(notes, addr.get("zip")),
		"e911_cauca_code": clean.clean_text(addr.get("code_cauca")),
		"e911_class": cls,
		"legacy_phone_addr_id": str(addr["id"]),
	}


def ata_values(notes: Notes, prov: dict) -> dict:
	return {
		"ata_model": (clean.clean_text(prov.get("app")) or "").upper() or None,
		"ata_mac": mac_address(notes, prov.get("mac")),
		"ata_password": prov.get("password") or None,
		"international_calls": 1 if prov.get("internationnal") else 0,
		"legacy_phone_provisioning_id": str(prov["id"]),
	}


def convert_pbx(row: dict, ctx: Context) -> Plan:
	customer = parent(ctx, "account", row.get("account_id"))
	notes = Notes()
	did = did_of(row.get("phone"))
	if not did:
		raise Rejected(INVALID, f"phone {row.get('phone')!r}: not a 10-digit North-American number")
	location = ctx.names["delivery"].get(positive(row.get("delivery_id")))
	if positive(row.get("delivery_id")) and not location:
		notes.warn(NO_TARGET, f"delivery {row.get('delivery_id')}: not imported, line without location")
	service = ctx.services.get(positive(row.get("service_id")))
	status = clean.service_status(service.get("status")) if service else None
	if not isinstance(status, str):
		status = {"Closed": "Cancelled", "Suspended": "Suspended"}.get(
			ctx.account_statuses.get(row.get("account_id")) or "", "Active"
		)
	language = clean.language(row.get("language")) if row.get("language") else "fr"
	values = {
		"did": did,
		"status": LINE_STATUS[status],
		"customer": customer,
		"service_location": location,
		"caller_id_name": notes.text(row.get("name"), ctx.vocabulary, what="name"),
		"sip_username": did,
		"extension": clean.clean_text(row.get("int_code")),
		"max_calls": positive(row.get("max_calls")),
		"call_timeout": positive(row.get("call_timeout")),
		"language": notes.value(language, "fr"),
		"voicemail_enabled": 1 if row.get("has_vm") else 0,
		"voicemail_email": notes.value(clean.clean_email(row.get("vm_email"))),
		"voicemail_password": clean.clean_text(row.get("vm_password")),
		"legacy_pbx_id": str(row["id"]),
	}
	merged = []
	addr = ctx.phone_addr.get(did)
	if addr:
		values.update(e911_values(notes, ctx, addr))
		merged.append(("phone_addr", addr["id"]))
	prov = ctx.provisioning.get(did)
	if prov:
		values.update(ata_values(notes, prov))
		merged.append(("phone_provisioning", prov["id"]))
	# The secret is the equipment's (see the module's docstring); the ledger's hash covers it.
	extra = {"sip_password": row.get("password") or None}
	return Plan("VoIP Line", values, warnings=notes.warnings, merged=merged, extra=extra)


def convert_phone_addr(row: dict, ctx: Context) -> Plan:
	"""A 911 registration no line carries any more: a cancelled line that keeps its address."""
	customer = parent(ctx, "account", row.get("account_id"))
	notes = Notes()
	did = did_of(row.get("phone"))
	if not did:
		raise Rejected(INVALID, f"phone {row.get('phone')!r}: not a 10-digit North-American number")
	values = {"did": did, "status": "Cancelled", "customer": customer, "sip_username": did}
	values.update(e911_values(notes, ctx, row))
	return Plan("VoIP Line", values, warnings=notes.warnings)


# ---------------------------------------------------------------------------------------
# Step


class _Folded(Exception):
	"""A 911 registration of a DID that has a line: read with the line, not as a row of its own."""


class PhoneLineStep(Step):
	key = "pbx"
	doctype = "VoIP Line"
	legacy_field = "legacy_pbx_id"
	sources = ("pbx", "phone_addr", "phone_provisioning")

	def prepare(self):
		imp, ctx = self.imp, self.ctx
		imp.prepare_common()
		imp.load_parents("account", "delivery")
		imp.load_services()
		imp.load_account_statuses()
		self.pbx_duplicates = self.source.duplicates("pbx")
		self.addr_duplicates = self.source.duplicates("phone_addr")
		pbx_rows = self.source.query(f"select id, phone from {self.source.table('pbx')}")
		ctx.line_dids = {did_of(r["phone"]) for r in pbx_rows if r["id"] not in self.pbx_duplicates} - {None}
		self.addr_rows = [
			r
			for r in self.source.query(f"select * from {self.source.table('phone_addr')}")
			if r["id"] not in self.addr_duplicates
		]
		self.prov_rows = self.source.query(f"select * from {self.source.table('phone_provisioning')}")
		ctx.phone_addr, self.addr_superseded = newest_by(self.addr_rows, lambda r: did_of(r["phone"]))
		ctx.provisioning, self.prov_superseded = newest_by(self.prov_rows, lambda r: did_of(r["phone"]))
		self.by_pbx = legacy_names("VoIP Line", "legacy_pbx_id")
		self.by_addr = legacy_names("VoIP Line", "legacy_phone_addr_id")
		self.writer = self.new_writer()
		self.load_equipment()
		self.line_dids: dict[str, str] = {}

	# -- the SIP password's home -----------------------------------------------------------

	def load_equipment(self):
		"""The devices of every location, and which device carries which line already."""
		self.equipment: dict[str, list[dict]] = defaultdict(list)
		for row in frappe.db.sql(
			f"""select name, equipment_type, sip_username, mac_address, status, service_location
			from `tab{EQUIPMENT}` where ifnull(service_location, '') != ''""",
			as_dict=True,
		):
			self.equipment[row.service_location].append(row)
		self.carrying: dict[str, str] = dict(
			frappe.db.sql(
				"""select equipment, name from `tabVoIP Line`
				where ifnull(equipment, '') != '' and status != 'Cancelled'"""
			)
		)
		self.secrets: dict[str, tuple[dict, str]] = {}  # line → (its equipment, the password)

	def place_secret(self, plan, line: str | None) -> tuple[dict, str | None] | None:
		"""Name the line's equipment in ``plan``; return (equipment, password to write once the
		line is saved), or None with a warning when the password has nowhere to go."""
		values = plan.values
		secret = plan.extra.get("sip_password")
		if values.get("status") == "Cancelled":
			return None
		did = values["did"]
		home = sip_home(did, values.get("ata_mac"), self.equipment.get(values.get("service_location"), []))
		holder = self.carrying.get(home.name) if home else None
		if home and ((holder and holder != line) or home.sip_username not in (None, "", did)):
			plan.warnings.append(
				Issue(
					NO_TARGET,
					f"SIP password not kept: equipment {home.name} carries another account "
					f"({holder or home.sip_username}; one account per equipment); the legacy PBX keeps it",
				)
			)
			return None
		if not home:
			if secret:
				plan.warnings.append(
					Issue(
						NO_TARGET,
						f"SIP password not kept: no equipment of the line's location carries account {did} "
						"(no device with that SIP user name, no IP phone with the ATA's MAC); the legacy PBX keeps it",
					)
				)
			return None
		values["equipment"] = home.name
		if secret and home.sip_username == did:
			current = get_decrypted_password(EQUIPMENT, home.name, "sip_password", raise_exception=False)
			if current and current != secret:
				plan.warnings.append(
					Issue(
						REPLACED_SECRET,
						f"equipment {home.name}: the PBX's SIP password replaces the one the old ACS pushed",
					)
				)
		return home, secret

	def keep_secret(self, line: str, home: dict, secret: str | None) -> None:
		"""The password on the line's equipment (with the user name when it had none)."""
		if not secret:
			return
		if not home.sip_username:
			frappe.db.set_value(
				EQUIPMENT,
				home.name,
				{"sip_username": self.line_dids[line], "sip_line": 1},
				update_modified=False,
			)
			home.sip_username = self.line_dids[line]
		set_encrypted_password(EQUIPMENT, home.name, secret, "sip_password")
		self.carrying[home.name] = line

	def pages(self, source_table, after):
		if source_table == "pbx":
			return super().pages(source_table, after)
		if source_table == "phone_addr":
			# 911 registrations with no line: imported as cancelled lines that keep the address.
			return self.source.pages("phone_addr", after, self.imp.batch_size)
		return iter(())

	def skip_reason(self, source_table, row):
		if source_table == "pbx":
			return duplicate_issue(self.pbx_duplicates, row)
		if source_table == "phone_addr":
			issue = duplicate_issue(self.addr_duplicates, row)
			if issue:
				return issue
			if row["id"] in self.addr_superseded:
				return Issue(SUPERSEDED, f"row {self.addr_superseded[row['id']]} is newer for the same DID")
		return None

	def convert(self, source_table, row):
		if source_table == "pbx":
			return convert_pbx(row, self.ctx)
		if did_of(row.get("phone")) in self.ctx.line_dids:
			raise _Folded()
		return convert_phone_addr(row, self.ctx)

	def handle(self, source_table, row, batch):
		try:
			super().handle(source_table, row, batch)
		except _Folded:
			# Counted with the line it folded into (or rejected in finalize if none took it).
			batch.counts[source_table].source_rows -= 1

	def find_existing(self, source_table, key, plan):
		return (self.by_pbx if source_table == "pbx" else self.by_addr).get(key)

	def create(self, source_table, key, plan, row, batch):
		placed = self.place_secret(plan, None) if source_table == "pbx" else None
		doc = self.writer.new(plan.values)
		self.writer.validate(doc)
		self.accept(doc, batch, source_table, key)
		(self.by_pbx if source_table == "pbx" else self.by_addr)[key] = doc.name
		if placed:
			self.line_dids[doc.name] = plan.values["did"]
			self.carrying[placed[0].name] = doc.name
			self.secrets[doc.name] = placed
		return doc.name

	def update(self, source_table, key, name, plan, row, batch):
		placed = self.place_secret(plan, name) if source_table == "pbx" else None
		super().update(source_table, key, name, plan, row, batch)
		if placed:
			self.line_dids[name] = plan.values["did"]
			self.carrying[placed[0].name] = name
			self.keep_secret(name, *placed)
		return name

	def write(self, batch):
		"""INSERT the batch's lines, then put their passwords on their equipment (a line the
		database refused after all leaves its equipment as it was)."""
		super().write(batch)
		if not self.secrets:
			return
		written = set(frappe.get_all("VoIP Line", filters={"name": ("in", list(self.secrets))}, pluck="name"))
		for line, (home, secret) in self.secrets.items():
			if line in written:
				self.keep_secret(line, home, secret)
			elif self.carrying.get(home.name) == line:
				del self.carrying[home.name]  # refused at the INSERT: the equipment is free again
		self.secrets.clear()

	def finalize(self, batch):
		known_addr = set(legacy_names("VoIP Line", "legacy_phone_addr_id"))
		known_prov = set(legacy_names("VoIP Line", "legacy_phone_provisioning_id"))
		counts = batch.counts["phone_addr"]
		for row in self.addr_rows:
			if did_of(row["phone"]) not in self.ctx.line_dids or row["id"] in self.addr_superseded:
				continue  # read as a row of its own, or skipped as superseded
			counts.source_rows += 1
			if ("phone_addr", row["id"]) in self.folded:
				continue
			if str(row["id"]) in known_addr:
				counts.count("unchanged")
				continue
			issue = Issue(PARENT_NOT_IMPORTED.format("line"), f"the pbx line of {row['phone']}")
			self.set_aside(batch, "rejected", "phone_addr", str(row["id"]), issue, row)
		counts = batch.counts["phone_provisioning"]
		counts.source_rows += len(self.prov_rows)
		for row in self.prov_rows:
			if ("phone_provisioning", row["id"]) in self.folded:
				continue
			if row["id"] in self.prov_superseded:
				issue = Issue(SUPERSEDED, f"row {self.prov_superseded[row['id']]} is newer for the same DID")
				self.set_aside(batch, "skipped", "phone_provisioning", str(row["id"]), issue, row)
			elif str(row["id"]) in known_prov:
				counts.count("unchanged")
			else:
				issue = Issue(NO_TARGET, f"no imported line for {row.get('phone')}")
				self.set_aside(batch, "rejected", "phone_provisioning", str(row["id"]), issue, row)
