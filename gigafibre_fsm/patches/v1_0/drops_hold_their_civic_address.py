"""The link between a fibre drop and its civic address belongs to the drop.

Earlier versions kept it twice: on the Civic Address (``fibre_drop``, ``match_status``,
``match_confidence``, ``match_reason``) and as a typed RQA id on the drop
(``rqa_address_id``). Each becomes the drop's ``civic_address`` — with the address's match
status, or Confirmed where a person typed the id — and the old columns are dropped (their
indexes with them: on millions of addresses they cost every load). An RQA id the reference
does not have is kept in the drop's match reason, so nothing typed is lost.

Safe to run twice: it reads only the columns that still exist, and never overwrites a drop
that already has its civic address.
"""

import frappe
from frappe.utils import now_datetime

from gigafibre_fsm.network.civic_address.matching_rules import (
	CONFIRMED,
	LINKED,
	NEEDS_REVIEW,
	UNMATCHED,
)
from gigafibre_fsm.network.drop_matching import render_reason

OLD_ADDRESS_COLUMNS = ("fibre_drop", "match_status", "match_confidence", "match_reason")
OLD_DROP_COLUMNS = ("rqa_address_id",)


def _columns(doctype: str) -> set[str]:
	if not frappe.db.table_exists(doctype, cached=False):
		return set()
	# Not get_table_columns: it answers from a cache that outlives the columns dropped here.
	return set(frappe.db.get_db_table_columns(f"tab{doctype}"))


def execute():
	drop_columns = _columns("Fibre Drop")
	if "civic_address" not in drop_columns:
		return  # the model has not been synced yet: the next migrate runs this
	address_columns = _columns("Civic Address")
	now = now_datetime()
	if "fibre_drop" in address_columns:
		status = "match_status" if "match_status" in address_columns else "NULL"
		confidence = "match_confidence" if "match_confidence" in address_columns else "NULL"
		reason = "match_reason" if "match_reason" in address_columns else "NULL"
		for name, drop, old_status, old_confidence, old_reason in frappe.db.sql(
			f"""SELECT name, fibre_drop, {status}, {confidence}, {reason} FROM `tabCivic Address`
			WHERE IFNULL(fibre_drop, '') != ''"""
		):
			# A link without a status was made by hand (the checkout's test data, the desk).
			new_status = old_status if old_status in (*LINKED, NEEDS_REVIEW) else CONFIRMED
			frappe.db.sql(
				"""UPDATE `tabFibre Drop` SET civic_address = %s, match_status = %s,
				match_confidence = %s, match_reason = %s, matched_on = %s
				WHERE name = %s AND IFNULL(civic_address, '') = ''""",
				(name, new_status, old_confidence or 100, old_reason, now, drop),
			)
	if "rqa_address_id" in drop_columns:
		frappe.db.sql(
			"""UPDATE `tabFibre Drop` d JOIN `tabCivic Address` a ON a.name = d.rqa_address_id
			SET d.civic_address = a.name, d.match_status = %s, d.match_confidence = 100, d.matched_on = %s
			WHERE IFNULL(d.civic_address, '') = '' AND IFNULL(d.rqa_address_id, '') != ''""",
			(CONFIRMED, now),
		)
		for drop, rqa_id in frappe.db.sql(
			"""SELECT name, rqa_address_id FROM `tabFibre Drop`
			WHERE IFNULL(civic_address, '') = '' AND IFNULL(rqa_address_id, '') != ''"""
		):
			reason = render_reason(
				[("RQA id {0} (typed before) is not in the civic-address reference", (rqa_id,))]
			)
			frappe.db.set_value(
				"Fibre Drop", drop, {"match_status": UNMATCHED, "match_reason": reason}, update_modified=False
			)
	for doctype, old in (("Civic Address", OLD_ADDRESS_COLUMNS), ("Fibre Drop", OLD_DROP_COLUMNS)):
		present = [c for c in old if c in _columns(doctype)]
		if present:
			frappe.db.sql_ddl(
				f"ALTER TABLE `tab{doctype}` " + ", ".join(f"DROP COLUMN `{c}`" for c in present)
			)
			frappe.cache.hdel("table_columns", f"tab{doctype}")
