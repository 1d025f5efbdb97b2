"""Demo data for a development site: a few customers of the Saint-Adrien and Ham-Nord OLTs,
with their locations, services, equipment, a dispatch job, a payment arrangement and a
phone line; the civic addresses of those villages (a small Adresses Québec extract,
``data/demo_addresses.csv``) linked to the fibre drops by the app's own matching, so the
order page (/commander) finds them, prices them and sells. Safe to run again: existing
records are left as they are, and a second run changes nothing.

	bench --site SITE execute gigafibre_fsm.tests.demo.make_demo_data

Card payments on /commander need Stripe: with a local Stripe (site config
``stripe_api_base`` and ``stripe_js_url`` on this machine, e.g. localstripe) and no keys in
Gigafibre Settings, the demo sets test keys; it never sets keys for Stripe itself.
"""

from pathlib import Path
from urllib.parse import urlparse

import frappe
from frappe.utils import add_days, getdate, nowdate

from gigafibre_fsm.network.civic_address.loader import load_csv
from gigafibre_fsm.network.civic_address.matching_rules import LINKED
from gigafibre_fsm.network.drop_matching import match_drops
from gigafibre_fsm.orders.standard_catalogue import standard_items
from gigafibre_fsm.setup import site
from gigafibre_fsm.setup.catalogue import load_standard_catalogue, standard_rate
from gigafibre_fsm.tests.wizard import ensure_setup_complete

# The demo's Adresses Québec extract (shared/rqa/sample.csv's columns): the address of every
# drop below, and a few houses the fibre does not reach yet.
ADDRESSES = Path(__file__).parent / "data" / "demo_addresses.csv"
SUPPORT_PHONE = "819 555-0100"
LOCAL_STRIPE_KEYS = ("pk_test_gigafibre_demo", "sk_test_gigafibre_demo")
TECHNICIANS = [("marc.tech@gigafibre.ca", "Marc", "Bélanger"), ("julie.tech@gigafibre.ca", "Julie", "Roy")]
STAFF = [
	("sophie.support@gigafibre.ca", "Sophie", "Gagnon", "Gigafibre Support"),
	("luc.dispatch@gigafibre.ca", "Luc", "Côté", "Dispatcher"),
	("anne.ventes@gigafibre.ca", "Anne", "Pelletier", "Sales Agent"),
	("paul.recouvrement@gigafibre.ca", "Paul", "Lavoie", "Collections"),
]
OLTS = [("OLT-STADRIEN-01", "10.10.1.2", "Saint-Adrien"), ("OLT-HAMNORD-01", "10.10.2.2", "Ham-Nord")]
# olt, civic, street, city, postal code, lat, lng, frame/slot/port, ont, zone, max speed, legacy id;
# written as the legacy system wrote them (the matching reads "ch." and "St-" too).
# fmt: off
DROPS = [
	(0, "1204", "Rue Principale", "Saint-Adrien", "J0A 1C0", 45.6731, -71.9847, (0, 1, 1), 1, "A", 1500, "9001"),
	(0, "1210", "Rue Principale", "Saint-Adrien", "J0A 1C0", 45.6735, -71.9851, (0, 1, 1), 2, "A", 1500, "9002"),
	(0, "45", "Chemin du Lac", "Saint-Adrien", "J0A 1C0", 45.6812, -71.9702, (0, 1, 2), 1, "B", 500, "9003"),
	(0, "47", "Chemin du Lac", "Saint-Adrien", "J0A 1C0", 45.6815, -71.9699, (0, 1, 2), 2, "B", 500, "9004"),
	(1, "380", "Rue Principale", "Ham-Nord", "G0P 1A0", 45.9072, -71.6383, (0, 2, 1), 1, "A", 1500, "9005"),
	(1, "12", "Rang 10", "Ham-Nord", "G0P 1A0", 45.9201, -71.6102, (0, 2, 3), 1, "C", 150, "9006"),
	(0, "1216", "rue Principale", "Saint-Adrien", "J0A1C0", 45.6739, -71.9855, (0, 1, 1), 3, "A", 1500, "9007"),
	(0, "52", "ch. du Lac", "St-Adrien", "J0A 1C0", 45.6819, -71.9705, (0, 1, 2), 3, "B", 500, "9008"),
	(1, "384", "Principale", "Ham-Nord", "G0P 1A0", 45.9075, -71.6387, (0, 2, 1), 2, "A", 1500, "9009"),
	(1, "15", "Rang 10", "Ham-Nord", None, 45.9204, -71.6098, (0, 2, 3), 2, "C", 150, "9010"),
]
# fmt: on
CUSTOMERS = [
	{
		"name": "Jean Tremblay",
		"legacy": "10001",
		"drop": 0,
		"status": "Active",
		"email": "jean.tremblay@example.ca",
		"services": ["FTTH500I", "TVBSTANDARD", "TELEPMENS", "SERV911", "RAB3X"],
		"phone": "8195551201",
	},
	{
		"name": "Marie Gagnon",
		"legacy": "10002",
		"drop": 2,
		"status": "Active",
		"email": "marie.gagnon@example.ca",
		"services": ["FTTH150I", "RAB24M"],
	},
	{
		"name": "Ferme Lavoie et fils",
		"legacy": "10003",
		"drop": 4,
		"status": "Suspended",
		"group": "Commercial",
		"email": "compta@fermelavoie.example.ca",
		"services": ["FTTH1500I"],
	},
	{
		"name": "Chantal Roy",
		"legacy": "10004",
		"drop": 5,
		"status": "Pending Install",
		"email": "chantal.roy@example.ca",
		"services": ["FTTH80I", "TVBSKINNY"],
	},
]
TAGS = ["Fibre", "Installation", "TV", "Téléphonie", "Réparation"]


