"""What a learner reads when a check fails: words saying what was expected and what happened,
never the regular expression of exercise.toml."""

from __future__ import annotations

import re

import pytest

from workbench.core.learn import grading as G
from workbench.core.run.expect import Mismatch
from workbench.core.run.qemu import RunResult
from workbench.core.run.telemetry import parse_record

REGEX_MARKS = re.compile(r"\^|\$'|\(\?|\.\*|\.\+|\\[()\[\]|.]|no record matches|no match for")


def run(status: str, console: str, telemetry: list[str]) -> RunResult:
    return RunResult(status, 1, console, [parse_record(t) for t in telemetry], 1.0, 2.0, 3.0,
                     None, ["qemu"])


def every_expectation():
    for ex in G.list_exercises():
        for check in ex.checks:
            e = check.expect
            if e.status:
                yield ex.name, check.name, Mismatch("status", e.status, "timeout")
            for kind in ("console", "not_console", "telemetry"):
                for rx in getattr(e, kind):
                    yield ex.name, check.name, Mismatch(kind, rx)


@pytest.mark.parametrize("exercise,check,mismatch", list(every_expectation()),
                         ids=lambda v: v if isinstance(v, str) else v.kind)
def test_every_failure_of_every_exercise_is_said_in_words(exercise, check, mismatch):
    crashed = run("panic", "test: starting\r\nstill running\r\n", [])
    message = G._describe_mismatch(mismatch, crashed)
    assert not REGEX_MARKS.search(message), message
    assert message.startswith(("expected", "the test kernel", "the console")), message


def test_a_failed_check_shows_what_the_test_kernel_saw():
    said = run("failure", "  [FAIL] stats used_bytes is 0 and allocations 0, expected 160 and 3\n"
                          "bump-test: FAIL\n",
               ["check name=stats result=fail"])
    m = Mismatch("telemetry", "^check name=stats result=pass$")
    assert G._describe_mismatch(m, said) == ("the test kernel's check 'stats' failed: used_bytes "
                                             "is 0 and allocations 0, expected 160 and 3")
    m = Mismatch("console", "^bump-test: PASS$")
    assert G._describe_mismatch(m, said) == ("expected the console to show 'bump-test: PASS'; "
                                             "its last line was 'bump-test: FAIL'")
    m = Mismatch("status", "success", "timeout")
    assert "never finished: the watchdog stopped it" in G._describe_mismatch(m, said)


def test_patterns_read_as_the_text_they_stand_for():
    assert G.readable(r"^\(ok\)$") == "(ok)"
    assert G.readable("^bench name=ipc round=1 calls=1 .* wrong_replies=0$") == \
        "bench name=ipc round=1 calls=1 … wrong_replies=0"
    assert G.readable("^(0123456789){40}$") == "0123456789 ×40"
