"""The legacy catalogue becomes one the pricing engine sells like the standard catalogue: the
legacy products with their rules (families from SKUs, speeds from line profiles), every
product kept, one the engine cannot use imported not offered with its reason."""

from decimal import Decimal

import pytest

from gigafibre_fsm.legacy import convert
from gigafibre_fsm.legacy.convert import Context
from gigafibre_fsm.legacy.tables import catalogue
from gigafibre_fsm.orders import pricing
from gigafibre_fsm.orders.standard_catalogue import OWN_FIELDS, rules_for, standard_items
from gigafibre_fsm.tests.generators.legacy import Builder

LINE_PROFILES = {101: {"id": 101, "name": "FTTH80", "down_mbps": 80, "up_mbps": 80}}


def context() -> Context:
	return Context(item_group="Services Gigafibre", line_profiles=dict(LINE_PROFILES))


def product(**values) -> dict:
	row = {"id": 1, "sku": "X", "name": "Produit", "category": "fee", "price": 10.0, "recurrence": "once",
		"combo_ready": 0, "download_mbps": None, "upload_mbps": None, "lineprofile": None,
		"serviceprofile": None, "active": 1}  # fmt: skip
	return {**row, **values}


@pytest.fixture(scope="module")
def legacy_products() -> list[dict]:
	"""The generator's legacy catalogue (what the import tests and the benchmark import)."""
	builder = Builder(seed=5, scale=0.002)
	builder.build()
	return builder.rows["product"]


@pytest.fixture(scope="module")
def imported(legacy_products) -> dict[str, dict]:
	"""Item values by code, as the import converts the legacy catalogue."""
	ctx = context()
	return {p["sku"]: catalogue.convert_product(p, ctx).values for p in legacy_products}


def engine_catalogue(items) -> dict:
	"""What the website and the agents sell: Items with a service type, enabled and offered."""
	return pricing.catalogue_from_items(
		[
			{f: item.get(f) for f in pricing.ITEM_FIELDS}
			for item in items
			if item.get("service_type") and not item.get("disabled") and item.get("offered", 1)
		]
	)


def test_every_product_of_the_standard_catalogue_gets_its_rules(legacy_products, imported):
	standard = {i["item_code"]: i for i in standard_items()}
	for sku, values in imported.items():
		if sku not in standard:
			continue
		for field, value in standard[sku].items():
			if field not in OWN_FIELDS:
				assert values.get(field) == value, (sku, field)
		assert values["offered"] == 1, sku


@pytest.mark.parametrize(
	("row", "expected"),
	[
		# The legacy "phone" category held the 911 fee: the standard catalogue's kind and rule win.
		(
			product(sku="SERV911", category="phone", price=0.69, recurrence="monthly"),
			{"service_type": "fee", "added_with": "phone", "added_quantity": "per_unit", "combo_ready": 0},
		),
		(
			product(sku="RAB12M", category="discount", price=-10.0, recurrence="monthly"),
			{"service_type": "discount", "discount_rule": "commitment", "commitment_months": 12},
		),
		(
			product(sku="RAB5X", category="discount", price=-20.0, recurrence="monthly"),
			{"discount_rule": "combo", "combo_count": 5, "standard_rate": Decimal("20.00")},
		),
		(
			product(sku="INSTPRO", category="fee", price=149.95),
			{"added_with": "internet", "added_quantity": "per_order", "billing_interval": "Once"},
		),
		# No speeds of its own: its line profile's.
		(
			product(sku="FTTH80P", category="internet", price=69.95, recurrence="monthly", lineprofile=101),
			{"download_mbps": 80, "upload_mbps": 80, "olt_line_profile": 101, "offered": 1},
		),
		# The legacy price is the company's, even for a SKU the standard catalogue prices.
		(
			product(sku="DECODEUR", category="equipment", price=0.0),
			{"standard_rate": Decimal("0.00"), "free_qty": 1, "added_with": "tv", "offered": 1},
		),
	],
)
def test_a_legacy_product_is_completed_from_its_sku(row, expected):
	plan = catalogue.convert_product(row, context())
	assert {k: plan.values[k] for k in expected} == expected
	assert not [w for w in plan.warnings if w.reason == convert.NOT_OFFERED]


@pytest.mark.parametrize(
	("row", "because"),
	[
		(product(sku="IPFIXE", category="internet", recurrence="monthly"), "download speed"),
		(product(sku="CREDIT2019", category="discount", price=-25.0), "needs a rule"),
		(product(sku="DOMAINE", category="other", price=24.99, recurrence="annual"), "annual"),
		(product(sku="CARTECADEAU2019", category="Autre", price=50.0), "service type"),
		(product(sku="TVANNUEL", category="tv", price=300.0, recurrence="annual"), "monthly or once"),
	],
)
def test_a_product_the_engine_cannot_sell_is_kept_not_offered_with_its_reason(row, because):
	plan = catalogue.convert_product(row, context())
	assert plan.values["offered"] == 0
	assert plan.values["item_code"] == row["sku"]
	(reason,) = [w for w in plan.warnings if w.reason == convert.NOT_OFFERED]
	assert because in reason.details


def test_the_legacy_catalogue_quotes_like_the_standard_one(imported):
	"""A site made by install + legacy import sells what the demo sells, at the same totals
	(names are the company's; the legacy TV box is free, as the standard first box is)."""
	legacy = engine_catalogue(imported.values())
	standard = engine_catalogue(standard_items())
	assert set(standard) <= set(legacy)

	def plans(catalogue_):
		found = pricing.available_plans(catalogue_, max_speed_mbps=1500)
		return {kind: [(p["sku"], p["monthly"]) for p in entries] for kind, entries in found.items()}

	assert plans(legacy) == plans(standard)
	for basket, months in (
		([("FTTH500I", 1), ("TVBSTANDARD", 1), ("TELEPMENS", 1)], 24),
		([("FTTH150I", 1), ("TVBEVO", 1), ("TVSPORTS", 1)], 36),
		([("FTTH80I", 1), ("TELEPMENS", 2)], 0),
		([("FTTH25", 1), ("TELE", 1)], 0),
	):
		ours, theirs = (
			pricing.price_order(
				c, basket, max_speed_mbps=1500, commitment_months=months, install_date="2026-12-01"
			)
			for c in (legacy, standard)
		)
		assert ours.due_at_installation.total == theirs.due_at_installation.total, basket
		assert ours.monthly.total == theirs.monthly.total, basket
		assert [line.sku for line in ours.recurring_lines] == [line.sku for line in theirs.recurring_lines]


def test_every_legacy_product_is_kept(legacy_products, imported):
	assert len(imported) == len(legacy_products)
	not_offered = {sku for sku, values in imported.items() if not values["offered"]}
	assert {"IPFIXE", "DOMAINE"} <= not_offered
	assert rules_for("IPFIXE") == {}
