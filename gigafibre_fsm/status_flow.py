"""Statuses of the app's records: their stored values, list colours and allowed moves. Pure Python.

This is the one place a status list is written. The doctypes' Select options, the list
colours in the desk (sent to the browser at boot) and the transition checks all read it,
and a unit test fails when a doctype's options drift from it. Stored values are English;
the desk shows them in French through the translations.
"""

from dataclasses import dataclass, field

ALLOWED = "allowed"
NOT_ALLOWED = "not_allowed"
REASON_REQUIRED = "reason_required"


@dataclass(frozen=True)
class Flow:
	"""The statuses of one doctype, in display order; the first is where a new record starts."""

	colours: dict[str, str]
	moves: dict[str, frozenset[str]] = field(default_factory=dict)
	needs_reason: frozenset[tuple[str, str]] = field(default_factory=frozenset)
	# Derived statuses are computed by the controller, never chosen by a person.
	derived: bool = False

	@property
	def statuses(self) -> tuple[str, ...]:
		return tuple(self.colours)

	@property
	def initial(self) -> str:
		return self.statuses[0]

	def check(self, old: str | None, new: str, reason_given: str | None = None) -> str:
		"""ALLOWED, NOT_ALLOWED or REASON_REQUIRED for the move from ``old`` to ``new``.

		``reason_given`` is the reason written *with this move*: the caller passes it only
		when the reason changed in the same save, so a stale reason never counts.
		"""
		if new not in self.colours:
			return NOT_ALLOWED
		if not old or old == new or self.derived:
			return ALLOWED
		if new not in self.moves.get(old, frozenset()):
			return NOT_ALLOWED
		if (old, new) in self.needs_reason and not (reason_given or "").strip():
			return REASON_REQUIRED
		return ALLOWED

	def options(self) -> str:
		"""The Select field's options, as the doctype JSON writes them."""
		return "\n".join(self.statuses)


def _flow(
	colours: dict[str, str],
	moves: dict[str, set[str]] | None = None,
	needs_reason: set[tuple[str, str]] = frozenset(),
	derived: bool = False,
) -> Flow:
	return Flow(
		colours,
		{k: frozenset(v) for k, v in (moves or {}).items()},
		frozenset(needs_reason),
		derived,
	)


