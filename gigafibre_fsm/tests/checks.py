"""The PASS/FAIL lines of the scripted test layers (lifecycle, upgrade)."""


class Checks:
	def __init__(self):
		self.passed = self.failed = 0

	def check(self, ok: bool, what: str, detail: object = "") -> None:
		if ok:
			self.passed += 1
			print(f"PASS {what}")
		else:
			self.failed += 1
			print(f"FAIL {what} {detail}")
