"""The debit file a Canadian bank takes: Payments Canada Standard 005 (CPA-005, "AFT"), written
as bytes by a pure function (no database), so a test can check it byte by byte.

A file is a run of fixed-width logical records of 1,464 characters, each ended by CR LF:

- one **A** record (header): the originator's id, the file creation number (1–9999, one more
  than the last file the bank accepted), the creation date, the destination data centre and the
  currency;
- **D** records (debits), each carrying up to six 240-character segments, one debit each (an
  unused segment is blank);
- one **Z** record (trailer): the total value and number of debits (and of credits and of error
  corrections "E" and "F", zero here).

Every record starts with its type, its logical record count (1 for A, then one more per record)
and the origination control data (originator id and file creation number). Numbers are
right-justified and zero-filled, text left-justified and blank-filled. Dates are ``0YYDDD`` (the
day of the year). Names are folded to upper-case ASCII (accents dropped), as banks print them.
A debit segment, by position within its segment (1-based):

	  1–3   transaction type (CPA code, e.g. 437 Internet access payment)
	  4–13  amount in cents
	 14–19  due date 0YYDDD
	 20–28  payor's institution: 0 + institution (3) + transit (5)
	 29–40  payor's account number
	 41–62  item trace number (zeros: the bank assigns it)
	 63–65  stored transaction type (zeros)
	 66–80  originator's short name
	 81–110 payor's name
	111–140 originator's long name
	141–150 originating direct clearer's user id (the originator id)
	151–169 originator's cross reference (here: the invoice)
	170–178 institution for returns: 0 + institution (3) + transit (5)
	179–190 account for returns
	191–205 originator's sundry information
	206–227 filler (blank)
	228–229 originator–direct clearer settlement code (blank)
	230–240 invalid data element id (zeros)
"""

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

RECORD_LENGTH = 1464
SEGMENT_LENGTH = 240
SEGMENTS_PER_RECORD = 6
NEWLINE = "\r\n"
INTERNET_ACCESS_PAYMENT = "437"
MAX_AMOUNT_CENTS = 9_999_999_999  # ten digits
_PRINTABLE = re.compile(r"[^A-Z0-9 .,'/&#()\-]")


class Cpa005Error(ValueError):
	"""A value the file cannot carry; ``field`` names it."""

	def __init__(self, field: str, message: str):
		super().__init__(f"{field}: {message}")
		self.field = field


@dataclass(frozen=True)
class Originator:
	"""Who collects: the ids and names the bank gave, and where returned debits go."""

	originator_id: str
	short_name: str
	long_name: str
	data_centre: str
	return_institution: str
	return_transit: str
	return_account: str
	currency: str = "CAD"


@dataclass(frozen=True)
class Debit:
	"""One pre-authorised debit of a payor's account."""

	amount_cents: int
	due_date: datetime.date
	institution: str
	transit: str
	account: str
	payor_name: str
	cross_reference: str
	transaction_code: str = INTERNET_ACCESS_PAYMENT
	sundry: str = ""


def fold(text: str | None) -> str:
	"""Upper-case ASCII as a bank prints it: accents dropped, anything else a blank."""
	decomposed = unicodedata.normalize("NFKD", text or "")
	ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
	return " ".join(_PRINTABLE.sub(" ", ascii_text).split())


def julian(day: datetime.date) -> str:
	"""``0YYDDD``: 0, the year's last two digits, the day of the year."""
	return f"0{day.year % 100:02d}{day.timetuple().tm_yday:03d}"


def _digits(field: str, value, width: int, exact: bool = False) -> str:
	text = str(value if value is not None else "").strip()
	if not text.isdigit() or not text.isascii():
		raise Cpa005Error(field, f"must be digits, not {text!r}")
	if len(text) > width or (exact and len(text) != width):
		raise Cpa005Error(field, f"must be {'exactly ' if exact else 'at most '}{width} digits")
	return text.rjust(width, "0")


def _text(value: str | None, width: int) -> str:
	return fold(value)[:width].ljust(width)


def _identifier(field: str, value: str | None, width: int) -> str:
	"""An id the bank matches as given: never truncated, refused when it does not fit."""
	text = (value or "").strip().upper()
	if not text or len(text) > width or not text.isascii() or _PRINTABLE.search(text):
		raise Cpa005Error(field, f"must be 1 to {width} letters or digits, not {value!r}")
	return text.ljust(width)


