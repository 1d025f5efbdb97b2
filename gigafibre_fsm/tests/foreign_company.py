"""The lifecycle layer's second site: a real company's, not the demo's.

A new ERPNext site whose setup wizard another company completes (its own name and
abbreviation, Canada, CAD, the standard chart of accounts, an administrator password of its
own); then, as its operators would, with the bench commands: `install-app`, the legacy
import (`import-legacy`, from generated legacy databases), the standard catalogue (the button
of Gigafibre Settings), the website over HTTP (search, availability, a triple-play quote
equal to a total computed by hand, a checkout with a card saved in Stripe), and
`uninstall-app`. Nothing of this repository's set-up helpers (demo, test fixtures) runs here.

Called by lifecycle.py with the site and the bench; adds its checks to the layer's.
"""

import datetime
import json
import os
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import frappe
import pymysql
import requests

APP = "gigafibre_fsm"
COMPANY = "Fibres du Nord Inc."
ABBR = "FDN"
ADMIN_DB = {"host": "127.0.0.1", "port": 3306, "user": "gigafibre_dba", "password": "gigafibre-dba"}
LEGACY_SCALE = 0.01
LEGACY_SEED = 5
CENT = Decimal("0.01")


def cents(value) -> Decimal:
	return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def bench(bench_dir: str, *args: str) -> str:
	print("$ bench", " ".join(args), flush=True)
	result = subprocess.run(["bench", *args], cwd=bench_dir, capture_output=True, text=True)
	if result.returncode != 0:
		print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
		raise SystemExit(f"bench {' '.join(args)} failed with status {result.returncode}")
	return result.stdout


class Connected:
	"""``with Connected(site):`` — this process connected to the site, as Administrator."""

	def __init__(self, site: str):
		self.site = site

	def __enter__(self):
		frappe.init(site=self.site, sites_path=".")
		frappe.connect()
		frappe.set_user("Administrator")
		return self

	def __exit__(self, *exc):
		frappe.db.rollback()
		frappe.destroy()


def complete_wizard(site: str) -> None:
	"""What the other company's administrator does in the browser on the new site."""
	with Connected(site):
		if frappe.db.a_row_exists("Company"):
			return
		from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

		year = datetime.date.today().year
		setup_complete(
			{
				"currency": "CAD",
				"full_name": "Nadia Gagnon",
				"company_name": COMPANY,
				"company_abbr": ABBR,
				"timezone": "America/Toronto",
				"country": "Canada",
				"fy_start_date": f"{year}-01-01",
				"fy_end_date": f"{year}-12-31",
				"language": "english",
				"email": "nadia@fibresdunord.example",
				"password": frappe.generate_hash(length=16),
				"chart_of_accounts": "Standard",
			}
		)
		frappe.db.commit()  # nosemgrep: the wizard's work, as after the browser's request


def check_setup(checks, site: str) -> None:
	with Connected(site):
		settings = frappe.get_doc("Gigafibre Settings")
		checks.check(
			settings.company == COMPANY, "the app sells for the site's only company", settings.company
		)
		gst = frappe.db.get_value(
			"Account", {"company": COMPANY, "account_name": "GST", "is_group": 0}, ["name", "parent_account"]
		)
		tvq = frappe.db.get_value(
			"Account",
			settings.tvq_account or "",
			["account_name", "parent_account", "account_type"],
			as_dict=True,
		)
		checks.check(
			bool(gst)
			and tvq
			and (tvq.account_name, tvq.parent_account, tvq.account_type) == ("TVQ", gst[1], "Tax"),
			"install makes the TVQ payable account beside the company's GST account",
			(gst, tvq),
		)
		rows = frappe.get_all(
			"Sales Taxes and Charges",
			filters={"parent": settings.sales_taxes_template or ""},
			fields=["charge_type", "account_head", "rate"],
			order_by="idx",
		)
		checks.check(
			settings.sales_taxes_template == f"TPS/TVQ - {ABBR}"
			and [(r.charge_type, r.account_head, r.rate) for r in rows]
			== [("On Net Total", gst[0], 5.0), ("On Net Total", settings.tvq_account, 9.975)],
			'install makes the "TPS/TVQ" template: 5 % and 9.975 % on the net total',
			(settings.sales_taxes_template, rows),
		)
		checks.check(
			all(frappe.db.exists("Customer Group", g) for g in ("Résidentiel", "Commercial"))
			and frappe.db.exists("Item Group", "Services Gigafibre")
			and frappe.db.get_single_value("Selling Settings", "allow_negative_rates_for_items") == 1,
			"install makes the customer groups, the item group and the selling settings it needs",
		)


