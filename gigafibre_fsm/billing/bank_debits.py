"""Bank pre-authorised debits (the legacy "PPA" customers): one debit file per run.

:func:`make_batch` takes the period's submitted invoices still unpaid of the customers whose
auto-pay is a bank account (billing/delivery.py) and that no batch holds yet, and writes them
into one Bank Debit Batch with its CPA-005 file (billing/cpa005.py) attached as a private
File, for Collections to upload to the bank:

- a debit never exceeds what the customer authorised: the Payment Method's PPA Amount, for
  all of the customer's debits of the batch together (a method without an amount authorised
  each invoice's amount); what is above it stays on the invoice and is listed on the line;
- an invoice is debited once, ever: the line's invoice is a unique key of the database, so
  two runs at once cannot both put it in a file;
- an invoice that cannot be debited (bank details the file cannot carry) is listed with the
  reason, and the others go on.

What the bank answers is recorded on the batch (its form's buttons): a returned debit marks
its line Returned with the reason and leaves the invoice open (a debit cleared before is
undone); a cleared one makes the invoice's Payment Entry.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from gigafibre_fsm.billing import cpa005, delivery, periods
from gigafibre_fsm.exceptions import PaymentDetailsError, refuse
from gigafibre_fsm.setup.site import require

# Banks want the file a couple of days before the debits are taken.
DEBIT_LEAD_DAYS = 2
MODE_OF_PAYMENT = "Bank Draft"
ORIGINATOR_FIELDS = (
	"cpa_originator_id",
	"cpa_originator_short_name",
	"cpa_originator_long_name",
	"cpa_data_centre",
	"cpa_return_institution",
	"cpa_return_transit",
	"cpa_return_account",
)
CENT = Decimal("0.01")


def money(value) -> Decimal:
	return Decimal(str(value or 0)).quantize(CENT, ROUND_HALF_UP)


def split(outstanding: Decimal, allowance: Decimal | None) -> tuple[Decimal, Decimal]:
	"""(debited, left on the invoice) of one invoice, given what the customer still allows in
	this batch (None: no limit, the invoice's amount was authorised)."""
	if allowance is None or outstanding <= allowance:
		return outstanding, Decimal(0)
	return max(allowance, Decimal(0)), outstanding - max(allowance, Decimal(0))


def today() -> datetime.date:
	return getdate(frappe.flags.current_date or None)


def bank_customers() -> dict[str, frappe._dict]:
	"""Every customer whose auto-pay is a bank account, with that Payment Method."""
	candidates = frappe.get_all(
		"Payment Method",
		filters={"processor": "Bank Draft", "ppa_enabled": 1, "disabled": 0},
		pluck="customer",
		distinct=True,
	)
	out = {}
	for customer in candidates:
		method = delivery.auto_pay_method(customer)
		if method and method.processor == "Bank Draft":
			out[customer] = method
	return out


def _unbatched_invoices(customers: list[str], first: datetime.date, last: datetime.date) -> list:
	invoice = frappe.qb.DocType("Sales Invoice")
	line = frappe.qb.DocType("Bank Debit Batch Line")
	taken = frappe.qb.from_(line).select(line.sales_invoice)
	return (
		frappe.qb.from_(invoice)
		.select(invoice.name, invoice.customer, invoice.customer_name, invoice.outstanding_amount)
		.where(invoice.docstatus == 1)
		.where(invoice.outstanding_amount > 0)
		.where(invoice.posting_date[first:last])
		.where(invoice.customer.isin(customers))
		.where(invoice.name.notin(taken))
		.orderby(invoice.customer)
		.orderby(invoice.posting_date)
		.orderby(invoice.name)
		.run(as_dict=True)
	)


def originator() -> cpa005.Originator:
	values = require(*ORIGINATOR_FIELDS)
	return cpa005.Originator(
		originator_id=values.cpa_originator_id,
		short_name=values.cpa_originator_short_name,
		long_name=values.cpa_originator_long_name,
		data_centre=values.cpa_data_centre,
		return_institution=values.cpa_return_institution,
		return_transit=values.cpa_return_transit,
		return_account=values.cpa_return_account,
	)


def _next_file_number() -> int:
	"""One more than the last file's (1–9999, then 1 again), read under a lock."""
	last = frappe.db.sql(
		"select file_number from `tabBank Debit Batch` order by creation desc limit 1 for update"
	)
	return (int(last[0][0] or 0) % 9999) + 1 if last else 1


def make_batch(day: datetime.date | None = None) -> str | None:
	"""The debit file of the period of ``day`` (default today): a Bank Debit Batch, or None
	when nothing is to be debited. Runs in the caller's transaction (the caller commits)."""
	day = getdate(day or today())
	first = periods.first_of(day)
	last = periods.last_of(first)
	bank = bank_customers()
	if not bank:
		return None
	invoices = _unbatched_invoices(sorted(bank), first, last)
	if not invoices:
		return None
	source = originator()
	due = day + datetime.timedelta(days=DEBIT_LEAD_DAYS)
	batch = frappe.get_doc(
		{
			"doctype": "Bank Debit Batch",
			"batch_date": day,
			"period": f"{first.year:04d}-{first.month:02d}",
			"due_date": due,
			"status": "Written",
		}
	)
	debits: list[cpa005.Debit] = []
	allowances: dict[str, Decimal | None] = {}
	accounts: dict[str, tuple] = {}
	for row in invoices:
		method = bank[row.customer]
		outstanding = money(row.outstanding_amount)
		if row.customer not in accounts:
			accounts[row.customer] = _bank_account(method)
			allowances[row.customer] = money(method.ppa_amount) if method.ppa_amount else None
		holder, institution, transit, account = accounts[row.customer]
		amount, shortfall = split(outstanding, allowances[row.customer])
		if amount <= 0:
			batch.append(
				"exclusions",
				{
					"customer": row.customer,
					"sales_invoice": row.name,
					"outstanding": outstanding,
					"reason": _("The amount the customer authorized is used up"),
				},
			)
			continue
		reference = row.name if len(row.name) <= 19 else frappe.generate_hash(length=19).upper()
		debit = cpa005.Debit(
			amount_cents=int(amount * 100),
			due_date=due,
			institution=institution,
			transit=transit,
			account=account,
			payor_name=holder or row.customer_name or row.customer,
			cross_reference=reference,
		)
		try:
			cpa005.segment(source, debit)
		except cpa005.Cpa005Error as error:
			batch.append(
				"exclusions",
				{
					"customer": row.customer,
					"sales_invoice": row.name,
					"outstanding": outstanding,
					"reason": _("Bank details the file cannot carry: {0}").format(error.field),
				},
			)
			continue
		if allowances[row.customer] is not None:
			allowances[row.customer] -= amount
		debits.append(debit)
		batch.append(
			"lines",
			{
				"sales_invoice": row.name,
				"customer": row.customer,
				"payment_method": method.name,
				"cross_reference": reference,
				"outstanding": outstanding,
				"amount": amount,
				"shortfall": shortfall,
				"status": "Pending",
			},
		)
	if not debits:
		return None
	batch.file_number = _next_file_number()
	batch.debit_count = len(debits)
	batch.total_amount = sum((money(line.amount) for line in batch.lines), Decimal(0))
	batch.shortfall_total = sum((money(line.shortfall) for line in batch.lines), Decimal(0))
	batch.insert(ignore_permissions=True)
	data = cpa005.debit_file(source, batch.file_number, day, debits)
	attached = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{batch.name}-{batch.file_number:04d}.txt",
			"attached_to_doctype": "Bank Debit Batch",
			"attached_to_name": batch.name,
			"attached_to_field": "debit_file",
			"is_private": 1,
			"content": data,
		}
	).insert(ignore_permissions=True)
	batch.db_set("debit_file", attached.file_url, update_modified=False)
	return batch.name


