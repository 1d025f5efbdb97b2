"""pbx (+ phone_addr, phone_provisioning) → VoIP Line, with its 911 address and its ATA.

The newest 911 registration (phone_addr) and the newest ATA provisioning of a DID fold into
its line; a 911 registration of a DID that has no line any more is imported as a cancelled
line that keeps the address. A line's status follows its service, else its account.
"""

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
		"sip_password": row.get("password") or None,
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
	return Plan("VoIP Line", values, warnings=notes.warnings, merged=merged)


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
		doc = self.writer.new(plan.values)
		self.writer.validate(doc)
		self.accept(doc, batch, source_table, key)
		(self.by_pbx if source_table == "pbx" else self.by_addr)[key] = doc.name
		return doc.name

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
