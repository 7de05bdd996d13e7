"""Lessons: content in both languages, valid steps, 80-column rendering, progress, CLI."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.conftest import REPO, learner_builds_and_boots, run_cli
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
        if step.check.asks:
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


def _make_figures():
    """lessons/make_figures.py as a module (it is a script, not part of the package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_figures", REPO / "lessons/make_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_figures_named_by_lessons_exist_and_are_made_by_one_script():
    """Every figure a lesson names is there as an SVG (browser, docs) and a PNG beside it (the
    terminal), and lessons/make_figures.py is the script that makes both (compared as lists:
    regenerating them all takes Graphviz a few seconds per graph)."""
    planned = set(_make_figures().planned())
    named = set()
    for les in LESSONS:
        for lang in ("en", "ja"):
            for src in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", les.text(lang)):
                assert src.endswith(".svg"), f"{les.name}: figure {src} is not an SVG"
                for raster in (src, src.removesuffix(".svg") + ".png"):
                    assert (les.directory / raster).is_file(), f"{les.name}: missing {raster}"
                    named.add(f"{les.name}/{raster}")
    assert named, "no lesson names a figure"
    assert named <= planned, f"not made by make_figures.py: {sorted(named - planned)}"
    # and nothing it makes is left without a lesson that uses it
    assert planned <= named, f"made but never used: {sorted(planned - named)}"


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


def test_a_step_whose_title_asks_must_take_an_answer(tmp_path):
    d = tmp_path / "01-x"
    d.mkdir()
    (d / "en.md").write_text("# X\n")
    (d / "ja.md").write_text("# X\n")
    (d / "steps.toml").write_text(
        'title = "X"\n[[steps]]\nid = "which"\ntitle.en = "Resolve hello: which component '
        'prints?"\ntitle.ja = "hello"\n[steps.check]\nkind = "resolve"\nrecipe = "hello"\n'
        'includes = ["hello"]\n')
    with pytest.raises(WorkbenchError) as e:
        L.load_lesson(d)
    assert "asks a question in its title but takes no answer" in str(e.value)
    assert "steps.toml" in str(e.value) and "answer_sha256" in str(e.value)


def test_lesson_4_step_1_needs_the_answer(tmp_path):
    """'Which component provides alloc?' resolves selftest AND needs the learner's answer:
    no answer or a wrong one fails however well selftest resolves; the step id is the one
    earned progress already names."""
    les = L.find_lesson("04")
    step = les.steps[0]
    assert step.id == "default-provider" and step.check.asks and step.check.kind == "resolve"
    p = Progress(tmp_path / "p.json")
    for answer in (None, "", "  ", "a"):
        _, result = L.check_step(les, p, step_id=step.id, answer=answer, lang="en")
        assert result.status == "fail", (answer, result)
        assert "alloc" in " ".join(result.details), "the question is shown again"
    assert les.current_step(p).id == step.id
    _, result = L.check_step(les, p, step_id=step.id, answer="B", lang="ja")
    assert result.passed and result.message.startswith("正解です"), result
    assert les.current_step(p).id == "swap"
    # on the command line: the question and its choices, in --json too
    env = {"WB_HOME": str(tmp_path / "cli-home"), "WB_LANG": "en"}
    r = run_cli("lesson", "check", "04", "--json", env=env)
    data = json.loads(r.stdout)
    assert r.returncode == 1 and data["status"] == "fail" and data["step"] == step.id
    assert data["question"].startswith("Which component provides") and len(data["choices"]) == 3
    r = run_cli("lesson", "check", "04", "--step", step.id, "--answer", "b", env=env)
    assert r.returncode == 0 and r.stdout.startswith("PASS"), r.stdout


def test_quiz_answers(tmp_path):
    les = L.find_lesson("01")
    p = Progress(tmp_path / "p.json")
    _, wrong = L.check_step(les, p, step_id="where-is-the-driver", answer="a")
    assert wrong.status == "fail"
    _, right = L.check_step(les, p, step_id="where-is-the-driver", answer=" B ")
    assert right.passed
    assert p.answer(les.name, "where-is-the-driver") == " B "


@pytest.mark.parametrize("damage", ["{{{", "[]", '{"run": {"recipe": 3}, "build": "x"}',
                                    '{"run": {"status": "success"}}'])
def test_a_damaged_record_of_the_last_run_is_no_record(tmp_path, damage):
    """Whatever is in .workbench-last.json, a step about the learner's run never crashes: a
    record it cannot read counts as none, and the learner is told to build or boot."""
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / ".workbench-last.json").write_text(damage)
    p = Progress(tmp_path / "p.json")
    for sid, word in (("build", "built"), ("boot", "booted")):
        _, result = L.check_step(L.find_lesson("02"), p, step_id=sid, workspace=ws, lang="en")
        assert result.status == "fail" and f"you have not {word} hello yet" in result.message


