"""Legacy rows → document values: each table's conversion, and the counts of a run, without a
database."""

from decimal import Decimal

import pytest

from gigafibre_fsm.legacy import convert
from gigafibre_fsm.legacy.convert import Context, Rejected
from gigafibre_fsm.legacy.reconciliation import ReasonCount, TableCounts, rows, totals
from gigafibre_fsm.legacy.tables import (
	arrangements,
	customers,
	equipment,
	fibre_drops,
	history,
	locations,
	phone_lines,
	quotes,
)
from gigafibre_fsm.rules.outcomes import Outcomes

JAN_2024 = 1704110400  # 2024-01-01 12:00 UTC


def context(**names) -> Context:
	ctx = Context()
	for table, found in names.items():
		ctx.names[table] = found
		ctx.source_ids[table] = set(found)
	return ctx


def account(**values) -> dict:
	row = {"id": 1001, "first_name": "Hélène", "last_name": "CÃ´tÃ©", "company": None, "email": " HC@Videotron.CA ",
		"phone": "(450) 555-0134", "cell": "", "group_id": 1, "status": 1, "language": "FR", "stripe_id": "",
		"ppa": 0, "stripe_ppa": 0}  # fmt: skip
	return {**row, **values}


def test_account_becomes_customer_contact_and_billing_address():
	ctx = context()
	ctx.first_delivery = {
		1001: {"address1": "12-125A rue Principale", "city": "ST-ZENON", "zip": "j0k3n0", "state": "Qc"}
	}
	ctx.cities = {"saint-zenon": "Saint-Zénon"}
	plan = customers.convert_account(account(), ctx)
	assert plan.values["customer_name"] == "Hélène Côté"
	assert plan.values["customer_group"] == "Résidentiel"
	assert plan.values["language"] == "fr"
	assert plan.values["disabled"] == 0 and plan.extra == {"status": "Active"}
	others = dict(plan.others)
	assert others["Contact"]["email_ids"] == [{"email_id": "hc@videotron.ca", "is_primary": 1}]
	assert others["Contact"]["phone_nos"][0]["phone"] == "450-555-0134"
	assert others["Address"]["address_line1"] == "12-125A rue Principale"
	assert others["Address"]["city"] == "Saint-Zénon"
	assert others["Address"]["pincode"] == "J0K 3N0"


def test_account_dirt_is_a_warning_not_a_loss_of_the_customer():
	plan = customers.convert_account(
		account(group_id=3, email="jean at videotron.ca", stripe_id="xyz", status=9), context()
	)
	reasons = [w.reason for w in plan.warnings]
	assert reasons.count(convert.UNKNOWN_CODE) == 2
	assert convert.INVALID in reasons
	assert plan.values["stripe_id"] is None
	assert "Contact" in dict(plan.others)


def test_suspended_when_the_account_says_so_or_a_dated_suspension_still_runs():
	now = JAN_2024
	assert customers.is_suspended({"status": 2}, [], now)
	assert customers.is_suspended({"status": 1}, [{"date_start": now - 86400, "date_end": 0}], now)
	assert not customers.is_suspended({"status": 1}, [{"date_start": 0, "date_end": 0}], now)
	assert not customers.is_suspended({"status": 1}, [{"date_start": now - 9, "date_end": now - 1}], now)
	assert not customers.is_suspended({"status": 0}, [{"date_start": now - 9, "date_end": 0}], now)


def test_orphans_and_children_of_rejected_rows_are_told_apart():
	ctx = context(account={1001: "Client A"})
	ctx.source_ids["account"].add(1002)
	with pytest.raises(Rejected) as orphan:
		convert.parent(ctx, "account", 9999)
	assert orphan.value.issue.reason == convert.ORPHAN.format("account")
	with pytest.raises(Rejected) as child:
		convert.parent(ctx, "account", 1002)
	assert child.value.issue.reason == convert.PARENT_NOT_IMPORTED.format("account")
	assert convert.parent(ctx, "account", 1001) == "Client A"


@pytest.mark.parametrize(
	("statuses", "account_status", "expected"),
	[
		([1, 0], "Active", "Active"),
		([2, 0], "Suspended", "Suspended"),
		([3], "Active", "Pending Install"),
		([0, 0], "Active", "Disconnected"),
		([], "Active", "Pending Install"),
		([], "Closed", "Disconnected"),
	],
)
def test_location_status_follows_its_best_service(statuses, account_status, expected):
	assert locations.location_status([{"status": s} for s in statuses], account_status) == expected


