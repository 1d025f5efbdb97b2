"""The CPA-005 debit file, byte by byte, against records written here by hand from the
standard's layout (positions are the standard's, 1-based, in the comments)."""

import datetime

import pytest

from gigafibre_fsm.billing import cpa005

ORIGINATOR = cpa005.Originator(
	originator_id="GIGAFIBRE1",
	short_name="Gigafibre",
	long_name="Gigafibre Inc.",
	data_centre="81510",
	return_institution="815",
	return_transit="30012",
	return_account="4455667",
)
DUE = datetime.date(2027, 1, 5)  # day 5 of 2027: 027005
CREATED = datetime.date(2027, 1, 4)  # 027004


def debits():
	return [
		cpa005.Debit(
			amount_cents=12459,
			due_date=DUE,
			institution="815",
			transit="00123",
			account="1234567",
			payor_name="Marie-Ève Tremblay",
			cross_reference="ACC-SINV-2027-00001",
		),
		cpa005.Debit(
			amount_cents=8000,
			due_date=DUE,
			institution="006",
			transit="40012",
			account="987654321012",
			payor_name="Gaétan Côté & Fils",
			cross_reference="ACC-SINV-2027-00002",
		),
	]


# The example, by hand. Header A:
A = (
	"A"  # 1 record type
	"000000001"  # 2-10 logical record count
	"GIGAFIBRE1"  # 11-20 originator id
	"0042"  # 21-24 file creation number
	"027004"  # 25-30 creation date 0YYDDD
	"81510"  # 31-35 destination data centre
) + "".join([" " * 20, "CAD", " " * 1406])  # 36-55 reserved, 56-58 currency, 59-1464 filler
SEGMENT_1 = (
	"437"  # transaction type
	"0000012459"  # amount, cents
	"027005"  # due date
	"081500123"  # 0 + institution 815 + transit 00123
	"1234567     "  # account, 12, left-justified
	"0000000000000000000000"  # item trace number, 22
	"000"  # stored transaction type
	"GIGAFIBRE      "  # originator's short name, 15
	"MARIE-EVE TREMBLAY            "  # payor's name, 30
	"GIGAFIBRE INC.                "  # originator's long name, 30
	"GIGAFIBRE1"  # originating direct clearer's user id, 10
	"ACC-SINV-2027-00001"  # cross reference, 19
	"081530012"  # institution for returns
	"4455667     "  # account for returns, 12
	"               "  # sundry, 15
	"                      "  # filler, 22
	"  "  # settlement code
	"00000000000"  # invalid data element id, 11
)
SEGMENT_2 = (
	"437"
	"0000008000"
	"027005"
	"000640012"
	"987654321012"
	"0000000000000000000000"
	"000"
	"GIGAFIBRE      "
	"GAETAN COTE & FILS            "
	"GIGAFIBRE INC.                "
	"GIGAFIBRE1"
	"ACC-SINV-2027-00002"
	"081530012"
	"4455667     "
	"               "
	"                      "
	"  "
	"00000000000"
)
D = "".join(["D", "000000002", "GIGAFIBRE1", "0042", SEGMENT_1, SEGMENT_2, " " * (240 * 4)])
Z = (
	"Z"  # 1
	"000000003"  # 2-10 logical record count (A, D, Z)
	"GIGAFIBRE1"  # 11-20
	"0042"  # 21-24
	"00000000020459"  # 25-38 total value of debits: 124.59 + 80.00
	"00000002"  # 39-46 number of debits
	"00000000000000"  # 47-60 total value of credits
	"00000000"  # 61-68 number of credits
	"00000000000000"  # 69-82 error corrections E, value
	"00000000"  # 83-90 number
	"00000000000000"  # 91-104 error corrections F, value
	"00000000"  # 105-112 number
) + " " * 1352  # 113-1464 filler


def test_the_hand_written_example_byte_for_byte():
	data = cpa005.debit_file(ORIGINATOR, 42, CREATED, debits())
	assert data == (A + "\r\n" + D + "\r\n" + Z + "\r\n").encode("ascii")


def test_every_record_is_1464_characters_and_each_segment_240():
	assert len(SEGMENT_1) == len(SEGMENT_2) == 240
	for record in cpa005.records(ORIGINATOR, 42, CREATED, debits()):
		assert len(record) == 1464
	assert (len(A), len(D), len(Z)) == (1464, 1464, 1464)


def test_fields_at_the_standards_positions():
	_a, d, z = cpa005.records(ORIGINATOR, 42, CREATED, debits())
	first = d[24:264]
	assert first[0:3] == "437"
	assert first[3:13] == "0000012459"
	assert first[19:28] == "081500123"
	assert first[150:169] == "ACC-SINV-2027-00001"
	assert d[264:267] == "437"  # the second segment starts at 265
	assert d[264 + 3 : 264 + 13] == "0000008000"
	assert z[24:38] == "00000000020459" and z[38:46] == "00000002"


def test_seven_debits_take_two_d_records_and_the_trailer_counts_debits_not_records():
	many = [debits()[0]] * 7
	records = cpa005.records(ORIGINATOR, 7, CREATED, many)
	assert [r[0] for r in records] == ["A", "D", "D", "Z"]
	assert [r[1:10] for r in records] == ["000000001", "000000002", "000000003", "000000004"]
	assert records[2][24:264] == records[1][24:264]
	assert records[2][264:] == " " * 1200  # five unused segments, blank
	assert records[3][24:38] == str(7 * 12459).rjust(14, "0")
	assert records[3][38:46] == "00000007"
	assert all(r[10:24] == "GIGAFIBRE10007" for r in records)


@pytest.mark.parametrize(
	"change, field",
	[
		({"institution": "81"}, "institution"),
		({"transit": "12A45"}, "transit"),
		({"account": "1234567890123"}, "account"),
		({"amount_cents": 0}, "amount"),
		({"amount_cents": 10_000_000_000}, "amount"),
		({"cross_reference": "X" * 20}, "cross_reference"),
		({"payor_name": "  "}, "payor_name"),
	],
)
def test_a_value_the_file_cannot_carry_is_refused_by_name(change, field):
	bad = cpa005.Debit(**{**debits()[0].__dict__, **change})
	with pytest.raises(cpa005.Cpa005Error) as refused:
		cpa005.debit_file(ORIGINATOR, 1, CREATED, [bad])
	assert refused.value.field == field


def test_a_file_needs_a_debit_and_a_file_number_of_four_digits():
	with pytest.raises(cpa005.Cpa005Error):
		cpa005.debit_file(ORIGINATOR, 1, CREATED, [])
	with pytest.raises(cpa005.Cpa005Error):
		cpa005.debit_file(ORIGINATOR, 10000, CREATED, debits())


def test_dates_are_the_day_of_the_year():
	assert cpa005.julian(datetime.date(2028, 12, 31)) == "028366"  # a leap year
	assert cpa005.julian(datetime.date(2030, 2, 1)) == "030032"
