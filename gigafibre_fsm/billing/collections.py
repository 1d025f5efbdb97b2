"""Collections: what is owed, and what follows — reminders, suspensions and restorations.

``bench --site SITE run-collections [--date YYYY-MM-DD]`` and the scheduler's daily job call
:func:`run`. It reads ERPNext's ledger for every customer at once (Sales Invoice outstanding
amounts and due dates, Payment Entry unallocated amounts, payments since each arrangement was
agreed from the Payment Ledger), the arrangements in force, the notices given and the open
suspensions; billing/collection_rules.py says what each customer's day brings; then, for each
customer with something to do, in its own transaction with the customer's row locked and its
state read again under the lock:

- an arrangement paid (its amount since it was agreed, or nothing due any more) becomes Kept
  and the suspension its miss caused is lifted; one whose cut-off passed unpaid becomes Missed
  and the customer is suspended (billing/suspension.py); a reminder goes before the cut-off;
- overdue invoices of a customer with no arrangement in force climb the dunning ladder of
  Gigafibre Settings, unless collections paused it for that customer (``collections_paused``);
- a customer suspended automatically who owes nothing due any more is restored.

Each customer commits or rolls back whole: a run killed half-way leaves no customer
half-suspended, and a second run the same day finds everything done (notices are named by what
they are about, an arrangement no longer in force is not missed twice, a customer suspended is
not suspended again). Messages and the OLT are handled after each commit, by jobs.

A submitted Payment Entry (the desk, a Stripe charge, the payment link, a cleared bank debit)
settles its customer at once (:func:`on_payment_submitted`): kept arrangements and restorations
only — the ladder and the cut-offs wait for the daily run.
"""

import datetime
import time
from collections import defaultdict
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import getdate

from gigafibre_fsm.billing import collection_rules as rules
from gigafibre_fsm.billing import notices, suspension

ARRANGEMENT = "Payment Arrangement"
SETTING_DEFAULTS = {
	"arrangement_reminder_days": 2,
	"dunning_reminder_days": 5,
	"dunning_second_reminder_days": 15,
	"dunning_notice_days": 25,
	"dunning_suspension_days": 35,
}
JOB = "gigafibre_fsm.billing.collections.scheduled_run"
# Actions that only send a message (a ladder rung other than the suspension).
NOTICES_ONLY = (rules.REMIND, rules.DUN)
CENT = Decimal("0.01")


def today() -> datetime.date:
	return getdate(frappe.flags.current_date or None)


def _setting(settings, fieldname: str):
	value = settings.get(fieldname)
	return SETTING_DEFAULTS[fieldname] if value is None else value


def ladder_from(settings) -> rules.Ladder:
	return rules.Ladder(
		reminder=_setting(settings, "dunning_reminder_days"),
		second_reminder=_setting(settings, "dunning_second_reminder_days"),
		notice=_setting(settings, "dunning_notice_days"),
		suspension=_setting(settings, "dunning_suspension_days"),
	)


def _money(value) -> Decimal:
	return Decimal(str(value or 0)).quantize(CENT)


# ---------------------------------------------------------------------------------------
# What the ledger and the records say


