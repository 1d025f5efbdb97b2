"""bon_travail (+ bon_travail_item) → Dispatch Job, with its technicians' hours and its parts.

Legacy work orders have no type and record visits done: they are imported as completed
Support jobs. One recorded without its date (0, the legacy "unknown") or without a technician
is history: imported with them empty and flagged unknown (the form says so), not refused by
the rule that a job done has its date and its technician. A departure before the arrival is
left out, with a warning. Their items fold into the job as parts; an item whose work order was
not imported is rejected with it. A money table (the work order's total).
"""

from collections import defaultdict

import frappe

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.convert import (
	INVALID,
	NO_TARGET,
	PARENT_NOT_IMPORTED,
	UNKNOWN_PRODUCT,
	Context,
	Issue,
	Notes,
	Plan,
	money,
	parent,
	positive,
	to_date,
	to_datetime,
	with_amount,
)
from gigafibre_fsm.legacy.step import Step

# ---------------------------------------------------------------------------------------
# Conversion


def technician_row(ctx, notes: Notes, staff_id, arrive, depart, which: str) -> dict | None:
	if not positive(staff_id):
		return None
	user = ctx.names["staff"].get(staff_id)
	if not user:
		notes.warn(NO_TARGET, f"{which} {staff_id}: no such staff member")
		return None
	arrival = to_datetime(notes, arrive, f"heure_arrive_{which}")
	departure = to_datetime(notes, depart, f"heure_depart_{which}")
	if departure and (not arrival or departure < arrival):
		notes.warn(INVALID, f"heure_depart_{which} {departure} without a later arrival: left out")
		departure = None
	return {
		"technician": user,
		"arrival_time": arrival,
		"departure_time": departure,
		"legacy_staff_id": str(staff_id),
	}


def convert_bon(row: dict, ctx: Context, items: list[dict]) -> Plan:
	notes = Notes()
	total = money(notes, row.get("total"), "total")
	customer = with_amount(lambda: parent(ctx, "account", row.get("account_id")), total)
	technicians = []
	for staff_id, arrive, depart, which in (
		(row.get("tech1"), row.get("heure_arrive_t1"), row.get("heure_depart_t1"), "t1"),
		(row.get("tech2"), row.get("heure_arrive_t2"), row.get("heure_depart_t2"), "t2"),
	):
		tech = technician_row(ctx, notes, staff_id, arrive, depart, which)
		if tech and all(t["technician"] != tech["technician"] for t in technicians):
			technicians.append(tech)
	parts = []
	for item in items:
		product = ctx.names["product"].get(item.get("product_id"))
		if not product:
			notes.warn(UNKNOWN_PRODUCT, f"bon_travail_item {item['id']}: product {item.get('product_id')}")
		parts.append(
			{
				"item": product,
				"description": notes.text(item.get("desc"), what="desc"),
				"qty": float(clean.to_decimal(item.get("qte")) or 0) if item.get("qte") is not None else 1,
				"rate": money(notes, item.get("price"), "price"),
				"legacy_bon_travail_item_id": str(item["id"]),
			}
		)
	scheduled = to_date(notes, row.get("date"), "date")
	values = {
		"job_type": "Support",
		"customer": customer,
		# Work orders in the legacy system are records of visits done.
		"status": "Completed",
		"scheduled_date": scheduled,
		# 0 (or an impossible date) was the legacy system's "unknown": history, not refused.
		"scheduled_date_unknown": 0 if scheduled else 1,
		"technicians": technicians,
		# No technician recorded (or a staff id the legacy system no longer had): history too.
		"technician_unknown": 0 if technicians else 1,
		"parts": parts,
		"subtotal": money(notes, row.get("subtotal"), "subtotal"),
		"tps": money(notes, row.get("tps"), "tps"),
		"tvq": money(notes, row.get("tvq"), "tvq"),
		"total": total,
		"notes": notes.text(row.get("note"), multiline=True, what="note"),
		"legacy_bon_travail_id": str(row["id"]),
	}
	return Plan(
		"Dispatch Job",
		values,
		warnings=notes.warnings,
		amount=total,
		merged=[("bon_travail_item", i["id"]) for i in items],
	)


# ---------------------------------------------------------------------------------------
# Step


class WorkOrderStep(Step):
	key = "bon_travail"
	doctype = "Dispatch Job"
	legacy_field = "legacy_bon_travail_id"
	sources = ("bon_travail", "bon_travail_item")
	money_column = "total"

	def prepare(self):
		self.load_existing()
		imp = self.imp
		imp.load_parents("account", "product")
		imp.load_staff()
		self.duplicates = self.source.duplicates("bon_travail")
		self.items = defaultdict(list)
		self.item_rows = self.source.query(
			f"select * from {self.source.table('bon_travail_item')} order by id"
		)
		for item in self.item_rows:
			self.items[item["bon_id"]].append(item)
		self.writer = self.new_writer()

	def convert(self, source_table, row):
		return convert_bon(row, self.ctx, self.items.get(row["id"], []))

	def pages(self, source_table, after):
		return super().pages(source_table, after) if source_table == "bon_travail" else iter(())

	def finalize(self, batch):
		known = {
			str(k)
			for (k,) in frappe.db.sql(
				"select legacy_bon_travail_item_id from `tabDispatch Job Part` where ifnull(legacy_bon_travail_item_id, '') != ''"
			)
		}
		batch.counts["bon_travail_item"].source_rows += len(self.item_rows)
		for item in self.item_rows:
			if ("bon_travail_item", item["id"]) in self.folded or str(item["id"]) in known:
				continue
			issue = Issue(PARENT_NOT_IMPORTED.format("bon_travail"), f"bon_travail {item.get('bon_id')}")
			self.set_aside(batch, "rejected", "bon_travail_item", str(item["id"]), issue, item)

	def totals(self, tallies):
		self.money_totals(
			tallies[0],
			self.source_money(),
			"select sum(total) from `tabDispatch Job` where ifnull(legacy_bon_travail_id, '') != ''",
		)
