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


def test_what_the_kernel_showed_instead_is_quoted():
    """Beside what was expected, the line or record the test kernel did show that is most like
    it: the learner's observation, without opening the transcript."""
    ipc = run("success", "ipc-bench: 3 wrong replies\n",
              ["ready app=ipc-bench", "bench name=ipc round=1 calls=1 ns=812 wrong_replies=1"])
    m = Mismatch("telemetry", "^bench name=ipc round=1 calls=1 .* wrong_replies=0$")
    assert G._describe_mismatch(m, ipc) == (
        "expected the test kernel to report 'bench name=ipc round=1 calls=1 … wrong_replies=0'; "
        "it reported 'bench name=ipc round=1 calls=1 ns=812 wrong_replies=1' instead (the run "
        "finished and reported success)")
    idt = run("panic", "PANIC: CPU exception 13\n",
              ["ready app=fault", "panic vector=13 error=0x0 rip=0x101a2b cr2=0x0"])
    assert "it reported 'panic vector=13 error=0x0 rip=0x101a2b cr2=0x0' instead" in \
        G._describe_mismatch(Mismatch("telemetry", "^panic vector=14 "), idt)
    # nothing like it: no record is quoted
    assert G._describe_mismatch(Mismatch("telemetry", "^serial-test done=1$"), idt) == (
        "expected the test kernel to report 'serial-test done=1'; it never did (the run "
        "stopped on a CPU exception (a panic))")
    up = run("success", "<\x7fELF\x02\x01\x01>\n[]\n{}\n(ok)\n##\n", [])
    assert G._describe_mismatch(Mismatch("console", r"^<>$"), up) == (
        "expected the console to show '<>'; the closest line it showed was "
        "'<\\x7fELF\\x02\\x01\\x01>'")  # control bytes written out, never sent to a terminal
    serial = run("success", "serial-test: hello\nabcdefgh|\n" + "0123456789" * 40 + "\n", [])
    assert G._describe_mismatch(Mismatch("console", r"^abcde\|$"), serial) == (
        "expected the console to show 'abcde|'; the closest line it showed was 'abcdefgh|'")
    assert G._describe_mismatch(Mismatch("console", r"^0123$"), run("success", "", [])) == (
        "expected the console to show '0123'; it stayed empty")
    long = run("success", "x" * 500 + "\nend\n", [])
    said = G._describe_mismatch(Mismatch("console", "^" + "x" * 300 + "$"), long)
    assert said.endswith("closest line it showed was '" + "x" * G.CLOSEST_CHARS + "'")


def test_a_failed_line_with_a_colon_reads_as_one_sentence():
    printf = run("failure", '  [FAIL] hex-lower: expected "beef", got "%x"\nprintf-test: FAIL\n',
                 ["check name=hex-lower result=fail"])
    m = Mismatch("telemetry", "^check name=hex-lower result=pass$")
    assert G._describe_mismatch(m, printf) == ("the test kernel's check 'hex-lower' failed: "
                                               'expected "beef", got "%x"')
    quiet = run("failure", "  [FAIL] hex-lower\n", ["check name=hex-lower result=fail"])
    assert G._describe_mismatch(m, quiet) == "the test kernel's check 'hex-lower' failed"
    never = run("timeout", "", [])
    assert G._describe_mismatch(m, never) == ("the test kernel never reported its check "
                                              "'hex-lower': the run never finished: the watchdog "
                                              "stopped it")
