"""The legacy import on a real site, against real MariaDB legacy databases made by the generator.

The databases get names unique to the run and are dropped at the end; everything the import
wrote is removed again (the import commits a batch at a time, so a rollback cannot undo it).
"""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from unittest.mock import patch

import frappe
import pymysql
from frappe.tests.utils import FrappeTestCase
from frappe.utils.password import get_decrypted_password

from gigafibre_fsm.legacy import clean, convert, preconditions
from gigafibre_fsm.legacy.preconditions import ImportPreconditionError
from gigafibre_fsm.legacy.run import Importer
from gigafibre_fsm.legacy.source import LegacyConfig, LegacySource
from gigafibre_fsm.legacy.tables import customers
from gigafibre_fsm.legacy.tables.customers import AccountStep
from gigafibre_fsm.network.fibre_port import drop_status
from gigafibre_fsm.rules.phone import normalize_phone
from gigafibre_fsm.service.identifiers import normalize_mac, normalize_serial
from gigafibre_fsm.status_flow import in_service
from gigafibre_fsm.tests.generators import legacy as generator
from gigafibre_fsm.tests.legacy_helpers import (
	LEGACY_DOCTYPES,
	TARGETS,
	imported_names,
	remove_imported,
	site_before_import,
)
from gigafibre_fsm.tests.utils import ERPNEXT_DOCTYPES

test_ignore = [*ERPNEXT_DOCTYPES, "Legacy Import Run", "Legacy Import Log", "Legacy Record"]

ADMIN = {"host": "127.0.0.1", "port": 3306, "user": "gigafibre_dba", "password": "gigafibre-dba"}
SCALE = 0.01
SEED = 7

SKIP_FIELDS = {"name", "creation", "modified", "owner", "modified_by", "idx", "parent", "parenttype",
	"parentfield", "_user_tags", "_comments", "_assign", "_liked_by", "_seen", "lft", "rgt"}  # fmt: skip