def load_states(day: datetime.date, customers: list[str] | None = None) -> dict[str, tuple]:
	"""Each customer's CustomerState and the facts its messages need, for every customer that may
	have something to do (or only ``customers``)."""
	only = " and {col} in %(customers)s" if customers else ""
	params = {"day": day, "customers": tuple(customers or ()) or ("",)}

	invoices = defaultdict(list)
	for row in frappe.db.sql(
		f"""select customer, name, due_date, outstanding_amount from `tabSales Invoice`
		where docstatus = 1 and outstanding_amount != 0 {only.format(col="customer")}
		order by due_date, name""",
		params,
		as_dict=True,
	):
		invoices[row.customer].append(row)
	unallocated = _unallocated(customers)

	arrangements = defaultdict(list)
	rows = frappe.db.sql(
		f"""select a.name, a.customer, a.amount, a.agreed_date, a.due_date, a.cutoff_date, a.status,
			date(a.creation) as created
		from `tabPayment Arrangement` a
		where a.status in %(in_force)s {only.format(col="a.customer")}
		union all
		select a.name, a.customer, a.amount, a.agreed_date, a.due_date, a.cutoff_date, a.status,
			date(a.creation)
		from `tabPayment Arrangement` a
		where a.status = %(missed)s {only.format(col="a.customer")} and exists (
			select 1 from `tabSuspension Log` s
			where s.payment_arrangement = a.name and s.to_date is null)""",
		{**params, "in_force": rules.IN_FORCE, "missed": rules.MISSED},
		as_dict=True,
	)
	paid = _paid_since_agreed(rows, day)
	reminded = _given([r.name for r in rows], (rules.ARRANGEMENT_REMINDER,))
	for row in rows:
		arrangements[row.customer].append(row)

	suspended = set(
		frappe.db.sql_list(
			f"""select distinct customer from `tabSuspension Log`
			where to_date is null and suspension_type in %(automatic)s {only.format(col="customer")}""",
			{**params, "automatic": suspension.AUTOMATIC},
		)
	)
	candidates = set(arrangements) | suspended
	overdue_of: dict[str, tuple] = {}
	for customer, rows_ in invoices.items():
		overdue = sum(
			(
				_money(r.outstanding_amount)
				for r in rows_
				if r.outstanding_amount > 0 and rules.is_overdue(r.due_date, day)
			),
			Decimal(0),
		)
		credit = -sum((_money(r.outstanding_amount) for r in rows_ if r.outstanding_amount < 0), Decimal(0))
		oldest = next(
			(r for r in rows_ if r.outstanding_amount > 0 and rules.is_overdue(r.due_date, day)), None
		)
		overdue_of[customer] = (overdue, credit, oldest)
		if overdue > 0:
			candidates.add(customer)
	oldest_invoices = [v[2].name for v in overdue_of.values() if v[2]]
	given = _given(oldest_invoices, rules.RUNGS[:-1], with_dates=True)
	for invoice, from_date in frappe.db.sql(
		"""select sales_invoice, min(from_date) from `tabSuspension Log`
		where sales_invoice in %(invoices)s group by sales_invoice""",
		{"invoices": tuple(oldest_invoices) or ("",)},
	):
		given[invoice][rules.SUSPENSION] = from_date
	paused = set(
		frappe.db.sql_list(
			f"""select name from `tabCustomer` where collections_paused = 1 {only.format(col="name")}""",
			params,
		)
	)
	kept = dict(
		frappe.db.sql(
			"""select customer, max(outcome_date) from `tabPayment Arrangement`
			where status = %(kept)s and customer in %(candidates)s group by customer""",
			{"kept": rules.KEPT, "candidates": tuple(candidates) or ("",)},
		)
	)

	states = {}
	for customer in candidates:
		overdue, credit, oldest = overdue_of.get(customer, (Decimal(0), Decimal(0), None))
		on_account = unallocated.get(customer, Decimal(0)) + credit
		state = rules.CustomerState(
			overdue=overdue,
			unallocated=on_account,
			arrangements=tuple(
				rules.Arrangement(
					name=a.name,
					amount=_money(a.amount),
					paid_since_agreed=paid.get(a.name, Decimal(0)),
					cutoff=a.cutoff_date,
					reminded=a.name in reminded,
					status=a.status,
				)
				for a in sorted(
					arrangements.get(customer, []), key=lambda a: (a.cutoff_date or datetime.date.max, a.name)
				)
			),
			oldest_overdue=(oldest.name, oldest.due_date) if oldest else None,
			given=dict(given.get(oldest.name, {})) if oldest else {},
			suspended=customer in suspended,
			paused=customer in paused,
			kept_through=kept.get(customer),
		)
		facts = {
			"amount": float(rules.amount_due(overdue, on_account)),
			"invoice": oldest.name if oldest else None,
			"due_date": oldest.due_date if oldest else None,
			"arrangements": {a.name: a for a in arrangements.get(customer, [])},
		}
		states[customer] = (state, facts)
	return states


def _unallocated(customers: list[str] | None) -> dict[str, Decimal]:
	"""Payments the ledger holds on account (Payment Entry's unallocated amount), per customer."""
	if customers:
		# Payment Entry has no index on its party: its vouchers are found through the Payment Ledger.
		names = frappe.db.sql_list(
			"""select distinct voucher_no from `tabPayment Ledger Entry`
			where party_type = 'Customer' and party in %(customers)s and voucher_type = 'Payment Entry'
				and delinked = 0""",
			{"customers": tuple(customers)},
		)
		if not names:
			return {}
		condition, params = "name in %(names)s", {"names": tuple(names)}
	else:
		condition, params = "1 = 1", {}
	rows = frappe.db.sql(
		f"""select party, sum(unallocated_amount) from `tabPayment Entry`
		where {condition} and docstatus = 1 and party_type = 'Customer' and payment_type = 'Receive'
			and unallocated_amount > 0
		group by party""",
		params,
	)
	return {party: _money(amount) for party, amount in rows}


