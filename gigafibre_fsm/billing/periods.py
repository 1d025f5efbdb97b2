"""What a customer's monthly invoice bills, by subscription and by day. Pure Python.

Service is billed by calendar month, in advance, on the 1st (API.md). Each subscription
remembers the last day it was billed for (``billed_through``); an invoice for the month that
starts on ``first``:

1. settles the months before: a subscription that started after it was last billed (a
   service added after the installation invoice) is charged from its start; one cancelled
   before the end of what it was billed for is credited the unused days; a plan change is
   both — the old plan credited, the new one charged, so the difference. Days suspended for
   non-payment are service days: nothing is credited for them;
2. bills the month ahead for every monthly subscription in service on the 1st, and the year
   ahead for an annual one in the month of its anniversary; one-time items never recur.

Days are counted in each calendar month: an amount for part of a month is the monthly rate ×
days ÷ days in that month, rounded half up to the cent, as the installation invoice does.
Every line says which subscription and which days it is for (the invoice words it in the
customer's language), and the day the subscription is billed through once this invoice is
posted.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from gigafibre_fsm.billing.taxes import ZERO, to_cents

MONTHLY, ANNUAL, ONCE = "Monthly", "Annual", "Once"
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Subscription:
	name: str
	sku: str
	description: str
	rate: Decimal  # a month's (or a year's) price; negative for a discount
	interval: str
	start: datetime.date | None
	end: datetime.date | None = None  # the last day of service, when cancelled
	billed_through: datetime.date | None = None


@dataclass(frozen=True)
class Line:
	subscription: str
	sku: str
	description: str
	amount: Decimal
	start: datetime.date
	end: datetime.date
	billed_through: datetime.date
	kind: str  # "period", "started", "credit"


def first_of(day: datetime.date) -> datetime.date:
	return day.replace(day=1)


def last_of(day: datetime.date) -> datetime.date:
	return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: datetime.date, months: int) -> datetime.date:
	month = day.month - 1 + months
	year = day.year + month // 12
	month = month % 12 + 1
	return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def share(rate: Decimal, start: datetime.date, end: datetime.date) -> Decimal:
	"""The monthly ``rate`` for the days from ``start`` to ``end`` (inclusive), month by month."""
	total = ZERO
	day = start
	while day <= end:
		month_end = min(last_of(day), end)
		days = (month_end - day).days + 1
		in_month = calendar.monthrange(day.year, day.month)[1]
		total += rate if days == in_month else to_cents(rate * days / in_month)
		day = month_end + ONE_DAY
	return to_cents(total)


def invoice_lines(subscriptions: list[Subscription], first: datetime.date) -> list[Line]:
	"""The lines of the invoice dated ``first`` (the 1st of a month)."""
	if first.day != 1:
		raise ValueError(f"{first}: an invoice for a month is dated the 1st")
	last = last_of(first)
	lines: list[Line] = []
	for sub in subscriptions:
		if sub.interval == ONCE or sub.start is None:
			continue
		if sub.interval == ANNUAL:
			lines += _annual(sub, first, last)
			continue
		through = sub.billed_through
		# 1. Settle what happened before this month.
		if sub.end and through and sub.end < through:
			credit_from = max(sub.end + ONE_DAY, sub.start)
			amount = share(sub.rate, credit_from, through)
			if amount:
				lines.append(
					Line(
						sub.name,
						sub.sku,
						sub.description,
						-amount,
						credit_from,
						through,
						sub.end,
						"credit",
					)
				)
			through = sub.end
		owed_from = max(sub.start, through + ONE_DAY) if through else sub.start
		owed_to = min(first - ONE_DAY, sub.end) if sub.end else first - ONE_DAY
		if owed_from <= owed_to:
			amount = share(sub.rate, owed_from, owed_to)
			lines.append(
				Line(
					sub.name,
					sub.sku,
					sub.description,
					amount,
					owed_from,
					owed_to,
					owed_to,
					"started",
				)
			)
			through = owed_to
		# 2. The month ahead, for a subscription in service on the 1st.
		in_service = sub.start <= first and (sub.end is None or sub.end >= first)
		if in_service and (through is None or through < last):
			start = max(first, through + ONE_DAY) if through else first
			amount = sub.rate if start == first else share(sub.rate, start, last)
			lines.append(Line(sub.name, sub.sku, sub.description, amount, start, last, last, "period"))
	return lines


def _annual(sub: Subscription, first: datetime.date, last: datetime.date) -> list[Line]:
	"""An annual subscription is billed for the year in the month of its anniversary."""
	if sub.start > last or (sub.end and sub.end < first) or sub.start.month != first.month:
		return []
	if sub.billed_through and sub.billed_through >= first:
		return []
	year_end = add_months(first, 12) - ONE_DAY
	return [
		Line(
			sub.name,
			sub.sku,
			sub.description,
			sub.rate,
			first,
			year_end,
			year_end,
			"period",
		)
	]


def total(lines: list[Line]) -> Decimal:
	return sum((line.amount for line in lines), ZERO)
