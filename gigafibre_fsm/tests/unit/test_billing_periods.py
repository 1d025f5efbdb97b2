"""The monthly invoice's lines, computed by hand (billing/periods.py)."""

import datetime
from decimal import Decimal as D

import pytest

from gigafibre_fsm.billing.periods import Subscription, invoice_lines, share, total

AUG = datetime.date(2026, 8, 1)


def sub(name, rate, start, end=None, through=None, interval="Monthly", sku=None):
	return Subscription(name, sku or name, name, D(rate), interval, start, end, through)


def test_a_month_in_advance_after_the_installation_invoice():
	lines = invoice_lines(
		[sub("internet", "99.95", datetime.date(2026, 6, 15), through=datetime.date(2026, 7, 31))], AUG
	)
	assert [(line.amount, line.start, line.end, line.kind) for line in lines] == [
		(D("99.95"), AUG, datetime.date(2026, 8, 31), "period")
	]


def test_a_service_added_after_the_installation_invoice_is_charged_from_its_start():
	# TV added 10 July, never billed: 22 days of 31 × 30.00 = 21.290… → 21.29; then August.
	lines = invoice_lines([sub("tv", "30.00", datetime.date(2026, 7, 10))], AUG)
	assert [(line.amount, line.kind) for line in lines] == [(D("21.29"), "started"), (D("30.00"), "period")]
	assert lines[-1].billed_through == datetime.date(2026, 8, 31)


def test_a_cancellation_credits_the_unused_days():
	# Phone cancelled 20 July, billed through 31 July: 11 days of 31 × 28.95 = 10.272… → 10.27.
	lines = invoice_lines(
		[
			sub(
				"phone",
				"28.95",
				datetime.date(2026, 1, 5),
				end=datetime.date(2026, 7, 20),
				through=datetime.date(2026, 7, 31),
			)
		],
		AUG,
	)
	assert [(line.amount, line.kind, line.start, line.end) for line in lines] == [
		(D("-10.27"), "credit", datetime.date(2026, 7, 21), datetime.date(2026, 7, 31))
	]


def test_a_plan_change_charges_the_difference():
	# 150 Mb/s (99.95) to 15 July, 1.5 Gb/s (109.95) from 16 July: −16/31 × 99.95 = −51.59,
	# +16/31 × 109.95 = 56.75 (difference 5.16), then August at 109.95.
	lines = invoice_lines(
		[
			sub(
				"old",
				"99.95",
				datetime.date(2026, 1, 1),
				end=datetime.date(2026, 7, 15),
				through=datetime.date(2026, 7, 31),
			),
			sub("new", "109.95", datetime.date(2026, 7, 16)),
		],
		AUG,
	)
	assert [line.amount for line in lines] == [D("-51.59"), D("56.75"), D("109.95")]
	assert total(lines) == D("115.11")


def test_discounts_are_negative_lines_like_any_subscription():
	lines = invoice_lines(
		[sub("rab2x", "-5.00", datetime.date(2026, 5, 1), through=datetime.date(2026, 7, 31))], AUG
	)
	assert [line.amount for line in lines] == [D("-5.00")]


def test_annual_in_its_anniversary_month_only_and_once_never():
	annual = sub(
		"domain", "24.99", datetime.date(2025, 8, 12), through=datetime.date(2026, 7, 31), interval="Annual"
	)
	once = sub("install", "69.95", datetime.date(2026, 7, 1), interval="Once")
	assert [(line.amount, line.end) for line in invoice_lines([annual, once], AUG)] == [
		(D("24.99"), datetime.date(2027, 7, 31))
	]
	assert invoice_lines([annual], datetime.date(2026, 9, 1)) == []


def test_billed_through_the_month_bills_nothing_again():
	lines = invoice_lines(
		[sub("internet", "99.95", datetime.date(2026, 6, 15), through=datetime.date(2026, 8, 31))], AUG
	)
	assert lines == []


def test_share_is_month_by_month():
	# 15 July to 10 August of 31.00: 17/31 × 31 = 17.00 and 10/31 × 31 = 10.00.
	assert share(D("31.00"), datetime.date(2026, 7, 15), datetime.date(2026, 8, 10)) == D("27.00")


def test_an_invoice_is_dated_the_first():
	with pytest.raises(ValueError):
		invoice_lines([], datetime.date(2026, 8, 2))
