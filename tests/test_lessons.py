"""Lessons: content in both languages, valid steps, 80-column rendering, progress, CLI."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.conftest import REPO, run_cli
from workbench.core.learn import lessons as L
from workbench.core.learn.progress import Progress, current_language
from workbench.core.learn.textrender import wrap_text
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.files import atomic_write_text

LESSONS = L.load_lessons()


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    """Progress and workspaces of these tests never touch the real user folder."""
    monkeypatch.setenv("WB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("WB_WORKSPACE", raising=False)
    monkeypatch.delenv("WB_LANG", raising=False)
    return tmp_path / "home"


def test_at_least_twelve_lessons_with_the_required_topics():
    assert len(LESSONS) >= 12
    slugs = " ".join(les.slug for les in LESSONS)
    for topic in ("three-ways", "hello", "address-space", "providers", "specialisation",
                  "time", "wrong", "network", "dns", "web", "trusted", "measuring"):
        assert topic in slugs
    assert [les.number for les in LESSONS] == sorted(les.number for les in LESSONS)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda les: les.name)
def test_lesson_has_text_and_valid_steps_in_both_languages(lesson):
    for lang in ("en", "ja"):
        text = lesson.text(lang)
        assert text.startswith("# "), f"{lesson.name}/{lang}.md starts with a title"
        assert lesson.title.get(lang), f"title.{lang} missing"
    assert re.search(r"[\u3040-\u30ff]", lesson.text("ja")), "ja.md contains Japanese"
    assert lesson.steps
    for step in lesson.steps:
        assert step.check.kind in L.CHECK_KINDS
        assert step.screen is None or step.screen in L.SCREENS
        assert step.title.get("en") and step.title.get("ja"), step.id
        if step.check.kind == "quiz":
            # the stored hash is the hash of one of the offered letters: answerable
            letters = [c.split(")")[0].strip() for c in step.check.choices["en"]]
            assert any(L.answer_hash(lesson.name, step.id, x) == step.check.answer_sha256
                       for x in letters), f"{step.id}: no choice matches the stored answer"
            assert len(step.check.choices["ja"]) == len(step.check.choices["en"])


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_lesson_renders_within_80_columns(lang):
    for les in LESSONS:
        out = L.render_lesson(les, lang)
        for line in out.splitlines():
            assert cell_len(line) <= 80, f"{les.name} ({lang}): {line!r}"
            # Japanese line breaking: no line begins with closing punctuation
            assert not line.strip().startswith(("、", "。", "）", "」")), f"{les.name}: {line!r}"
        assert les.text(lang).splitlines()[0][2:].strip() in out


def test_figures_named_by_lessons_exist():
    for les in LESSONS:
        for lang in ("en", "ja"):
            for src in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", les.text(lang)):
                assert (les.directory / src).is_file(), f"{les.name}: missing figure {src}"


def test_wrap_text_counts_wide_characters_as_two_cells():
    text = "日本語の文章はスペースがなくても八十桁で折り返されなければなりません。" * 4
    lines = wrap_text(text, 30)
    assert all(cell_len(ln) <= 30 for ln in lines)
    assert "".join(lines) == text
    assert not any(ln.startswith("。") for ln in lines)


def test_language_follows_env_then_setting_then_locale(monkeypatch, tmp_path):
    p = Progress(tmp_path / "p.json")
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert current_language(p) == "ja"
    p.lang = "en"
    assert current_language(p) == "en"
    monkeypatch.setenv("WB_LANG", "ja")
    assert current_language(p) == "ja"
    monkeypatch.delenv("WB_LANG")
    p.lang = None
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert current_language(p) == "en"


# ------------------------------------------------------------------ progress


def test_progress_round_trip_and_atomic_write(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    p = Progress.load(path)
    p.mark_done("01-three-ways", "compare")
    p.record_grade("bump", 7, 10)
    p.save()
    q = Progress.load(path)
    assert q.done_steps("01-three-ways") == ["compare"]
    assert q.exercises["bump"]["best"] == 7
    before = path.read_text()

    # a crash in the middle of a save leaves the old file whole and no temporary behind
    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    q.mark_done("01-three-ways", "where-is-the-driver")
    with pytest.raises(OSError):
        q.save()
    monkeypatch.undo()
    assert path.read_text() == before
    assert [f.name for f in tmp_path.iterdir()] == ["progress.json"]


@pytest.mark.parametrize("damage", ["{not json", "[1, 2]", '{"lessons": {"x": 3}}', "\xff\xfe"])
def test_damaged_progress_is_moved_aside_and_reported(tmp_path, damage):
    path = tmp_path / "progress.json"
    (tmp_path / "my-recipe.toml").write_text("name = 'mine'\n")
    path.write_bytes(damage.encode("latin-1"))
    p = Progress.load(path)
    assert p.notice and "damaged" in p.notice and "moved" in p.notice
    aside = [f for f in tmp_path.iterdir() if f.name.startswith("progress.json.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes() == damage.encode("latin-1")
    assert str(aside[0]) in p.notice
    assert not path.exists() and p.lessons == {}
    assert (tmp_path / "my-recipe.toml").read_text() == "name = 'mine'\n"  # nothing else touched
    p.mark_done("02-hello-unikernel", "build")
    p.save()
    assert Progress.load(path).done_steps("02-hello-unikernel") == ["build"]


def test_atomic_write_text_creates_folders(tmp_path):
    target = tmp_path / "a" / "b" / "f.txt"
    atomic_write_text(target, "x")
    assert target.read_text() == "x"


# ------------------------------------------------------------------ checks


def _lesson_root(tmp_path: Path, steps: str) -> Path:
    d = tmp_path / "lessons" / "01-test"
    d.mkdir(parents=True)
    (d / "en.md").write_text("# Test\n\ntext\n")
    (d / "ja.md").write_text("# テスト\n\n本文\n")
    (d / "steps.toml").write_text('title.en = "T"\ntitle.ja = "テ"\n' + steps)
    return tmp_path / "lessons"


def test_bad_steps_file_is_a_clear_error(tmp_path):
    root = _lesson_root(tmp_path, '[[steps]]\nid = "a"\ntitle.en = "A"\n'
                                  '[steps.check]\nkind = "bootz"\nrecipe = "hello"\n')
    with pytest.raises(WorkbenchError) as e:
        L.load_lessons(root)
    assert "bootz" in str(e.value) and "boot" in str(e.value) and "steps.toml" in str(e.value)


def test_missing_recipe_skips_gracefully(tmp_path):
    root = _lesson_root(tmp_path, '[[steps]]\nid = "a"\ntitle.en = "A"\ntitle.ja = "あ"\n'
                                  '[steps.check]\nkind = "build"\nrecipe = "not-written-yet"\n')
    les = L.load_lessons(root)[0]
    p = Progress(tmp_path / "p.json")
    step, result = L.check_step(les, p, workspace=tmp_path / "ws", lang="en")
    assert result.status == "skip" and "not-written-yet.toml does not exist" in result.message
    assert p.done_steps(les.name) == ["a"]  # a skipped step does not block the lesson


def test_own_recipe_missing_fails_with_hint(tmp_path):
    les = L.find_lesson("04")
    p = Progress(tmp_path / "p.json")
    step, result = L.check_step(les, p, step_id="swap", workspace=tmp_path / "ws", lang="en")
    assert result.status == "fail"
    assert "my-selftest.toml" in result.message and "cp " in result.message
    assert "swap" not in p.done_steps(les.name)


def test_resolve_check_follows_the_learners_recipe(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    text = (REPO / "kernels" / "recipes" / "selftest.toml").read_text()
    (ws / "my-selftest.toml").write_text(text)
    les = L.find_lesson("interfaces-and-providers")
    p = Progress(tmp_path / "p.json")
    _, result = L.check_step(les, p, step_id="swap", workspace=ws, lang="ja")
    assert result.status == "fail" and "alloc-bump" in result.message
    (ws / "my-selftest.toml").write_text(text.replace('"alloc-freelist"', '"alloc-bump"'))
    _, result = L.check_step(les, p, step_id="swap", workspace=ws, lang="en")
    assert result.passed, result.message


def test_quiz_answers(tmp_path):
    les = L.find_lesson("01")
    p = Progress(tmp_path / "p.json")
    _, wrong = L.check_step(les, p, step_id="where-is-the-driver", answer="a")
    assert wrong.status == "fail"
    _, right = L.check_step(les, p, step_id="where-is-the-driver", answer=" B ")
    assert right.passed
    assert p.answer(les.name, "where-is-the-driver") == " B "


@pytest.mark.qemu
def test_build_and_boot_checks_of_hello(tmp_path):
    les = L.find_lesson("02")
    p = Progress(tmp_path / "p.json")
    ctx_dir = tmp_path / "ws"
    for sid in ("resolve", "build", "boot"):
        step, result = L.check_step(les, p, workspace=ctx_dir, lang="en")
        assert step.id == sid and result.passed, (sid, result)
    # the next step wants the learner's own recipe with a changed greeting
    (ctx_dir).mkdir()
    (ctx_dir / "my-hello.toml").write_text(
        (REPO / "kernels/recipes/hello.toml").read_text()
        + '\n[options.hello]\ngreeting = "Hello, teacher!"\n')
    for sid in ("own-recipe", "own-boot"):
        step, result = L.check_step(les, p, workspace=ctx_dir, lang="en")
        assert step.id == sid and result.passed, (sid, result)
    assert les.current_step(p) is None


# ------------------------------------------------------------------ CLI


def test_cli_lessons_list_and_show(_private_home):
    r = run_cli("lessons", "--lang", "en", env={"WB_HOME": str(_private_home)})
    assert r.returncode == 0, r.stderr
    rows = [ln for ln in r.stdout.splitlines() if re.match(r"^\d\d-", ln)]
    assert len(rows) == len(LESSONS) and "0/3" in rows[0]
    r = run_cli("lesson", "show", "hello-unikernel", "--lang", "ja",
                env={"WB_HOME": str(_private_home)})
    assert r.returncode == 0 and "こんにちは" in r.stdout
    assert all(cell_len(ln) <= 80 for ln in r.stdout.splitlines())
    r = run_cli("lesson", "show", "helo", env={"WB_HOME": str(_private_home)})
    assert r.returncode == 2 and "no lesson 'helo'" in r.stderr and "Traceback" not in r.stderr


def test_cli_lesson_check_pass_fail_hint_and_progress(_private_home):
    env = {"WB_HOME": str(_private_home), "WB_LANG": "en"}
    r = run_cli("lesson", "check", "01", env=env)
    assert r.returncode == 0 and r.stdout.startswith("PASS") and "next:" in r.stdout
    r = run_cli("lesson", "check", "01", "--answer", "c", env=env)
    assert r.returncode == 1 and r.stdout.startswith("FAIL") and "hint:" in r.stdout
    r = run_cli("lesson", "check", "01", "--answer", "b", "--json", env=env)
    data = json.loads(r.stdout)
    assert r.returncode == 0 and data["status"] == "pass" and data["next"] == "what-is-a-syscall"
    saved = json.loads((_private_home / "progress.json").read_text())
    assert saved["lessons"]["01-three-ways"]["done"] == ["compare", "where-is-the-driver"]
    r = run_cli("lessons", env=env)
    assert re.search(r"01-three-ways\s+2/3", r.stdout)
    r = run_cli("lesson", "lang", "ja", env={"WB_HOME": str(_private_home)})
    assert r.returncode == 0
    r = run_cli("lessons", env={"WB_HOME": str(_private_home), "LANG": "C"})
    assert "OS の三つの作り方" in r.stdout


def test_cli_reports_a_damaged_progress_file(_private_home):
    _private_home.mkdir(parents=True)
    (_private_home / "progress.json").write_text("{{{")
    r = run_cli("lessons", env={"WB_HOME": str(_private_home)})
    assert r.returncode == 0
    assert "damaged" in r.stderr and "progress.json.damaged-" in r.stderr


@pytest.mark.qemu
@pytest.mark.parametrize("lesson,step", [("09", "query"), ("09", "referral"), ("09", "tcp"),
                                         ("10", None), ("10", "range"), ("10", "not-modified")])
def test_network_lesson_steps_talk_to_the_real_appliance(tmp_path, lesson, step):
    les = L.find_lesson(lesson)
    boot_steps = [s for s in les.steps if s.check.kind == "boot" and s.check.client]
    assert boot_steps, f"lesson {lesson} has no step that queries the appliance"
    p = Progress(tmp_path / "p.json")
    _, result = L.check_step(les, p, step_id=step or boot_steps[0].id, workspace=tmp_path / "ws",
                             lang="en")
    assert result.status == "pass", (result.message, result.details)


@pytest.mark.qemu
def test_microkernel_steps_boot_the_miniature_microkernel(tmp_path):
    p = Progress(tmp_path / "p.json")
    _, result = L.check_step(L.find_lesson("12"), p, step_id="ipc-round-trip", lang="en")
    assert result.passed, result
    ws = tmp_path / "ws"
    ws.mkdir()
    text = (REPO / "kernels/recipes/ipc-bench.toml").read_text()
    (ws / "my-trespass.toml").write_text(text)
    les = L.find_lesson("11")
    _, result = L.check_step(les, p, step_id="trespass", workspace=ws, lang="en")
    assert result.status == "fail" and "status 'success', expected 'panic'" in result.message
    (ws / "my-trespass.toml").write_text(text + "\n[options.ipc-bench]\ntrespass = true\n")
    _, result = L.check_step(les, p, step_id="trespass", workspace=ws, lang="en")
    assert result.passed, result
    for sid in ("resolve", "boot", "size"):  # lesson 13: the microkernel layout itself
        _, result = L.check_step(L.find_lesson("13"), p, step_id=sid, workspace=ws, lang="ja")
        assert result.passed, (sid, result)
