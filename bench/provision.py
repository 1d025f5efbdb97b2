"""Benchmark of ``api.acs.provision``, the call every modem makes on every boot.

Puts 10,000 pieces of equipment on the site (2,500 premises, each with an ONT, a router with
its WiFi, an IP phone with its SIP account and a TV box; an internet plan and a phone number
each), serves the site under gunicorn with 2 workers (tests/live.py), and prints:

- the service alone, in this process: time per answer and SQL statements per answer;
- over HTTP with the ACS's API key: p50/p95 latency and requests per second of ``provision``
  (a mix of ONTs by CWMP serial, routers by MAC and IP phones by sticker serial), beside
  Frappe's own ``/api/method/ping`` called with the same key in the same run, at each
  concurrency, and provision's throughput as a share of ping's;
- the machine's load average before and after.

Target: at concurrency 2, provision keeps at least 70 % of ping's throughput and a p95 of
20 ms or less. The API key's check costs provision what it costs ping.

Run it from the bench, as the bench user, on a test site with the app installed (it creates
and then removes its own records) — the figures are printed, not asserted::

    cd /opt/gigafibre/frappe-bench/sites
    ../env/bin/python ../apps/gigafibre_fsm/bench/provision.py --site SITE [--requests 2000]
"""

import argparse
import http.client
import os
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import frappe
from frappe.utils import now_datetime
from frappe.utils.password import encrypt

PREFIX = "PB"
PREMISES = 2_500
PLAN = "ACSBENCH500"
STANDARD = ("name", "creation", "modified", "owner", "modified_by", "docstatus", "idx")


def percentile(values: list[float], q: float) -> float:
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def mac(n: int, kind: int) -> str:
	digits = f"02{kind:02X}{n:08X}"
	return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


class Fleet:
	"""The 10,000 pieces of equipment, written in bulk (the controllers' checks are not what is
	measured here), and the ways the ACS will ask for them."""

	def __init__(self, premises: int):
		self.premises = premises
		self.customer = None
		self.asks: list[str] = []

	def make(self) -> None:
		from gigafibre_fsm.tests.utils import make_customer, make_item

		make_item(
			PLAN,
			service_type="internet",
			rate=99.95,
			download_mbps=500,
			upload_mbps=500,
			olt_line_profile=103,
			olt_service_profile=7,
		)
		self.customer = make_customer(f"Banc ACS {frappe.generate_hash(length=6)}").name
		now = now_datetime()
		user = frappe.session.user

		def standard(name: str, idx: int = 0) -> tuple:
			return (name, now, now, user, user, 0, idx)

		locations, subscriptions, lines, equipment, secrets = [], [], [], [], []
		for i in range(self.premises):
			location = f"{PREFIX}-LOC-{i:05d}"
			locations.append(
				(*standard(location), self.customer, "Active", str(i + 1), "Rue du Banc", "Saint-Adrien")
			)
			subscriptions.append(
				(
					*standard(f"{PREFIX}-SUB-{i:05d}"),
					self.customer,
					location,
					"Active",
					PLAN,
					"internet",
					99.95,
				)
			)
			did = f"581{9000000 + i:07d}"
			sip_user = f"{location.lower()}-1"
			lines.append(
				(*standard(f"{PREFIX}-VL-{i:05d}"), did, did, "Active", self.customer, location, sip_user)
			)
			ont, router, phone, box = (f"{PREFIX}-EQ-{i:05d}-{k}" for k in ("O", "R", "P", "T"))
			equipment += [
				(*standard(ont), "ONT", "Active", f"ZTEG-B{i:06d}", mac(i, 1), f"ZTEGCB{i:06d}", self.customer,
				 location, 103, None, None, None, 0, None, 0),
				(*standard(router), "Router", "Active", f"DECO-B{i:06d}", mac(i, 2), None, self.customer,
				 location, 0, f"Gigafibre-Banc{i}", f"Gigafibre-Banc{i}-5G", "*" * 12, 1, None, 0),
				(*standard(phone), "IP Phone", "Active", f"ATA-B{i:06d}", mac(i, 3), None, self.customer,
				 location, 0, None, None, None, 0, sip_user, 1),
				(*standard(box), "TV Box", "Active", f"STB-B{i:06d}", mac(i, 4), None, self.customer,
				 location, 0, None, None, None, 0, None, 0),
			]  # fmt: skip
			secrets += [
				("Service Equipment", router, "wifi_password", encrypt(frappe.generate_hash(length=12)), 1),
				("Service Equipment", phone, "sip_password", encrypt(frappe.generate_hash(length=16)), 1),
			]
			self.asks += [
				f"serial=ztegcb{i:06d}",
				f"mac={mac(i, 2).replace(':', '-').lower()}",
				f"serial=ATA-B{i:06d}",
			]
		bulk = frappe.db.bulk_insert
		bulk(
			"Service Location", [*STANDARD, "customer", "status", "civic_number", "street", "city"], locations
		)
		bulk(
			"Service Subscription",
			[*STANDARD, "customer", "service_location", "status", "item", "service_type", "rate"],
			subscriptions,
		)
		bulk(
			"VoIP Line",
			[*STANDARD, "did", "active_did", "status", "customer", "service_location", "sip_username"],
			lines,
		)
		bulk(
			"Service Equipment",
			[
				*STANDARD,
				"equipment_type",
				"status",
				"serial_number",
				"mac_address",
				"cwmp_serial",
				"customer",
				"service_location",
				"line_profile",
				"wifi_ssid",
				"wifi_ssid_5g",
				"wifi_password",
				"wifi_enabled",
				"sip_username",
				"sip_line",
			],
			equipment,
		)
		frappe.db.bulk_insert("__Auth", ["doctype", "name", "fieldname", "password", "encrypted"], secrets)
		frappe.db.commit()  # nosemgrep: the running site reads them through its own connections
		random.Random(7).shuffle(self.asks)

	def remove(self) -> None:
		def delete():
			for table in ("Service Equipment", "VoIP Line", "Service Subscription", "Service Location"):
				frappe.db.sql(f"delete from `tab{table}` where name like %s", f"{PREFIX}-%")
			frappe.db.sql(
				"delete from `__Auth` where doctype = 'Service Equipment' and name like %s", f"{PREFIX}-%"
			)
			if self.customer:
				frappe.delete_doc("Customer", self.customer, force=True, ignore_permissions=True)
			frappe.db.commit()  # nosemgrep

		retry_on_deadlock(delete)