def make_demo_data() -> None:
	ensure_setup_complete("Gigafibre", "GF")
	site.ensure()
	load_standard_catalogue()
	_settings()
	for tag in TAGS:
		if not frappe.db.exists("Dispatch Tag", tag):
			frappe.get_doc({"doctype": "Dispatch Tag", "tag_name": tag}).insert()
	for email, first, last in TECHNICIANS:
		_user(email, first, last, "Field Technician")
	for email, first, last, role in STAFF:
		_user(email, first, last, role)
	drops = make_demo_network()
	for spec in CUSTOMERS:
		_customer_graph(spec, drops)
	frappe.db.commit()  # nosemgrep: run from bench execute, which does not commit for us
	print(
		"Demo data: "
		+ ", ".join(
			f"{frappe.db.count(dt)} {dt}"
			for dt in (
				"Customer",
				"Service Location",
				"Service Subscription",
				"Service Equipment",
				"Dispatch Job",
				"Payment Arrangement",
				"VoIP Line",
				"Fibre Drop",
				"Civic Address",
			)
		)
	)
	if not frappe.get_single("Gigafibre Settings").stripe_publishable_key:
		print(
			"Card payments are not configured: /commander finds addresses and prices plans, and asks"
			" for Stripe keys (Gigafibre Settings) or a local Stripe (site config stripe_api_base and"
			" stripe_js_url) to take an order."
		)


def make_demo_network() -> list[str]:
	"""The OLTs, the fibre drops and their civic addresses (loaded, then linked by the app's
	own matching); the drops' names, in the order of DROPS. Safe to run again."""
	olts = [_olt(*olt) for olt in OLTS]
	drops = [_drop(olts, *drop) for drop in DROPS]
	load_csv(str(ADDRESSES))  # a re-load of the same extract leaves every address as it was
	match_drops(names=drops)
	unlinked = frappe.get_all(
		"Fibre Drop",
		{"name": ("in", drops), "match_status": ("not in", LINKED)},
		["name", "civic_number", "street", "city", "match_status", "match_reason"],
	)
	if unlinked:
		frappe.throw(
			"Demo fibre drops not linked to their address by the matching: "
			+ "; ".join(
				f"{d.name} {d.civic_number} {d.street}, {d.city}: {d.match_status} ({d.match_reason})"
				for d in unlinked
			)
		)
	return drops


def _settings() -> None:
	"""The customer-service phone the order page shows; Stripe test keys for a local Stripe."""
	settings = frappe.get_single("Gigafibre Settings")
	changed = False
	if not settings.support_phone:
		settings.support_phone = SUPPORT_PHONE
		changed = True
	if _local_stripe() and not settings.stripe_publishable_key and not settings.stripe_secret_key:
		settings.stripe_publishable_key, settings.stripe_secret_key = LOCAL_STRIPE_KEYS
		changed = True
	if changed:
		settings.save()


