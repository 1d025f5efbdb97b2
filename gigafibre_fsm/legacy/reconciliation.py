"""The reconciliation of a legacy import run, as plain arithmetic. Pure Python: no frappe.

Every legacy row ends in exactly one outcome (``rules.outcomes``), so per table
``rows in source = created + updated + unchanged + skipped + rejected``; for the money
tables the source total is what was imported plus what was not (rejected and skipped rows,
quote lines left out), to the cent: ``source = imported + not imported``. Amounts are
Decimal all the way; the report only displays them.
"""

from dataclasses import dataclass, fields
from decimal import Decimal

from gigafibre_fsm.billing.taxes import to_cents
from gigafibre_fsm.rules.outcomes import OUTCOMES, Outcomes

# The tables whose rows carry money, and the totals kept for them.
MONEY_TABLES = ("accord_paiement", "bon_travail", "soumission")
MONEY = ("source_total", "imported_total", "excluded_total")
# The row counts of a table: the rows read, their outcomes, and those imported with a warning.
COUNTS = ("source_rows", *OUTCOMES, "warnings")


@dataclass(kw_only=True)
class TableCounts(Outcomes):
	"""What became of the rows of one source table (in a run, or in one batch of it)."""

	source_table: str
	source_rows: int = 0
	warnings: int = 0
	source_total: Decimal | None = None
	imported_total: Decimal | None = None
	excluded_total: Decimal | None = None

	@classmethod
	def from_row(cls, row: dict) -> "TableCounts":
		"""From a row of a run's Tables, its money read as text (frappe.db reads DECIMAL as float)."""
		names = {f.name for f in fields(cls)} - set(MONEY)
		values = {k: (v or 0) if k in COUNTS else v for k, v in row.items() if k in names}
		if row.get("source_table") in MONEY_TABLES:
			values.update({k: to_cents(Decimal(row[k])) for k in MONEY if row.get(k) is not None})
		return cls(**values)

	def add(self, other: "TableCounts") -> None:
		super().add(other)
		self.source_rows += other.source_rows or 0
		self.warnings += other.warnings or 0

	@property
	def rows_add_up(self) -> bool:
		return self.accounted == (self.source_rows or 0)

	@property
	def difference(self) -> Decimal | None:
		"""Source total minus imported and not imported: zero when the money adds up."""
		if self.source_total is None:
			return None
		imported = self.imported_total or Decimal(0)
		excluded = self.excluded_total or Decimal(0)
		return to_cents(self.source_total - imported - excluded)

	@property
	def money_adds_up(self) -> bool | None:
		difference = self.difference
		return None if difference is None else difference == 0


def added_up(tables: list[TableCounts]) -> TableCounts:
	"""The rows of every table together."""
	total = TableCounts(source_table="")
	for table in tables:
		total.add(table)
	return total


@dataclass(frozen=True)
class ReasonCount:
	source_table: str
	outcome: str
	reason: str
	rows: int
	amount: Decimal = Decimal(0)


def rows(tables: list[TableCounts], reasons: list[ReasonCount]) -> list[dict]:
	"""The report's rows: each table, then its rejected, skipped and warned rows by reason."""
	by_table: dict[str, list[ReasonCount]] = {}
	for reason in reasons:
		by_table.setdefault(reason.source_table, []).append(reason)
	out = []
	for table in tables:
		out.append(
			{
				"label": table.source_table,
				"indent": 0,
				"source_table": table.source_table,
				"source_rows": table.source_rows,
				**table.outcomes(),
				"warnings": table.warnings,
				"rows_add_up": 1 if table.rows_add_up else 0,
				"source_total": table.source_total,
				"imported_total": table.imported_total,
				"excluded_total": table.excluded_total,
				"difference": table.difference,
			}
		)
		order = {"Rejected": 0, "Skipped": 1, "Warning": 2}
		for reason in sorted(
			by_table.get(table.source_table, []), key=lambda r: (order.get(r.outcome, 3), -r.rows)
		):
			out.append(
				{
					"label": reason.reason,  # translated by the report
					"indent": 1,
					"parent_table": table.source_table,
					"outcome": reason.outcome,
					"reason": reason.reason,
					"rows": reason.rows,
					"excluded_total": reason.amount if reason.amount else None,
				}
			)
	return out


def totals(tables: list[TableCounts]) -> dict:
	"""Rows over every table, for the report's summary."""
	total = added_up(tables)
	return {
		"source_rows": total.source_rows,
		**total.outcomes(),
		"tables_not_adding_up": [t.source_table for t in tables if not t.rows_add_up],
		"money_not_adding_up": [t.source_table for t in tables if t.money_adds_up is False],
	}