def legacy_import(checks, site: str, bench_dir: str) -> dict:
	"""Generated legacy databases, named in the site config, imported by the operator's command."""
	from gigafibre_fsm.tests.generators import legacy as generator

	suffix = f"{os.getpid()}"
	names = {"database": f"gft_foreign_legacy_{suffix}", "genieacs_database": f"gft_foreign_acs_{suffix}"}
	manifest = generator.generate(
		**ADMIN_DB,
		scale=LEGACY_SCALE,
		seed=LEGACY_SEED,
		legacy_db=names["database"],
		genieacs_db=names["genieacs_database"],
		drop_existing=True,
	)
	bench(bench_dir, "--site", site, "set-config", "--parse", "legacy_db", json.dumps({**ADMIN_DB, **names}))
	try:
		output = bench(bench_dir, "--site", site, "import-legacy")
		checks.check(
			"rejected" in output or "created" in output, "bench import-legacy runs and sums up", output[-400:]
		)
		with Connected(site):
			run = frappe.get_all(
				"Legacy Import Run", fields=["name", "status"], order_by="creation desc", limit=1
			)
			tables = frappe.get_all(
				"Legacy Import Run Table",
				filters={"parent": run[0].name} if run else {"parent": ""},
				fields=[
					"source_table",
					"source_rows",
					"created",
					"updated",
					"unchanged",
					"skipped",
					"rejected",
				],
			)
			unbalanced = [
				t.source_table
				for t in tables
				if (t.created or 0)
				+ (t.updated or 0)
				+ (t.unchanged or 0)
				+ (t.skipped or 0)
				+ (t.rejected or 0)
				!= (t.source_rows or 0)
			]
			checks.check(
				bool(run) and run[0].status == "Completed" and tables and not unbalanced,
				"the import completes and every legacy row has one outcome",
				(run, unbalanced),
			)
			customers = frappe.db.count("Customer", {"legacy_customer_id": ("is", "set")})
			checks.check(
				customers == manifest["rows"]["account"],
				"every legacy account is a customer of the company",
				f"{customers} of {manifest['rows']['account']}",
			)
			rules = {
				sku: frappe.db.get_value(
					"Item",
					sku,
					[
						"service_type",
						"discount_rule",
						"combo_count",
						"added_with",
						"added_quantity",
						"offered",
					],
					as_dict=True,
				)
				for sku in ("RAB3X", "SERV911", "FTTHINST")
			}
			checks.check(
				rules["RAB3X"]
				and (rules["RAB3X"].discount_rule, rules["RAB3X"].combo_count, rules["RAB3X"].offered)
				== ("combo", 3, 1)
				and rules["SERV911"]
				and (
					rules["SERV911"].service_type,
					rules["SERV911"].added_with,
					rules["SERV911"].added_quantity,
				)
				== ("fee", "phone", "per_unit"),
				"the legacy catalogue comes in with its pricing rules (RAB3X for 3 services, SERV911 with each phone line)",
				rules,
			)
			checks.check(
				frappe.db.get_value("Item", "IPFIXE", "offered") == 0,
				"a legacy product the import cannot complete is kept, not offered",
			)
	finally:
		connection = pymysql.connect(**ADMIN_DB)
		with connection.cursor() as cursor:
			for name in names.values():
				cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
		connection.close()
	return manifest