FLOWS: dict[str, Flow] = {
	"Service Location": _flow(
		{"Pending Install": "orange", "Active": "green", "Suspended": "red", "Disconnected": "gray"},
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
		{"Pending": "orange", "Active": "green", "Suspended": "red", "Cancelled": "gray"},
		{
			"Pending": {"Active", "Cancelled"},
			"Active": {"Suspended", "Cancelled"},
			"Suspended": {"Active", "Cancelled"},
			"Cancelled": set(),
		},
		{("Pending", "Cancelled"), ("Active", "Cancelled"), ("Suspended", "Cancelled")},
	),
	"Service Equipment": _flow(
		{"In Stock": "blue", "Active": "green", "Returned": "gray"},
		{
			"In Stock": {"Active", "Returned"},
			"Active": {"Returned"},
			"Returned": {"In Stock"},
		},
	),
	"Dispatch Job": _flow(
		{"Scheduled": "blue", "In Progress": "orange", "Completed": "green", "Cancelled": "gray"},
		{
			"Scheduled": {"In Progress", "Cancelled"},
			"In Progress": {"Completed", "Scheduled", "Cancelled"},
			"Completed": set(),
			"Cancelled": {"Scheduled"},
		},
		{("Scheduled", "Cancelled"), ("In Progress", "Cancelled")},
	),
	# Open, Pending and Completed are the legacy system's; Kept (paid) and Missed (its cut-off
	# passed unpaid, the customer suspended) are set by collections (billing/collections.py).
	"Payment Arrangement": _flow(
		{"Open": "blue", "Pending": "orange", "Completed": "green", "Kept": "green", "Missed": "red"},
		{
			"Pending": {"Open", "Completed", "Kept", "Missed"},
			"Open": {"Completed", "Pending", "Kept", "Missed"},
			"Completed": {"Open"},
			"Kept": {"Open"},
			"Missed": {"Kept", "Open"},
		},
		{("Completed", "Open"), ("Kept", "Open"), ("Missed", "Open")},
	),
	# Pending 911: a line waiting for a 911 address that matches its location (voip/e911_lines.py
	# refuses Active until it does; a new line whose address lacks a part is moved there at once);
	# the legacy import writes Active, Suspended and Cancelled.
	"VoIP Line": _flow(
		{"Active": "green", "Pending 911": "orange", "Suspended": "red", "Cancelled": "gray"},
		{
			"Pending 911": {"Active", "Cancelled"},
			"Active": {"Suspended", "Cancelled", "Pending 911"},
			"Suspended": {"Active", "Cancelled"},
			"Cancelled": {"Active", "Pending 911"},
		},
		{("Active", "Cancelled"), ("Suspended", "Cancelled"), ("Pending 911", "Cancelled")},
	),
	# A number of the company's DID inventory: Free until a line takes it (voip/lines.py), Porting
	# while a customer's own number comes over from another carrier, Retired when it may not be
	# given again. A number goes back to Free only once its line no longer holds it.
	"DID": _flow(
		{"Free": "green", "Assigned": "blue", "Porting": "orange", "Retired": "gray"},
		{
			"Free": {"Assigned", "Retired"},
			"Porting": {"Assigned", "Retired"},
			"Assigned": {"Free", "Retired"},
			"Retired": {"Free"},
		},
		{("Free", "Retired"), ("Porting", "Retired"), ("Assigned", "Retired")},
	),
	# A drop's status follows its installed serial (see network/fibre_port.py).
	"Fibre Drop": _flow(
		{"Available": "green", "Reserved": "orange", "Occupied": "blue", "Not Installed": "gray"},
		derived=True,
	),
	# Set by the sending job (orders/tasks.py): queued until sent, failed after the last retry.
	"Order Notification": _flow({"Queued": "orange", "Sent": "green", "Failed": "red"}, derived=True),
	# Set by the sending job (billing/notices.py): queued until sent, failed after the last retry.
	"Collection Notice": _flow({"Queued": "orange", "Sent": "green", "Failed": "red"}, derived=True),
	# A bank debit file (billing/bank_debits.py): written, uploaded to the bank by Collections,
	# closed once every debit cleared or came back.
	"Bank Debit Batch": _flow(
		{"Written": "orange", "Uploaded": "blue", "Closed": "green"},
		{"Written": {"Uploaded"}, "Uploaded": {"Closed"}},
	),
	# One debit: the bank clears it or returns it (a return may come after it cleared).
	"Bank Debit Batch Line": _flow(
		{"Pending": "orange", "Cleared": "green", "Returned": "red"},
		{"Pending": {"Cleared", "Returned"}, "Cleared": {"Returned"}},
	),
	"OLT": _flow(
		{"Active": "green", "Inactive": "gray"},
		{"Active": {"Inactive"}, "Inactive": {"Active"}},
	),
}

# Where each doctype keeps the reason of a move (when it has one).
REASON_FIELDS: dict[str, str] = {
	"Service Location": "status_reason",
	"Service Subscription": "status_reason",
	"Dispatch Job": "status_reason",
	"Payment Arrangement": "reason",
	"VoIP Line": "status_reason",
	"DID": "status_reason",
}


# A Service Location holds its fibre drop, OLT position and 911 duties in every status but this one.
OUT_OF_SERVICE = "Disconnected"


def in_service(location_status: str | None) -> bool:
	"""Whether a Service Location in this status holds its drop and port (a new one, whose
	status is not set yet, starts Pending Install: in service)."""
	return location_status != OUT_OF_SERVICE


def colours() -> dict[str, dict[str, str]]:
	"""Status → colour per doctype, for the desk's list and form indicators."""
	return {doctype: dict(flow.colours) for doctype, flow in FLOWS.items()}
