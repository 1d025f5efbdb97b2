"""The browser of the page tests: Debian's ``chromium`` driven by ``playwright-core`` from npm.

playwright-core is kept in a tool folder outside the app (``GIGAFIBRE_BROWSER_TOOLS``, default
/opt/gigafibre/browser-tools) and installed there with npm when missing; the browser is
``CHROMIUM`` (default /usr/bin/chromium). A script here (``*.mjs``) takes its arguments as
one JSON argument and prints its outcome as its last JSON line. When the browser cannot run,
:func:`run_script` fails and says why: a page test is never skipped.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

SCRIPTS = Path(__file__).parent
TOOLS = Path(os.environ.get("GIGAFIBRE_BROWSER_TOOLS", "/opt/gigafibre/browser-tools"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def playwright_core() -> Path:
	"""The playwright-core package in the tool folder, installed with npm when missing."""
	package = TOOLS / "node_modules" / "playwright-core"
	if package.exists():
		return package
	npm = shutil.which("npm")
	if not npm:
		raise AssertionError("npm is needed to install playwright-core (apt-get install npm)")
	TOOLS.mkdir(parents=True, exist_ok=True)
	# 1.61 is the last release that runs on Node 18, the Node of Debian 12.
	result = subprocess.run(
		[npm, "install", "--no-audit", "--no-fund", "--prefix", str(TOOLS), "playwright-core@~1.61"],
		capture_output=True,
		text=True,
		timeout=300,
	)
	if result.returncode or not package.exists():
		raise AssertionError(f"could not install playwright-core in {TOOLS}: {result.stderr[-1500:]}")
	return package


def check_browser() -> tuple[str, Path]:
	"""Node and playwright-core, with Chromium present; AssertionError naming what is missing."""
	node = shutil.which("node")
	if not node:
		raise AssertionError("node is needed to drive the browser (apt-get install nodejs)")
	if not Path(CHROMIUM).exists():
		raise AssertionError(f"{CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM)")
	return node, playwright_core()


def run_script(name: str, args: dict, timeout: int = 180) -> dict:
	"""Run the browser script ``name`` (a file beside this module) with ``args``; its outcome.

	AssertionError when the script printed no outcome, failed, or met a page error."""
	node, playwright = check_browser()
	try:
		result = subprocess.run(
			[node, str(SCRIPTS / name), json.dumps(args)],
			capture_output=True,
			text=True,
			timeout=timeout,
			env={**os.environ, "PLAYWRIGHT_CORE": str(playwright), "CHROMIUM": CHROMIUM},
		)
	except subprocess.TimeoutExpired as e:
		stderr = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else e.stderr or ""
		raise AssertionError(f"{name} did not finish within {timeout} s: {stderr[-1500:]}") from None
	lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
	if not lines:
		raise AssertionError(f"{name} printed nothing: {result.stderr[-2000:]}")
	outcome = json.loads(lines[-1])
	if not outcome.get("ok"):
		raise AssertionError(f"{name}: {outcome} {result.stderr[-1000:]}")
	if outcome.get("errors"):
		raise AssertionError(f"{name}: errors on the pages: {outcome['errors']}")
	return outcome
