"""Benchmark of the checkout over HTTP: full triple-play orders against a running site.

Starts what a real order needs (tests/live.py: localstripe, fake Twilio and Mailjet, this
site under gunicorn), makes fibre drops with their addresses and a saved card per order,
then prints:

- p50/p95/max latency of ``POST gigafibre_fsm.api.website.checkout`` (internet + TV + phone,
  24-month commitment, card checked with Stripe), one order at a time;
- the documents one order creates (records, and their child rows);
- orders per second with 1, 2 and 4 simultaneous buyers, each of their own port (is there a
  lock every order waits on?), and the time the orders spent waiting on that lock;
- the time 20 simultaneous buyers of one port take to settle (one order, 19 answers 409).

Run it from the bench, as the bench user, on a test site with the app installed (it
creates and then deletes its records), when the machine is otherwise quiet::

    cd /opt/gigafibre/frappe-bench/sites
    ../env/bin/python ../apps/gigafibre_fsm/bench/checkout.py --site SITE [--orders 60] [--racers 20]

The figures are printed, not asserted: they depend on the machine.
"""

import argparse
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import frappe
import requests

# Child tables filled by an order, counted apart from the records.
CHILD_TABLES = (
	"Contact Email",
	"Contact Phone",
	"Dynamic Link",
	"Dispatch Job Tag",
	"Dispatch Job Equipment",
)


def letters(n: int) -> str:
	"""0 → "a", 25 → "z", 26 → "ba": names take no digits."""
	text = ""
	while True:
		text = chr(97 + n % 26) + text
		n //= 26
		if not n:
			return text


def percentile(values: list[float], q: float) -> float:
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def lock_waits() -> dict[str, int]:
	"""InnoDB's own counters of row-lock waits (server-wide: run on a quiet machine)."""
	rows = frappe.db.sql("SHOW GLOBAL STATUS LIKE 'Innodb_row_lock_%'")
	return {name: int(value) for name, value in rows}


class LockSampler:
	"""What the orders wait on: five times a second, the statements InnoDB has waiting for a row
	lock (information_schema.INNODB_TRX in LOCK WAIT; InnoDB refreshes that table only when it was
	not read for 100 ms), on a connection of its own: a database user with the PROCESS privilege
	(the bench's database admin), since the site's user sees only its own."""

	INTERVAL = 0.2

	def __init__(self, user: str, password: str):
		import pymysql

		conf = frappe.conf
		self.connection = pymysql.connect(
			host=conf.db_host or "127.0.0.1",
			port=int(conf.db_port or 3306),
			user=user,
			password=password,
			autocommit=True,
		)
		self.samples: dict[str, int] = {}
		self.stop = threading.Event()
		self.thread = threading.Thread(target=self.run, daemon=True)

	@staticmethod
	def statement(query: str | None) -> str:
		text = " ".join((query or "?").split())
		return text[:110]

	def run(self) -> None:
		with self.connection.cursor() as cursor:
			while not self.stop.wait(self.INTERVAL):
				cursor.execute(
					"SELECT trx_query FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'"
				)
				for (query,) in cursor.fetchall():
					key = self.statement(query)
					self.samples[key] = self.samples.get(key, 0) + 1

	def __enter__(self):
		self.thread.start()
		return self

	def __exit__(self, *exc):
		self.stop.set()
		self.thread.join()
		self.connection.close()