def _paid_since_agreed(arrangements: list, day: datetime.date) -> dict[str, Decimal]:
	"""What each customer paid from the day its arrangement was agreed to ``day`` (Payment
	Ledger: a receipt is a credit to the receivable, a refund a debit)."""
	if not arrangements:
		return {}
	rows = frappe.db.sql(
		"""select a.name, -sum(p.amount) from `tabPayment Arrangement` a
		join `tabPayment Ledger Entry` p on p.party = a.customer and p.party_type = 'Customer'
			and p.voucher_type = 'Payment Entry' and p.delinked = 0
			and p.posting_date >= ifnull(a.agreed_date, date(a.creation)) and p.posting_date <= %(day)s
		where a.name in %(names)s
		group by a.name""",
		{"names": tuple(a.name for a in arrangements), "day": day},
	)
	return {name: _money(amount) for name, amount in rows}


def _given(references: list[str], kinds: tuple[str, ...], with_dates: bool = False):
	"""The notices of these kinds recorded for these records: a set of records, or with the
	first day of each kind per record."""
	rows = frappe.db.sql(
		"""select reference_name, kind, min(notice_date) from `tabCollection Notice`
		where reference_name in %(references)s and kind in %(kinds)s
		group by reference_name, kind""",
		{"references": tuple(references) or ("",), "kinds": kinds},
	)
	if not with_dates:
		return {reference for reference, _kind, _day in rows}
	out: dict[str, dict] = defaultdict(dict)
	for reference, kind, day in rows:
		out[reference][kind] = day
	return out


# ---------------------------------------------------------------------------------------
# The run


def settings_for_run() -> tuple[rules.Ladder, int, datetime.date | None]:
	settings = frappe.get_cached_doc("Gigafibre Settings")
	return (
		ladder_from(settings),
		_setting(settings, "arrangement_reminder_days"),
		getdate(settings.collections_from) if settings.get("collections_from") else None,
	)


def run(day: datetime.date | None = None, progress=None, customers: list[str] | None = None) -> dict:
	"""Collections for ``day`` (default today); returns the run's summary."""
	day = getdate(day or today())
	started = time.monotonic()
	ladder, reminder_days, collections_from = settings_for_run()
	summary = {
		"date": str(day),
		"customers": 0,
		"kept": 0,
		"missed": 0,
		"reminders": 0,
		"notices": 0,
		"suspended": 0,
		"restored": 0,
		"failed": [],
		"retried_notices": notices.retry_queued(),
		"retried_network": suspension.retry_network(),
	}
	frappe.db.commit()  # nosemgrep: nothing written; ends the reads' snapshot before the customers
	states = load_states(day, customers)
	todo = []
	for customer, (state, facts) in sorted(states.items()):
		actions = rules.plan(state, day, ladder, reminder_days, collections_from)
		if actions:
			todo.append((customer, (state, facts, actions)))
	summary["customers"] = len(states)
	for index, (customer, known) in enumerate(todo, 1):
		try:
			done = settle(customer, day, ladder, reminder_days, collections_from, known=known)
			frappe.db.commit()  # nosemgrep: one customer, whole or not at all
		except Exception as error:
			frappe.db.rollback()
			reason = f"{type(error).__name__}: {frappe.utils.strip_html(str(error))}"[:500]
			frappe.clear_messages()
			frappe.log_error(title=f"Collections: {customer} failed", message=frappe.get_traceback())
			frappe.db.commit()  # nosemgrep: the Error Log
			summary["failed"].append((customer, reason))
			done = []
		for action, _name, rung in done:
			key = {
				rules.KEEP: "kept",
				rules.MISS: "missed",
				rules.REMIND: "reminders",
				rules.RESTORE: "restored",
			}.get(action)
			if action == rules.DUN:
				key = "suspended" if rung == rules.SUSPENSION else "notices"
			summary[key] += 1
			if action == rules.MISS:
				summary["suspended"] += 1
		if progress:
			progress(index, len(todo))
	summary["seconds"] = round(time.monotonic() - started, 2)
	return summary


