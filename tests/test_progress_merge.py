"""Several programs keep the progress record at once (the TUI, the command line, a browser
session): a save merges with what the file holds, so nothing a learner earned is lost."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

from workbench.core.learn.lessons import answer_hash, find_lesson
from workbench.core.learn.progress import Progress, merge_records

REPO = Path(__file__).resolve().parents[1]


def record(lessons=None, exercises=None, lang=None) -> dict:
    return {"version": 1, "lang": lang, "lessons": lessons or {}, "exercises": exercises or {}}


def test_merge_keeps_what_both_sides_earned():
    base = record({"01": {"done": ["a"], "answers": {}}},
                  {"bump": {"best": 5, "last": 5, "total": 10, "attempts": 1,
                            "updated": "2026-01-01T10:00:00"}}, lang="en")
    disk = record({"01": {"done": ["a", "b"], "answers": {"b": "x"}},
                   "02": {"done": ["build"], "answers": {}}},
                  {"bump": {"best": 9, "last": 9, "total": 10, "attempts": 3,
                            "updated": "2026-01-01T12:00:00"}}, lang="en")
    mine = record({"01": {"done": ["a", "c"], "answers": {"c": "y"}}},
                  {"bump": {"best": 7, "last": 7, "total": 10, "attempts": 2,
                            "updated": "2026-01-01T11:00:00"}}, lang="ja")
    merged = merge_records(disk, mine, base)
    assert merged["lessons"]["01"]["done"] == ["a", "b", "c"]
    assert merged["lessons"]["01"]["answers"] == {"b": "x", "c": "y"}
    assert merged["lessons"]["02"]["done"] == ["build"]  # only on disk: kept
    bump = merged["exercises"]["bump"]
    assert bump["best"] == 9 and bump["last"] == 9  # the best, and the last grade given
    assert bump["attempts"] == 4  # 3 on disk + 1 made here since the base
    assert merged["lang"] == "ja"  # changed here
    assert merge_records(disk, {**mine, "lang": "en"}, base)["lang"] == "en"
    assert merge_records({**disk, "lang": "ja"}, {**mine, "lang": "en"}, base)["lang"] == "ja"


def test_merge_a_reset_here_stays_reset_and_a_reset_there_is_not_undone():
    base = record({"01": {"done": ["a"], "answers": {}}, "02": {"done": ["x"], "answers": {}}})
    disk = record({"01": {"done": ["a", "b"], "answers": {}}})  # 02 reset by another program
    mine = record({"02": {"done": ["x"], "answers": {}}})  # 01 reset here
    assert merge_records(disk, mine, base)["lessons"] == {}
    # ... but what was earned here since, in a lesson reset there, is kept
    mine = record({"02": {"done": ["x", "y"], "answers": {}}})
    assert merge_records(disk, mine, base)["lessons"]["02"]["done"] == ["x", "y"]


def test_merge_a_real_pass_on_one_side_is_not_marked_skipped():
    disk = record({"06": {"done": ["boot"], "answers": {}, "skipped": ["boot"]}})
    mine = record({"06": {"done": ["boot"], "answers": {}, "skipped": []}})
    assert merge_records(disk, mine, record())["lessons"]["06"]["skipped"] == []
    mine = record({"06": {"done": ["build"], "answers": {}}})
    assert merge_records(disk, mine, record())["lessons"]["06"]["skipped"] == ["boot"]


def test_an_older_copy_never_erases_newer_progress(tmp_path):
    path = tmp_path / "progress.json"
    tui = Progress.load(path)  # a program that keeps its copy for a long time
    cli = Progress.load(path)
    cli.mark_done("01-three-ways", "compare")
    cli.mark_done("01-three-ways", "where-is-the-driver")
    cli.save()
    tui.mark_done("02-hello-unikernel", "resolve")
    tui.record_grade("bump", 4, 10)
    tui.save()
    data = json.loads(path.read_text())
    assert data["lessons"]["01-three-ways"]["done"] == ["compare", "where-is-the-driver"]
    assert data["lessons"]["02-hello-unikernel"]["done"] == ["resolve"]
    # the saving copy now holds the merged record, as on disk
    assert tui.done_steps("01-three-ways") == ["compare", "where-is-the-driver"]
    assert [f.name for f in tmp_path.iterdir()] == ["progress.json"]  # no lock file left


def test_reload_shows_what_others_recorded_and_keeps_unsaved_changes(tmp_path):
    path = tmp_path / "progress.json"
    mine = Progress.load(path)
    mine.mark_done("01-three-ways", "compare")  # not saved yet
    other = Progress.load(path)
    other.record_grade("bump", 8, 10)
    other.save()
    assert mine.reload()
    assert mine.exercises["bump"]["best"] == 8
    assert mine.done_steps("01-three-ways") == ["compare"]
    assert not mine.reload()  # nothing new
    mine.save()
    again = Progress.load(path)
    assert again.exercises["bump"]["attempts"] == 1  # counted once, not again by the reload
    assert again.done_steps("01-three-ways") == ["compare"]


def test_a_reset_is_saved_over_the_files_copy(tmp_path):
    path = tmp_path / "progress.json"
    p = Progress.load(path)
    p.mark_done("01-three-ways", "compare")
    p.save()
    q = Progress.load(path)
    q.reset_lesson("01-three-ways")
    q.save()
    assert Progress.load(path).lessons == {}
    assert p.reload() and p.lessons == {}  # the other copy sees the reset


def _writer(path: str, lesson: str, steps: int) -> None:
    for i in range(steps):
        p = Progress.load(Path(path))  # each event read, changed and written
        p.mark_done(lesson, f"step-{i}")
        p.record_grade(lesson, i, steps)
        p.save()


def test_two_writers_interleaving_lose_nothing(tmp_path):
    path = str(tmp_path / "progress.json")
    ctx = multiprocessing.get_context("fork")
    writers = [ctx.Process(target=_writer, args=(path, name, 40)) for name in ("one", "two")]
    for w in writers:
        w.start()
    for w in writers:
        w.join(60)
        assert w.exitcode == 0
    data = json.loads(Path(path).read_text())
    for name in ("one", "two"):
        assert data["lessons"][name]["done"] == [f"step-{i}" for i in range(40)]
        assert data["exercises"][name]["attempts"] == 40
        assert data["exercises"][name]["best"] == 39


def test_long_lived_copies_interleaving_lose_nothing(tmp_path):
    """Two programs that each keep one copy (two TUIs): every save merges."""
    path = tmp_path / "progress.json"
    a, b = Progress.load(path), Progress.load(path)
    for i in range(5):
        a.mark_done("01", f"a{i}")
        a.save()
        b.mark_done("01", f"b{i}")
        b.record_grade("bump", i, 10)
        b.save()
        a.record_grade("bump", 10 - i, 10)
        a.save()
    data = json.loads(path.read_text())
    assert sorted(data["lessons"]["01"]["done"]) == sorted(
        [f"a{i}" for i in range(5)] + [f"b{i}" for i in range(5)])
    assert data["exercises"]["bump"]["attempts"] == 10
    assert data["exercises"]["bump"]["best"] == 10


def test_the_command_line_and_an_open_copy_both_keep_their_steps(tmp_path):
    """The real command line answers in a subprocess while a copy stays open here."""
    home = tmp_path / "home"
    env = {**os.environ, "WB_HOME": str(home), "WB_LANG": "en"}
    env.pop("WB_WORKSPACE", None)
    open_copy = Progress.load(home / "progress.json")
    lesson = find_lesson("01-three-ways")
    step = lesson.step("where-is-the-driver")
    right = next(x for x in "abc"
                 if answer_hash(lesson.name, step.id, x) == step.check.answer_sha256)
    open_copy.mark_done(lesson.name, "compare")
    open_copy.save()
    out = subprocess.run([sys.executable, "-m", "workbench", "lesson", "check", lesson.name,
                          "--step", step.id, "--answer", right], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    open_copy.record_grade("bump", 3, 10)
    open_copy.save()
    data = json.loads((home / "progress.json").read_text())
    assert data["lessons"][lesson.name]["done"] == ["compare", step.id]
    assert data["exercises"]["bump"]["best"] == 3