@pytest.mark.qemu
def test_build_and_boot_steps_judge_the_learners_own_runs(tmp_path):
    les = L.find_lesson("02")
    p = Progress(tmp_path / "p.json")
    ws = tmp_path / "ws"
    step, result = L.check_step(les, p, workspace=ws, lang="en")
    assert step.id == "resolve" and result.passed, result
    for ui, todo in (("cli", "run  workbench build hello"), ("tui", "build it with b")):
        step, result = L.check_step(les, p, workspace=ws, lang="en", ui=ui)
        assert step.id == "build" and result.status == "fail", result
        assert "you have not built hello yet" in result.message and todo in result.message
    _, result = L.check_step(les, p, workspace=ws, lang="ja", ui="tui")
    assert "まだビルドしていません" in result.message and "r で起動" not in result.message
    # the learner boots another recipe: still not what the steps ask about
    learner_builds_and_boots(REPO / "kernels/recipes/selftest.toml", ws, tmp_path / "b")
    _, result = L.check_step(les, p, workspace=ws, lang="en")
    assert result.status == "fail" and "(your last build was of selftest)" in result.message
    learner_builds_and_boots(REPO / "kernels/recipes/hello.toml", ws, tmp_path / "b")
    for sid in ("build", "boot"):
        step, result = L.check_step(les, p, workspace=ws, lang="en")
        assert step.id == sid and result.passed, (sid, result)
    # the learner's own recipe with a changed greeting, booted by the learner
    ws.mkdir(exist_ok=True)
    own = ws / "my-hello.toml"
    own.write_text((REPO / "kernels/recipes/hello.toml").read_text()
                   + '\n[options.hello]\ngreeting = "Hello, teacher!"\n')
    step, result = L.check_step(les, p, workspace=ws, lang="en")
    assert step.id == "own-recipe" and result.passed, result
    step, result = L.check_step(les, p, workspace=ws, lang="en")
    assert step.id == "own-boot" and result.status == "fail"
    assert f"run  workbench boot {own}" in result.message, result.message
    run = learner_builds_and_boots(own, ws, tmp_path / "b")
    assert "Hello, teacher!" in run.console
    # changed after the boot: boot it again
    own.write_text(own.read_text().replace("teacher", "class"))
    _, result = L.check_step(les, p, workspace=ws, lang="en")
    assert result.status == "fail" and "you changed my-hello.toml after your last run" \
        in result.message, result.message
    learner_builds_and_boots(own, ws, tmp_path / "b")
    step, result = L.check_step(les, p, workspace=ws, lang="en")
    assert step.id == "own-boot" and result.passed, result
    assert les.current_step(p) is None


@pytest.mark.qemu
def test_cli_lesson_check_judges_the_learners_last_cli_boot(_private_home, tmp_path):
    """`workbench build` and `workbench boot` record the learner's own build and run in the
    workspace; `workbench lesson check` judges the boot step on that, and says what to do
    while there is none."""
    env = {"WB_HOME": str(_private_home), "WB_LANG": "en"}
    r = run_cli("lesson", "check", "02", "--step", "boot", env=env, cwd=tmp_path)
    assert r.returncode == 1 and "you have not booted hello yet" in r.stdout, r.stdout
    assert "workbench boot hello" in r.stdout
    r = run_cli("build", "hello", env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = run_cli("lesson", "check", "02", "--step", "build", env=env, cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("PASS"), r.stdout
    r = run_cli("lesson", "check", "02", "--step", "boot", env=env, cwd=tmp_path)
    assert r.returncode == 1 and "you have not booted hello yet" in r.stdout, r.stdout
    r = run_cli("boot", "hello", env=env, cwd=tmp_path)
    assert r.returncode == 0 and "Hello from a unikernel!" in r.stdout, r.stderr
    record = json.loads((_private_home / "workspace" / ".workbench-last.json").read_text())
    assert record["run"]["recipe"] == "hello" and record["run"]["status"] == "success"
    r = run_cli("lesson", "check", "02", "--step", "boot", env=env, cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("PASS"), r.stdout
    assert "the run matched (success" in r.stdout


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
    """The learner boots the miniature microkernel; each step judges the learner's own run."""
    p = Progress(tmp_path / "p.json")
    ws = tmp_path / "ws"
    ws.mkdir()
    learner_builds_and_boots(REPO / "kernels/recipes/ipc-bench.toml", ws, tmp_path / "b")
    _, result = L.check_step(L.find_lesson("12"), p, step_id="ipc-round-trip", workspace=ws,
                             lang="en")
    assert result.passed, result
    text = (REPO / "kernels/recipes/ipc-bench.toml").read_text()
    (ws / "my-trespass.toml").write_text(text)
    les = L.find_lesson("11")
    learner_builds_and_boots(ws / "my-trespass.toml", ws, tmp_path / "b")
    _, result = L.check_step(les, p, step_id="trespass", workspace=ws, lang="en")
    assert result.status == "fail" and "status 'success', expected 'panic'" in result.message
    (ws / "my-trespass.toml").write_text(text + "\n[options.ipc-bench]\ntrespass = true\n")
    learner_builds_and_boots(ws / "my-trespass.toml", ws, tmp_path / "b")
    _, result = L.check_step(les, p, step_id="trespass", workspace=ws, lang="en")
    assert result.passed, result
    learner_builds_and_boots(REPO / "kernels/recipes/hello-microkernel.toml", ws, tmp_path / "b")
    for sid in ("resolve", "boot", "size"):  # lesson 13: the microkernel layout itself
        _, result = L.check_step(L.find_lesson("13"), p, step_id=sid, workspace=ws, lang="ja")
        assert result.passed, (sid, result)
