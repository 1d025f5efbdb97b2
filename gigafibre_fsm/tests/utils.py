"""Test site preparation and factories shared by the integration tests."""

import frappe
from frappe.utils import add_days, nowdate

from gigafibre_fsm.setup import site
from gigafibre_fsm.setup.catalogue import load_standard_catalogue, service_item_group
from gigafibre_fsm.tests.wizard import ensure_setup_complete

# ERPNext doctypes our doctypes link to: their own test records are not needed here.
ERPNEXT_DOCTYPES = ["Customer", "Item", "Project", "Issue", "User", "Company", "Lead", "Price List"]

TEST_COMPANY = "Gigafibre Test"


def before_tests():
	frappe.clear_cache()
	ensure_setup_complete(TEST_COMPANY, "GFT", email="test-admin@gigafibre.ca")
	# What the app makes on any site once its wizard is done (install ran before it here).
	site.ensure()
	load_standard_catalogue(refresh=True)
	frappe.db.commit()  # nosemgrep


def _unique(prefix: str) -> str:
	return f"{prefix}-{frappe.generate_hash(length=8)}"


def make_customer(name: str | None = None, **kw) -> "frappe.Document":
	return frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": name or _unique("Client Test"),
			"customer_type": "Individual",
			"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
			"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
			**kw,
		}
	).insert(ignore_permissions=True)


def update_doc(doctype: str, name: str, **values) -> "frappe.Document":
	"""Change a saved record the way a user does: open it fresh, edit, save."""
	doc = frappe.get_doc(doctype, name)
	doc.update(values)
	return doc.save()


def make_olt(**kw) -> "frappe.Document":
	ip = "10.{}.{}.{}".format(*(int(frappe.generate_hash(length=2), 16) for _ in range(3)))
	return frappe.get_doc(
		{"doctype": "OLT", "olt_name": _unique("OLT"), "ip_address": ip, "site": "Saint-Adrien", **kw}
	).insert(ignore_permissions=True)


def _free_ont_slot(olt: str, port) -> int:
	used = frappe.get_all(
		"Fibre Drop", filters={"olt": olt, "frame": "0", "slot": "1", "port": str(port)}, pluck="ont_slot"
	)
	taken = {int(x) for x in used if x not in (None, "")}
	return next(n for n in range(10_000) if n not in taken)


def make_fibre_drop(
	olt: str | None = None, port: int | None = 1, ont_slot: int | str | None = "any", **kw
) -> "frappe.Document":
	olt = olt or make_olt().name
	return frappe.get_doc(
		{
			"doctype": "Fibre Drop",
			"civic_number": "12",
			"street": "Rue Principale",
			"city": "Saint-Adrien",
			"postal_code": "J0A 1C0",
			"olt": olt,
			"frame": 0,
			"slot": 1,
			"port": port,
			# "any": the first ONT position free on that port, so tests never collide.
			"ont_slot": _free_ont_slot(olt, port) if ont_slot == "any" else ont_slot,
			"max_speed_mbps": 1500,
			"zone_tarifaire": "A",
			**kw,
		}
	).insert(ignore_permissions=True)


def make_service_location(customer: str | None = None, **kw) -> "frappe.Document":
	return frappe.get_doc(
		{
			"doctype": "Service Location",
			"customer": customer or make_customer().name,
			"civic_number": "12",
			"street": "Rue Principale",
			"city": "Saint-Adrien",
			"postal_code": "J0A1C0",
			"latitude": 45.62,
			"longitude": -71.97,
			**kw,
		}
	).insert(ignore_permissions=True)


def make_item(code: str, service_type: str = "internet", rate: float = 0, **kw) -> "frappe.Document":
	if frappe.db.exists("Item", code):
		return frappe.get_doc("Item", code)
	return frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": code,
			"item_name": kw.pop("item_name", code),
			"item_group": kw.pop("item_group", None) or service_item_group(),
			"stock_uom": "Nos",
			"is_stock_item": 0,
			"standard_rate": rate,
			"service_type": service_type,
			**kw,
		}
	).insert(ignore_permissions=True)