def retry_on_deadlock(write, tries: int = 5) -> None:
	"""Run ``write`` (which commits) again when another transaction on the site deadlocks with it."""
	for attempt in range(tries):
		frappe.db.rollback()
		try:
			write()
			return
		except frappe.QueryDeadlockError:
			if attempt == tries - 1:
				raise
			time.sleep(0.5 * (attempt + 1))


def in_process(asks: list[str], rounds: int) -> tuple[float, float]:
	"""(ms per answer, SQL statements per answer) of the service called directly."""
	from gigafibre_fsm.service import provisioning

	calls = [dict([ask.split("=", 1)]) for ask in asks[:rounds]]
	for call in calls[:50]:
		provisioning.provision(**call)
	statements = [0]
	sql = frappe.db.sql

	def counting(*args, **kwargs):
		statements[0] += 1
		return sql(*args, **kwargs)

	frappe.db.sql = counting
	try:
		start = time.perf_counter()
		for call in calls:
			provisioning.provision(**call)
		elapsed = time.perf_counter() - start
	finally:
		frappe.db.sql = sql
	return elapsed * 1000 / len(calls), statements[0] / len(calls)


class Client:
	"""Keep-alive HTTP/1.1 connections, one per thread (a thin client, so the machine's CPU goes
	to the site)."""

	def __init__(self, port: int, site: str, auth: str):
		self.port = port
		self.headers = {"Host": site, "Authorization": auth, "Accept": "application/json"}
		self.local = threading.local()

	def get(self, path: str) -> tuple[int, float]:
		connection = getattr(self.local, "connection", None)
		if connection is None:
			connection = self.local.connection = http.client.HTTPConnection(
				"127.0.0.1", self.port, timeout=60
			)
		start = time.perf_counter()
		connection.request("GET", path, headers=self.headers)
		response = connection.getresponse()
		response.read()
		return response.status, (time.perf_counter() - start) * 1000


