"""The test command's summary: a layer that did not run fails, skipped tests are not passes."""

from gigafibre_fsm.tests.summary import main

UNIT = "....s\n===== 4 passed, 1 skipped in 0.51s =====\n"
INTEGRATION = "Ran 10 tests in 3.2s\n\nOK (skipped=2)\n"
UPGRADE = "PASS statuses renamed\nupgrade: 7 passed, 0 failed\n"
LIFECYCLE = "lifecycle: 15 passed, 0 failed\n"


def write(tmp_path, **logs):
	for name, text in logs.items():
		(tmp_path / f"{name}.log").write_text(text)
	return str(tmp_path)


def test_every_layer_counted_and_skips_apart(tmp_path, capsys):
	rc = main(write(tmp_path, unit=UNIT, integration=INTEGRATION, upgrade=UPGRADE, lifecycle=LIFECYCLE), "x")
	out = capsys.readouterr().out
	assert rc == 0
	assert "integration: 8 passed, 0 failed, 2 skipped" in out
	assert out.rstrip().endswith("summary: 34 passed, 0 failed, 3 skipped")


def test_a_layer_that_did_not_run_fails_with_its_own_line(tmp_path, capsys):
	rc = main(write(tmp_path, unit=UNIT, integration=INTEGRATION, lifecycle=LIFECYCLE), "x")
	out = capsys.readouterr().out
	assert rc == 1
	assert "upgrade: did not run" in out


def test_a_layer_that_says_why_it_did_not_run(tmp_path, capsys):
	upgrade = "upgrade: did not run: commit 11cfcd0 is not in this checkout's history\n"
	rc = main(write(tmp_path, unit=UNIT, integration=INTEGRATION, upgrade=upgrade, lifecycle=LIFECYCLE), "x")
	assert rc == 1
	assert "upgrade: did not run: commit 11cfcd0" in capsys.readouterr().out


def test_failures_fail(tmp_path, capsys):
	failed = "Ran 10 tests in 3.2s\n\nFAILED (failures=1, errors=2, skipped=1)\n"
	rc = main(write(tmp_path, unit=UNIT, integration=failed, upgrade=UPGRADE, lifecycle=LIFECYCLE), "x")
	assert rc == 1
	assert "integration: 6 passed, 3 failed, 1 skipped" in capsys.readouterr().out
