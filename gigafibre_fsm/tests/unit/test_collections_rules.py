"""Collections' rules at chosen dates: which rung of the ladder applies, when a reminder is due,
when an arrangement is kept or missed, what a customer's day brings."""

import datetime
from decimal import Decimal

import pytest

from gigafibre_fsm.billing import collection_rules as rules
from gigafibre_fsm.billing.collection_rules import (
	DUN,
	KEEP,
	MISS,
	REMIND,
	RESTORE,
	Arrangement,
	CustomerState,
	Ladder,
)

D = datetime.date
DUE = D(2027, 1, 16)
LADDER = Ladder(reminder=5, second_reminder=15, notice=25, suspension=35)


def on(days: int) -> datetime.date:
	return DUE + datetime.timedelta(days=days)


@pytest.mark.parametrize(
	"days, rung",
	[
		(0, None),  # due today: not overdue yet
		(4, None),
		(5, rules.REMINDER),
		(14, rules.REMINDER),
		(15, rules.SECOND_REMINDER),
		(25, rules.SUSPENSION_NOTICE),
		(34, rules.SUSPENSION_NOTICE),
		(35, rules.SUSPENSION),
		(400, rules.SUSPENSION),
	],
)
def test_the_rung_reached_on_a_day(days, rung):
	assert rules.rung_reached(LADDER, DUE, on(days)) == rung


def test_each_rung_once_and_a_missed_day_takes_only_the_highest():
	assert rules.dunning_step(LADDER, DUE, on(5), {}) == rules.REMINDER
	assert rules.dunning_step(LADDER, DUE, on(6), {rules.REMINDER: on(5)}) is None
	# The run did not run between day 5 and day 20: one second reminder, not two messages.
	assert rules.dunning_step(LADDER, DUE, on(20), {}) == rules.SECOND_REMINDER


def test_never_suspended_without_the_notice_and_its_period():
	# Day 40, nothing given (e.g. the ladder was switched on late): the notice first.
	assert rules.dunning_step(LADDER, DUE, on(40), {}) == rules.SUSPENSION_NOTICE
	noticed = {rules.SUSPENSION_NOTICE: on(40)}
	assert rules.dunning_step(LADDER, DUE, on(49), noticed) is None  # 10 days' notice not over
	assert rules.dunning_step(LADDER, DUE, on(50), noticed) == rules.SUSPENSION
	# On time: notice on day 25, suspension on day 35.
	assert rules.dunning_step(LADDER, DUE, on(35), {rules.SUSPENSION_NOTICE: on(25)}) == rules.SUSPENSION
	# Once suspended for this invoice, never again (a person may have restored it).
	assert rules.dunning_step(LADDER, DUE, on(60), {rules.SUSPENSION_NOTICE: on(25), rules.SUSPENSION: on(35)}) is None


def test_a_rung_at_zero_is_off():
	no_reminders = Ladder(reminder=0, second_reminder=0, notice=10, suspension=20)
	assert rules.rung_reached(no_reminders, DUE, on(9)) is None
	assert rules.dunning_step(no_reminders, DUE, on(10), {}) == rules.SUSPENSION_NOTICE
	no_notice = Ladder(reminder=5, second_reminder=0, notice=0, suspension=20)
	assert rules.dunning_step(no_notice, DUE, on(20), {rules.REMINDER: on(5)}) == rules.SUSPENSION
	assert Ladder(0, 0, 0, 0).steps() == ()


def test_a_ladder_must_climb():
	assert LADDER.problems() == []
	assert Ladder(5, 5, 25, 35).problems() == ["each rung comes after the one before it"]
	assert Ladder(15, 5, 25, 35).problems() == ["each rung comes after the one before it"]
	assert "days cannot be negative" in Ladder(-1, 5, 25, 35).problems()
	assert Ladder(5, 0, 25, 35).problems() == []  # a rung off does not break the order


def test_the_ladder_counts_from_a_kept_arrangement_or_the_start_of_collections():
	assert rules.ladder_start(DUE) == DUE
	assert rules.ladder_start(DUE, kept_through=on(30)) == on(30)
	assert rules.ladder_start(DUE, collections_from=D(2027, 3, 1)) == D(2027, 3, 1)
	assert rules.ladder_start(DUE, on(-3), D(2026, 1, 1)) == DUE


@pytest.mark.parametrize(
	"overdue, unallocated, due",
	[("120.00", "0", "120.00"), ("120.00", "20.00", "100.00"), ("120.00", "150.00", "0.00"), ("0", "0", "0.00")],
)
def test_amount_due_is_overdue_less_payments_on_account(overdue, unallocated, due):
	assert rules.amount_due(Decimal(overdue), Decimal(unallocated)) == Decimal(due)


def test_overdue_from_the_day_after_the_due_date():
	assert not rules.is_overdue(DUE, DUE)
	assert rules.is_overdue(DUE, on(1))
	assert not rules.is_overdue(None, on(1))


CUTOFF = D(2027, 2, 20)


