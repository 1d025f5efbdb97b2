"""What collections do for a customer on a given day: rules over dates and amounts. Pure Python.

The daily run (billing/collections.py) reads the ledger and the records, and these rules say
what follows, so a date can be chosen in a test and the answer checked in microseconds:

- **Amount due** is what is overdue (invoices past their due date, by ERPNext's outstanding
  amounts) less the payments the ledger holds unallocated: a customer who paid on account owes
  nothing due.
- **A payment arrangement in force** (Open, or the legacy system's Pending) is *Kept* once the
  customer paid its amount since the day it was agreed, or owes nothing due any more; it is
  *Missed* the day after its cut-off when neither happened. Its customer is reminded once, a
  number of days before the cut-off (0: no reminder).
- **The dunning ladder** applies to overdue invoices of a customer with no arrangement in force,
  counted from the due date of their oldest overdue invoice: reminder, second reminder,
  suspension notice, suspension, each a number of days after it (0: that rung is off). Each rung
  is taken once per invoice; a run that missed days takes only the highest rung reached (no
  pile of reminders at once), but never suspends without the notice given first and the
  notice period (suspension day − notice day) elapsed since. A kept arrangement restarts the
  count from its cut-off, and collections may begin at a chosen date (history before it is
  left to staff).
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.00")

# Payment Arrangement statuses (status_flow.py holds their moves).
OPEN, PENDING, COMPLETED, KEPT, MISSED = "Open", "Pending", "Completed", "Kept", "Missed"
IN_FORCE = (OPEN, PENDING)

# The dunning ladder's rungs, in order.
REMINDER = "Reminder"
SECOND_REMINDER = "Second Reminder"
SUSPENSION_NOTICE = "Suspension Notice"
SUSPENSION = "Suspension"
RUNGS = (REMINDER, SECOND_REMINDER, SUSPENSION_NOTICE, SUSPENSION)
# The messages a customer gets besides the ladder's.
ARRANGEMENT_REMINDER = "Arrangement Reminder"
SUSPENDED = "Suspended"
RESTORED = "Restored"
NOTICE_KINDS = (ARRANGEMENT_REMINDER, REMINDER, SECOND_REMINDER, SUSPENSION_NOTICE, SUSPENDED, RESTORED)

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Ladder:
	"""Days after the due date of each rung; 0 or None: the rung is off."""

	reminder: int | None = 5
	second_reminder: int | None = 15
	notice: int | None = 25
	suspension: int | None = 35

	def steps(self) -> tuple[tuple[str, int], ...]:
		"""The rungs that are on, with their day, in order."""
		days = (self.reminder, self.second_reminder, self.notice, self.suspension)
		return tuple((rung, int(d)) for rung, d in zip(RUNGS, days, strict=True) if d)

	def problems(self) -> list[str]:
		"""What makes the ladder unusable (English: the settings' form translates them)."""
		out = []
		days = (self.reminder, self.second_reminder, self.notice, self.suspension)
		if any(d is not None and d < 0 for d in days):
			out.append("days cannot be negative")
		steps = [d for _rung, d in self.steps()]
		if steps != sorted(set(steps)):
			out.append("each rung comes after the one before it")
		return out


def amount_due(overdue: Decimal, unallocated: Decimal) -> Decimal:
	"""What the customer must pay now: overdue invoices less payments not yet allocated."""
	return max(ZERO, Decimal(overdue) - Decimal(unallocated))


def owes_nothing_due(overdue: Decimal, unallocated: Decimal) -> bool:
	return amount_due(overdue, unallocated) <= ZERO


def is_overdue(due_date: datetime.date | None, day: datetime.date) -> bool:
	"""An invoice is overdue from the day after its due date."""
	return bool(due_date) and due_date < day


# ---------------------------------------------------------------------------------------
# Arrangements


def arrangement_outcome(
	amount: Decimal,
	paid_since_agreed: Decimal,
	due_now: Decimal,
	cutoff: datetime.date | None,
	day: datetime.date,
) -> str | None:
	"""KEPT, MISSED or None (still running) for an arrangement in force on ``day``."""
	if Decimal(paid_since_agreed) >= Decimal(amount) or Decimal(due_now) <= ZERO:
		return KEPT
	if cutoff and day > cutoff:
		return MISSED
	return None


def arrangement_reminder_due(
	cutoff: datetime.date | None, day: datetime.date, days_before: int | None, reminded: bool
) -> bool:
	"""Whether the arrangement's reminder goes today: from ``days_before`` the cut-off until
	the cut-off itself (a run that missed its day still sends it), once."""
	if reminded or not days_before or not cutoff:
		return False
	return cutoff - datetime.timedelta(days=days_before) <= day <= cutoff


def enforced(cutoff: datetime.date | None, collections_from: datetime.date | None) -> bool:
	"""Whether collections enforce this cut-off: not when it lies before collections began."""
	return bool(cutoff) and not (collections_from and cutoff < collections_from)


# ---------------------------------------------------------------------------------------
# The dunning ladder


def ladder_start(
	due_date: datetime.date,
	kept_through: datetime.date | None = None,
	collections_from: datetime.date | None = None,
) -> datetime.date:
	"""The day the ladder counts from: the oldest overdue invoice's due date, unless a kept
	arrangement or the start of collections comes later."""
	return max(d for d in (due_date, kept_through, collections_from) if d)


def rung_reached(ladder: Ladder, start: datetime.date, day: datetime.date) -> str | None:
	"""The highest rung whose day has come."""
	reached = None
	for rung, days in ladder.steps():
		if start + datetime.timedelta(days=days) <= day:
			reached = rung
	return reached


def dunning_step(
	ladder: Ladder, start: datetime.date, day: datetime.date, given: Mapping[str, datetime.date]
) -> str | None:
	"""The one rung to take today (``given``: the rungs already taken for this debt, with
	their day), or None."""
	top = rung_reached(ladder, start, day)
	if top is None or top in given:
		return None
	if top == SUSPENSION and ladder.notice:
		noticed = given.get(SUSPENSION_NOTICE)
		if noticed is None:
			return SUSPENSION_NOTICE
		if (day - noticed).days < (ladder.suspension or 0) - ladder.notice:
			return None  # the notice period is not over
	return top


# ---------------------------------------------------------------------------------------
# A customer's day


@dataclass(frozen=True)
class Arrangement:
	name: str
	amount: Decimal
	paid_since_agreed: Decimal
	cutoff: datetime.date | None
	reminded: bool = False
	# In force (Open, Pending), or Missed with its suspension still open: paying it then keeps
	# it and lifts that suspension.
	status: str = OPEN


@dataclass(frozen=True)
class CustomerState:
	"""What the run knows of a customer on the day (read from the ledger and the records)."""

	overdue: Decimal = ZERO
	unallocated: Decimal = ZERO
	arrangements: tuple[Arrangement, ...] = ()
	oldest_overdue: tuple[str, datetime.date] | None = None  # (invoice, due date)
	given: Mapping[str, datetime.date] = field(default_factory=dict)  # rungs taken for it
	suspended: bool = False  # an automatic suspension is open
	paused: bool = False  # collections paused the ladder for this customer
	kept_through: datetime.date | None = None  # the cut-off of the last kept arrangement


# Actions, in the order they are taken within the customer's one transaction.
KEEP, MISS, REMIND, DUN, RESTORE = "keep", "miss", "remind", "dun", "restore"


def plan(
	state: CustomerState,
	day: datetime.date,
	ladder: Ladder,
	reminder_days: int | None,
	collections_from: datetime.date | None = None,
) -> list[tuple[str, str | None, str | None]]:
	"""The customer's actions on ``day``: (action, arrangement or invoice, rung).

	KEEP an arrangement fulfilled (and lift the suspension its miss caused); MISS one whose
	cut-off passed unpaid (and suspend); REMIND before a cut-off; RESTORE every automatic
	suspension once nothing is due; DUN: the ladder's rung for the oldest overdue invoice, when
	no arrangement is in force, the customer is not suspended and collections did not pause it.
	"""
	actions: list[tuple[str, str | None, str | None]] = []
	due_now = amount_due(state.overdue, state.unallocated)
	running = False
	kept_through = state.kept_through
	suspends = False
	for arrangement in state.arrangements:
		outcome = arrangement_outcome(
			arrangement.amount, arrangement.paid_since_agreed, due_now, arrangement.cutoff, day
		)
		if outcome == KEPT:
			actions.append((KEEP, arrangement.name, None))
			kept_through = day
		elif arrangement.status not in IN_FORCE:
			continue  # missed already: only paying it changes something
		elif outcome == MISSED and enforced(arrangement.cutoff, collections_from):
			actions.append((MISS, arrangement.name, None))
			suspends = True
		else:
			running = True
			if arrangement_reminder_due(arrangement.cutoff, day, reminder_days, arrangement.reminded):
				actions.append((REMIND, arrangement.name, None))
	if state.suspended and due_now <= ZERO:
		actions.append((RESTORE, None, None))
		return actions
	if running or suspends or state.suspended or state.paused or due_now <= ZERO:
		return actions
	if state.oldest_overdue:
		invoice, due_date = state.oldest_overdue
		start = ladder_start(due_date, kept_through, collections_from)
		rung = dunning_step(ladder, start, day, state.given)
		if rung:
			actions.append((DUN, invoice, rung))
	return actions
