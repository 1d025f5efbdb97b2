"""Benchmark of an installation's completion over HTTP: the technician's `complete_job`, which
activates the location, its subscriptions and equipment, closes the tasks, posts the first
invoice (ERPNext's submit, GL entries) and charges the saved card in localstripe.

Starts what an order needs (tests/live.py: localstripe, fake Twilio and Mailjet, this site
under gunicorn), places the orders in-process, assigns each to a technician, starts it and
scans its equipment, then times `POST gigafibre_fsm.api.field.complete_job` one job at a time
with the technician's API key, and prints p50/p95/max. The target: p95 ≤ 1 s.

Run it from the bench, as the bench user, on a test site with the app installed (it creates
and then deletes its records), when the machine is otherwise quiet::

    cd /opt/gigafibre/frappe-bench/sites
    ../env/bin/python ../apps/gigafibre_fsm/bench/completion.py --site SITE [--jobs 30]

The figures are printed, not asserted: they depend on the machine.
"""

import argparse
import statistics
import time

import frappe
import requests


def percentile(values: list[float], q: float) -> float:
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--jobs", type=int, default=30)
	parser.add_argument("--warmup", type=int, default=3)
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")

	from gigafibre_fsm.api import field
	from gigafibre_fsm.orders import pipeline
	from gigafibre_fsm.orders.order_input import read_checkout
	from gigafibre_fsm.roles import TECHNICIAN
	from gigafibre_fsm.tests.live import OrderWorld
	from gigafibre_fsm.tests.test_checkout import delete_order, saved_card
	from gigafibre_fsm.tests.test_dispatch import api_key_header
	from gigafibre_fsm.tests.utils import make_civic_address, make_fibre_drop, make_olt, make_user, order_body

	tech = make_user("bench-completion@gigafibre.test", TECHNICIAN)
	world = OrderWorld(serve=True).open()
	made: list[tuple[str, str]] = []
	customers: list[str] = []
	try:
		olt = make_olt()
		made.append(("OLT", olt.name))
		total = args.warmup + args.jobs
		jobs = []
		for i in range(total):
			drop = make_fibre_drop(olt=olt.name, port=i // 120 + 1, ont_slot=i % 120, max_speed_mbps=1500)
			address = make_civic_address(drop=drop.name)
			made.extend([("Fibre Drop", drop.name), ("Civic Address", address.name)])
			email = f"completion{i}@example.com"
			body = order_body(
				address.name,
				email=email,
				last_name=f"Banc{chr(97 + i % 26)}{chr(97 + i // 26)}",
				setup_intent_id=saved_card(email),
			)
			answer = pipeline.place_order(
				pipeline.prepare(read_checkout(body, pipeline.today(), needs_card=True), "Website")
			)
			customers.append(answer["customer"])
			job = frappe.get_doc("Dispatch Job", answer["dispatch_job"])
			job.append("technicians", {"technician": tech})
			job.save(ignore_permissions=True)
			frappe.db.commit()  # nosemgrep
			frappe.set_user(tech)
			field.start_job(job.name)
			for row in job.equipment:
				mac = frappe.generate_hash(length=12)
				field.scan_equipment(
					job.name, row.service_equipment, f"BENCH{frappe.generate_hash(length=10)}", mac
				)
			frappe.set_user("Administrator")
			frappe.db.commit()  # nosemgrep
			jobs.append(job.name)
		headers = {**world.site.headers, **api_key_header(tech), "Accept": "application/json"}
		url = world.site.api("gigafibre_fsm.api.field.complete_job")
		session = requests.Session()
		latencies, outcomes = [], {}
		for n, job in enumerate(jobs):
			started = time.perf_counter()
			response = session.post(url, json={"dispatch_job": job}, headers=headers, timeout=60)
			elapsed = (time.perf_counter() - started) * 1000
			if response.status_code != 200:
				raise SystemExit(f"complete_job failed: {response.status_code} {response.text[:500]}")
			status = response.json()["message"]["payment"]["status"]
			outcomes[status] = outcomes.get(status, 0) + 1
			if n >= args.warmup:
				latencies.append(elapsed)
		print(
			f"complete_job over HTTP, {args.jobs} installations one at a time (activation, invoice, card charge):"
		)
		print(
			f"  p50 {statistics.median(latencies):.0f} ms   p95 {percentile(latencies, 0.95):.0f} ms   "
			f"max {max(latencies):.0f} ms   mean {statistics.mean(latencies):.0f} ms   (target p95 ≤ 1000 ms)"
		)
		print(f"  payments: {outcomes}")
	finally:
		world.close()
		frappe.set_user("Administrator")
		frappe.db.rollback()
		for customer in customers:
			delete_order(customer)
		for doctype, name in reversed(made):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()  # nosemgrep
		frappe.destroy()


if __name__ == "__main__":
	main()