@pytest.mark.parametrize(
	"paid, due_now, day, outcome",
	[
		("150.00", "200.00", D(2027, 2, 10), rules.KEPT),  # paid its amount
		("149.99", "50.00", D(2027, 2, 20), None),  # short by a cent, cut-off today: still running
		("149.99", "50.00", D(2027, 2, 21), rules.MISSED),  # the day after the cut-off
		("0", "0", D(2027, 3, 1), rules.KEPT),  # nothing due any more (paid another way)
		("200.00", "50.00", D(2027, 3, 1), rules.KEPT),  # paid late: kept (and the suspension lifted)
	],
)
def test_an_arrangement_kept_or_missed(paid, due_now, day, outcome):
	assert rules.arrangement_outcome(Decimal("150.00"), Decimal(paid), Decimal(due_now), CUTOFF, day) == outcome


@pytest.mark.parametrize(
	"day, days_before, reminded, due",
	[
		(D(2027, 2, 17), 2, False, False),
		(D(2027, 2, 18), 2, False, True),
		(D(2027, 2, 20), 2, False, True),  # a run that missed its day still sends it
		(D(2027, 2, 21), 2, False, False),  # after the cut-off: too late
		(D(2027, 2, 19), 2, True, False),  # once
		(D(2027, 2, 19), 0, False, False),  # 0: no reminder
	],
)
def test_an_arrangement_reminder_is_due(day, days_before, reminded, due):
	assert rules.arrangement_reminder_due(CUTOFF, day, days_before, reminded) is due


def test_collections_do_not_enforce_a_cut_off_before_they_began():
	assert rules.enforced(CUTOFF, None)
	assert rules.enforced(CUTOFF, D(2027, 2, 20))
	assert not rules.enforced(CUTOFF, D(2027, 2, 21))
	assert not rules.enforced(None, None)


def arrangement(**kw):
	values = {"name": "PA-1", "amount": Decimal("150.00"), "paid_since_agreed": Decimal(0), "cutoff": CUTOFF}
	return Arrangement(**{**values, **kw})


OWES = {"overdue": Decimal("200.00"), "oldest_overdue": ("SINV-1", DUE)}


def test_a_missed_cut_off_suspends_and_the_ladder_waits():
	state = CustomerState(arrangements=(arrangement(),), **OWES)
	assert rules.plan(state, D(2027, 2, 21), LADDER, 2) == [(MISS, "PA-1", None)]
	# While it runs: the reminder before the cut-off, and no ladder (an arrangement is in force).
	assert rules.plan(state, D(2027, 2, 18), LADDER, 2) == [(REMIND, "PA-1", None)]
	reminded = CustomerState(arrangements=(arrangement(reminded=True),), **OWES)
	assert rules.plan(reminded, D(2027, 2, 19), LADDER, 2) == []


def test_a_kept_arrangement_does_nothing_more():
	paid = CustomerState(arrangements=(arrangement(paid_since_agreed=Decimal("150.00")),), **OWES)
	# Kept; what is still overdue restarts the ladder from today, so no rung today.
	assert rules.plan(paid, D(2027, 2, 21), LADDER, 2) == [(KEEP, "PA-1", None)]


def test_a_missed_arrangement_paid_late_is_kept_and_lifts_its_suspension():
	state = CustomerState(
		arrangements=(arrangement(status=rules.MISSED, paid_since_agreed=Decimal("150.00")),),
		suspended=True,
		**OWES,
	)
	assert rules.plan(state, D(2027, 3, 1), LADDER, 2) == [(KEEP, "PA-1", None)]
	unpaid = CustomerState(arrangements=(arrangement(status=rules.MISSED),), suspended=True, **OWES)
	assert rules.plan(unpaid, D(2027, 3, 1), LADDER, 2) == []  # not missed twice


def test_nothing_due_restores_an_automatic_suspension():
	state = CustomerState(overdue=Decimal("80.00"), unallocated=Decimal("80.00"), suspended=True)
	assert rules.plan(state, D(2027, 3, 1), LADDER, 2) == [(RESTORE, None, None)]
	assert rules.plan(CustomerState(overdue=Decimal("0.01"), suspended=True), D(2027, 3, 1), LADDER, 2) == []


def test_the_ladder_for_a_customer_without_an_arrangement_unless_paused_or_suspended():
	state = CustomerState(**OWES)
	assert rules.plan(state, on(5), LADDER, 2) == [(DUN, "SINV-1", rules.REMINDER)]
	assert rules.plan(CustomerState(paused=True, **OWES), on(5), LADDER, 2) == []
	assert rules.plan(CustomerState(suspended=True, **OWES), on(50), LADDER, 2) == []
	on_account = CustomerState(unallocated=Decimal("200.00"), **OWES)
	assert rules.plan(on_account, on(50), LADDER, 2) == []
	# History before collections began counts from their first day.
	assert rules.plan(state, on(40), LADDER, 2, collections_from=on(36)) == []
	assert rules.plan(state, on(41), LADDER, 2, collections_from=on(36)) == [(DUN, "SINV-1", rules.REMINDER)]
