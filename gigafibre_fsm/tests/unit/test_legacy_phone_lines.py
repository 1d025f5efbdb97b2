"""pbx → VoIP Line: the line holds no SIP password; the password travels beside the values
(hashed with them) for the step to put on the equipment that carries the account."""

from gigafibre_fsm.legacy.convert import Context
from gigafibre_fsm.legacy.tables import phone_lines


def context() -> Context:
	ctx = Context()
	ctx.names["account"] = {1001: "Client A"}
	ctx.names["delivery"] = {2001: "LOC-00001"}
	ctx.source_ids["account"] = {1001}
	ctx.source_ids["delivery"] = {2001}
	return ctx


def pbx(**values) -> dict:
	row = {
		"id": 7,
		"account_id": 1001,
		"delivery_id": 2001,
		"service_id": 0,
		"phone": "819 555-0142",
		"name": "Tremblay Jean",
		"password": "S3cretSipPass",
		"vm_password": "1234",
		"has_vm": 1,
		"vm_email": "jean@example.ca",
		"int_code": "",
		"language": "fr",
		"max_calls": 2,
		"call_timeout": 30,
	}
	return {**row, **values}


def test_the_line_names_its_account_and_holds_no_password():
	plan = phone_lines.convert_pbx(pbx(), context())
	assert plan.values["did"] == "8195550142"
	assert plan.values["sip_username"] == "8195550142"
	assert "sip_password" not in plan.values
	assert plan.values["service_location"] == "LOC-00001"
	# The password goes beside the values, and a changed password changes what the ledger hashes.
	assert plan.extra == {"sip_password": "S3cretSipPass"}
	other = phone_lines.convert_pbx(pbx(password="An0therPass"), context())
	assert other.payload() != plan.payload()


def test_a_line_without_a_password_has_none_to_keep():
	plan = phone_lines.convert_pbx(pbx(password=""), context())
	assert plan.extra == {"sip_password": None}