def _local_stripe() -> bool:
	"""Whether the site's Stripe (API and Stripe.js) is a server on this machine."""
	urls = [frappe.conf.get("stripe_api_base"), frappe.conf.get("stripe_js_url")]
	return all(urlparse(url or "").hostname in ("127.0.0.1", "localhost", "::1") for url in urls)


def _user(email, first, last, role):
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first,
				"last_name": last,
				"send_welcome_email": 0,
				"new_password": "gigafibre-demo",
				"language": "fr",
			}
		).insert(ignore_permissions=True)
		frappe.get_doc("User", email).add_roles(role)
	return email


def _olt(name, ip, site):
	if not frappe.db.exists("OLT", name):
		frappe.get_doc(
			{"doctype": "OLT", "olt_name": name, "ip_address": ip, "site": site, "model": "Huawei MA5800"}
		).insert()
	return name


def _drop(olts, olt, civic, street, city, postal, lat, lng, fsp, ont, zone, speed, legacy_id):
	existing = frappe.db.get_value("Fibre Drop", {"legacy_fibre_id": legacy_id})
	if existing:
		return existing
	return (
		frappe.get_doc(
			{
				"doctype": "Fibre Drop",
				"civic_number": civic,
				"street": street,
				"city": city,
				"postal_code": postal,
				"latitude": lat,
				"longitude": lng,
				"olt": olts[olt],
				"frame": fsp[0],
				"slot": fsp[1],
				"port": fsp[2],
				"ont_slot": ont,
				"zone_tarifaire": zone,
				"max_speed_mbps": speed,
				"legacy_fibre_id": legacy_id,
			}
		)
		.insert()
		.name
	)


def _customer_graph(spec, drops):
	if frappe.db.exists("Customer", {"legacy_customer_id": spec["legacy"]}):
		_link_location_address(drops[spec["drop"]])
		return
	group = spec.get("group", "Résidentiel")
	if not frappe.db.exists("Customer Group", group):
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": group,
				"parent_customer_group": "All Customer Groups",
			}
		).insert()
	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": spec["name"],
			"customer_group": group,
			"customer_type": "Company" if group == "Commercial" else "Individual",
			"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name") or "All Territories",
			"legacy_customer_id": spec["legacy"],
			"email_id": spec["email"],
			"is_suspended": 1 if spec["status"] == "Suspended" else 0,
		}
	).insert()
	drop = frappe.get_doc("Fibre Drop", drops[spec["drop"]])
	location = frappe.get_doc(
		{
			"doctype": "Service Location",
			"customer": customer.name,
			"civic_number": drop.civic_number,
			"street": drop.street,
			"city": drop.city,
			"postal_code": drop.postal_code,
			"latitude": drop.latitude,
			"longitude": drop.longitude,
			"fibre_drop": drop.name,
			"civic_address": drop.civic_address,
		}
	).insert()
	active = spec["status"] != "Pending Install"
	start = add_days(nowdate(), -200) if active else None
	if active:
		location.status = "Active"
		location.save()
		location.append(
			"ip_history", {"ip_address": f"100.64.{spec['drop']}.{10 + spec['drop']}", "assigned_on": start}
		)
		location.save()
	for sku in spec["services"]:
		subscription = frappe.get_doc(
			{
				"doctype": "Service Subscription",
				"service_location": location.name,
				"customer": customer.name,
				"item": sku,
				"rate": standard_rate(sku),
				"billing_interval": _billing(sku),
				"start_date": start,
				"commitment_months": 24 if sku == "RAB24M" else 0,
			}
		).insert()
		if active:
			subscription.update({"status": "Active"}).save()
	_equipment(spec, customer, location, active)
	if spec["status"] == "Suspended":
		for name in frappe.get_all("Service Subscription", {"service_location": location.name}, pluck="name"):
			frappe.get_doc("Service Subscription", name).update(
				{"status": "Suspended", "status_reason": "Non-paiement"}
			).save()
		location.reload()
		location.update(
			{"status": "Suspended", "status_reason": "Non-paiement: entente non respectée"}
		).save()
		frappe.get_doc(
			{
				"doctype": "Payment Arrangement",
				"customer": customer.name,
				"amount": 150,
				"method": "Phone",
				"agreed_date": add_days(nowdate(), -20),
				"due_date": add_days(nowdate(), -5),
				"cutoff_date": add_days(nowdate(), -1),
				"status": "Open",
				"note": "150 $ le 15, coupure le 20 si non reçu",
				"agent": "paul.recouvrement@gigafibre.ca",
			}
		).insert()
		frappe.get_doc(
			{
				"doctype": "Payment Method",
				"customer": customer.name,
				"processor": "Bank Draft",
				"account_holder": customer.customer_name,
				"institution_number": "815",
				"transit_number": "30121",
				"account_number": "0045678",
				"ppa_enabled": 1,
				"ppa_amount": 150,
				"is_default": 1,
			}
		).insert()
	if spec.get("phone"):
		frappe.get_doc(
			{
				"doctype": "VoIP Line",
				"did": spec["phone"],
				"customer": customer.name,
				"service_location": location.name,
				"caller_id_name": spec["name"].upper()[:15],
				"sip_username": spec["phone"],
				"sip_password": frappe.generate_hash(length=16),
				"voicemail_enabled": 1,
				"voicemail_email": spec["email"],
				"voicemail_password": "4821",
				"e911_civic_number": drop.civic_number,
				"e911_street": drop.street,
				"e911_city": drop.city,
				"e911_postal_code": drop.postal_code,
				"e911_cauca_code": "40005",
				"e911_class": "RES",
				"ata_model": "HT502",
				"ata_mac": f"00:0B:82:00:{spec['drop']:02d}:01",
			}
		).insert()
		frappe.get_doc(
			{
				"doctype": "Payment Method",
				"customer": customer.name,
				"processor": "Stripe",
				"stripe_customer_id": "cus_Demo" + spec["legacy"],
				"card_brand": "Visa",
				"card_last4": "4242",
				"is_default": 1,
			}
		).insert()
	if not active:
		today = getdate()
		frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"job_type": "Installation",
				"customer": customer.name,
				"service_location": location.name,
				"scheduled_date": add_days(today, 3),
				"preferred_date_1": add_days(today, 3),
				"preferred_date_2": add_days(today, 4),
				"preferred_date_3": add_days(today, 7),
				"required_tags": [{"tag": "Fibre"}, {"tag": "Installation"}, {"tag": "TV"}],
				"technicians": [{"technician": TECHNICIANS[0][0]}],
				"equipment": [
					{"equipment_type": "ONT", "qty": 1},
					{"equipment_type": "Router", "qty": 1},
					{"equipment_type": "TV Box", "qty": 1},
				],
				"notes": "Chien sur le terrain. Appeler 30 minutes avant.",
			}
		).insert()