def test_coordinates_unknown_zero_and_flipped():
	notes = convert.Notes()
	assert convert.coordinates(notes, None, None) == (None, None)
	assert convert.coordinates(notes, 0.0, 0.0) == (None, None)
	assert convert.coordinates(notes, 46.545123, 73.8171) == ("46.545123", "-73.8171")
	assert [w.reason for w in notes.warnings] == [convert.INVALID, convert.REPAIRED]


def test_quote_lines_of_unknown_products_are_left_out_with_their_amount():
	ctx = context(account={1001: "Client A"})
	ctx.item_codes = {"FTTH80I", "FRAISDEP"}
	line = 'a:5:{{s:3:"sku";s:{0}:"{1}";s:4:"desc";s:1:"x";s:3:"amt";d:{2};s:3:"qte";i:{3};s:3:"tot";d:{4};}}'
	materiel = (
		"a:2:{i:0;"
		+ line.format(8, "FRAISDEP", 0, 1, 0)
		+ "i:1;"
		+ line.format(6, "BIDULE", 12.5, 2, 25)
		+ "}"
	)
	row = {"id": 7, "account_id": 1001, "date": JAN_2024, "name": "Soumission", "materiel": materiel,
		"mensuel": "a:1:{i:0;" + line.format(7, "FTTH80I", 79.95, 1, 79.95) + "}"}  # fmt: skip
	plan = quotes.convert_soumission(row, ctx)
	assert [i["item_code"] for i in plan.values["items"]] == ["FRAISDEP", "FTTH80I"]
	# A free line keeps its rate of 0 (ERPNext would put the list price on an empty one).
	assert plan.values["items"][0]["price_list_rate"] == Decimal("0")
	assert plan.amount == Decimal("79.95")
	(left_out,) = [w for w in plan.warnings if w.reason == convert.UNKNOWN_PRODUCT]
	assert left_out.amount == Decimal("25.00")


def test_an_orphan_quote_or_arrangement_carries_its_money_into_the_log():
	ctx = context(account={})
	with pytest.raises(Rejected) as quote:
		quotes.convert_soumission(
			{"id": 1, "account_id": 5, "date": JAN_2024, "materiel": None, "mensuel": None}, ctx
		)
	assert quote.value.issue.amount == Decimal("0.00")
	with pytest.raises(Rejected) as accord:
		arrangements.convert_accord({"id": 1, "account_id": 5, "montant": 49.95 + 28.95 + 0.69}, ctx)
	assert accord.value.issue.amount == Decimal("79.59")


def test_fibre_serial_in_the_equipment_form_and_reserved_kept():
	notes = convert.Notes()
	assert fibre_drops.drop_serial(notes, " rcmg 1a2b3c4d ") == "RCMG1A2B3C4D"
	assert fibre_drops.drop_serial(notes, "reserved-4512") == "RESERVED-4512"
	assert fibre_drops.drop_serial(notes, "") is None
	assert not notes.warnings


def test_device_gets_its_wifi_sip_and_radius_secrets():
	ctx = context(account={1001: "Client A"}, delivery={2001: "LOC-1"})
	ctx.wifi = {
		"50:C7:BF:00:00:01": {
			"id": 3,
			"ssid": "Gigafibre-CÃ´tÃ©",
			"password": "s3cret",
			"ssid_5g": None,
			"enabled": 1,
		}
	}
	ctx.radius = {30001: {"id": 5001, "radius_user": "gf1001", "radius_pwd": "pw", "product_id": 1}}
	ctx.products = {1: {"lineprofile": 101, "serviceprofile": 1}}
	row = {"id": 30001, "account_id": 1001, "delivery_id": 2001, "category": "Routeur", "sn": "22 1234",
		"mac": "50c7.bf00.0001", "manufacturer": "TP-Link", "model": "Deco X20", "status": 1}  # fmt: skip
	plan = equipment.convert_device(row, ctx)
	values = plan.values
	assert (values["equipment_type"], values["status"]) == ("Router", "Active")
	assert (values["serial_number"], values["mac_address"]) == ("221234", "50:C7:BF:00:00:01")
	assert (values["wifi_ssid"], values["wifi_password"]) == ("Gigafibre-Côté", "s3cret")
	assert (values["radius_username"], values["radius_password"], values["line_profile"]) == (
		"gf1001",
		"pw",
		101,
	)
	assert plan.merged == [("genieacs.wifi", 3), ("service.radius", 5001)]


