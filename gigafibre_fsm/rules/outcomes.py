"""What became of the rows of a batch: created, updated, unchanged, skipped or rejected. Pure Python.

The one counter of the app's batch work (the legacy import, the address load, the matching
of fibre drops): every row ends in exactly one outcome, so the outcomes add up to the rows
read, and a summary line or a report reads the same counts whatever wrote them.
"""

from dataclasses import dataclass, fields

OUTCOMES = ("created", "updated", "unchanged", "skipped", "rejected")


@dataclass
class Outcomes:
	created: int = 0
	updated: int = 0
	unchanged: int = 0
	skipped: int = 0
	rejected: int = 0

	def count(self, outcome: str, rows: int = 1) -> None:
		if outcome not in OUTCOMES:
			raise ValueError(f"{outcome!r} is not one of {', '.join(OUTCOMES)}")
		setattr(self, outcome, getattr(self, outcome) + rows)

	def add(self, other: "Outcomes") -> None:
		for outcome in OUTCOMES:
			self.count(outcome, getattr(other, outcome) or 0)

	@property
	def accounted(self) -> int:
		"""Rows with an outcome: equal to the rows read when nothing was lost."""
		return sum(getattr(self, outcome) or 0 for outcome in OUTCOMES)

	@property
	def changed(self) -> int:
		return (self.created or 0) + (self.updated or 0)

	def outcomes(self) -> dict[str, int]:
		return {outcome: getattr(self, outcome) or 0 for outcome in OUTCOMES}

	def as_dict(self) -> dict:
		return {f.name: getattr(self, f.name) for f in fields(self)}
