"""A teacher's walk-through, followed: docs/teachers.md "Add a component, an exercise, a
lesson" on copies of kernels/ and lessons/ (WB_KERNELS, WB_LESSONS), with the files taken
from the guide itself, so the guide and the workbench cannot drift apart. Also the gaps a
teacher found while authoring: the example's lesson name, hashing before the files exist,
the quiz shown on the command line, `--step` in the answer hint, one difficulty range."""

from __future__ import annotations

import json
import re
import shutil
import tomllib

import pytest

from tests.conftest import REPO, run_cli
from tests.pilot import async_test, wait_for
from workbench.core.learn import grading as G
from workbench.core.learn.lessons import LESSON_DIR_RE, answer_hash
from workbench.tui.app import WorkbenchApp
from workbench.tui.lessons.exercises_panel import STARS, stars
from workbench.tui.lessons.lessons_panel import LessonsPanel

GUIDE = REPO / "docs" / "teachers.md"
SECTION = "## 4. Add a component, an exercise, a lesson"
LESSON = "15-checksums"
FILE_BLOCK = re.compile(r"^File `([^`]+)`:\n\n```\w*\n(.*?)\n```$", re.M | re.S)


def guide_section() -> str:
    text = GUIDE.read_text()
    assert SECTION in text, "docs/teachers.md has no walk-through section"
    rest = text.split(SECTION, 1)[1]
    return rest.split("\n## ", 1)[0]


def guide_files() -> dict[str, str]:
    """Every `File `PATH`:` block of the walk-through, in order."""
    return {path: body + "\n" for path, body in FILE_BLOCK.findall(guide_section())}


@pytest.fixture
def authoring(tmp_path, monkeypatch):
    """Copies of kernels/ and lessons/, a private home; the environment for run_cli."""
    shutil.copytree(REPO / "kernels", tmp_path / "kernels")
    shutil.copytree(REPO / "lessons", tmp_path / "lessons",
                    ignore=shutil.ignore_patterns("assets", "*.svg", "*.png"))
    env = {"WB_KERNELS": str(tmp_path / "kernels"), "WB_LESSONS": str(tmp_path / "lessons"),
           "WB_HOME": str(tmp_path / "home"), "WB_WORKSPACE": str(tmp_path / "ws"), "WB_LANG": "en"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return tmp_path, env


def cli(root, env, *args):
    r = run_cli(*args, env=env, cwd=root)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def write(root, path: str, text: str) -> None:
    dest = root / path
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text)


def test_the_guide_names_every_file_of_the_walk_through():
    files = guide_files()
    for want in ("kernels/include/fletcher.h", "kernels/interfaces/fletcher.toml",
                 "kernels/lib/fletcher-plain/component.toml", "kernels/lib/fletcher-demo/demo.c",
                 "kernels/recipes/fletcher-demo.toml", "lessons/exercises/fletcher/exercise.toml",
                 "lessons/exercises/fletcher/starter/fletcher.c",
                 "lessons/exercises/fletcher/contract.toml", f"lessons/{LESSON}/steps.toml"):
        assert want in files, f"the walk-through does not give {want}"


def test_example_lesson_names_do_not_clash_with_real_lessons():
    real = {LESSON_DIR_RE.match(d.name).group(1) for d in (REPO / "lessons").iterdir()
            if LESSON_DIR_RE.match(d.name)}
    named = set(re.findall(r"\b(\d\d)-(?:my-lesson|checksums)\b", GUIDE.read_text()))
    assert named and not named & real, f"example lesson numbers {sorted(named & real)} exist already"