def settle(
	customer: str,
	day: datetime.date,
	ladder: rules.Ladder,
	reminder_days: int,
	collections_from: datetime.date | None,
	payment_entry: str | None = None,
	only: tuple[str, ...] | None = None,
	known: tuple | None = None,
) -> list[tuple]:
	"""The customer's actions for the day, in the caller's transaction: the customer's row is
	locked first and the state read again under the lock, so what another run or a payment did
	meanwhile is seen — unless ``known`` (the run's state, facts and plan for the customer) holds
	only messages. ``only``: the kinds of action to take (a payment takes KEEP and RESTORE)."""
	suspension.lock_customer(customer)
	if known and all(action in NOTICES_ONLY and rung != rules.SUSPENSION for action, _n, rung in known[2]):
		# Only messages: their names keep them single, a state read a moment ago will do.
		state, facts, actions = known
	else:
		state, facts = load_states(day, [customer]).get(customer, (None, None))
		if state is None:
			return []
		actions = rules.plan(state, day, ladder, reminder_days, collections_from)
	if only is not None:
		actions = [a for a in actions if a[0] in only]
	for action, name, rung in actions:
		if action == rules.KEEP:
			keep(name, day, payment_entry)
		elif action == rules.MISS:
			miss(customer, name, day, facts)
		elif action == rules.REMIND:
			arrangement = facts["arrangements"][name]
			notices.queue(
				customer,
				rules.ARRANGEMENT_REMINDER,
				ARRANGEMENT,
				name,
				day,
				{
					"amount": float(arrangement.amount),
					"pay_by": arrangement.due_date,
					"cutoff": arrangement.cutoff_date,
				},
			)
		elif action == rules.RESTORE:
			for log in suspension.open_logs(customer, suspension.AUTOMATIC):
				suspension.restore(log.name, _("Nothing is due any more"), day, payment_entry=payment_entry)
		elif action == rules.DUN:
			dun(customer, name, rung, day, ladder, facts)
	return actions


def keep(arrangement: str, day: datetime.date, payment_entry: str | None = None) -> None:
	"""The arrangement is paid: Kept, and the suspension its miss caused lifted."""
	_set_outcome(arrangement, rules.KEPT, day)
	for log in frappe.get_all(
		suspension.LOG,
		filters={"payment_arrangement": arrangement, "to_date": ("is", "not set")},
		pluck="name",
	):
		suspension.restore(
			log, _("Payment arrangement {0} kept").format(arrangement), day, payment_entry=payment_entry
		)


def miss(customer: str, arrangement: str, day: datetime.date, facts: dict) -> str:
	"""The cut-off passed unpaid: Missed, and the customer suspended."""
	cutoff = frappe.db.get_value(ARRANGEMENT, arrangement, "cutoff_date")
	_set_outcome(arrangement, rules.MISSED, day)
	return suspension.suspend(
		customer,
		_("Payment arrangement {0} missed: its cut-off ({1}) passed unpaid").format(arrangement, cutoff),
		suspension.MISSED_ARRANGEMENT,
		day,
		arrangement=arrangement,
		facts={"amount": facts["amount"]},
	)


def dun(
	customer: str, invoice: str, rung: str, day: datetime.date, ladder: rules.Ladder, facts: dict
) -> None:
	if rung == rules.SUSPENSION:
		suspension.suspend(
			customer,
			_("Invoice {0} overdue since {1}").format(invoice, facts["due_date"]),
			suspension.OVERDUE_INVOICES,
			day,
			invoice=invoice,
			facts={"amount": facts["amount"]},
		)
		return
	message_facts = {"amount": facts["amount"], "invoice": invoice, "due_date": facts["due_date"]}
	if rung == rules.SUSPENSION_NOTICE:
		message_facts["suspension_date"] = day + datetime.timedelta(
			days=(ladder.suspension or 0) - (ladder.notice or 0)
		)
	notices.queue(customer, rung, "Sales Invoice", invoice, day, message_facts)


def _set_outcome(arrangement: str, status: str, day: datetime.date) -> None:
	"""Kept or Missed, with the day: the move the status flow allows, written as a set value (a
	first run over an imported book keeps hundreds of arrangements; nothing else changes on them)."""
	from gigafibre_fsm.exceptions import StatusTransitionError
	from gigafibre_fsm.status_flow import ALLOWED, FLOWS

	current = frappe.db.sql(
		"select status from `tabPayment Arrangement` where name = %s for update", arrangement
	)[0][0]
	if FLOWS[ARRANGEMENT].check(current, status, "collections") != ALLOWED:
		frappe.throw(
			_("{0} cannot move from {1} to {2}").format(arrangement, _(current), _(status)),
			StatusTransitionError,
		)
	frappe.db.set_value(ARRANGEMENT, arrangement, {"status": status, "outcome_date": day})


def scheduled_run() -> None:
	"""The scheduler's daily job (long queue)."""
	run(today())


# ---------------------------------------------------------------------------------------
# A payment