def _institution(prefix: str, institution: str, transit: str) -> str:
	return (
		"0"
		+ _digits(f"{prefix}institution", institution, 3, True)
		+ _digits(f"{prefix}transit", transit, 5, True)
	)


def _account(field: str, account: str | None) -> str:
	text = re.sub(r"[\s-]", "", account or "")
	if not text.isdigit() or not text.isascii() or len(text) > 12:
		raise Cpa005Error(field, "must be 1 to 12 digits")
	return text.ljust(12)


def header(originator: Originator, file_number: int, created: datetime.date) -> str:
	record = (
		"A"
		+ "1".rjust(9, "0")
		+ _control(originator, file_number)
		+ julian(created)
		+ _digits("data_centre", originator.data_centre, 5, True)
		+ " " * 20
		+ _identifier("currency", originator.currency, 3)
		+ " " * 1406
	)
	return _checked(record)


def segment(originator: Originator, debit: Debit) -> str:
	if not isinstance(debit.amount_cents, int) or not 0 < debit.amount_cents <= MAX_AMOUNT_CENTS:
		raise Cpa005Error("amount", f"must be between 1 and {MAX_AMOUNT_CENTS} cents")
	if not fold(debit.payor_name):
		raise Cpa005Error("payor_name", "is required")
	text = (
		_digits("transaction_code", debit.transaction_code, 3, True)
		+ str(debit.amount_cents).rjust(10, "0")
		+ julian(debit.due_date)
		+ _institution("", debit.institution, debit.transit)
		+ _account("account", debit.account)
		+ "0" * 22
		+ "0" * 3
		+ _text(originator.short_name, 15)
		+ _text(debit.payor_name, 30)
		+ _text(originator.long_name, 30)
		+ _identifier("originator_id", originator.originator_id, 10)
		+ _identifier("cross_reference", debit.cross_reference, 19)
		+ _institution("return_", originator.return_institution, originator.return_transit)
		+ _account("return_account", originator.return_account)
		+ _text(debit.sundry, 15)
		+ " " * 22
		+ " " * 2
		+ "0" * 11
	)
	assert len(text) == SEGMENT_LENGTH, len(text)
	return text


def trailer(originator: Originator, file_number: int, count: int, debits: list[Debit]) -> str:
	total = sum(d.amount_cents for d in debits)
	record = (
		"Z"
		+ str(count).rjust(9, "0")
		+ _control(originator, file_number)
		+ str(total).rjust(14, "0")
		+ str(len(debits)).rjust(8, "0")
		+ "0" * 14  # credits: value, number
		+ "0" * 8
		+ "0" * 14  # error corrections "E"
		+ "0" * 8
		+ "0" * 14  # error corrections "F"
		+ "0" * 8
		+ " " * 1352
	)
	return _checked(record)


def records(
	originator: Originator, file_number: int, created: datetime.date, debits: Iterable[Debit]
) -> list[str]:
	"""The file's logical records, A, D… and Z, each 1,464 characters."""
	debits = list(debits)
	if not 1 <= int(file_number) <= 9999:
		raise Cpa005Error("file_number", "must be between 1 and 9999")
	if not debits:
		raise Cpa005Error("debits", "a file needs at least one debit")
	out = [header(originator, file_number, created)]
	for start in range(0, len(debits), SEGMENTS_PER_RECORD):
		chunk = debits[start : start + SEGMENTS_PER_RECORD]
		body = "".join(segment(originator, d) for d in chunk)
		record = "D" + str(len(out) + 1).rjust(9, "0") + _control(originator, file_number) + body
		out.append(_checked(record.ljust(RECORD_LENGTH)))
	out.append(trailer(originator, file_number, len(out) + 1, debits))
	return out


def debit_file(
	originator: Originator, file_number: int, created: datetime.date, debits: Iterable[Debit]
) -> bytes:
	"""The whole file as the bank takes it: ASCII, each record ended by CR LF."""
	return "".join(r + NEWLINE for r in records(originator, file_number, created, debits)).encode("ascii")


def _control(originator: Originator, file_number: int) -> str:
	return _identifier("originator_id", originator.originator_id, 10) + _digits("file_number", file_number, 4)


def _checked(record: str) -> str:
	assert len(record) == RECORD_LENGTH, len(record)
	return record