def test_walk_through_end_to_end(authoring):
    root, env = authoring
    files = guide_files()
    steps_path = f"lessons/{LESSON}/steps.toml"
    for path, text in files.items():
        if path.startswith("kernels/"):
            write(root, path, text)

    # the interface and the component, as the workbench reads them
    r = cli(root, env, "show", "fletcher")
    assert r.returncode == 0 and "uint16_t fletcher16(const void *buf, size_t len);" in r.stdout
    r = cli(root, env, "resolve", "fletcher-demo")
    assert r.returncode == 0 and "fletcher-plain" in r.stdout, r.stdout + r.stderr
    for layout in ("libos", "monolithic", "microkernel"):
        recipe = root / "ws" / f"fletcher-{layout}.toml"
        write(root, f"ws/fletcher-{layout}.toml",
              files["kernels/recipes/fletcher-demo.toml"].replace('"libos"', f'"{layout}"')
              .replace('name = "fletcher-demo"', f'name = "fletcher-{layout}"'))
        r = cli(root, env, "boot", str(recipe), "--json")
        assert r.returncode == 0, r.stdout + r.stderr
        assert json.loads(r.stdout)["status"] == "success" and "PASS abcdefgh" in r.stdout

    # the exercise: the reference gets full marks, the untouched starter fails both checks
    for path, text in files.items():
        if path.startswith("lessons/exercises/"):
            write(root, path, text)
    r = cli(root, env, "exercise", "list", "--json")
    assert {"name": "fletcher", "difficulty": 2}.items() <= \
        next(e for e in json.loads(r.stdout) if e["name"] == "fletcher").items()
    r = cli(root, env, "grade", "fletcher", "--reference", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["score"] == 4, r.stdout + r.stderr
    cli(root, env, "exercise", "start", "fletcher", "--workspace", str(root / "try"))
    r = cli(root, env, "grade", "fletcher", "--workspace", str(root / "try"), "--json")
    report = json.loads(r.stdout)
    failed = {c["name"] for c in report["checks"] if not c["passed"]}
    contract = tomllib.loads(files["lessons/exercises/fletcher/contract.toml"])
    assert report["score"] == 0 and failed == set(contract["starter_fails"])

    # the lesson: hash first (no folder yet), then steps.toml (texts still missing), then texts
    r = cli(root, env, "lesson", "hash", LESSON, "order", "b")
    assert r.returncode == 0, r.stderr
    digest = r.stdout.strip()
    assert digest == answer_hash(LESSON, "order", "b")
    assert f'answer_sha256 = "{digest}"' in files[steps_path]
    write(root, steps_path, files[steps_path])
    r = cli(root, env, "lesson", "hash", LESSON, "order", "b")
    assert r.returncode == 0 and r.stdout.strip() == digest, r.stderr
    r = cli(root, env, "lesson", "show", LESSON)
    assert r.returncode != 0 and "en.md is missing" in r.stderr
    write(root, f"lessons/{LESSON}/en.md", "# A checksum of your own\n\nText.\n")
    write(root, f"lessons/{LESSON}/ja.md", "# 自分で作るチェックサム\n\n本文。\n")
    r = cli(root, env, "lesson", "hash", LESSON, "no-such-step", "b")
    assert r.returncode == 0 and "no step 'no-such-step'" in r.stderr

    r = cli(root, env, "lesson", "show", LESSON)
    question = "Why does Fletcher-16 keep a second sum?"
    assert question in r.stdout and "b) so that the order of the bytes counts" in r.stdout
    quiz = next(s for s in json.loads(cli(root, env, "lesson", "show", LESSON, "--json").stdout)["steps"]
                if s["id"] == "order")
    assert quiz["question"] == question and len(quiz["choices"]) == 3

    for word in ("resolve", "boot"):
        r = cli(root, env, "lesson", "check", LESSON)
        assert r.returncode == 0 and f"({word})" in r.stdout, r.stdout + r.stderr
    r = cli(root, env, "lesson", "check", LESSON)
    assert r.returncode == 1
    assert f"workbench lesson check {LESSON} --step order --answer LETTER" in r.stdout
    assert question in r.stdout and "a) to count the bytes" in r.stdout
    r = cli(root, env, "lesson", "check", LESSON, "--answer", "a", "--json")
    data = json.loads(r.stdout)
    assert data["status"] == "fail" and data["question"] == question and len(data["choices"]) == 3
    r = cli(root, env, "lesson", "check", LESSON, "--step", "order", "--answer", "b")
    assert r.returncode == 0 and "This lesson is complete." in r.stdout


def test_lesson_hash_needs_a_lesson_folder_name(authoring):
    root, env = authoring
    r = cli(root, env, "lesson", "hash", "not-a-lesson", "step", "b")
    assert r.returncode == 2 and "NN-slug" in r.stderr


def test_one_difficulty_range_in_guide_exercises_and_ui(authoring):
    root, env = authoring
    low, high = G.DIFFICULTY.start, G.DIFFICULTY.stop - 1
    assert f"{low} (easy) .. {high} (hard)" in GUIDE.read_text()
    assert STARS == high and stars(high) == "★" * high
    found = {ex.name: ex.difficulty for ex in G.list_exercises(REPO / "lessons" / "exercises")}
    assert found["ipc"] == high and all(low <= d <= high for d in found.values())
    bump = root / "lessons" / "exercises" / "bump" / "exercise.toml"
    bump.write_text(bump.read_text().replace("difficulty = 1", f"difficulty = {high + 1}"))
    r = cli(root, env, "exercise", "list")
    assert r.returncode != 0 and f"difficulty {high + 1} is outside {low}..{high}" in r.stderr


@async_test
async def test_the_ui_shows_a_lesson_added_while_it_runs(authoring):
    """An author adds a lesson while the workbench UI is open: it appears when the Lessons
    screen is shown again, no restart."""
    root, _env = authoring
    app = WorkbenchApp("hello", workspace=root / "ws", build_root=root / "build")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        panel = app.query_one(LessonsPanel)
        before = panel.query_one("#lesson-list").option_count
        await pilot.press("1")
        await pilot.pause()
        new = root / "lessons" / "15-added"
        shutil.copytree(root / "lessons" / "02-hello-unikernel", new)
        await pilot.press("6")
        await wait_for(pilot, lambda: panel.query_one("#lesson-list").option_count == before + 1)
        assert any(les.name == "15-added" for les in panel.lessons)
        assert panel.current is not None and panel.current.name == "01-three-ways"
