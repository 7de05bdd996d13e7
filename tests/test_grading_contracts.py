"""Grading contracts: what grading must tell apart, for every exercise.

Each exercise's `contract.toml` names the checks the untouched starter fails, and for each
TODO a half-done workspace (the starter with that TODO alone done: the one function or
assembler macro that holds it taken from the reference) and the checks that one still fails
(and, where it earns nothing beyond the starter, why: `no_partial_credit`). Held to it here: the
reference gets full marks, the starter fails exactly those checks, and no half-done
workspace gets full marks — so every TODO is graded, and a check that passes on work not
done shows up by name.
"""

from __future__ import annotations

import re
import tomllib

import pytest

from tests.conftest import KERNELS, my_qemus
from workbench.core.learn import grading as G

EXERCISES = G.list_exercises()
NAMES = [e.name for e in EXERCISES]


def contract(ex: G.Exercise) -> dict:
    path = ex.directory / "contract.toml"
    assert path.is_file(), f"exercise {ex.name} has no {path}: write its grading contract"
    return tomllib.loads(path.read_text())


def todos(ex: G.Exercise) -> int:
    return sum((ex.starter / f).read_text().count(f'TODO (exercise "{ex.name}")') for f in ex.files)


def definition(lines: list[str], name: str) -> tuple[int, int]:
    """[first, last) lines of C function `name` (its signature at column 0 to the `}` that
    closes it) or of assembler macro `name` (`.macro name` to `.endm`)."""
    asm = re.compile(rf"^\.macro {re.escape(name)}\b")
    c = re.compile(rf"^[A-Za-z_].*\b{re.escape(name)}\(.*[^;]$")
    start = next((i for i, ln in enumerate(lines) if asm.match(ln) or c.match(ln)), None)
    assert start is not None, f"no definition of {name}"
    end_mark = ".endm" if asm.match(lines[start]) else "}"
    return start, next(i for i in range(start, len(lines)) if lines[i].rstrip() == end_mark) + 1


def half_done(ex: G.Exercise, todo: str) -> dict[str, str]:
    """{file: text}: the starter's files with the TODO's function taken from the reference."""
    name = contract(ex)["half_done"][todo]["function"]
    out = {}
    for f in ex.files:
        mine = (ex.starter / f).read_text().splitlines(keepends=True)
        ref = (KERNELS / "lib" / ex.component / f).read_text().splitlines(keepends=True)
        try:
            a, b = definition(mine, name)
        except AssertionError:
            continue
        c, d = definition(ref, name)
        out[f] = "".join(mine[:a] + ref[c:d] + mine[b:])
    assert out, f"{ex.name}: no file of {ex.files} defines {name}"
    return out


HALF_DONE = [(ex, todo) for ex in EXERCISES for todo in sorted(contract(ex).get("half_done", {}))]


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    monkeypatch.setenv("WB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("WB_WORKSPACE", raising=False)


def _failed(report: G.GradeReport) -> set[str]:
    return {c.name for c in report.checks if not c.passed}


@pytest.mark.parametrize("ex", EXERCISES, ids=NAMES)
def test_contract_names_real_checks_and_covers_every_todo(ex):
    """Without booting: the contract's names are the exercise's checks, and an exercise with
    several TODOs has one half-done workspace per TODO, each really half done."""
    c = contract(ex)
    assert set(c) <= {"starter_fails", "half_done"}, f"unknown keys in {ex.name}/contract.toml"
    checks = {ch.name for ch in ex.checks}
    assert c["starter_fails"] and set(c["starter_fails"]) <= checks
    half = c.get("half_done", {})
    n = todos(ex)
    assert len(half) == (n if n > 1 else 0), f"{ex.name}: {n} TODOs, {len(half)} half-done workspaces"
    for todo, entry in half.items():
        assert entry["fails"] and set(entry["fails"]) <= checks, (todo, entry["fails"])
        assert entry.get("todo"), f"[half_done.{todo}] says which TODO it does"
        assert set(entry) <= {"function", "todo", "fails", "no_partial_credit"}, (todo, set(entry))
        # a TODO that earns nothing done alone is all-or-nothing on purpose, and says why
        earns_nothing = set(entry["fails"]) >= set(c["starter_fails"])
        why = entry.get("no_partial_credit", "")
        assert earns_nothing == bool(why), (
            f"[half_done.{todo}] of {ex.name}: " + (
                "done alone it earns nothing beyond the starter: grade its checks apart, or "
                "say why it cannot be (no_partial_credit = \"...\")" if earns_nothing else
                "earns partial credit, so no_partial_credit does not apply"))
        for f, text in half_done(ex, todo).items():
            assert text != (KERNELS / "lib" / ex.component / f).read_text(), f"{todo}/{f} is the reference"
            assert text.count(f'TODO (exercise "{ex.name}")') == n - 1, f"{todo}: one TODO done"
    functions = [e["function"] for e in half.values()]
    assert len(set(functions)) == len(functions), "each half-done copy does a different TODO"


@pytest.mark.qemu
@pytest.mark.parametrize("ex", EXERCISES, ids=NAMES)
def test_reference_full_marks(ex, tmp_path):
    ref = G.grade(ex, None, out_dir=tmp_path / "ref", reference=True)
    assert ref.graded == "reference" and ref.source == KERNELS / "lib" / ex.component
    assert ref.full_marks, G.format_report(ref)
    assert ref.score == sum(c.points for c in ex.checks) and set(ref.runs) <= set(ex.runs)
    assert not my_qemus(), "no QEMU outlives a grade"


@pytest.mark.qemu
@pytest.mark.parametrize("ex", EXERCISES, ids=NAMES)
def test_starter_fails_exactly_its_contract(ex, tmp_path):
    folder, copied = G.start_exercise(ex, tmp_path / "ws")
    assert copied
    starter = G.grade(ex, tmp_path / "ws", out_dir=tmp_path / "out")
    assert starter.graded == "workspace" and starter.source == folder
    assert _failed(starter) == set(contract(ex)["starter_fails"]), G.format_report(starter)
    for c in starter.checks:
        if not c.passed:  # a failed check keeps the run it failed on
            text = c.transcript.read_text()
            assert f"check '{c.name}'" in text and all(p in text for p in c.problems)
            assert "--- console ---" in text or "did not build" in c.problems[0]
        for problem in c.problems:  # the test kernel says what it saw, not only "fail"
            if problem.startswith("the test kernel's check"):
                assert "' failed: " in problem, f"{ex.name}/{c.name}: {problem}"
    assert not my_qemus(), "no QEMU outlives a grade"


@pytest.mark.qemu
@pytest.mark.parametrize("ex,todo", HALF_DONE, ids=[f"{e.name}-{t}" for e, t in HALF_DONE])
def test_half_done_is_not_full_marks(ex, todo, tmp_path):
    """One TODO done by the reference's code: its checks pass, the other TODO's do not."""
    folder, _ = G.start_exercise(ex, tmp_path / "ws")
    for f, text in half_done(ex, todo).items():
        (folder / f).write_text(text)
    report = G.grade(ex, tmp_path / "ws", out_dir=tmp_path / "out")
    assert not report.full_marks, G.format_report(report)
    assert _failed(report) == set(contract(ex)["half_done"][todo]["fails"]), G.format_report(report)