def test_a_911_registration_without_a_line_is_a_cancelled_line_that_keeps_it():
	ctx = context(account={1001: "Client A"})
	row = {"id": 9, "account_id": 1001, "phone": "1-819-555-0199", "street_number": "125A", "apt": "",
		"street_name": "rue Principale", "city": "Saint-Zénon", "state": "QC", "zip": "J0K3N0",
		"code_cauca": "62075", "class_service": "res"}  # fmt: skip
	plan = phone_lines.convert_phone_addr(row, ctx)
	values = plan.values
	assert (values["did"], values["status"]) == ("8195550199", "Cancelled")
	assert (values["e911_civic_number"], values["e911_civic_suffix"]) == ("125", "A")
	assert (values["e911_postal_code"], values["e911_class"]) == ("J0K 3N0", "RES")


@pytest.mark.parametrize("ip", ["", "0.0.0.0", "100.64.1"])
def test_ip_history_without_an_address_is_rejected(ip):
	with pytest.raises(Rejected):
		history.convert_ip(
			{"id": 1, "delivery_id": 2001, "ip": ip, "date": JAN_2024}, context(delivery={2001: "LOC-1"})
		)


def test_newest_row_per_key_and_what_it_supersedes():
	rows_ = [{"id": 1, "k": "a"}, {"id": 3, "k": "a"}, {"id": 2, "k": "b"}, {"id": 4, "k": None}]
	newest, superseded = convert.newest_by(rows_, lambda r: r["k"])
	assert {k: r["id"] for k, r in newest.items()} == {"a": 3, "b": 2}
	assert superseded == {1: 3}


def test_the_reconciliation_adds_up_to_the_cent():
	money = TableCounts(source_table="accord_paiement", source_rows=10, created=7, unchanged=1, skipped=1,
		rejected=1, source_total=Decimal("1000.10"), imported_total=Decimal("900.05"),
		excluded_total=Decimal("100.05"))  # fmt: skip
	off = TableCounts(source_table="bon_travail", source_rows=3, created=2, source_total=Decimal("10"),
		imported_total=Decimal("9.99"))  # fmt: skip
	assert money.rows_add_up and money.money_adds_up
	assert not off.rows_add_up and off.difference == Decimal("0.01")
	table = rows([money], [ReasonCount("accord_paiement", "Rejected", "Orphan", 1, Decimal("100.05"))])
	assert [r["indent"] for r in table] == [0, 1]
	assert totals([money, off])["money_not_adding_up"] == ["bon_travail"]
	assert totals([money, off])["source_rows"] == 13 and totals([money, off])["created"] == 9


def test_table_counts_count_through_the_app_s_outcomes():
	counts = TableCounts(source_table="bon_travail_item")
	counts.source_rows += 2
	counts.count("created")
	counts.count("rejected")
	assert isinstance(counts, Outcomes) and counts.rows_add_up
	with pytest.raises(ValueError):
		counts.count("lost")
	run = TableCounts(source_table="bon_travail_item", source_rows=1, unchanged=1, warnings=1)
	run.add(counts)
	assert (run.source_rows, run.accounted, run.warnings) == (3, 3, 1)


def test_a_row_of_the_run_reads_its_money_as_exact_cents():
	row = {"source_table": "soumission", "source_rows": 2, "created": None, "rejected": 2,
		"source_total": "10.500000000", "imported_total": None, "excluded_total": "10.500000000",
		"name": "x", "idx": 1}  # fmt: skip
	counts = TableCounts.from_row(row)
	assert (counts.created, counts.source_total, counts.imported_total) == (0, Decimal("10.50"), None)
	assert counts.money_adds_up
	assert TableCounts.from_row({**row, "source_table": "account"}).source_total is None


def test_the_shared_conversion_and_the_reconciliation_are_pure():
	from gigafibre_fsm.legacy import reconciliation

	assert "frappe" not in convert.__dict__
	assert "frappe" not in reconciliation.__dict__


def test_a_table_s_conversion_never_touches_the_database():
	"""Beside its step, a table module's functions are pure: only the step reads and writes."""
	import importlib
	import inspect
	import pkgutil

	from gigafibre_fsm.legacy import tables

	checked = 0
	for info in pkgutil.iter_modules(tables.__path__):
		module = importlib.import_module(f"{tables.__name__}.{info.name}")
		for name, function in inspect.getmembers(module, inspect.isfunction):
			if function.__module__ == module.__name__:
				code = [function.__code__, *(c for c in function.__code__.co_consts if inspect.iscode(c))]
				assert not any("frappe" in c.co_names for c in code), f"{info.name}.{name}"
				checked += 1
	assert checked > 20
