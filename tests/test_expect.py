"""Expectations of a run, shared by lesson steps and graded exercises: read from TOML with
clear errors, and matched against real boots."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.model.errors import WorkbenchError
from workbench.core.model.manifest import Table
from workbench.core.run.expect import Expectation
from workbench.core.run.qemu import boot_image_sync


def table(text: str) -> Table:
    import tomllib

    return Table(tomllib.loads(text), Path("checks.toml"), text)


@pytest.mark.parametrize("text,words", [
    ('status = "sucess"', ["sucess", "status", "success", "triple-fault", "checks.toml"]),
    ('console = ["Hello ("]', ["bad regular expression", "checks.toml:1 [console]"]),
    ('telemetry = ["ready["]', ["bad regular expression", "telemetry"]),
    ('not_console = "PANIC"', ["not_console"]),
])
def test_a_wrong_expectation_names_the_key(text, words):
    with pytest.raises(WorkbenchError) as e:
        Expectation.from_table(table(text))
    message = str(e.value)
    assert all(w in message for w in words), message


def test_an_empty_expectation_is_false_and_a_status_alone_is_enough():
    assert not Expectation.from_table(table(""))
    assert Expectation.from_table(table('status = "stopped"'))


@pytest.mark.qemu
def test_mismatches_of_real_runs(built):
    hello = boot_image_sync(built("hello").image, timeout=20)
    fault = boot_image_sync(built("fault").image, timeout=20)
    expect = Expectation.from_table(table(
        'status = "success"\nconsole = ["^Hello.*$"]\nnot_console = ["PANIC"]\n'
        'telemetry = ["ready"]\n'))
    assert expect.mismatches(hello) == [], hello.console
    found = {(m.kind, m.expected, m.actual) for m in expect.mismatches(fault)}
    assert ("status", "success", "panic") in found
    assert ("console", "^Hello.*$", "") in found
    assert any(kind == "not_console" for kind, _, _ in found), fault.console
    # what a host-side client received counts as console output
    client = Expectation(console=(r"^answer: 10\.0\.2\.15$",))
    assert client.mismatches(hello)
    assert client.mismatches(hello, extra_console="answer: 10.0.2.15") == []
