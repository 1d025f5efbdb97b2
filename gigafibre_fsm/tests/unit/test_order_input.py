"""What a checkout must hold, refused field by field before anything is written; the customer
messages; generated credentials."""

import datetime

import pytest

from gigafibre_fsm.orders.order_input import (
	OrderInputError,
	fingerprint,
	random_password,
	read_checkout,
	read_dates,
	read_email,
	read_name,
	read_phone,
	read_postal_code,
	wifi_ssid,
)

TODAY = datetime.date(2025, 3, 12)  # a Wednesday


def body(**kw):
	base = {
		"idempotency_key": "4f0c2d8e-0a1b-4c2d-9e8f-123456789abc",
		"address_id": "RQA-1",
		"customer": {
			"first_name": "Marie-Ève",
			"last_name": "Tremblay",
			"email": "Marie@Example.COM",
			"phone": "(819) 555-0123",
		},
		"items": [{"sku": "FTTH500I", "qty": 1}],
		"preferred_dates": ["2025-03-13", "2025-03-17"],
		"setup_intent_id": "seti_1234567890",
	}
	base.update(kw)
	return base


def field_of(call) -> str:
	with pytest.raises(OrderInputError) as caught:
		call()
	return caught.value.field


def test_a_good_request_is_normalised():
	request = read_checkout(body(), TODAY, needs_card=True)
	assert request.person.email == "Marie@example.com"
	assert request.person.phone == "8195550123"
	assert request.person.phone_e164 == "+18195550123"
	assert request.first_date == datetime.date(2025, 3, 13)
	assert request.commitment_months == 0


@pytest.mark.parametrize(
	"value",
	["Marie-Ève", "O'Brien", "Jean Côté", "St. John", "Nguyễn", "D’Amours"],
)
def test_real_names_are_accepted(value):
	assert read_name(value, "first_name") == value


@pytest.mark.parametrize(
	"value",
	[
		"Robert'); DROP TABLE tabCustomer;--",
		"<script>alert(1)</script>",
		"1 OR 1=1",
		"a" * 61,
		"  ",
		"Jean--Luc",
	],
)
def test_script_and_query_fragments_are_refused_in_names(value):
	assert field_of(lambda: read_name(value, "customer.first_name")) == "customer.first_name"


@pytest.mark.parametrize("value", ["nope", "a@b", "a b@example.com", "x@example.com'; --", "é@example.com"])
def test_malformed_emails(value):
	assert field_of(lambda: read_email(value, "customer.email")) == "customer.email"


@pytest.mark.parametrize("value", ["555-1234", "+33 1 23 45 67 89", "819-555-012", "911-555-0123", "abc"])
def test_malformed_phones(value):
	assert field_of(lambda: read_phone(value, "customer.phone")) == "customer.phone"


def test_postal_codes():
	assert read_postal_code("j0a1c0") == "J0A 1C0"
	assert field_of(lambda: read_postal_code("90210")) == "postal_code"


@pytest.mark.parametrize(
	("dates", "contact_me", "field"),
	[
		(["2025-03-12"], False, "preferred_dates[0]"),  # today
		(["2025-03-11"], False, "preferred_dates[0]"),  # yesterday
		(["2025-03-15"], False, "preferred_dates[0]"),  # a Saturday
		(["2025-03-13", "2025-03-27"], False, "preferred_dates[1]"),  # 15 days ahead
		(["2025-03-13", "2025-03-13"], False, "preferred_dates[1]"),
		(["13/03/2025"], False, "preferred_dates[0]"),
		(["2025-03-13"] * 4, False, "preferred_dates"),
		([], False, "preferred_dates"),
	],
)
def test_dates_are_weekdays_within_two_weeks(dates, contact_me, field):
	assert field_of(lambda: read_dates(dates, TODAY, contact_me)) == field


def test_contact_me_needs_no_date_and_the_last_day_counts():
	assert read_dates([], TODAY, contact_me=True) == ()
	assert read_dates(["2025-03-26"], TODAY, contact_me=False) == (datetime.date(2025, 3, 26),)


@pytest.mark.parametrize(
	("change", "field"),
	[
		({"idempotency_key": "short"}, "idempotency_key"),
		({"idempotency_key": "bad key with spaces"}, "idempotency_key"),
		({"address_id": ""}, "address_id"),
		({"apartment": "<b>"}, "apartment"),
		({"customer": "Marie"}, "customer"),
		({"items": []}, "items"),
		({"items": ["FTTH500I"]}, "items[0]"),
		({"commitment_months": "douze"}, "commitment_months"),
		({"contact_me": "peut-être"}, "contact_me"),
		({"setup_intent_id": None}, "setup_intent_id"),
		({"setup_intent_id": "pi_123456789"}, "setup_intent_id"),
	],
)
def test_each_refusal_names_its_field(change, field):
	assert field_of(lambda: read_checkout(body(**change), TODAY, needs_card=True)) == field


def test_an_agent_order_needs_no_card_and_may_send_a_link():
	request = read_checkout(
		body(setup_intent_id=None, send_payment_link=["SMS", "email", "sms"]), TODAY, needs_card=False
	)
	assert request.setup_intent_id is None
	assert request.payment_link == ("sms", "email")
	assert (
		field_of(lambda: read_checkout(body(send_payment_link="fax"), TODAY, needs_card=False))
		== "send_payment_link"
	)


def test_the_fingerprint_ignores_the_key_and_the_key_order():
	a = body()
	b = dict(reversed(list(body(idempotency_key="another-key-123").items())))
	assert fingerprint(a) == fingerprint(b)
	assert fingerprint(a) != fingerprint(body(commitment_months=24))


def test_generated_credentials():
	passwords = {random_password(12) for _ in range(200)}
	assert len(passwords) == 200
	assert all(len(p) == 12 and p.isalnum() for p in passwords)
	assert wifi_ssid("Côté-Lévesque") == "Gigafibre-CoteLevesque"
	assert wifi_ssid("'; DROP") == "Gigafibre-DROP"
	assert len(wifi_ssid("a" * 60)) == 32
