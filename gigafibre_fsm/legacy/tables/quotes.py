"""soumission → Quotation: the PHP-serialized lines of ``materiel`` and ``mensuel`` as items.

A line whose product is not in the catalogue, or of quantity 0, is left out with a warning
that carries its amount, so the money still adds up; quotes keep their lines net of taxes
(the legacy ``tax`` flag has no Quotation field). ERPNext's Quotation validation prices every
line and the customer (about 50 ms a quote): the step runs in the second lane, and reads each
customer's party details once (:func:`lookups_once`).
"""

import copy
from contextlib import contextmanager
from decimal import Decimal

import frappe

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.convert import (
	INVALID,
	MISSING,
	PHP_ARRAY,
	UNKNOWN_PRODUCT,
	Context,
	Notes,
	Plan,
	Rejected,
	parent,
	to_date,
	with_amount,
)
from gigafibre_fsm.legacy.step import Step

# ---------------------------------------------------------------------------------------
# Conversion


def quote_lines(notes: Notes, ctx: Context, row: dict) -> tuple[list[dict], Decimal]:
	"""Both PHP arrays as Quotation Item rows; returns them and the total of the lines left out."""
	items, left_out = [], Decimal("0.00")
	for column in ("materiel", "mensuel"):
		decoded = clean.decode_php_lines(row.get(column))
		for error in decoded.errors:
			notes.warn(PHP_ARRAY, f"{column}: {error}")
		for line in decoded.lines:
			sku = (line["sku"] or "").strip().upper()
			total = line["tot"] if line["tot"] is not None else Decimal("0.00")
			if not sku or sku not in ctx.item_codes:
				notes.warn(UNKNOWN_PRODUCT, f"{column}: line {sku or '(no sku)'} {line['desc']!r}", total)
				left_out += total
				continue
			qty = line["qte"]
			if not qty:
				notes.warn(INVALID, f"{column}: line {sku} quantity 0", total)
				left_out += total
				continue
			# The legacy total is what the customer saw; the rate follows from it.
			rate = line["amt"] if line["amt"] is not None else total / qty
			items.append(
				{
					"item_code": sku,
					"description": line["desc"] or sku,
					"qty": float(qty),
					"rate": rate,
					# As the pricing engine writes it: ERPNext would replace a rate of 0 with the
					# Item's list price when price_list_rate is empty.
					"price_list_rate": rate,
					"legacy_total": total,
				}
			)
	return items, left_out


def convert_soumission(row: dict, ctx: Context) -> Plan:
	notes = Notes()
	items, left_out = quote_lines(notes, ctx, row)
	amount = sum((i.pop("legacy_total") for i in items), Decimal("0.00"))
	customer = with_amount(lambda: parent(ctx, "account", row.get("account_id")), amount + left_out)
	transaction_date = to_date(notes, row.get("date"), "date")
	if not transaction_date:
		raise Rejected(MISSING, "no quote date", amount + left_out)
	if not items:
		details = "; ".join(i.details for i in notes.warnings) or "materiel and mensuel hold no line"
		raise Rejected(MISSING, f"no quote line: {details}"[:1000], left_out)
	values = {
		"quotation_to": "Customer",
		"party_name": customer,
		"transaction_date": transaction_date,
		"company": ctx.company,
		"currency": ctx.currency,
		"conversion_rate": 1,
		"selling_price_list": ctx.price_list,
		"price_list_currency": ctx.currency,
		"plc_conversion_rate": 1,
		"order_type": "Sales",
		"ignore_pricing_rule": 1,
		"title": notes.text(row.get("name"), what="name"),
		"terms": notes.text(row.get("text"), multiline=True, what="text"),
		"items": items,
		"legacy_soumission_id": str(row["id"]),
	}
	return Plan("Quotation", values, warnings=notes.warnings, amount=amount)


# ---------------------------------------------------------------------------------------
# Step


def read_once(read):
	"""``read`` answered once per set of arguments; each caller gets its own copy."""
	known: dict = {}

	def once(*args, **kwargs):
		try:
			key = (args, tuple(sorted(kwargs.items())))
			hash(key)
		except TypeError:
			return read(*args, **kwargs)
		if key not in known:
			known[key] = read(*args, **kwargs)
		return copy.deepcopy(known[key])

	return once


@contextmanager
def lookups_once():
	"""What ERPNext's Quotation.validate reads at every save that the quotes being imported
	cannot change, read once: a customer's party details (account, address and its display,
	contact, price list, tax template, payment terms: a third of a quote's time; the account
	step is done and closed accounts are disabled after the run) and an item's valuation rate
	(from stock and purchase invoices, which the import does not write). Each quote gets its
	own copy, as a fresh read would give."""
	from erpnext.accounts import party
	from erpnext.stock import get_item_details

	replaced = [(party, "_get_party_details"), (get_item_details, "get_valuation_rate")]
	originals = [getattr(module, name) for module, name in replaced]
	for (module, name), read in zip(replaced, originals, strict=True):
		setattr(module, name, read_once(read))
	try:
		yield
	finally:
		for (module, name), read in zip(replaced, originals, strict=True):
			setattr(module, name, read)


class QuoteStep(Step):
	key = "soumission"
	doctype = "Quotation"
	legacy_field = "legacy_soumission_id"
	sources = ("soumission",)

	def prepare(self):
		self.load_existing()
		imp = self.imp
		imp.prepare_common()
		imp.load_parents("account")
		self.ctx.item_codes = {n.upper() for n in frappe.get_all("Item", pluck="name")}
		self.writer = self.new_writer()

	def read(self, source_table, tally):
		with lookups_once():
			super().read(source_table, tally)

	def convert(self, source_table, row):
		plan = convert_soumission(row, self.ctx)
		for item in plan.values["items"]:
			item.setdefault("uom", self.ctx.uom)
			item.setdefault("conversion_factor", 1)
		return plan

	def totals(self, tallies):
		source_total = Decimal("0.00")
		for row in self.source.query(f"select materiel, mensuel from {self.source.table('soumission')}"):
			for column in ("materiel", "mensuel"):
				for line in clean.decode_php_lines(row[column]).lines:
					source_total += line["tot"] or Decimal("0.00")
		self.money_totals(
			tallies[0],
			source_total,
			"select sum(i.amount) from `tabQuotation Item` i join `tabQuotation` q on q.name = i.parent "
			"where ifnull(q.legacy_soumission_id, '') != ''",
		)
