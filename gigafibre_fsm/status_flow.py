"""Allowed status changes of the app's records. Pure Python.

One table per doctype: from each status, the statuses it may move to, and the moves that
must say why (a location disconnected, a subscription cancelled…).
"""

from dataclasses import dataclass, field

ALLOWED = "allowed"
NOT_ALLOWED = "not_allowed"
REASON_REQUIRED = "reason_required"


@dataclass(frozen=True)
class Flow:
	moves: dict[str, frozenset[str]]
	needs_reason: frozenset[tuple[str, str]] = field(default_factory=frozenset)

	def check(self, old: str | None, new: str, reason: str | None = None) -> str:
		"""ALLOWED, NOT_ALLOWED or REASON_REQUIRED for the move from ``old`` to ``new``."""
		if not old or old == new:
			return ALLOWED
		if new not in self.moves.get(old, frozenset()):
			return NOT_ALLOWED
		if (old, new) in self.needs_reason and not (reason or "").strip():
			return REASON_REQUIRED
		return ALLOWED


def _flow(moves: dict[str, set[str]], needs_reason: set[tuple[str, str]] = frozenset()) -> Flow:
	return Flow({k: frozenset(v) for k, v in moves.items()}, frozenset(needs_reason))


FLOWS: dict[str, Flow] = {
	"Service Location": _flow(
		{
			"Pending Install": {"Active", "Disconnected"},
			"Active": {"Suspended", "Disconnected"},
			"Suspended": {"Active", "Disconnected"},
			"Disconnected": {"Pending Install"},
		},
		{
			("Pending Install", "Disconnected"),
			("Active", "Disconnected"),
			("Suspended", "Disconnected"),
			("Active", "Suspended"),
		},
	),
	"Service Subscription": _flow(
		{
			"Pending": {"Active", "Cancelled"},
			"Active": {"Suspended", "Cancelled"},
			"Suspended": {"Active", "Cancelled"},
			"Cancelled": set(),
		},
		{("Pending", "Cancelled"), ("Active", "Cancelled")},
	),
	"Service Equipment": _flow(
		{
			"En inventaire": {"Actif", "Retourné"},
			"Actif": {"Retourné"},
			"Retourné": {"En inventaire"},
		}
	),
	"Dispatch Job": _flow(
		{
			"Scheduled": {"In Progress", "Cancelled"},
			"In Progress": {"Completed", "Scheduled", "Cancelled"},
			"Completed": set(),
			"Cancelled": {"Scheduled"},
		}
	),
	"Payment Arrangement": _flow(
		{
			"Pending": {"Open", "Completed"},
			"Open": {"Completed", "Pending"},
			"Completed": {"Open"},
		},
		{("Completed", "Open")},
	),
	"VoIP Line": _flow(
		{
			"Active": {"Suspended", "Cancelled"},
			"Suspended": {"Active", "Cancelled"},
			"Cancelled": {"Active"},
		}
	),
}
