"""account_suspension → Suspension Log: when an account was suspended, and why.

The same rows also tell whether an account is suspended now (``customers.is_suspended``).
"""

from gigafibre_fsm.legacy.convert import Context, Notes, Plan, parent, to_date
from gigafibre_fsm.legacy.step import Step

# ---------------------------------------------------------------------------------------
# Conversion


def convert_suspension(row: dict, ctx: Context) -> Plan:
	customer = parent(ctx, "account", row.get("account_id"))
	notes = Notes()
	values = {
		"customer": customer,
		"from_date": to_date(notes, row.get("date_start"), "date_start"),
		"to_date": to_date(notes, row.get("date_end"), "date_end"),
		"suspended_by": None,  # the legacy system did not record who
		"reason": notes.text(row.get("note"), multiline=True, what="note"),
		"legacy_suspension_id": str(row["id"]),
	}
	return Plan("Suspension Log", values, warnings=notes.warnings)


# ---------------------------------------------------------------------------------------
# Step


class SuspensionStep(Step):
	key = "account_suspension"
	doctype = "Suspension Log"
	legacy_field = "legacy_suspension_id"
	sources = ("account_suspension",)

	def prepare(self):
		self.load_existing()
		self.imp.load_parents("account")
		self.duplicates = self.source.duplicates("account_suspension")
		self.writer = self.new_writer()

	def convert(self, source_table, row):
		return convert_suspension(row, self.ctx)
