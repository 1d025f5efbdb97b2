"""History comes in whole: legacy rows whose date or technician the legacy system did not
record (0 was its "unknown") convert with it unknown and flagged, not to a refusal by a rule
made for new records; RADIUS accounts no device carries stay on their subscription."""

from decimal import Decimal

from gigafibre_fsm.legacy import convert
from gigafibre_fsm.legacy.convert import Context
from gigafibre_fsm.legacy.tables import arrangements, equipment, subscriptions, work_orders

JAN_2024 = 1704110400  # 2024-01-01 12:00 UTC
DAY = 86400


def context(**names) -> Context:
	ctx = Context()
	for table, found in names.items():
		ctx.names[table] = found
		ctx.source_ids[table] = set(found)
	return ctx


def accord(**values) -> dict:
	row = {"id": 1, "account_id": 1001, "staff_id": None, "montant": 120.5, "method": 3, "status": 0,
		"date_accord": JAN_2024, "date_echeance": JAN_2024 + 7 * DAY, "date_coupure": JAN_2024 + 9 * DAY,
		"note": None, "raison_changement": None}  # fmt: skip
	return {**row, **values}


def test_an_arrangement_with_unknown_dates_is_history_with_its_money():
	ctx = context(account={1001: "Client A"})
	plan = arrangements.convert_accord(accord(date_echeance=0, date_coupure=0), ctx)
	assert (plan.values["due_date"], plan.values["cutoff_date"]) == (None, None)
	assert plan.values["due_date_unknown"] == 1
	assert plan.amount == Decimal("120.50")
	dated = arrangements.convert_accord(accord(), ctx)
	assert dated.values["due_date_unknown"] == 0 and dated.values["due_date"].day == 8


def test_an_impossible_due_date_is_unknown_too_with_a_warning():
	plan = arrangements.convert_accord(accord(date_echeance=-1), context(account={1001: "Client A"}))
	assert plan.values["due_date"] is None and plan.values["due_date_unknown"] == 1
	assert [w.reason for w in plan.warnings] == [convert.INVALID]


def bon(**values) -> dict:
	row = {"id": 7, "account_id": 1001, "date": JAN_2024, "tech1": 3, "heure_arrive_t1": JAN_2024,
		"heure_depart_t1": JAN_2024 + 5400, "tech2": None, "heure_arrive_t2": 0, "heure_depart_t2": 0,
		"note": None, "subtotal": 100.0, "tps": 5.0, "tvq": 9.98, "total": 114.98}  # fmt: skip
	return {**row, **values}


def test_a_work_order_without_a_date_or_a_technician_is_history():
	ctx = context(account={1001: "Client A"}, staff={3: "tech@gigafibre.ca"})
	plan = work_orders.convert_bon(bon(date=0, tech1=None), ctx, [])
	values = plan.values
	assert (values["status"], values["scheduled_date"], values["technicians"]) == ("Completed", None, [])
	assert (values["scheduled_date_unknown"], values["technician_unknown"]) == (1, 1)
	assert plan.amount == Decimal("114.98")
	# A staff id the legacy system no longer had: the technician is unknown, with a warning.
	gone = work_orders.convert_bon(bon(tech1=777), ctx, [])
	assert gone.values["technician_unknown"] == 1
	assert [w.reason for w in gone.warnings] == [convert.NO_TARGET]
	known = work_orders.convert_bon(bon(), ctx, [])
	assert (known.values["scheduled_date_unknown"], known.values["technician_unknown"]) == (0, 0)


def test_a_departure_before_the_arrival_is_left_out_not_the_job():
	ctx = context(account={1001: "Client A"}, staff={3: "tech@gigafibre.ca"})
	plan = work_orders.convert_bon(bon(heure_depart_t1=JAN_2024 - 600), ctx, [])
	(technician,) = plan.values["technicians"]
	assert technician["arrival_time"] is not None and technician["departure_time"] is None
	assert [w.reason for w in plan.warnings] == [convert.INVALID]


def service(**values) -> dict:
	row = {"id": 5001, "account_id": 1001, "delivery_id": 2001, "product_id": 1, "device_id": 30001,
		"status": 1, "date_orig": JAN_2024, "date_end": 0, "hijack_price": None,
		"payment_recurrence": "monthly", "radius_user": None, "radius_pwd": None, "comment": None}  # fmt: skip
	return {**row, **values}


def service_context() -> Context:
	ctx = context(account={1001: "Client A"}, delivery={2001: "LOC-1"}, product={1: "FTTH80I"})
	ctx.products = {1: {"id": 1, "price": 79.95, "recurrence": "monthly"}}
	return ctx


def test_a_service_without_a_start_date_is_history_unless_it_is_still_pending():
	ctx = service_context()
	active = subscriptions.convert_service(service(date_orig=0), ctx)
	assert (active.values["start_date"], active.values["start_date_unknown"]) == (None, 1)
	pending = subscriptions.convert_service(service(date_orig=0, status=3), ctx)
	assert (pending.values["status"], pending.values["start_date_unknown"]) == ("Pending", 0)


def test_an_end_before_the_start_is_left_out_not_the_service():
	plan = subscriptions.convert_service(service(status=0, date_end=JAN_2024 - 30 * DAY), service_context())
	assert plan.values["end_date"] is None and plan.values["start_date"] is not None
	assert [w.reason for w in plan.warnings] == [convert.INVALID]


def test_the_device_carries_the_radius_account_of_its_active_service_first():
	services = [
		{"id": 1, "device_id": 30001, "status": 0, "radius_user": "old"},
		{"id": 2, "device_id": 30001, "status": 1, "radius_user": "current"},
		{"id": 3, "device_id": 30001, "status": 0, "radius_user": "newer but cancelled"},
		{"id": 4, "device_id": None, "status": 1, "radius_user": "no device"},
		{"id": 5, "device_id": 99999, "status": 1, "radius_user": "device gone"},
		{"id": 6, "device_id": 30002, "status": 1, "radius_user": "copy"},
		{"id": 7, "device_id": 30003, "status": 1, "radius_user": ""},
	]
	homes = equipment.radius_homes(services, {30001, 30002, 30003}, duplicates={6: 2})
	assert {device: s["id"] for device, s in homes.items()} == {30001: 2}


def test_a_radius_account_no_device_carries_stays_on_the_subscription():
	ctx = service_context()
	ctx.radius = {30001: service(id=4999, radius_user="gf1001", radius_pwd="on-the-ont")}
	secret = {"radius_user": "gf1002", "radius_pwd": "pw-1002"}
	without = subscriptions.convert_service(service(device_id=None, **secret), ctx)
	assert (without.values["radius_username"], without.values["radius_password"]) == ("gf1002", "pw-1002")
	other = subscriptions.convert_service(service(**secret), ctx)  # its device carries 4999's
	assert other.values["radius_username"] == "gf1002"
	carried = subscriptions.convert_service(service(id=4999, radius_user="gf1001", radius_pwd="x"), ctx)
	assert (carried.values["radius_username"], carried.values["radius_password"]) == (None, None)
	assert not any("pw-1002" in (w.details or "") for w in without.warnings)