def _link_location_address(drop: str) -> None:
	"""A location made by an earlier demo, before its drop had an address: the drop's address."""
	location, address = frappe.db.get_value("Fibre Drop", drop, ["service_location", "civic_address"])
	if location and address and not frappe.db.get_value("Service Location", location, "civic_address"):
		frappe.get_doc("Service Location", location).db_set("civic_address", address)


def _equipment(spec, customer, location, active):
	lastname = spec["name"].split()[-1]
	kinds = [("ONT", "Huawei", "HG8145X6"), ("Router", "TP-Link", "Deco X50")]
	if any(s.startswith("TV") for s in spec["services"]):
		kinds.append(("TV Box", "Android TV", "Box 4K"))
	for i, (kind, brand, model) in enumerate(kinds):
		doc = {
			"doctype": "Service Equipment",
			"equipment_type": kind,
			"customer": customer.name,
			"service_location": location.name,
			"brand": brand,
			"model": model,
		}
		if kind == "Router":
			doc.update(
				{
					"wifi_ssid": f"Gigafibre-{lastname}",
					"wifi_ssid_5g": f"Gigafibre-{lastname}-5G",
					"wifi_password": frappe.generate_hash(length=12),
				}
			)
		equipment = frappe.get_doc(doc).insert()
		if active:
			# Installed: the technician scanned it, then it went live.
			equipment.update(
				{
					"status": "Active",
					"serial_number": f"{brand[:4].upper()}{spec['legacy']}{i}",
					"mac_address": f"5C:E9:31:{int(spec['legacy']) % 100:02d}:{i:02d}:01",
				}
			).save()


def _billing(sku: str) -> str:
	item = next(i for i in standard_items() if i["item_code"] == sku)
	return item.get("billing_interval") or "Monthly"