def _bank_account(method) -> tuple:
	"""(holder, institution, transit, account) of a bank Payment Method; the account number
	is a Password field, read here only."""
	from frappe.utils.password import get_decrypted_password

	values = frappe.db.get_value(
		"Payment Method",
		method.name,
		["account_holder", "institution_number", "transit_number"],
		as_dict=True,
	)
	account = get_decrypted_password("Payment Method", method.name, "account_number", raise_exception=False)
	return values.account_holder, values.institution_number, values.transit_number, account


def scheduled_batch(day: str | None = None) -> str | None:
	"""After a billing run (billing/delivery.py queues it), and daily from the scheduler for
	what a run left: the debit file of the period's invoices unpaid by bank customers."""
	name = make_batch(getdate(day) if day else today())
	frappe.db.commit()  # nosemgrep: the batch and its file, together
	return name


# ---------------------------------------------------------------------------------------
# What the bank answers


def _line(batch, invoice: str):
	for line in batch.lines:
		if line.sales_invoice == invoice:
			return line
	refuse(
		"sales_invoice", _("Invoice {0} is not in batch {1}").format(invoice, batch.name), PaymentDetailsError
	)


def mark_uploaded(batch_name: str) -> None:
	batch = frappe.get_doc("Bank Debit Batch", batch_name, for_update=True)
	if batch.status != "Written":
		return
	batch.db_set("status", "Uploaded")