class TestLegacyImport(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.started = frappe.utils.now()
		cls.before = site_before_import()
		if frappe.db.count("Legacy Record"):
			raise AssertionError("this site already holds imported legacy data: run the tests on a test site")
		suffix = f"{os.getpid()}_{frappe.generate_hash(length=6)}"
		cls.config = LegacyConfig(
			**ADMIN, database=f"gft_legacy_{suffix}", genieacs_database=f"gft_genieacs_{suffix}"
		)
		cls.manifest = generator.generate(
			**ADMIN,
			scale=SCALE,
			seed=SEED,
			legacy_db=cls.config.database,
			genieacs_db=cls.config.genieacs_database,
		)
		cls.source = LegacySource(cls.config)
		try:
			cls.counts_before_dry_run = table_counts()
			cls.dry = cls.run_import(dry_run=True)
			cls.counts_after_dry_run = table_counts()
			cls.first = cls.run_import()
		except BaseException:
			cls.tearDownClass()
			raise

	@classmethod
	def tearDownClass(cls):
		try:
			remove_imported(cls.before, cls.started)
		finally:
			cls.source.close()
			connection = pymysql.connect(**ADMIN)
			with connection.cursor() as cursor:
				for name in (cls.config.database, cls.config.genieacs_database):
					cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
			connection.close()
			super().tearDownClass()

	@classmethod
	def run_import(cls, **options) -> dict:
		summary = Importer(cls.source, **options).run()
		frappe.db.commit()  # nosemgrep: the import commits; the test reads what it left
		return summary

	def legacy(self, table: str, ident) -> dict:
		database = self.config.genieacs_database if table in ("wifi", "voip") else self.config.database
		return self.source.query(f"select * from `{database}`.`{table}` where id = %s", (ident,))[0]

	def imported(self, doctype: str, field: str, ident) -> "frappe.Document":
		return frappe.get_doc(doctype, frappe.db.get_value(doctype, {field: str(ident)}))

	def logged(self, table: str, outcome: str | None = None) -> dict[str, list[str]]:
		filters = {"run": self.first["run"], "source_table": table}
		if outcome:
			filters["outcome"] = outcome
		found: dict[str, list[str]] = {}
		for row in frappe.get_all("Legacy Import Log", filters=filters, fields=["legacy_id", "reason"]):
			found.setdefault(row.legacy_id, []).append(row.reason)
		return found

	# ------------------------------------------------------------------ a dry run

	def test_a_dry_run_reads_and_validates_everything_and_writes_nothing(self):
		self.assertEqual(self.counts_before_dry_run, self.counts_after_dry_run)
		self.assertIsNone(self.dry["run"])
		self.assertEqual(self.dry["tables"]["account"]["created"], self.manifest["rows"]["account"])
		for table, counts in self.dry["tables"].items():
			self.assertEqual(counts["created"], self.first["tables"][table]["created"], table)
			self.assertEqual(counts["rejected"], self.first["tables"][table]["rejected"], table)

	# ------------------------------------------------------------------ field by field

	def test_customers_contacts_and_addresses(self):
		accounts = self.source.query(f"select * from `{self.config.database}`.account order by id")
		self.assertEqual(len(imported_names("Customer")), len(accounts))
		for row in accounts[:40]:
			customer = self.imported("Customer", "legacy_customer_id", row["id"])
			first = clean.clean_text(row["first_name"])
			last = clean.clean_text(row["last_name"])
			company = clean.clean_text(row["company"])
			expected = clean.restore_lossy(company or " ".join(p for p in (first, last) if p))
			if expected and not clean.text_is_lossy(expected, single_line=True):
				self.assertEqual(customer.customer_name, expected)
			self.assertEqual(customer.disabled, 1 if row["status"] == 0 else 0)
			self.assertEqual(customer.is_suspended, 1 if row["status"] == 2 else customer.is_suspended)
			self.assertEqual(customer.customer_type, "Company" if company else "Individual")
			email = clean.clean_email(row["email"])
			contact = frappe.get_doc("Contact", customer.customer_primary_contact)
			self.assertEqual(contact.email_id or None, email if isinstance(email, str) else None)
			phone = normalize_phone(clean.clean_text(row["phone"]) or "")
			if phone:
				self.assertEqual(contact.phone.replace("-", ""), phone)
			self.assertEqual(contact.links[0].link_name, customer.name)
			if customer.customer_primary_address:
				address = frappe.get_doc("Address", customer.customer_primary_address)
				self.assertIn(address.address_line1, customer.primary_address)

	def test_text_damaged_in_the_legacy_data_comes_out_as_french(self):
		fields = {
			("account", "first_name"): ("Customer", "legacy_customer_id", None),
			("delivery", "city"): ("Service Location", "legacy_delivery_id", "city"),
			("fibre", "rue"): ("Fibre Drop", "legacy_fibre_id", "street"),
		}
		checked = 0
		for entry in self.manifest["expected_text"]:
			key = (entry["table"], entry["column"])
			if key not in fields or entry["kind"] in generator.LOSSY_KINDS:
				continue
			doctype, legacy_field, fieldname = fields[key]
			name = frappe.db.get_value(doctype, {legacy_field: str(entry["id"])})
			if not name:
				continue
			if fieldname:
				stored = frappe.db.get_value(doctype, name, fieldname)
				# Streets lose their civic number, cities take the municipality's spelling.
				if entry["column"] == "city":
					self.assertEqual(clean.city_key(stored), clean.city_key(entry["expected"]))
				else:
					self.assertEqual(stored, entry["expected"])
			else:
				self.assertIn(entry["expected"], frappe.db.get_value(doctype, name, "customer_name"))
			checked += 1
		self.assertGreater(checked, 0)

	def test_locations_keep_their_address_in_parts(self):
		for row in self.source.query(f"select * from `{self.config.database}`.delivery order by id limit 60"):
			name = frappe.db.get_value("Service Location", {"legacy_delivery_id": str(row["id"])})
			if not name:
				self.assertIn(str(row["id"]), self.logged("delivery", "Rejected"))
				continue
			location = frappe.get_doc("Service Location", name)
			parts = clean.clean_address(row["address1"], row["address2"])
			self.assertEqual((location.civic_number, location.civic_suffix), parts[:2])
			self.assertEqual(location.apartment, parts.apartment)
			postal = clean.clean_postal_code(row["zip"])
			self.assertEqual(location.postal_code, postal if isinstance(postal, str) else None)
			self.assertNotEqual(location.latitude, "0")
			if row["latitude"] is None:
				self.assertIsNone(location.latitude)
			self.assertEqual(location.customer, self.customer_of(row["account_id"]))

	def customer_of(self, account_id) -> str:
		return frappe.db.get_value("Customer", {"legacy_customer_id": str(account_id)})

	def test_catalogue_subscriptions_and_equipment(self):
		product = self.legacy("product", 2)
		item = self.imported("Item", "legacy_product_id", 2)
		self.assertEqual(item.item_code, product["sku"])
		self.assertEqual(Decimal(str(item.standard_rate)), clean.to_money(abs(product["price"])))
		for row in self.source.query(f"select * from `{self.config.database}`.service order by id limit 80"):
			name = frappe.db.get_value("Service Subscription", {"legacy_service_id": str(row["id"])})
			if not name:
				self.assertIn(str(row["id"]), self.logged("service"))
				continue
			subscription = frappe.get_doc("Service Subscription", name)
			self.assertEqual(subscription.status, clean.service_status(row["status"]))
			start = known_date(row["date_orig"])
			self.assertEqual(subscription.start_date, start)
			self.assertEqual(subscription.start_date_unknown, int(not start and row["status"] != 3))
			price = (
				row["hijack_price"]
				if row["hijack_price"] is not None
				else self.legacy("product", row["product_id"])["price"]
			)
			self.assertEqual(Decimal(str(subscription.rate)), clean.to_money(price))
		devices = self.source.query(
			f"select * from `{self.config.database}`.device where account_id > 0 order by id limit 80"
		)
		for row in devices:
			name = frappe.db.get_value("Service Equipment", {"legacy_device_id": str(row["id"])})
			if not name:
				self.assertIn(str(row["id"]), self.logged("device"))
				continue
			equipment = frappe.get_doc("Service Equipment", name)
			self.assertEqual(equipment.serial_number, normalize_serial(clean.clean_text(row["sn"])))
			self.assertEqual(equipment.mac_address, normalize_mac(clean.clean_text(row["mac"]) or ""))
			self.assertEqual(equipment.status, clean.device_status(row["status"]))

	def test_provisioning_secrets_are_encrypted_and_readable(self):
		rows = self.source.query(
			f"select s.device_id, s.radius_user, s.radius_pwd from `{self.config.database}`.service s "
			"where ifnull(s.radius_user, '') != '' and s.status = 1 and s.device_id is not null limit 20"
		)
		checked = 0
		for row in rows:
			name = frappe.db.get_value("Service Equipment", {"legacy_device_id": str(row["device_id"])})
			if not name:
				continue
			self.assertEqual(
				frappe.db.get_value("Service Equipment", name, "radius_username"), row["radius_user"]
			)
			self.assertNotIn(
				row["radius_pwd"], frappe.db.get_value("Service Equipment", name, "radius_password")
			)
			self.assertEqual(
				get_decrypted_password("Service Equipment", name, "radius_password"), row["radius_pwd"]
			)
			checked += 1
		self.assertGreater(checked, 0)
		wifi = self.source.query(f"select * from `{self.config.genieacs_database}`.wifi order by id desc")
		mac = normalize_mac(clean.clean_text(wifi[0]["serial"]))
		name = frappe.db.get_value("Service Equipment", {"mac_address": mac})
		if name:
			self.assertEqual(
				get_decrypted_password("Service Equipment", name, "wifi_password"), wifi[0]["password"]
			)
		profile = self.source.query(
			f"select * from `{self.config.database}`.account_profile order by id limit 1"
		)[0]
		method = frappe.db.get_value(
			"Payment Method", {"legacy_payment_method_id": f"profile-{profile['id']}"}
		)
		if method:
			self.assertEqual(
				get_decrypted_password("Payment Method", method, "processor_token"), profile["token"]
			)
		raw_rows = frappe.get_all("Legacy Import Log", filters={"run": self.first["run"]}, pluck="raw_row")
		self.assertFalse(any(profile["token"] in (r or "") for r in raw_rows))

	def test_fibre_drops_status_is_the_rule_over_their_installed_serial(self):
		for row in self.source.query(f"select * from `{self.config.database}`.fibre order by id limit 80"):
			name = frappe.db.get_value("Fibre Drop", {"legacy_fibre_id": str(row["id"])})
			if not name:
				self.assertIn(str(row["id"]), self.logged("fibre", "Rejected"))
				continue
			drop = frappe.get_doc("Fibre Drop", name)
			self.assertEqual(drop.status, drop_status(drop.installed_serial, drop.box_not_installed))
			self.assertIsNone(drop.frame if row["frame"] is None else None)
			if drop.service_location:
				location = frappe.get_doc("Service Location", drop.service_location)
				self.assertEqual(location.fibre_drop, drop.name)
				self.assertEqual((location.frame, location.port), (drop.frame, drop.port))
				if in_service(location.status):
					self.assertNotEqual(drop.status, "Available")
			elif clean.clean_text(row["sn"]):
				self.assertEqual(
					drop.installed_serial.replace(" ", ""),
					clean.clean_text(row["sn"]).upper().replace(" ", ""),
				)

	def test_quotes_arrangements_and_work_orders(self):
		for ident, expected in list(self.manifest["php"].items())[:30]:
			name = frappe.db.get_value("Quotation", {"legacy_soumission_id": ident})
			if not name:
				self.assertIn(ident, self.logged("soumission", "Rejected"))
				continue
			total = sum(Decimal(c["total"]) for c in expected.values())
			amounts = frappe.db.sql(
				"select cast(sum(amount) as char) from `tabQuotation Item` where parent = %s", name
			)[0][0]
			left_out = sum(
				(
					Decimal(str(a))
					for a in frappe.get_all(
						"Legacy Import Log",
						filters={"run": self.first["run"], "source_table": "soumission", "legacy_id": ident},
						pluck="amount",
					)
				),
				Decimal(0),
			)
			self.assertEqual(clean.to_money(Decimal(amounts)) + left_out, total, ident)
		for row in self.source.query(
			f"select * from `{self.config.database}`.accord_paiement order by id limit 60"
		):
			name = frappe.db.get_value("Payment Arrangement", {"legacy_accord_id": str(row["id"])})
			if not name:
				self.assertIn(str(row["id"]), self.logged("accord_paiement"))
				continue
			arrangement = frappe.get_doc("Payment Arrangement", name)
			self.assertEqual(Decimal(str(arrangement.amount)), clean.to_money(row["montant"]))
			self.assertEqual(arrangement.status, clean.arrangement_status(row["status"]))
			self.assertEqual(arrangement.due_date, known_date(row["date_echeance"]))
			self.assertEqual(arrangement.due_date_unknown, int(not arrangement.due_date))
		for row in self.source.query(
			f"select * from `{self.config.database}`.bon_travail order by id limit 60"
		):
			name = frappe.db.get_value("Dispatch Job", {"legacy_bon_travail_id": str(row["id"])})
			if not name:
				self.assertIn(str(row["id"]), self.logged("bon_travail"))
				continue
			job = frappe.get_doc("Dispatch Job", name)
			self.assertEqual(Decimal(str(job.total)), clean.to_money(row["total"]))
			self.assertIsNone(job.service_location)
			self.assertEqual(job.scheduled_date, known_date(row["date"]))
			self.assertEqual(job.scheduled_date_unknown, int(not job.scheduled_date))
			self.assertEqual(job.technician_unknown, int(not job.technicians))
			first = next((t for t in job.technicians if t.legacy_staff_id == str(row["tech1"])), None)
			if first is None:
				continue  # no tech1 (or one the legacy system no longer had)
			self.assertEqual(first.arrival_time, clean.unix_to_datetime(row["heure_arrive_t1"], naive=True))
			if first.departure_time and first.arrival_time:
				self.assertAlmostEqual(
					first.hours, (row["heure_depart_t1"] - row["heure_arrive_t1"]) / 3600, 2
				)

	def test_phone_lines_with_their_911_address_and_ata(self):
		for row in self.source.query(f"select * from `{self.config.database}`.pbx order by id"):
			name = frappe.db.get_value("VoIP Line", {"legacy_pbx_id": str(row["id"])})
			if not name:
				self.assertIn(str(row["id"]), self.logged("pbx"))
				continue
			line = frappe.get_doc("VoIP Line", name)
			self.assertEqual(line.did, normalize_phone(clean.clean_text(row["phone"])))
			if line.legacy_phone_addr_id:
				registration = self.legacy("phone_addr", line.legacy_phone_addr_id)
				self.assertEqual(normalize_phone(clean.clean_text(registration["phone"])), line.did)
				self.assertEqual(line.e911_cauca_code, registration["code_cauca"])
			self.assertFalse(
				frappe.db.exists("__Auth", {"doctype": "VoIP Line", "name": name, "fieldname": "sip_password"})
			)
			if line.status != "Cancelled" and row["password"]:
				if line.equipment:
					self.assertEqual(
						get_decrypted_password("Service Equipment", line.equipment, "sip_password"), row["password"]
					)
				else:
					self.assertIn(str(row["id"]), self.logged("pbx", "Warning"))
		orphan_911 = self.manifest["planted"]["e911_without_line"]["phone_addr"]
		for ident in orphan_911[:5]:
			status = frappe.db.get_value("VoIP Line", {"legacy_phone_addr_id": str(ident)}, "status")
			self.assertIn(status, ("Cancelled", None))

	def test_history_rows_and_suspensions(self):
		rows = self.source.query(f"select * from `{self.config.database}`.ip_history order by id limit 50")
		for row in rows:
			found = frappe.db.get_value(
				"IP History", {"legacy_ip_history_id": str(row["id"])}, ["parent", "ip_address"], as_dict=True
			)
			if not found:
				self.assertIn(str(row["id"]), self.logged("ip_history"))
				continue
			self.assertEqual(
				frappe.db.get_value("Service Location", found.parent, "legacy_delivery_id"),
				str(row["delivery_id"]),
			)
			self.assertEqual(found.ip_address, clean.clean_ip(row["ip"]))
		for row in self.source.query(
			f"select * from `{self.config.database}`.account_suspension order by id limit 30"
		):
			name = frappe.db.get_value("Suspension Log", {"legacy_suspension_id": str(row["id"])})
			if not name:
				self.assertIn(str(row["id"]), self.logged("account_suspension"))
				continue
			log = frappe.get_doc("Suspension Log", name)
			self.assertEqual(log.from_date, clean.unix_to_date(row["date_start"]))
			self.assertIsNone(log.suspended_by)

	# ------------------------------------------------------------------ any set-up site

	def test_a_site_not_set_up_stops_the_run_before_it_writes(self):
		# What the import writes, by legacy id (other tests may write on the site meanwhile).
		before, runs = imported_counts(), frappe.db.count("Legacy Import Run")
		with patch.object(preconditions, "wizard_done", return_value=False):
			with self.assertRaises(ImportPreconditionError) as refused:
				Importer(self.source, tables=["account"]).run()
		self.assertIn("Finish the setup wizard", str(refused.exception))
		self.assertEqual((imported_counts(), frappe.db.count("Legacy Import Run")), (before, runs))

		# What the app's set-up cannot choose for the business (several companies), and what
		# someone removed: each named with what to do, and a dry run is stopped too.
		settings = preconditions.site.settings_values

		def without_company(*fields):
			return frappe._dict({k: None if k == "company" else v for k, v in settings(*fields).items()})

		frappe.db.delete("Address Template")
		with (
			patch.object(preconditions.site, "ensure", return_value={}),
			patch.object(preconditions.site, "settings_values", without_company),
			self.assertRaises(ImportPreconditionError) as refused,
		):
			Importer(self.source, dry_run=True).run()
		message = str(refused.exception)
		self.assertIn("Set the Company in Gigafibre Settings", message)
		self.assertIn("create an Address Template for Canada", message)
		self.assertTrue(frappe.db.exists("Address Template", "Canada"))  # rolled back: nothing written
		self.assertEqual((imported_counts(), frappe.db.count("Legacy Import Run")), (before, runs))

	def test_a_rejected_row_leaves_nothing_behind(self):
		database = self.config.database
		ident = self.source.query(f"select max(id) + 1000 id from `{database}`.account")[0]["id"]
		delivery = self.source.query(f"select max(id) + 1000 id from `{database}`.delivery")[0]["id"]
		connection = pymysql.connect(**ADMIN, database=database, autocommit=True)
		try:
			with connection.cursor() as cursor:
				cursor.execute(
					"insert into account (id, first_name, last_name, email, phone, status) "
					"values (%s, 'Rosaire', 'Gendron', 'rosaire.gendron@example.com', '418-555-0142', 1)",
					ident,
				)
				cursor.execute(
					"insert into delivery (id, account_id, address1, city, state, zip) "
					"values (%s, %s, '12 rue des Érables', 'Saint-Zénon', 'QC', 'J0K 3N0')",
					(delivery, ident),
				)
			# The account's address fails after its customer and contact were validated.
			failing = patch.object(AccountStep, "address_display", side_effect=RuntimeError("template"))
			with failing:
				summary = self.run_import(tables=["account"])
			self.assertEqual(
				summary["tables"]["account"]["rejected"], self.first["tables"]["account"]["rejected"] + 1
			)
			for doctype in ("Customer", "Contact", "Address"):
				self.assertFalse(frappe.db.exists(doctype, {"legacy_customer_id": str(ident)}), doctype)
			self.assertFalse(frappe.db.exists("Legacy Record", f"account:{ident}"))
			self.assertFalse(frappe.db.exists("Contact", {"email_id": "rosaire.gendron@example.com"}))

			# An update that fails half-way (its contact refused) leaves the customer as it was.
			self.assertEqual(self.run_import(tables=["account"])["tables"]["account"]["created"], 1)
			customer = frappe.db.get_value("Customer", {"legacy_customer_id": str(ident)})
			with connection.cursor() as cursor:
				cursor.execute("update account set last_name = 'Gendron-Roy' where id = %s", ident)
			real_update = customers.update_doc

			def refuse_contact(doctype, name, values):
				if doctype == "Contact":
					frappe.throw("refused", frappe.ValidationError)
				real_update(doctype, name, values)

			with patch.object(customers, "update_doc", refuse_contact):
				summary = self.run_import(tables=["account"])
			self.assertEqual(summary["tables"]["account"]["updated"], 0)
			self.assertEqual(frappe.db.get_value("Customer", customer, "customer_name"), "Rosaire Gendron")
		finally:
			with connection.cursor() as cursor:
				cursor.execute("delete from account where id = %s", ident)
				cursor.execute("delete from delivery where id = %s", delivery)
			connection.close()
			remove_account(str(ident))

	# ------------------------------------------------------------------ history whole

	def test_history_with_unknown_dates_or_technicians_is_imported_not_refused(self):
		planted = self.manifest["planted"]
		for key, doctype, field, flag in (
			("accord_paiement.date_echeance", "Payment Arrangement", "legacy_accord_id", "due_date_unknown"),
			("bon_travail.date", "Dispatch Job", "legacy_bon_travail_id", "scheduled_date_unknown"),
			("service.date_orig", "Service Subscription", "legacy_service_id", "start_date_unknown"),
		):
			table = key.split(".")[0]
			ids = planted["zero_date"][key] + [i for i, _value in planted["absurd_date"].get(key, [])]
			imported = 0
			for ident in ids:
				name = frappe.db.get_value(doctype, {field: str(ident)})
				if not name:
					# Only for what would refuse any row: an orphan, a duplicate, no amount…
					self.assertIn(str(ident), self.logged(table))
					continue
				values = frappe.db.get_value(doctype, name, ["status", flag], as_dict=True)
				# A subscription still pending has no start date yet: not unknown.
				pending = doctype == "Service Subscription" and values.status == "Pending"
				self.assertEqual(values[flag], 0 if pending else 1, (doctype, ident))
				imported += 1
			self.assertGreater(imported, 0, key)
		unknown = 0
		for key in ("null", "dangling"):
			for ident in planted[key]["bon_travail.tech1"]:
				job = frappe.db.get_value("Dispatch Job", {"legacy_bon_travail_id": str(ident)})
				if not job:
					self.assertIn(str(ident), self.logged("bon_travail"))
					continue
				technicians = frappe.db.count("Dispatch Job Technician", {"parent": job})
				flag = frappe.db.get_value("Dispatch Job", job, "technician_unknown")
				self.assertEqual(flag, int(not technicians), ident)
				unknown += flag
		self.assertGreater(unknown, 0)
		# No row refused by a rule made for new records, nor for a product the engine cannot sell.
		refused = frappe.get_all(
			"Legacy Import Log", filters={"run": self.first["run"], "outcome": "Rejected"}, pluck="reason"
		)
		for error in ("IncompleteRecordError", "MandatoryError", "InvalidCatalogueItemError"):
			self.assertFalse([r for r in refused if error in r], error)
		dangling = {str(i) for i in planted["dangling"]["service.product_id"]}
		self.assertEqual(set(self.logged("service", "Rejected")) & dangling, dangling)
		unknown = [
			k for k, reasons in self.logged("service", "Rejected").items() if "Unknown product" in reasons
		]
		self.assertEqual(set(unknown), dangling)

	def test_history_stays_history_through_later_saves(self):
		name = frappe.db.get_value("Payment Arrangement", {"due_date_unknown": 1})
		job = frappe.db.get_value("Dispatch Job", {"scheduled_date_unknown": 1})
		try:
			arrangement = frappe.get_doc("Payment Arrangement", name)
			arrangement.note = "Rappel téléphonique"
			arrangement.save()  # from the desk: the unknown date stays unknown
			self.assertEqual(arrangement.due_date_unknown, 1)
			arrangement.due_date = arrangement.cutoff_date or arrangement.agreed_date or "2026-12-31"
			arrangement.save()
			self.assertEqual(arrangement.due_date_unknown, 0)
			done = frappe.get_doc("Dispatch Job", job)
			total = done.total
			done.notes = "Vérifié"
			done.save()
			self.assertEqual((done.status, done.scheduled_date_unknown), ("Completed", 1))
			self.assertEqual(done.total, total)  # what the legacy system billed stays
			# A new record follows the rule: the flag is the import's, not the desk's.
			new = frappe.copy_doc(arrangement)
			new.update({"due_date": None, "due_date_unknown": 1, "status": "Open", "legacy_accord_id": None})
			with self.assertRaises(frappe.MandatoryError):
				new.insert()
		finally:
			frappe.db.rollback()

	def test_radius_accounts_no_device_carries_stay_on_their_subscription(self):
		planted = self.manifest["planted"]["radius_without_device"]
		ids = planted["no_device"] + planted["device_gone"]
		checked = 0
		for ident in ids:
			row = self.legacy("service", ident)
			name = frappe.db.get_value("Service Subscription", {"legacy_service_id": str(ident)})
			if not name:
				self.assertIn(str(ident), self.logged("service", "Rejected"))
				continue
			stored = frappe.db.get_value("Service Subscription", name, ["radius_username", "radius_password"])
			self.assertEqual(stored[0], row["radius_user"])
			self.assertNotIn(row["radius_pwd"], stored[1] or "")
			self.assertEqual(
				get_decrypted_password("Service Subscription", name, "radius_password"), row["radius_pwd"]
			)
			checked += 1
		self.assertGreater(checked, 0)
		self.assertFalse({str(i) for i in ids} & set(self.logged("service.radius")))
		# The account on the equipment is not repeated on its subscription.
		carried = self.source.query(
			f"select s.id from `{self.config.database}`.service s join `{self.config.database}`.device d "
			"on d.id = s.device_id where ifnull(s.radius_user, '') != '' and s.status = 1 limit 5"
		)
		for row in carried:
			username = frappe.db.get_value(
				"Service Subscription", {"legacy_service_id": str(row["id"])}, "radius_username"
			)
			self.assertIsNone(username)
		secrets = {self.legacy("service", i)["radius_pwd"] for i in ids}
		for entry in frappe.get_all(
			"Legacy Import Log", filters={"run": self.first["run"]}, fields=["raw_row", "details"]
		):
			text = f"{entry.raw_row} {entry.details}"
			self.assertFalse([secret for secret in secrets if secret and secret in text])

	def test_the_legacy_catalogue_gets_its_rules_and_keeps_every_product(self):
		from gigafibre_fsm.orders import pricing

		products = {r["sku"]: r for r in self.source.query(f"select * from `{self.config.database}`.product")}
		items = {
			r.legacy_product_id: r
			for r in frappe.get_all("Item", filters={"legacy_product_id": ("is", "set")}, fields=["*"])
		}
		self.assertEqual({str(p["id"]) for p in products.values()}, set(items))

		def item(sku):
			return items[str(products[sku]["id"])]

		self.assertEqual((item("RAB12M").discount_rule, item("RAB12M").commitment_months), ("commitment", 12))
		self.assertEqual(
			(item("INSTPRO").added_with, item("INSTPRO").added_quantity), ("internet", "per_order")
		)
		self.assertEqual((item("FTTH80P").download_mbps, item("FTTH80P").upload_mbps), (80, 80))
		warned = self.logged("product", "Warning")
		for sku in ("IPFIXE", "DOMAINE"):
			self.assertEqual(item(sku).offered, 0, sku)
			self.assertIn(convert.NOT_OFFERED, warned[str(products[sku]["id"])], sku)
		# A product no longer sold is not offered, and stays billable for those who kept it.
		retired = [sku for sku, p in products.items() if not p["active"]]
		self.assertTrue(retired)
		for sku in retired:
			self.assertEqual((item(sku).offered, item(sku).disabled), (0, 0), sku)
		# Everything offered is something the engine can sell.
		pricing.catalogue_from_items(
			frappe.get_all(
				"Item",
				filters={"offered": 1, "service_type": ("is", "set")},
				fields=list(pricing.ITEM_FIELDS),
			)
		)

	# ------------------------------------------------------------------ nothing silently dropped

	def test_every_planted_orphan_and_duplicate_is_logged(self):
		planted = self.manifest["planted"]
		for table, ids in planted["orphan"].items():
			step_table = {"service_snapshot": None}.get(table, table)
			if not step_table:
				continue
			rejected = self.logged(step_table, "Rejected")
			for ident in ids:
				self.assertIn(str(ident), rejected, f"{table} {ident}")
		for table, pairs in planted["duplicate"].items():
			skipped = self.logged(table, "Skipped")
			for ident, _original in pairs:
				self.assertIn(str(ident), skipped, f"{table} {ident}")
		for ident, kinds in self.manifest["php"].items():
			if any(c["error_expected"] for c in kinds.values()):
				self.assertIn(ident, self.logged("soumission"), ident)

	def test_every_row_is_accounted_for_and_the_money_adds_up(self):
		from gigafibre_fsm.legacy.report.legacy_reconciliation.legacy_reconciliation import execute

		_columns, data, message, _chart, _summary = execute({"run": self.first["run"]})
		self.assertIn("every table adds up", message)
		tables = {r["source_table"]: r for r in data if r["indent"] == 0}
		for table, rows in self.manifest["rows"].items():
			if table in (
				"service_snapshot",
				"soumission_template",
				"fibre_lineprofile",
				"fibre_serviceprofile",
			):
				continue
			name = {"wifi": "genieacs.wifi", "voip": "genieacs.voip"}.get(table, table)
			self.assertEqual(tables[name]["source_rows"], rows, table)
			self.assertTrue(tables[name]["rows_add_up"], table)
		money = self.manifest["money_totals"]
		self.assertEqual(tables["accord_paiement"]["source_total"], Decimal(money["accord_paiement.montant"]))
		self.assertEqual(tables["bon_travail"]["source_total"], Decimal(money["bon_travail.total"]))
		for table in ("accord_paiement", "bon_travail", "soumission"):
			self.assertEqual(tables[table]["difference"], Decimal("0.00"), table)

	# ------------------------------------------------------------------ repeatable

	def test_a_second_run_creates_and_changes_nothing(self):
		before = canonical_state()
		modified = {dt: frappe.db.sql(f"select max(modified) from `tab{dt}`")[0][0] for dt in TARGETS}
		series = frappe.db.sql(
			"select name, current from `tabSeries` where name != 'LEGACY-RUN-' order by name"
		)
		second = self.run_import()
		for table, counts in second["tables"].items():
			self.assertEqual((counts["created"], counts["updated"]), (0, 0), table)
			self.assertEqual(counts["rejected"], self.first["tables"][table]["rejected"], table)
		self.assertEqual(differences(canonical_state(), before), [])
		self.assertEqual(
			frappe.db.sql("select name, current from `tabSeries` where name != 'LEGACY-RUN-' order by name"),
			series,
		)
		self.assertEqual(
			{dt: frappe.db.sql(f"select max(modified) from `tab{dt}`")[0][0] for dt in TARGETS}, modified
		)

	def test_a_changed_legacy_row_updates_its_record(self):
		account = self.source.query(
			f"select * from `{self.config.database}`.account where status = 1 limit 1"
		)[0]
		accord = self.source.query(
			f"select * from `{self.config.database}`.accord_paiement a where montant > 10 and status = 0 "
			"and date_echeance > 0 and date_coupure > date_echeance and exists "
			f"(select 1 from `{self.config.database}`.account c where c.id = a.account_id) limit 1"
		)[0]
		connection = pymysql.connect(**ADMIN, database=self.config.database, autocommit=True)
		try:
			with connection.cursor() as cursor:
				cursor.execute("update account set last_name = 'Lachapelle' where id = %s", account["id"])
				cursor.execute("update accord_paiement set montant = montant + 1 where id = %s", accord["id"])
			summary = self.run_import(tables=["account", "accord_paiement"])
			self.assertEqual(summary["tables"]["account"]["updated"], 1)
			self.assertEqual(summary["tables"]["accord_paiement"]["updated"], 1)
			customer = self.imported("Customer", "legacy_customer_id", account["id"])
			self.assertTrue(customer.customer_name.endswith("Lachapelle"))
			arrangement = self.imported("Payment Arrangement", "legacy_accord_id", accord["id"])
			self.assertEqual(Decimal(str(arrangement.amount)), clean.to_money(accord["montant"]) + 1)
		finally:
			with connection.cursor() as cursor:
				cursor.execute(
					"update account set last_name = %s where id = %s", (account["last_name"], account["id"])
				)
				cursor.execute(
					"update accord_paiement set montant = %s where id = %s", (accord["montant"], accord["id"])
				)
			connection.close()
			self.run_import(tables=["account", "accord_paiement"])

	def test_z_a_run_killed_half_way_resumes_to_the_same_end(self):
		expected = canonical_state()
		remove_imported(self.before, self.started, keep_catalogue=True)
		process = subprocess.Popen(
			[sys.executable, "-m", "gigafibre_fsm.legacy.worker"],
			stdin=subprocess.PIPE,
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
			text=True,
			cwd=frappe.local.sites_path,
		)
		config = {k: getattr(self.config, k) for k in self.config.__dataclass_fields__}
		process.stdin.write(
			json.dumps(
				{
					"mode": "run",
					"site": frappe.local.site,
					"sites_path": frappe.local.sites_path,
					"config": config,
					"batch_size": 25,
				}
			)
		)
		process.stdin.close()
		total = sum(1 for _ in expected["Legacy Record"])
		deadline = time.monotonic() + 300
		while time.monotonic() < deadline and process.poll() is None:
			frappe.db.rollback()
			if frappe.db.count("Legacy Record") > total * 0.4:
				break
			time.sleep(0.1)
		os.kill(process.pid, signal.SIGKILL)
		process.wait()
		frappe.db.rollback()
		(killed,) = frappe.get_all("Legacy Import Run", filters={"status": "Running"}, pluck="name")
		self.assertLess(frappe.db.count("Legacy Record"), total)

		resumed = self.run_import()
		self.assertEqual(resumed["run"], killed)
		self.assertEqual(
			frappe.db.get_value("Legacy Import Run", killed, ["status", "attempts"]), ("Completed", 2)
		)
		self.assertEqual(differences(canonical_state(), expected), [])


# ---------------------------------------------------------------------------------------
# State, counts and clean-up


def remove_account(legacy_id: str) -> None:
	"""What the import wrote for one account a test added to the legacy database."""
	for doctype in ("Contact", "Address", "Customer"):
		for name in frappe.get_all(doctype, filters={"legacy_customer_id": legacy_id}, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	frappe.db.delete("Legacy Record", {"source_table": "account", "legacy_id": legacy_id})
	frappe.db.commit()  # nosemgrep: the import committed what this removes


def known_date(value):
	"""A legacy date as imported: 0 and impossible dates are unknown (empty)."""
	found = clean.unix_to_date(value)
	return found if isinstance(found, date) else None


def differences(actual, expected, path="", found=None) -> list[str]:
	"""Where two states differ (the first 20 places), readable in a test failure."""
	found = [] if found is None else found
	if len(found) >= 20:
		return found
	if isinstance(actual, dict) and isinstance(expected, dict):
		for key in sorted(set(actual) | set(expected), key=str):
			if key not in actual or key not in expected:
				found.append(f"{path}/{key}: {'missing' if key not in actual else 'unexpected'}")
			else:
				differences(actual[key], expected[key], f"{path}/{key}", found)
	elif isinstance(actual, list) and isinstance(expected, list) and len(actual) == len(expected):
		for index, (a, b) in enumerate(zip(actual, expected, strict=True)):
			differences(a, b, f"{path}[{index}]", found)
	elif actual != expected:
		found.append(f"{path}: {actual!r} != {expected!r}")
	return found


def table_counts() -> dict:
	"""Rows of every table the import may write (a dry run must leave them all as they were)."""
	doctypes = [*TARGETS, *LEGACY_DOCTYPES, "User", "OLT", "Customer Group", "Item Price", "Dynamic Link",
		"IP History", "Address History", "Quotation Item", "Dispatch Job Technician"]  # fmt: skip
	counts = {dt: frappe.db.count(dt) for dt in doctypes}
	counts["__Auth"] = frappe.db.sql("select count(*) from `__Auth`")[0][0]
	counts["tabSeries"] = frappe.db.sql("select sum(current) from `tabSeries`")[0][0]
	return counts


def imported_counts() -> dict:
	"""Records the import wrote (by their legacy ids), its ledger and its log."""
	counts = {doctype: len(imported_names(doctype)) for doctype in TARGETS}
	counts.update({doctype: frappe.db.count(doctype) for doctype in ("Legacy Record", "Legacy Import Log")})
	return counts


def canonical_state() -> dict:
	"""Every imported record by its legacy key, links and names written as legacy keys too."""
	keys: dict[str, str] = {}
	for doctype, fields in TARGETS.items():
		for row in frappe.db.sql(
			f"select name, {', '.join(f'`{f}`' for f in fields)} from `tab{doctype}`", as_dict=True
		):
			legacy = "/".join(str(row[f]) for f in fields if row[f])
			if legacy:
				keys[row.name] = f"{doctype}:{legacy}"

	def plain(doc) -> dict:
		values = {}
		for field, value in doc.as_dict(no_default_fields=True).items():
			if field in SKIP_FIELDS or field.startswith("__"):
				continue
			df = doc.meta.get_field(field)
			if df and df.fieldtype in ("Table", "Table MultiSelect"):
				values[field] = [plain(child) for child in doc.get(field)]
			elif df and df.fieldtype == "Password" and value:
				values[field] = get_decrypted_password(doc.doctype, doc.name, field)
			elif isinstance(value, str) and value.startswith("RESERVED-") and value[9:] in keys:
				values[field] = f"RESERVED-{keys[value[9:]]}"
			elif isinstance(value, str) and value in keys:
				values[field] = keys[value]
			else:
				values[field] = value
		return values

	# What the import made: on its ledger (a record the demo or another test made with a
	# legacy-looking id is not the import's), or written with its customer (contacts, addresses).
	ledger = {
		(r.reference_doctype, r.reference_name)
		for r in frappe.get_all("Legacy Record", fields=["reference_doctype", "reference_name"])
	}
	state: dict = {}
	for doctype in TARGETS:
		state[doctype] = {
			keys[name]: plain(frappe.get_doc(doctype, name))
			for name in imported_names(doctype)
			if name in keys and (doctype in ("Contact", "Address") or (doctype, name) in ledger)
		}
	# The ledger without its hashes: they cover the names of linked records, which a second
	# import after a wipe draws anew from the naming series.
	state["Legacy Record"] = {
		r.name: (r.reference_doctype, keys.get(r.reference_name, r.reference_name))
		for r in frappe.get_all("Legacy Record", fields=["name", "reference_doctype", "reference_name"])
	}
	return state
