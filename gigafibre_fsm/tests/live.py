"""Real parts for the order tests, started and stopped by the tests themselves:

- `FakePBX`: a small HTTP server standing in for the PBX's REST API (Routr v1beta1), reached
  through integrations/pbx.py (site config ``pbx_api_base``);
- `FakeProvider`: a small HTTP server standing in for Twilio or Mailjet, reached through
  their official SDKs (site config ``twilio_api_base`` / ``mailjet_api_base``); it records
  every request and can be told to fail or be stopped (a provider that is down);
- `LocalStripe`: the ``localstripe`` fake Stripe server (PyPI), reached through the
  official ``stripe`` SDK (``stripe_api_base``); it also serves Stripe.js (``stripe_js_url``);
- `RunningSite`: this site served by gunicorn on ``frappe.app:application``, for everything
  about HTTP and concurrency (the in-process test client is not a running site).

Each fails loudly when it cannot start, never skipping what it was meant to show.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import frappe
from frappe.installer import update_site_config


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None, what: str, timeout: float = 60) -> None:
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		if process and process.poll() is not None:
			raise RuntimeError(f"{what} exited with {process.returncode} before listening on {port}")
		with socket.socket() as s:
			if s.connect_ex(("127.0.0.1", port)) == 0:
				return
		time.sleep(0.1)
	raise RuntimeError(f"{what} did not listen on port {port} within {timeout}s")


def stop(process: subprocess.Popen | None) -> None:
	if process and process.poll() is None:
		os.killpg(process.pid, signal.SIGTERM)
		try:
			process.wait(timeout=15)
		except subprocess.TimeoutExpired:
			os.killpg(process.pid, signal.SIGKILL)
			process.wait(timeout=5)


# ---------------------------------------------------------------------------------------
# Twilio and Mailjet


class FakeProvider:
	"""Answers Twilio's Messages API and Mailjet's Send API v3.1; records what it was sent."""

	def __init__(self, name: str):
		self.name = name
		self.requests: list[dict] = []
		self.fail = False
		self.lock = threading.Lock()
		self.server: ThreadingHTTPServer | None = None
		self.port = free_port()

	@property
	def url(self) -> str:
		return f"http://127.0.0.1:{self.port}"

	def start(self) -> "FakeProvider":
		provider = self

		class Handler(BaseHTTPRequestHandler):
			def log_message(self, *args):
				pass

			def do_POST(self):
				length = int(self.headers.get("Content-Length") or 0)
				raw = self.rfile.read(length).decode()
				if "json" in (self.headers.get("Content-Type") or ""):
					body = json.loads(raw or "{}")
				else:
					body = {k: v[0] for k, v in parse_qs(raw).items()}
				with provider.lock:
					if provider.fail:
						self._answer(503, {"message": "Service Unavailable"})
						return
					provider.requests.append({"path": self.path, "body": body})
				if "/Messages.json" in self.path:
					sid = "SM" + uuid.uuid4().hex
					self._answer(
						201, {"sid": sid, "status": "queued", "to": body.get("To"), "body": body.get("Body")}
					)
				else:
					messages = body.get("Messages") or [{}]
					to = (messages[0].get("To") or [{}])[0].get("Email")
					self._answer(
						200,
						{
							"Messages": [
								{
									"Status": "success",
									"To": [{"Email": to, "MessageUUID": str(uuid.uuid4()), "MessageID": 1}],
								}
							]
						},
					)

			def _answer(self, status: int, payload: dict):
				data = json.dumps(payload).encode()
				self.send_response(status)
				self.send_header("Content-Type", "application/json")
				self.send_header("Content-Length", str(len(data)))
				self.end_headers()
				self.wfile.write(data)

		self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
		threading.Thread(target=self.server.serve_forever, daemon=True).start()
		return self

	def stop(self) -> None:
		if self.server:
			self.server.shutdown()
			self.server.server_close()
			self.server = None

	def sent(self) -> list[dict]:
		with self.lock:
			return list(self.requests)

	def clear(self) -> None:
		with self.lock:
			self.requests.clear()


# ---------------------------------------------------------------------------------------
# The PBX


class FakePBX:
	"""Answers Routr's REST API v1beta1 for SIP accounts (``GET``/``POST /agents``, the token as
	the ``token`` query parameter, a JsonPath filter on the user name) as integrations/pbx.py
	calls it; keeps the accounts and records every request. ``fail`` answers 503; ``lose_answer``
	creates the account and then answers 500, as a PBX whose answer is lost."""

	def __init__(self, token: str = "pbx-test-token"):
		self.token = token
		self.agents: list[dict] = []
		self.requests: list[dict] = []
		self.fail = False
		self.lose_answer = False
		self.lock = threading.Lock()
		self.server: ThreadingHTTPServer | None = None
		self.port = free_port()

	@property
	def url(self) -> str:
		return f"http://127.0.0.1:{self.port}/api/v1beta1"

	def start(self) -> "FakePBX":
		pbx = self

		class Handler(BaseHTTPRequestHandler):
			def log_message(self, *args):
				pass

			def _read(self) -> tuple[str, dict, dict]:
				path, _, query = self.path.partition("?")
				params = {k: v[0] for k, v in parse_qs(query).items()}
				length = int(self.headers.get("Content-Length") or 0)
				body = json.loads(self.rfile.read(length).decode() or "{}") if length else {}
				return path, params, body

			def _handle(self, method: str):
				path, params, body = self._read()
				with pbx.lock:
					pbx.requests.append({"method": method, "path": path, "params": params, "body": body})
					if params.get("token") != pbx.token:
						self._answer(
							401, {"status": "401", "message": "You are unauthorized to make this request."}
						)
						return
					if pbx.fail:
						self._answer(503, {"status": "503", "message": "Service Unavailable"})
						return
					if not path.endswith("/agents"):
						self._answer(404, {"status": "404", "message": "Not Found"})
						return
					if method == "GET":
						wanted = re.fullmatch(
							r"@\.spec\.credentials\.username=='(.*)'", params.get("filter") or ""
						)
						found = [
							a
							for a in pbx.agents
							if not wanted or a["spec"]["credentials"]["username"] == wanted.group(1)
						]
						self._answer(200, {"status": "200", "message": "Successful request", "data": found})
						return
					username = ((body.get("spec") or {}).get("credentials") or {}).get("username")
					if not username:
						self._answer(400, {"status": "400", "message": "Bad Request"})
						return
					if any(a["spec"]["credentials"]["username"] == username for a in pbx.agents):
						self._answer(
							409,
							{
								"status": "409",
								"message": "An attempt was made to create an object that already exists",
							},
						)
						return
					agent = json.loads(json.dumps(body))
					agent.setdefault("metadata", {})["ref"] = "ag" + uuid.uuid4().hex[:6]
					pbx.agents.append(agent)
					if pbx.lose_answer:
						self._answer(500, {"status": "500", "message": "Internal Server Error"})
						return
					self._answer(201, {"status": "201", "message": "Created"})

			def do_GET(self):
				self._handle("GET")

			def do_POST(self):
				self._handle("POST")

			def _answer(self, status: int, payload: dict):
				data = json.dumps(payload).encode()
				self.send_response(status)
				self.send_header("Content-Type", "application/json")
				self.send_header("Content-Length", str(len(data)))
				self.end_headers()
				self.wfile.write(data)

		self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
		threading.Thread(target=self.server.serve_forever, daemon=True).start()
		return self

	def stop(self) -> None:
		if self.server:
			self.server.shutdown()
			self.server.server_close()
			self.server = None

	def created(self) -> list[dict]:
		"""The accounts' creations it was asked for (POSTs), in order."""
		with self.lock:
			return [r for r in self.requests if r["method"] == "POST"]

	def clear(self) -> None:
		with self.lock:
			self.requests.clear()
			self.agents.clear()