def run(client: Client, paths: list[str], concurrency: int) -> dict:
	latencies: list[float] = []
	statuses: dict[int, int] = {}
	lock = threading.Lock()
	chunks = [paths[i::concurrency] for i in range(concurrency)]

	def worker(chunk: list[str]) -> None:
		for path in chunk:
			status, ms = client.get(path)
			with lock:
				latencies.append(ms)
				statuses[status] = statuses.get(status, 0) + 1

	start = time.perf_counter()
	with ThreadPoolExecutor(concurrency) as pool:
		list(pool.map(worker, chunks))
	wall = time.perf_counter() - start
	return {
		"p50": statistics.median(latencies),
		"p95": percentile(latencies, 0.95),
		"rps": len(paths) / wall,
		"statuses": statuses,
	}


def main() -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--requests", type=int, default=2000, help="requests per endpoint and concurrency")
	parser.add_argument("--concurrency", default="1,2,4")
	parser.add_argument("--premises", type=int, default=PREMISES, help="4 pieces of equipment each")
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")

	from gigafibre_fsm.roles import ACS
	from gigafibre_fsm.setup.install import create_roles
	from gigafibre_fsm.tests.live import RunningSite
	from gigafibre_fsm.tests.utils import make_user

	fleet = Fleet(args.premises)
	site = None
	user = f"acs-bench-{frappe.generate_hash(length=6)}@gigafibre.test"
	try:
		load_before = os.getloadavg()
		started = time.perf_counter()
		create_roles()
		make_user(user, ACS)
		doc = frappe.get_doc("User", user)
		secret = frappe.generate_hash(length=15)
		doc.api_key = frappe.generate_hash(length=15)
		doc.api_secret = secret
		doc.save(ignore_permissions=True)
		fleet.make()
		count = frappe.db.count("Service Equipment", {"name": ("like", f"{PREFIX}-%")})
		print(
			f"{count} pieces of equipment at {args.premises} premises, made in {time.perf_counter() - started:.0f} s"
		)

		ms, statements = in_process(fleet.asks, min(2000, len(fleet.asks)))
		print(
			f"the service alone (in this process): {ms:.2f} ms and {statements:.1f} SQL statements per answer"
		)

		site = RunningSite(args.site, workers=2).start()
		client = Client(site.port, args.site, f"token {doc.api_key}:{secret}")
		provision = [f"/api/method/gigafibre_fsm.api.acs.provision?{ask}" for ask in fleet.asks]
		ping = ["/api/method/ping"] * len(provision)
		status, _ms = client.get(provision[0])
		if status != 200:
			raise SystemExit(f"provision answered {status}")
		run(client, provision[:300], 2)  # warm both workers
		run(client, ping[:300], 2)

		print(
			f"over HTTP, gunicorn 2 workers × {site.threads} threads, API key of an ACS user, "
			f"{args.requests} requests per endpoint and level (two halves, alternating):"
		)
		print(f"  {os.cpu_count()} CPUs; load average before: {' '.join(f'{x:.2f}' for x in load_before)}")
		offset = 0
		for concurrency in [int(c) for c in args.concurrency.split(",") if c.strip()]:
			half = args.requests // 2
			results: dict[str, list[dict]] = {"ping": [], "provision": []}
			for _ in range(2):
				paths = provision[offset : offset + half]
				offset = (offset + half) % (len(provision) - half)
				results["ping"].append(run(client, ping[:half], concurrency))
				results["provision"].append(run(client, paths, concurrency))
			merged = {}
			for name, parts in results.items():
				merged[name] = {
					"p50": statistics.mean(p["p50"] for p in parts),
					"p95": max(p["p95"] for p in parts),
					"rps": statistics.mean(p["rps"] for p in parts),
					"statuses": {
						k: sum(p["statuses"].get(k, 0) for p in parts) for k in parts[0]["statuses"]
					},
				}
			for name in ("ping", "provision"):
				m = merged[name]
				print(
					f"  concurrency {concurrency}  {name:9}  p50 {m['p50']:5.1f} ms  p95 {m['p95']:5.1f} ms  "
					f"{m['rps']:6.0f} req/s  answers {m['statuses']}"
				)
			share = merged["provision"]["rps"] / merged["ping"]["rps"]
			print(f"  concurrency {concurrency}  provision's throughput is {share:.0%} of ping's")
		print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
	finally:
		if site:
			site.stop()
		fleet.remove()

		def delete_user():
			frappe.delete_doc("User", user, force=True, ignore_permissions=True, ignore_missing=True)
			frappe.db.commit()  # nosemgrep

		retry_on_deadlock(delete_user)
		frappe.destroy()


if __name__ == "__main__":
	main()
