"""Reads the logs of the three test layers and prints one line of counts.

	python summary.py LOG_DIR CHECKOUT

Fails when a layer has no result line, so a suite that did not run can never pass.
"""

import re
import sys
from pathlib import Path


def unit(text: str) -> tuple[int, int]:
	line = re.findall(r"^=*\s*(.*\bin [\d.]+s.*)$", text, re.M)
	if not line:
		raise ValueError("no pytest result line")
	counts = {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|error|errors)", line[-1])}
	return counts.get("passed", 0), counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)


def integration(text: str) -> tuple[int, int]:
	ran = re.findall(r"^Ran (\d+) tests? in", text, re.M)
	if not ran:
		raise ValueError("no unittest result line (did bench run-tests start?)")
	total = int(ran[-1])
	bad = re.findall(r"^FAILED \((.*)\)$", text, re.M)
	failed = sum(int(n) for n in re.findall(r"(?:failures|errors)=(\d+)", bad[-1])) if bad else 0
	if not bad and not re.search(r"^OK\b", text, re.M):
		raise ValueError("unittest printed neither OK nor FAILED")
	return total - failed, failed


def lifecycle(text: str) -> tuple[int, int]:
	match = re.findall(r"^lifecycle: (\d+) passed, (\d+) failed$", text, re.M)
	if not match:
		raise ValueError("no lifecycle result line")
	return int(match[-1][0]), int(match[-1][1])


def main(log_dir: str, checkout: str) -> int:
	total_passed = total_failed = 0
	ok = True
	for name, parse in (("unit", unit), ("integration", integration), ("lifecycle", lifecycle)):
		path = Path(log_dir) / f"{name}.log"
		try:
			passed, failed = parse(path.read_text() if path.exists() else "")
		except ValueError as e:
			print(f"{name}: did not run properly: {e}")
			ok = False
			continue
		if passed == 0:
			print(f"{name}: no test ran")
			ok = False
		print(f"{name}: {passed} passed, {failed} failed")
		total_passed += passed
		total_failed += failed
	print(f"(tested checkout: {checkout})")
	print(f"summary: {total_passed} passed, {total_failed} failed")
	return 0 if ok and total_failed == 0 else 1


if __name__ == "__main__":
	sys.exit(main(sys.argv[1], sys.argv[2]))
