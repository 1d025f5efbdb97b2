"""accord_paiement → Payment Arrangement: a customer's promise to pay, and its agent.

An arrangement the legacy system recorded without its pay-by date (0, its "unknown") is
history: imported with the date empty and flagged unknown (the form says so), not refused by
the rule that a new arrangement needs one.

A money table: a row not imported carries its amount into the log, so the source total is
what was imported plus what was not, to the cent.
"""

from gigafibre_fsm.legacy import clean
from gigafibre_fsm.legacy.clean import Invalid
from gigafibre_fsm.legacy.convert import (
	NO_TARGET,
	UNKNOWN_CODE,
	Context,
	Notes,
	Plan,
	Rejected,
	money,
	parent,
	positive,
	to_date,
	with_amount,
)
from gigafibre_fsm.legacy.step import Step

# ---------------------------------------------------------------------------------------
# Conversion


def convert_accord(row: dict, ctx: Context) -> Plan:
	notes = Notes()
	amount = money(notes, row.get("montant"), "montant")
	customer = with_amount(lambda: parent(ctx, "account", row.get("account_id")), amount)
	method = clean.arrangement_method(row.get("method"))
	if isinstance(method, Invalid):
		notes.warn(UNKNOWN_CODE, f"{method}, Unset used")
		method = "Unset"
	status = clean.arrangement_status(row.get("status"))
	if isinstance(status, Invalid):
		raise Rejected(UNKNOWN_CODE, str(status), amount)
	agent = None
	if positive(row.get("staff_id")):
		agent = ctx.names["staff"].get(row["staff_id"])
		if not agent:
			notes.warn(NO_TARGET, f"staff_id {row['staff_id']}: no such staff member")
	due_date = to_date(notes, row.get("date_echeance"), "date_echeance")
	values = {
		"customer": customer,
		"amount": amount,
		"method": method,
		"status": status,
		"agent": agent,
		"agreed_date": to_date(notes, row.get("date_accord"), "date_accord"),
		"due_date": due_date,
		# 0 (or an impossible date) was the legacy system's "unknown": history, not refused.
		"due_date_unknown": 0 if due_date else 1,
		"cutoff_date": to_date(notes, row.get("date_coupure"), "date_coupure"),
		"note": notes.text(row.get("note"), multiline=True, what="note"),
		"reason": notes.text(row.get("raison_changement"), multiline=True, what="raison_changement"),
		"legacy_accord_id": str(row["id"]),
	}
	return Plan("Payment Arrangement", values, warnings=notes.warnings, amount=amount)


# ---------------------------------------------------------------------------------------
# Step


class ArrangementStep(Step):
	key = "accord_paiement"
	doctype = "Payment Arrangement"
	legacy_field = "legacy_accord_id"
	sources = ("accord_paiement",)
	money_column = "montant"

	def prepare(self):
		self.load_existing()
		self.imp.load_parents("account")
		self.imp.load_staff()
		self.duplicates = self.source.duplicates("accord_paiement")
		self.writer = self.new_writer()

	def convert(self, source_table, row):
		return convert_accord(row, self.ctx)

	def totals(self, tallies):
		self.money_totals(
			tallies[0],
			self.source_money(),
			"select sum(amount) from `tabPayment Arrangement` where ifnull(legacy_accord_id, '') != ''",
		)