def address_to_sell(site: str) -> dict:
	"""A free imported drop and the civic address it serves (an extract of one row, loaded and
	matched by the operators' commands)."""
	with Connected(site):
		drop = frappe.db.sql(
			"""select name, civic_number, street, city, postal_code from `tabFibre Drop`
			where ifnull(installed_serial, '') = '' and ifnull(civic_number, '') != ''
			and ifnull(street, '') != '' and ifnull(city, '') != '' and max_speed_mbps >= 500
			and ifnull(service_location, '') = '' order by name limit 1""",
			as_dict=True,
		)[0]
	return drop


def load_reference(site: str, bench_dir: str, drop: dict) -> str:
	from gigafibre_fsm.rules.address import split_address

	parts = split_address(f"{drop.civic_number} {drop.street}")
	street = (parts.street or drop.street).split(" ", 1)
	generic, specific = (street[0], street[1]) if len(street) == 2 else ("Rue", street[0])
	path = f"/tmp/gigafibre-foreign-rqa-{os.getpid()}.csv"
	header = (
		"rqa_id,civic_number,civic_suffix,street_generic,street_link,street_specific,street_direction,"
		"municipality,municipality_code,postal_code,latitude,longitude"
	)
	with open(path, "w", encoding="utf-8") as f:
		f.write(header + "\n")
		f.write(
			f"FDN-0001,{parts.civic_number},,{generic},,{specific},,{drop.city},99999,{drop.postal_code or ''},,\n"
		)
	os.chmod(path, 0o644)
	bench(bench_dir, "--site", site, "load-addresses", path)
	bench(bench_dir, "--site", site, "match-fibre-drops", "--drop", drop.name)
	os.unlink(path)
	return "FDN-0001"


def hand_quote() -> dict:
	"""The triple play (FTTH500I, TVBSTANDARD, TELEPMENS; 24 months; installed on the 1st):
	monthly 99.95 + 30.00 + 28.95 + SERV911 0.69 − RAB3X 10.00 − RAB24M 15.00 = 134.59;
	once ACTTELEP 69.95 + FTTHINST 0.00 + DECODEUR 99.95 − the first box offered 99.95 = 69.95;
	a whole first month: due at installation 69.95 + 134.59 = 204.54."""
	monthly, due = Decimal("134.59"), Decimal("204.54")

	def taxed(subtotal):
		tps, tvq = cents(subtotal * Decimal("0.05")), cents(subtotal * Decimal("0.09975"))
		return {"subtotal": subtotal, "tps": tps, "tvq": tvq, "total": subtotal + tps + tvq}

	return {"monthly": taxed(monthly), "due_at_installation": taxed(due)}