def on_payment_submitted(doc, method=None) -> None:
	"""doc_events: a customer's payment may keep an arrangement and restore the service, at once.

	In the payment's transaction (a restoration commits with the payment that caused it), under
	a savepoint: a collections failure never refuses a payment — it is logged, and the daily run
	restores the customer instead."""
	if doc.party_type != "Customer" or doc.payment_type != "Receive" or not doc.party:
		return
	day = today()
	ladder, reminder_days, collections_from = settings_for_run()
	savepoint = "gigafibre_collections_payment"
	frappe.db.savepoint(savepoint)
	try:
		settle(
			doc.party,
			day,
			ladder,
			reminder_days,
			collections_from,
			payment_entry=doc.name,
			only=(rules.KEEP, rules.RESTORE),
		)
	except Exception:
		frappe.db.rollback(save_point=savepoint)
		frappe.log_error(title=f"Collections after payment {doc.name}", message=frappe.get_traceback())


# ---------------------------------------------------------------------------------------
# "What does X owe?"


def auto_pay(customer: str) -> str | None:
	"""How the customer pays without acting: the one rule of billing/delivery.py."""
	from gigafibre_fsm.billing import delivery

	return delivery.auto_pay(customer)


def balance(customer: str | None, day: datetime.date | None = None) -> dict:
	"""API.md's answer for ``api.desk.balance``, read from ERPNext's ledger."""
	from gigafibre_fsm.exceptions import refuse

	if not customer or not frappe.db.exists("Customer", customer):
		refuse("customer", _("Customer {0} not found").format(customer or ""), frappe.DoesNotExistError)
	day = getdate(day or today())
	invoices = frappe.get_all(
		"Sales Invoice",
		filters={"customer": customer, "docstatus": 1, "outstanding_amount": ("!=", 0)},
		fields=["name", "due_date", "outstanding_amount"],
		order_by="due_date, name",
	)
	outstanding = sum((_money(i.outstanding_amount) for i in invoices), Decimal(0))
	overdue = sum(
		(
			_money(i.outstanding_amount)
			for i in invoices
			if i.outstanding_amount > 0 and rules.is_overdue(getdate(i.due_date) if i.due_date else None, day)
		),
		Decimal(0),
	)
	arrangement = frappe.get_all(
		ARRANGEMENT,
		filters={"customer": customer, "status": ("in", rules.IN_FORCE)},
		fields=["name", "amount", "due_date", "cutoff_date"],
		order_by="cutoff_date is null, cutoff_date, name",
		limit=1,
	)
	return {
		"customer": customer,
		"outstanding": float(outstanding),
		"overdue": float(overdue),
		"invoices": [
			{
				"invoice": i.name,
				"due_date": str(i.due_date) if i.due_date else None,
				"outstanding": float(_money(i.outstanding_amount)),
			}
			for i in invoices
		],
		"unallocated_payments": float(_unallocated([customer]).get(customer, Decimal(0))),
		"arrangement": {
			"name": arrangement[0].name,
			"amount": float(_money(arrangement[0].amount)),
			"pay_by": str(arrangement[0].due_date) if arrangement[0].due_date else None,
			"cutoff": str(arrangement[0].cutoff_date) if arrangement[0].cutoff_date else None,
		}
		if arrangement
		else None,
		"auto_pay": auto_pay(customer),
		"suspended": bool(frappe.db.get_value("Customer", customer, "is_suspended")),
	}


# ---------------------------------------------------------------------------------------
# Staff, from the Customer


def suspend_by_hand(customer: str, reason: str, notify: bool = True) -> dict:
	from gigafibre_fsm.exceptions import refuse

	if not (reason or "").strip():
		refuse("reason", _("Say why the customer is suspended"), frappe.MandatoryError)
	if not customer or not frappe.db.exists("Customer", customer):
		refuse("customer", _("Customer {0} not found").format(customer or ""), frappe.DoesNotExistError)
	log = suspension.suspend(
		customer, reason, suspension.MANUAL, today(), user=frappe.session.user, notify=notify
	)
	return {"suspension": log, "suspended": True}


def restore_by_hand(customer: str, reason: str, notify: bool = True) -> dict:
	from gigafibre_fsm.exceptions import refuse

	if not (reason or "").strip():
		refuse("reason", _("Say why the customer is restored"), frappe.MandatoryError)
	if not customer or not frappe.db.exists("Customer", customer):
		refuse("customer", _("Customer {0} not found").format(customer or ""), frappe.DoesNotExistError)
	done = suspension.restore_customer(customer, reason, today(), user=frappe.session.user, notify=notify)
	return {**done, "suspended": False}