# ---------------------------------------------------------------------------------------
# Stripe


class LocalStripe:
	def __init__(self):
		self.port = free_port()
		self.process: subprocess.Popen | None = None

	@property
	def url(self) -> str:
		return f"http://127.0.0.1:{self.port}"

	@property
	def js_url(self) -> str:
		return f"{self.url}/js.stripe.com/v3/"

	def start(self) -> "LocalStripe":
		self.process = subprocess.Popen(
			[sys.executable, "-m", "localstripe", "--port", str(self.port), "--from-scratch"],
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
			start_new_session=True,
			cwd="/tmp",
		)
		wait_for_port(self.port, self.process, "localstripe (pip install localstripe)")
		return self

	def stop(self) -> None:
		stop(self.process)


class WebhookRelay:
	"""Stripe's webhooks from localstripe to the served site: localstripe posts to a plain
	URL, the site is chosen by a header; the relay adds the header and keeps the body and its
	signature untouched (and each delivery, to replay one)."""

	def __init__(self, target: str, headers: dict):
		self.target = target
		self.headers = headers
		self.deliveries: list[tuple[bytes, str, int]] = []
		relay = self

		class Handler(BaseHTTPRequestHandler):
			def do_POST(self):
				import requests

				body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
				signature = self.headers.get("Stripe-Signature") or ""
				answer = requests.post(
					relay.target,
					data=body,
					headers={
						**relay.headers,
						"Stripe-Signature": signature,
						"Content-Type": "application/json",
					},
					timeout=30,
				)
				relay.deliveries.append((body, signature, answer.status_code))
				self.send_response(answer.status_code)
				self.end_headers()

			def log_message(self, *args):
				pass

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

	@property
	def url(self) -> str:
		return f"http://127.0.0.1:{self.server.server_address[1]}/"

	def start(self) -> "WebhookRelay":
		self.thread.start()
		return self

	def stop(self) -> None:
		self.server.shutdown()
		self.server.server_close()