def main() -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--orders", type=int, default=60)
	parser.add_argument("--warmup", type=int, default=5)
	parser.add_argument("--racers", type=int, default=20)
	parser.add_argument("--per-level", type=int, default=24, help="orders per level of simultaneous buyers")
	parser.add_argument("--buyers", default="1,2,4", help="simultaneous buyers, one level each")
	parser.add_argument(
		"--db-admin-user", default="gigafibre_dba", help="sees every transaction's lock waits"
	)
	parser.add_argument("--db-admin-password", default="gigafibre-dba")
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")

	from gigafibre_fsm.tests.live import OrderWorld
	from gigafibre_fsm.tests.test_checkout import ORDER_DOCTYPES, delete_order, saved_card
	from gigafibre_fsm.tests.utils import make_civic_address, make_fibre_drop, make_olt, order_body

	world = OrderWorld(serve=True).open()
	made: list[tuple[str, str]] = []
	customers: list[str] = []
	try:
		olt = make_olt()
		made.append(("OLT", olt.name))
		total = args.warmup + args.orders

		def place(i: int) -> dict:
			drop = make_fibre_drop(
				olt=olt.name, port=i // 120 + 1, ont_slot=i % 120, max_speed_mbps=1500, zone_tarifaire="Z1"
			)
			address = make_civic_address(drop=drop.name)
			made.extend([("Fibre Drop", drop.name), ("Civic Address", address.name)])
			email = f"bench{i}@example.com"
			return order_body(
				address.name, email=email, last_name=f"Banc{letters(i)}", setup_intent_id=saved_card(email)
			)

		levels = [int(n) for n in args.buyers.split(",") if n.strip()]
		bodies = [place(i) for i in range(total + args.per_level * len(levels))]
		parallel_bodies = bodies[total:]
		bodies = bodies[:total]
		frappe.db.commit()  # nosemgrep: the site reads them through its own connections
		session = requests.Session()
		url = world.site.api("gigafibre_fsm.api.website.checkout")
		headers = {**world.site.headers, "Accept": "application/json"}

		def counts() -> dict[str, int]:
			frappe.db.rollback()
			return {d: frappe.db.count(d) for d in (*ORDER_DOCTYPES, *CHILD_TABLES)}

		for body in bodies[: args.warmup]:
			response = session.post(url, json=body, headers=headers, timeout=60)
			if response.status_code != 200:
				raise SystemExit(f"checkout failed: {response.status_code} {response.text[:800]}")
			customers.append(response.json()["message"]["customer"])
		before = counts()
		latencies = []
		for body in bodies[args.warmup :]:
			start = time.perf_counter()
			response = session.post(url, json=body, headers=headers, timeout=60)
			latencies.append((time.perf_counter() - start) * 1000)
			if response.status_code != 200:
				raise SystemExit(f"checkout failed: {response.status_code} {response.text[:500]}")
			customers.append(response.json()["message"]["customer"])
		after = counts()

		print(f"checkout over HTTP, {args.orders} triple-play orders one at a time (gunicorn 2×8 threads):")
		print(
			f"  p50 {statistics.median(latencies):.0f} ms   p95 {percentile(latencies, 0.95):.0f} ms   "
			f"max {max(latencies):.0f} ms   mean {statistics.mean(latencies):.0f} ms"
		)
		per_order = {d: (after[d] - before[d]) / args.orders for d in after if after[d] != before[d]}
		records = sum(v for d, v in per_order.items() if d not in CHILD_TABLES)
		children = sum(v for d, v in per_order.items() if d in CHILD_TABLES)
		print(f"  documents per order: {records:.0f} records + {children:.0f} child rows")
		print("   ", ", ".join(f"{d} {v:g}" for d, v in per_order.items()))

		# Orders per second with simultaneous buyers, each of their own port: the orders share
		# no row, so they should go faster together unless something every order takes is locked.
		print(
			f"orders per second with simultaneous buyers of different ports ({args.per_level} orders a level):"
		)
		one = None
		for level, start_at in zip(levels, range(0, len(parallel_bodies), args.per_level), strict=False):
			chunk = parallel_bodies[start_at : start_at + args.per_level]
			waits = lock_waits()
			started = time.perf_counter()
			with (
				LockSampler(args.db_admin_user, args.db_admin_password) as sampler,
				ThreadPoolExecutor(level) as pool,
			):
				responses = list(
					pool.map(lambda b: requests.post(url, json=b, headers=headers, timeout=120), chunk)
				)
			wall = time.perf_counter() - started
			waits = {k: v - waits.get(k, 0) for k, v in lock_waits().items()}
			bad = [r for r in responses if r.status_code != 200]
			if bad:
				body = (
					bad[0].json()
					if bad[0].headers.get("content-type", "").startswith("application/json")
					else {}
				)
				raise SystemExit(
					f"checkout failed with {level} buyers: {[r.status_code for r in bad]} "
					f"{body.get('exc_type')}: {str(body.get('exception') or bad[0].text)[-600:]}"
				)
			customers.extend(r.json()["message"]["customer"] for r in responses)
			rate = len(chunk) / wall
			one = one or rate
			print(
				f"  {level} buyer{'s' if level > 1 else ' '}: {rate:5.2f} orders/s ({rate / one:.2f}× one buyer), "
				f"row-lock waits {waits.get('Innodb_row_lock_waits', 0)}, "
				f"{waits.get('Innodb_row_lock_time', 0)} ms waiting"
			)
			for query, count in sorted(sampler.samples.items(), key=lambda kv: -kv[1])[:4]:
				print(f"      seen waiting {count}× (every {sampler.INTERVAL * 1000:.0f} ms) on: {query}")

		# Twenty buyers of one port at once.
		drop = make_fibre_drop(olt=olt.name, port=99, ont_slot=0, max_speed_mbps=1500)
		address = make_civic_address(drop=drop.name)
		made.extend([("Fibre Drop", drop.name), ("Civic Address", address.name)])
		race = [
			order_body(
				address.name,
				email=f"race{i}@example.com",
				last_name=f"Course{letters(i)}",
				setup_intent_id=saved_card(f"race{i}@example.com"),
			)
			for i in range(args.racers)
		]
		frappe.db.commit()  # nosemgrep
		barrier = threading.Barrier(args.racers + 1)

		def buy(body):
			barrier.wait()
			return requests.post(url, json=body, headers=headers, timeout=120)

		with ThreadPoolExecutor(args.racers) as pool:
			futures = [pool.submit(buy, body) for body in race]
			barrier.wait()
			start = time.perf_counter()
			responses = [f.result() for f in futures]
			settled = (time.perf_counter() - start) * 1000
		codes = sorted(r.status_code for r in responses)
		customers += [r.json()["message"]["customer"] for r in responses if r.status_code == 200]
		print(
			f"{args.racers} simultaneous buyers of one port: settled in {settled:.0f} ms; answers {codes.count(200)}×200, {codes.count(409)}×409, others {[c for c in codes if c not in (200, 409)]}"
		)
	finally:
		world.close()
		frappe.db.rollback()
		for customer in customers:
			delete_order(customer)
		for doctype, name in reversed(made):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		frappe.destroy()


if __name__ == "__main__":
	main()