def record_return(batch_name: str, invoice: str, reason: str, returned_on=None) -> dict:
	"""The bank returned the debit of ``invoice``: its line is Returned with the reason, the
	invoice stays open (a debit that had cleared is undone: its Payment Entry cancelled)."""
	reason = (reason or "").strip()
	if not reason:
		refuse("return_reason", _("Give the reason the bank returned the debit"), PaymentDetailsError)
	batch = frappe.get_doc("Bank Debit Batch", batch_name, for_update=True)
	line = _line(batch, invoice)
	if line.status == "Returned":
		return line.as_dict()
	if line.payment_entry:
		entry = frappe.get_doc("Payment Entry", line.payment_entry)
		if entry.docstatus == 1:
			entry.flags.ignore_permissions = True
			entry.cancel()
	line.db_set(
		{
			"status": "Returned",
			"return_reason": reason[:140],
			"returned_on": getdate(returned_on or today()),
		}
	)
	_close_when_settled(batch)
	return line.as_dict()


def record_cleared(batch_name: str, invoices: list[str] | None = None) -> list[str]:
	"""The bank took the debits (all pending ones, or those of ``invoices``): each makes its
	invoice's Payment Entry, once. Returns the Payment Entries made."""
	batch = frappe.get_doc("Bank Debit Batch", batch_name, for_update=True)
	made = []
	for line in batch.lines:
		if line.status != "Pending" or (invoices and line.sales_invoice not in invoices):
			continue
		entry = _payment_entry(line, batch)
		line.db_set({"status": "Cleared", "payment_entry": entry})
		made.append(entry)
	_close_when_settled(batch)
	return made


def _close_when_settled(batch) -> None:
	if all(line.status in ("Cleared", "Returned") for line in batch.lines) and batch.status != "Closed":
		batch.db_set("status", "Closed")


def _payment_entry(line, batch) -> str:
	"""ERPNext's Payment Entry of a cleared debit: its amount against its invoice, into the
	company's bank account for debits."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	settings = require("bank_debit_account")
	_ensure_mode_of_payment()
	user = frappe.session.user
	frappe.set_user("Administrator")  # the system records it, whoever clicked
	try:
		entry = get_payment_entry(
			"Sales Invoice",
			line.sales_invoice,
			party_amount=float(line.amount),
			bank_account=settings.bank_debit_account,
		)
		entry.mode_of_payment = MODE_OF_PAYMENT
		entry.reference_no = f"{batch.name}/{line.cross_reference}"
		entry.reference_date = batch.due_date or nowdate()
		entry.posting_date = batch.due_date or nowdate()
		entry.insert(ignore_permissions=True)
		entry.submit()
	finally:
		frappe.set_user(user)
	return entry.name


def _ensure_mode_of_payment() -> None:
	if not frappe.db.exists("Mode of Payment", MODE_OF_PAYMENT):
		frappe.get_doc(
			{"doctype": "Mode of Payment", "mode_of_payment": MODE_OF_PAYMENT, "type": "Bank", "enabled": 1}
		).insert(ignore_permissions=True)