# ---------------------------------------------------------------------------------------
# The site over HTTP


class RunningSite:
	"""This site under gunicorn (threads, as production runs it), on a free port."""

	def __init__(self, site: str, workers: int = 2, threads: int = 8):
		self.site = site
		self.port = free_port()
		self.workers = workers
		self.threads = threads
		self.process: subprocess.Popen | None = None
		self.log = Path(f"/tmp/gigafibre-orders-gunicorn-{self.port}.log")

	@property
	def url(self) -> str:
		# *.localhost resolves to 127.0.0.1 (browsers do it themselves); the name picks the site.
		return f"http://{self.site}:{self.port}"

	@property
	def headers(self) -> dict:
		return {"X-Frappe-Site-Name": self.site}

	def api(self, path: str) -> str:
		return f"http://127.0.0.1:{self.port}/api/method/{path}"

	def start(self) -> "RunningSite":
		gunicorn = Path(sys.executable).with_name("gunicorn")
		if not gunicorn.exists():
			raise RuntimeError(f"gunicorn not found beside {sys.executable}")
		self.process = subprocess.Popen(
			[
				str(gunicorn),
				"--bind",
				f"127.0.0.1:{self.port}",
				"--workers",
				str(self.workers),
				"--worker-class",
				"gthread",
				"--threads",
				str(self.threads),
				"--timeout",
				"120",
				"--preload",
				# With /assets served, as nginx does in production: the desk needs its bundles.
				"frappe.app:application_with_statics()",
			],
			cwd=frappe.local.sites_path,
			stdout=self.log.open("w"),
			stderr=subprocess.STDOUT,
			start_new_session=True,
		)
		wait_for_port(self.port, self.process, f"gunicorn (log: {self.log})")
		return self

	def stop(self) -> None:
		stop(self.process)


# ---------------------------------------------------------------------------------------
# Everything an order needs, pointed at the fakes


class OrderWorld:
	"""Start the fakes (and optionally the site) and point this site's config and Gigafibre
	Settings at them; `close()` stops them and puts the config back."""

	CONFIG_KEYS = (
		"stripe_api_base",
		"stripe_js_url",
		"twilio_api_base",
		"mailjet_api_base",
		"gigafibre_rate_limits",
	)

	def __init__(self, serve: bool = False, rate_limits: dict | None = None):
		self.serve = serve
		self.rate_limits = rate_limits
		self.stripe = LocalStripe()
		self.twilio = FakeProvider("twilio")
		self.mailjet = FakeProvider("mailjet")
		self.site: RunningSite | None = None
		self.saved_config: dict = {}

	def open(self) -> "OrderWorld":
		try:
			self.stripe.start()
			self.twilio.start()
			self.mailjet.start()
			conf = frappe.get_site_config()
			self.saved_config = {k: conf.get(k) for k in self.CONFIG_KEYS}
			self.set_config(
				stripe_api_base=self.stripe.url,
				stripe_js_url=self.stripe.js_url,
				twilio_api_base=self.twilio.url,
				mailjet_api_base=self.mailjet.url,
				gigafibre_rate_limits=self.rate_limits
				or {k: 100000 for k in ("checkout", "start_payment", "quote")},
			)
			configure_settings(publishable=True)
			if self.serve:
				self.site = RunningSite(frappe.local.site).start()
		except Exception:
			self.close()
			raise
		return self

	def set_config(self, **values) -> None:
		for key, value in values.items():
			update_site_config(key, value if value is not None else "None")
		frappe.local.conf.update(values)

	def close(self) -> None:
		for part in (self.site, self.stripe, self.twilio, self.mailjet):
			if part:
				part.stop()
		for key, value in self.saved_config.items():
			update_site_config(key, value if value is not None else "None")
			frappe.local.conf[key] = value


def configure_settings(publishable: bool = True) -> None:
	settings = frappe.get_doc("Gigafibre Settings")
	settings.update(
		{
			"stripe_publishable_key": "pk_test_gigafibre" if publishable else None,
			"stripe_secret_key": "sk_test_gigafibre",
			"twilio_account_sid": "ACtest0000000000000000000000000000",
			"twilio_auth_token": "twilio-test-token",
			"twilio_from_number": "+14185550000",
			"mailjet_api_key": "mj-test-key",
			"mailjet_api_secret": "mj-test-secret",
			"mailjet_sender_email": "commandes@gigafibre.ca",
		}
	)
	settings.save(ignore_permissions=True)
	frappe.db.commit()  # nosemgrep: the running site reads the settings through its own connection
	frappe.clear_document_cache("Gigafibre Settings", "Gigafibre Settings")