def make_subscription(location: "frappe.Document", item: str = "FTTH150I", **kw) -> "frappe.Document":
	make_item(item)
	return frappe.get_doc(
		{
			"doctype": "Service Subscription",
			"service_location": location.name,
			"customer": location.customer,
			"item": item,
			"rate": 99.95,
			**kw,
		}
	).insert(ignore_permissions=True)


def make_equipment(location: "frappe.Document | None" = None, **kw) -> "frappe.Document":
	return frappe.get_doc(
		{
			"doctype": "Service Equipment",
			"equipment_type": "ONT",
			"service_location": location.name if location else None,
			"customer": location.customer if location else None,
			**kw,
		}
	).insert(ignore_permissions=True)


def make_user(email: str, *roles: str) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		)
		user.insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.add_roles(*roles)
	return email


def make_dispatch_job(
	location: "frappe.Document", technicians: list[str] | None = None, **kw
) -> "frappe.Document":
	return frappe.get_doc(
		{
			"doctype": "Dispatch Job",
			"service_location": location.name,
			"customer": location.customer,
			"scheduled_date": add_days(nowdate(), 3),
			"technicians": [{"technician": t} for t in technicians or []],
			**kw,
		}
	).insert(ignore_permissions=True)


def make_civic_address(drop: str | None = None, index: bool = False, **kw) -> "frappe.Document":
	"""An Adresses Québec address, linked to ``drop`` when given (the fibre reaches it).

	Put into the search index only with ``index`` (the order tests read addresses by id)."""
	rqa_id = kw.pop("rqa_id", None) or f"T{frappe.generate_hash(length=10)}"
	doc = frappe.get_doc(
		{
			"doctype": "Civic Address",
			"rqa_id": rqa_id,
			"civic_number": kw.pop("civic_number", str(int(frappe.generate_hash(length=3), 16) % 900 + 10)),
			"street_generic": "Rue",
			"street_specific": "Principale",
			"municipality": "Saint-Adrien",
			"municipality_code": "40017",
			"postal_code": "J0A 1C0",
			"latitude": "45.62",
			"longitude": "-71.97",
			**kw,
		}
	)
	if index:
		doc.insert(ignore_permissions=True)
	else:
		# The controller's checks and display forms, without the search index's on_update.
		doc.name = rqa_id
		doc.run_method("validate")
		doc.db_insert()
	if drop:
		# The link is the drop's: confirmed, as an agent's choice is.
		frappe.db.set_value(
			"Fibre Drop",
			drop,
			{"civic_address": doc.name, "match_status": "Confirmed"},
			update_modified=False,
		)
	return doc


def next_weekdays(count: int = 3, start: int = 2) -> list[str]:
	"""ISO dates of the next ``count`` weekdays, from ``start`` days ahead."""
	days, day = [], add_days(nowdate(), start)
	while len(days) < count:
		if frappe.utils.getdate(day).weekday() < 5:
			days.append(str(day))
		day = add_days(day, 1)
	return days


def order_body(address_id: str, **kw) -> dict:
	"""A triple-play checkout request for ``address_id`` (website shape, API.md)."""
	body = {
		"idempotency_key": kw.pop("idempotency_key", None) or frappe.generate_hash(length=24),
		"address_id": address_id,
		"customer": {
			"first_name": "Marie-Ève",
			"last_name": kw.pop("last_name", "Tremblay"),
			"email": kw.pop("email", "marie-eve.tremblay@example.com"),
			"phone": "819-555-0123",
			"language": kw.pop("language", "fr"),
		},
		"items": [
			{"sku": "FTTH500I", "qty": 1},
			{"sku": "TVBSTANDARD", "qty": 1},
			{"sku": "TELEPMENS", "qty": 1},
		],
		"commitment_months": 24,
		"preferred_dates": next_weekdays(3),
		"contact_me": False,
	}
	body.update(kw)
	return body
