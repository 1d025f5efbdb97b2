"""A legacy account's payment methods and whether each is on auto-pay (``ppa_enabled``): the
conversion alone, without a database."""

from gigafibre_fsm.legacy.convert import Context
from gigafibre_fsm.legacy.tables import payment_methods


def context() -> Context:
	ctx = Context()
	ctx.names["account"] = {1001: "Client A"}
	ctx.source_ids["account"] = {1001}
	return ctx


def account(**values) -> dict:
	row = {"id": 1001, "stripe_id": "cus_LEGACY1001", "stripe_ppa": 0, "stripe_ppa_nocc": 0, "ppa": 0,
		"ppa_name": "Hélène Côté", "ppa_code": "815", "ppa_branch": "00123", "ppa_account": "1234567",
		"ppa_amount": 0, "ppa_amount_buffer": 0, "ppa_fixed": 0, "ppa_cc": 0}  # fmt: skip
	return {**row, **values}


def test_a_stripe_customer_with_stripe_ppa_is_on_auto_pay():
	values = payment_methods.convert_stripe(account(stripe_ppa=1), context()).values
	assert values["processor"] == "Stripe"
	assert values["stripe_customer_id"] == "cus_LEGACY1001"
	assert values["ppa_enabled"] == 1
	assert values["customer"] == "Client A"


def test_a_stripe_customer_without_stripe_ppa_pays_by_hand():
	assert payment_methods.convert_stripe(account(stripe_ppa=0), context()).values["ppa_enabled"] == 0


def test_bank_ppa_is_auto_pay_from_the_bank_account_with_its_limit():
	values = payment_methods.convert_ppa(account(ppa=1, ppa_fixed=1, ppa_amount=87.43), context()).values
	assert values["processor"] == "Bank Draft"
	assert (values["institution_number"], values["transit_number"], values["account_number"]) == (
		"815",
		"00123",
		"1234567",
	)
	assert values["ppa_enabled"] == 1
	assert (values["ppa_fixed_amount"], str(values["ppa_amount"])) == (1, "87.43")


def test_a_ppa_that_went_on_a_card_does_not_debit_the_bank_account():
	assert payment_methods.convert_ppa(account(ppa=1, ppa_cc=1), context()).values["ppa_enabled"] == 0


def test_bank_details_without_ppa_are_kept_but_not_debited():
	assert payment_methods.convert_ppa(account(ppa=0), context()).values["ppa_enabled"] == 0
