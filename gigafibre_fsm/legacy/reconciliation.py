"""The reconciliation of a legacy import run, as plain arithmetic. Pure Python: no frappe.

Every legacy row ends in exactly one outcome, so per table
``rows in source = created + updated + unchanged + skipped + rejected``; for the money
tables the source total is what was imported plus what was not (rejected and skipped rows,
quote lines left out), to the cent: ``source = imported + not imported``. Amounts are
Decimal all the way; the report only displays them.
"""

from dataclasses import dataclass
from decimal import Decimal

OUTCOMES = ("created", "updated", "unchanged", "skipped", "rejected")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class TableCounts:
	source_table: str
	source_rows: int
	created: int = 0
	updated: int = 0
	unchanged: int = 0
	skipped: int = 0
	rejected: int = 0
	warnings: int = 0
	source_total: Decimal | None = None
	imported_total: Decimal | None = None
	excluded_total: Decimal | None = None

	@property
	def accounted_rows(self) -> int:
		return sum(getattr(self, o) or 0 for o in OUTCOMES)

	@property
	def rows_add_up(self) -> bool:
		return self.accounted_rows == (self.source_rows or 0)

	@property
	def difference(self) -> Decimal | None:
		"""Source total minus imported and not imported: zero when the money adds up."""
		if self.source_total is None:
			return None
		imported = self.imported_total or Decimal(0)
		excluded = self.excluded_total or Decimal(0)
		return (self.source_total - imported - excluded).quantize(CENT)

	@property
	def money_adds_up(self) -> bool | None:
		difference = self.difference
		return None if difference is None else difference == 0


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
				**{o: getattr(table, o) for o in OUTCOMES},
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
	return {
		"source_rows": sum(t.source_rows or 0 for t in tables),
		**{o: sum(getattr(t, o) or 0 for t in tables) for o in OUTCOMES},
		"tables_not_adding_up": [t.source_table for t in tables if not t.rows_add_up],
		"money_not_adding_up": [t.source_table for t in tables if t.money_adds_up is False],
	}
