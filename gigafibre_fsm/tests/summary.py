"""Reads the logs of the test layers and prints one line per layer and one line of counts.

	python summary.py LOG_DIR CHECKOUT

A layer whose log has no result line did not run: that is a failure with its own line, so
a suite that did not run can never pass. Skipped tests are counted apart, never as passed.
"""

import re
import sys
from pathlib import Path

LAYERS = ("unit", "upgrade", "integration", "lifecycle")


class DidNotRun(ValueError):
	pass


def unit(text: str) -> tuple[int, int, int]:
	line = re.findall(r"^=*\s*(.*\bin [\d.]+s.*)$", text, re.M)
	if not line:
		raise DidNotRun("no pytest result line")
	counts = {
		k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)", line[-1])
	}
	failed = (
		counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0) + counts.get("xpassed", 0)
	)
	return counts.get("passed", 0), failed, counts.get("skipped", 0) + counts.get("xfailed", 0)


def integration(text: str) -> tuple[int, int, int]:
	ran = re.findall(r"^Ran (\d+) tests? in", text, re.M)
	if not ran:
		raise DidNotRun("no unittest result line (did bench run-tests start?)")
	total = int(ran[-1])
	verdict = re.findall(r"^(OK|FAILED)\b(?: \((.*)\))?$", text, re.M)
	if not verdict:
		raise DidNotRun("unittest printed neither OK nor FAILED")
	details = dict(re.findall(r"(\w+)=(\d+)", verdict[-1][1]))
	failed = sum(int(details.get(k, 0)) for k in ("failures", "errors", "unexpected_successes"))
	skipped = int(details.get("skipped", 0)) + int(details.get("expected_failures", 0))
	return total - failed - skipped, failed, skipped


def counted_lines(name: str):
	def parse(text: str) -> tuple[int, int, int]:
		match = re.findall(rf"^{name}: (\d+) passed, (\d+) failed$", text, re.M)
		if not match:
			not_run = re.findall(rf"^{name}: did not run: (.*)$", text, re.M)
			raise DidNotRun(not_run[-1] if not_run else f"no {name} result line")
		return int(match[-1][0]), int(match[-1][1]), 0

	return parse


PARSERS = {
	"unit": unit,
	"upgrade": counted_lines("upgrade"),
	"integration": integration,
	"lifecycle": counted_lines("lifecycle"),
}


def main(log_dir: str, checkout: str) -> int:
	passed = failed = skipped = 0
	ok = True
	for name in LAYERS:
		path = Path(log_dir) / f"{name}.log"
		try:
			p, f, s = PARSERS[name](path.read_text(errors="replace") if path.exists() else "")
		except DidNotRun as e:
			print(f"{name}: did not run: {e}")
			ok = False
			continue
		if p == 0:
			print(f"{name}: no test passed")
			ok = False
		print(f"{name}: {p} passed, {f} failed, {s} skipped")
		passed, failed, skipped = passed + p, failed + f, skipped + s
	print(f"(tested checkout: {checkout})")
	print(f"summary: {passed} passed, {failed} failed, {skipped} skipped")
	return 0 if ok and failed == 0 else 1


if __name__ == "__main__":
	sys.exit(main(sys.argv[1], sys.argv[2]))