def website(checks, site: str, address_id: str) -> None:
	from gigafibre_fsm.tests.live import OrderWorld
	from gigafibre_fsm.tests.test_checkout import saved_card

	with Connected(site):
		world = OrderWorld(serve=True).open()
		try:
			headers = {**world.site.headers, "Accept": "application/json"}

			def get(method, **params):
				return requests.get(world.site.api(method), params=params, headers=headers, timeout=60)

			def post(method, body):
				return requests.post(world.site.api(method), json=body, headers=headers, timeout=60)

			drop = frappe.db.get_value(
				"Fibre Drop", {"civic_address": address_id}, ["name", "street", "civic_number"], as_dict=True
			)
			found = get("gigafibre_fsm.api.website.search_addresses", q=f"{drop.street} {drop.civic_number}")
			checks.check(
				found.status_code == 200 and address_id in [a["address_id"] for a in found.json()["message"]],
				"a visitor finds the address, street first",
				found.text[:300],
			)
			available = get("gigafibre_fsm.api.website.availability", address_id=address_id)
			plans = (
				available.json().get("message", {}).get("plans", {}) if available.status_code == 200 else {}
			)
			checks.check(
				"FTTH500I" in [p["sku"] for p in plans.get("internet", [])]
				and "TVBSTANDARD" in [p["sku"] for p in plans.get("tv", [])],
				"the address offers the imported plans",
				available.text[:300],
			)
			today = datetime.date.today()
			first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
			basket = [
				{"sku": "FTTH500I", "qty": 1},
				{"sku": "TVBSTANDARD", "qty": 1},
				{"sku": "TELEPMENS", "qty": 1},
			]
			quote = post(
				"gigafibre_fsm.api.website.quote",
				{
					"address_id": address_id,
					"items": basket,
					"commitment_months": 24,
					"install_date": first.isoformat(),
				},
			)
			got = quote.json().get("message", {}) if quote.status_code == 200 else {}
			expected = hand_quote()
			seen = {
				part: {k: cents(got.get(part, {}).get(k, -1)) for k in ("subtotal", "tps", "tvq", "total")}
				for part in expected
			}
			checks.check(
				seen == expected,
				"the website quotes the triple play as computed by hand (discounts, 911 fee, free box, TPS, TVQ)",
				{"got": seen, "expected": expected, "answer": quote.text[:300]},
			)

			from gigafibre_fsm.setup.catalogue import standard_items

			standard = [item["item_code"] for item in standard_items()]
			imported = {sku for sku in standard if frappe.db.exists("Item", sku)}
			prices = {sku: frappe.db.get_value("Item", sku, "standard_rate") for sku in imported}
			done = frappe.get_doc("Gigafibre Settings").load_standard_catalogue()
			frappe.db.commit()  # nosemgrep: as the button's request commits
			checks.check(
				set(done["created"]) == set(standard) - imported
				and set(done["kept"]) == imported
				and all(frappe.db.exists("Item", sku) for sku in standard)
				and all(frappe.db.get_value("Item", sku, "standard_rate") == prices[sku] for sku in imported),
				"the standard catalogue adds what the import did not bring and keeps the rest as imported",
				{"done": done, "imported": sorted(imported)},
			)

			email = "client.nord@example.com"
			body = {
				"idempotency_key": frappe.generate_hash(length=24),
				"address_id": address_id,
				"customer": {
					"first_name": "Julie",
					"last_name": "Bouchard",
					"email": email,
					"phone": "819-555-0199",
					"language": "fr",
				},
				"items": basket,
				"commitment_months": 24,
				"preferred_dates": [],
				"contact_me": True,
				"setup_intent_id": saved_card(email),
			}
			order = post("gigafibre_fsm.api.website.checkout", body)
			answer = order.json().get("message", {}) if order.status_code == 200 else {}
			checks.check(
				order.status_code == 200 and answer.get("status") == "confirmed",
				"a visitor orders: the checkout succeeds on the company's site",
				order.text[:400],
			)
			if answer:
				frappe.db.rollback()
				project_company = frappe.db.get_value("Project", answer["project"], "company")
				customer_group = frappe.db.get_value("Customer", answer["customer"], "customer_group")
				checks.check(
					(project_company, customer_group) == (COMPANY, "Résidentiel"),
					"the order belongs to the company and its customer group",
					(project_company, customer_group),
				)
		finally:
			world.close()


def run(checks, site: str, bench_dir: str, snapshot, diff) -> None:
	"""The whole story on a new site; ``snapshot``/``diff`` are lifecycle.py's."""
	complete_wizard(site)
	baseline = snapshot(site)
	bench(bench_dir, "--site", site, "install-app", APP)
	check_setup(checks, site)
	legacy_import(checks, site, bench_dir)
	address_id = load_reference(site, bench_dir, address_to_sell(site))
	website(checks, site, address_id)
	bench(bench_dir, "--site", site, "uninstall-app", APP, "--yes", "--no-backup")
	removed = snapshot(site)
	checks.check(
		not removed["installed"]
		and not any(removed["custom_fields"].values())
		and not any(removed["custom_columns"].values())
		and not removed["doctypes"]
		and not removed["roles"]
		and not removed["workspace"],
		"on the company's site too, uninstall leaves no field, column, doctype, role or workspace",
		diff(baseline, removed),
	)
