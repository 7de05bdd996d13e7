"""The Lessons screen: lessons with their checks, exercises with start, edit and grade.

The real app runs headless (`run_test`) with the learner's home and workspace in a temporary
folder; grading builds and boots real test kernels in QEMU. Handing the terminal to an editor
needs a real terminal (the headless driver cannot suspend), so that is tested twice: the
command the panel builds is run for real, and the whole app runs in tmux with $EDITOR set to a
small script.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from textual.widgets import TextArea

from workbench.core.learn.grading import list_exercises
from workbench.core.learn.lessons import answer_hash, find_lesson, load_lessons
from workbench.tui.app import WorkbenchApp
from workbench.tui.dialogs.answer_dialog import AnswerDialog
from workbench.tui.graph.graph_view import GraphView
from workbench.tui.lessons.exercise_editor import ExerciseEditor
from workbench.tui.lessons.exercises_panel import ExercisesPanel, editor_command
from workbench.tui.lessons.lessons_panel import LessonsPanel
from workbench.tui.lessons.pane import LessonsPane

from .pilot import async_test, wait_for
from .terminal import WORKBENCH, press_until, terminal, tmux, wait_screen

SIZE = (120, 40)
REPO = Path(__file__).resolve().parents[1]
MARKER = "/* edited by the test editor */"


@pytest.fixture()
def home(tmp_path, monkeypatch):
    """A private learner: progress in tmp, English text, no workspace from the environment."""
    monkeypatch.setenv("WB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WB_LANG", "en")
    monkeypatch.delenv("WB_WORKSPACE", raising=False)
    return tmp_path / "home"


def write_progress(home: Path, lessons: dict) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "progress.json").write_text(json.dumps(
        {"version": 1, "lang": "en", "lessons": lessons, "exercises": {}}))


def make_app(tmp_path, **kw) -> WorkbenchApp:
    return WorkbenchApp("hello", workspace=tmp_path / "ws", build_root=tmp_path / "build", **kw)


async def open_lessons(pilot, tab: str = "lessons") -> LessonsPane:
    app = pilot.app
    await pilot.press("6")
    await pilot.pause()
    pane = app.query_one(LessonsPane)
    if tab != "lessons":
        await pilot.press("t")
        await pilot.pause()
    assert pane.active == f"{tab}-tab"
    return pane


def lesson_prompts(app) -> list[str]:
    olist = app.query_one("#lesson-list")
    return [str(olist.get_option_at_index(i).prompt) for i in range(olist.option_count)]


def exercise_prompts(app) -> list[str]:
    olist = app.query_one("#exercise-list")
    return [str(olist.get_option_at_index(i).prompt) for i in range(olist.option_count)]


# ---------------------------------------------------------------- lessons

@async_test
async def test_lessons_screen_lists_every_lesson_with_progress(tmp_path, home):
    write_progress(home, {"01-three-ways": {"done": ["compare"], "answers": {}}})
    lessons = load_lessons()
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot)
        assert app.focused is app.query_one("#lesson-list"), "the lesson list takes the focus"
        prompts = lesson_prompts(app)
        assert len(prompts) == len(lessons) >= 12
        assert prompts[0].startswith("01 ") and "[1/3]" in prompts[0]
        assert all("[0/" in p for p in prompts[1:])
        steps = str(app.query_one("#lesson-steps").render())
        assert ">   2. Quiz: where does the network driver run" in steps  # the current step
        # the quiz step is current: its answer field is shown
        assert app.query_one("#lesson-answer").display


@async_test
async def test_quiz_step_wrong_then_right(tmp_path, home):
    write_progress(home, {"01-three-ways": {"done": ["compare"], "answers": {}}})
    lesson = find_lesson("01-three-ways")
    step = lesson.step("where-is-the-driver")
    right = next(x for x in "abc" if answer_hash(lesson.name, step.id, x) == step.check.answer_sha256)
    wrong = next(x for x in "abc" if x != right)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_lessons(pilot)
        panel = app.query_one(LessonsPanel)
        for answer in (wrong, right):
            pane.last_checked = None
            field = app.query_one("#lesson-answer")
            field.focus()
            field.value = ""  # a wrong answer stays in the field for the learner to correct
            await pilot.press(answer, "enter")
            await wait_for(pilot, lambda: pane.last_checked is not None, what="the quiz check")
            event = pane.last_checked
            assert (event.lesson, event.step) == (lesson.name, step.id)
            if answer == wrong:
                assert event.result.status == "fail"
                assert f"'{wrong}' is not the answer" in event.result.message
                assert step.id not in panel.progress.done_steps(lesson.name)
                assert "[1/3]" in lesson_prompts(app)[0]
                # the panel itself keeps showing the verdict (and the hint) after the redraw
                await pilot.pause()
                shown = str(app.query_one("#lesson-result").render())
                assert f"'{wrong}' is not the answer" in shown and "hint" in shown
        assert event.result.status == "pass" and event.result.message == "right!"
        await pilot.pause()
        assert "right!" in str(app.query_one("#lesson-result").render())
        # finished steps keep their [x] mark (plain text, not markup)
        assert "[x]" in str(app.query_one("#lesson-steps").render())
        saved = json.loads((home / "progress.json").read_text())
        assert saved["lessons"][lesson.name]["done"] == ["compare", "where-is-the-driver"]
        assert "[2/3]" in lesson_prompts(app)[0]
        # the next quiz is current now
        assert ">   3. Quiz: what is a system call" in str(app.query_one("#lesson-steps").render())


@async_test
async def test_a_steps_open_screen_switches_screens(tmp_path, home):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot)
        tabs = app.query_one("#tabs")
        # lesson 01, step 1: the Compare screen, for hello
        await pilot.press("o")
        await pilot.pause()
        assert tabs.active == "compare"
        # lesson 02, step 1: the Graph screen with serial-16550 selected
        await pilot.press("6")
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        assert app.query_one(LessonsPanel).current.name == "02-hello-unikernel"
        await pilot.press("o")
        await pilot.pause()
        assert tabs.active == "graph"
        view = app.query_one(GraphView)
        await wait_for(pilot, lambda: view.grid is not None, what="the graph layout")
        assert view.selected == "serial-16550"
        # a step about another built-in recipe opens it (nothing unsaved is lost: none here)
        app.open_for_lesson("run", "fault")
        await pilot.pause()
        assert tabs.active == "run" and app.session.recipe.name == "fault"
        # ... but never over unsaved changes
        app.session.dirty = True
        app.open_for_lesson("compare", "hello")
        await pilot.pause()
        assert tabs.active == "compare" and app.session.recipe.name == "fault"


async def show_lesson(pilot, number: int) -> LessonsPanel:
    """The Lessons screen with lesson `number` chosen in the list."""
    await open_lessons(pilot)
    panel = pilot.app.query_one(LessonsPanel)
    panel.query_one("#lesson-list").highlighted = number - 1
    await wait_for(pilot, lambda: panel.current.number == number, what=f"lesson {number}")
    await pilot.pause()
    return panel


async def open_answer_dialog(pilot) -> AnswerDialog:
    """Press c in the lesson list on a step that asks a question: the answer dialog."""
    app = pilot.app
    app.query_one("#lesson-list").focus()
    await pilot.press("c")
    await wait_for(pilot, lambda: isinstance(app.screen, AnswerDialog), what="the answer dialog")
    return app.screen


async def check_current_step(pilot, answer: str | None = None):
    """Press c (or give `answer` in the answer field) and wait for the verdict."""
    pane = pilot.app.query_one(LessonsPane)
    pane.last_checked = None
    if answer is None:
        pilot.app.query_one("#lesson-list").focus()
        await pilot.press("c")
    else:
        field = pilot.app.query_one("#lesson-answer")
        field.focus()
        field.value = ""
        await pilot.press(*answer, "enter")
    await wait_for(pilot, lambda: pane.last_checked is not None, timeout=90, what="the check")
    return pane.last_checked


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["120x40", "80x24"])
@async_test
async def test_figures_are_pictures_with_captions_and_open_full_screen(tmp_path, home, size):
    from textual.widgets import Markdown
    from textual_image.widget import HalfcellImage

    from workbench.tui.lessons.figure import FigureScreen, LessonFigure

    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        panel = await show_lesson(pilot, 1)
        await wait_for(pilot, lambda: panel.query(LessonFigure), what="the figure")
        figure = panel.query_one(LessonFigure)
        picture = figure.query_one(".figure-image")
        # a picture (half-cells: the headless terminal has no graphics protocol), not text
        assert isinstance(picture, HalfcellImage) and picture.image == figure.png
        assert figure.png.name == "three-designs.png" and figure.png.is_file()
        await wait_for(pilot, lambda: picture.size.height >= 6, what="the picture's size")
        assert picture.size.width <= figure.size.width
        caption = str(figure.query_one(".figure-caption").render())
        assert "The three designs side by side" in caption and "full screen" in caption
        for md in panel.query(Markdown):
            assert "🖼" not in md.source and "three-designs" not in md.source
        # the text around the figure is all there: before and after it
        sources = " ".join(md.source for md in panel.query(Markdown))
        assert "two jobs" in sources and "Monolithic kernel" in sources
        # f: full screen, + zooms in, Escape goes back
        panel.query_one("#lesson-list").focus()
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FigureScreen), what="full screen")
        full = app.screen.query_one("#figure-full")
        await wait_for(pilot, lambda: full.size.width > 0, what="the full-screen picture")
        fitted = full.size
        assert fitted.width > picture.size.width or fitted.height > picture.size.height
        await pilot.press("plus")
        await wait_for(pilot, lambda: full.size.width > fitted.width, what="zoom")
        assert "×1.5" in str(app.screen.query_one("#figure-caption").render())
        assert figure.url.startswith("file://") and figure.url.endswith("three-designs.svg")
        # in a browser (workbench serve), relative to the page: it works under a proxy's path
        type(app).is_web = property(lambda self: True)
        try:
            assert figure.url == "lessons/01-three-ways/assets/three-designs.svg"
        finally:
            del type(app).is_web
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, FigureScreen), what="back")
        # f is offered (in the footer) only for a lesson with a figure: lesson 3 has none
        assert "f" in app.active_bindings
        panel.query_one("#lesson-list").highlighted = 2
        await wait_for(pilot, lambda: "f" not in app.active_bindings, what="no f in lesson 3")


def test_pictures_load_when_the_lessons_screen_is_first_shown(tmp_path, home):
    """textual-image (with Pillow) is loaded when a figure is first shown, not at start-up,
    and asks the terminal nothing (in a fresh process: other tests have loaded it here)."""
    script = """
import asyncio, sys
from workbench.tui.app import WorkbenchApp
async def main():
    app = WorkbenchApp("hello", workspace=sys.argv[1])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        print("before", "textual_image" in sys.modules)
        await pilot.press("6")
        for _ in range(1200):  # up to a minute on a busy machine
            await pilot.pause(0.05)
            if app.screen.query("LessonFigure .figure-image"):
                break
        print("after", "textual_image" in sys.modules)
asyncio.run(main())
"""
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "ws")], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["before", "False", "after", "True"], out.stdout


@async_test
async def test_lesson_4_step_1_needs_an_answer(tmp_path, home):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        panel = await show_lesson(pilot, 4)
        assert panel.current.current_step(panel.progress).id == "default-provider"
        assert app.query_one("#lesson-answer").display, "the step asks: its answer field shows"
        # c without an answer asks for one (the answer dialog); Esc leaves the step as it was
        await open_answer_dialog(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AnswerDialog)
        assert "default-provider" not in panel.progress.done_steps(panel.current.name)
        event = await check_current_step(pilot, answer="a")
        assert event.result.status == "fail" and "'a' is not the answer" in event.result.message
        event = await check_current_step(pilot, answer="b")
        assert event.step == "default-provider" and event.result.status == "pass", event.result
        assert "default-provider" in panel.progress.done_steps(panel.current.name)


@pytest.mark.qemu
@async_test
async def test_a_boot_step_judges_the_learners_own_boot(tmp_path, home):
    """Lesson 2's "boot it and read the greeting" fails, saying what to do, until the learner
    boots hello themselves (r), and then passes on that run."""
    write_progress(home, {"02-hello-unikernel": {"done": ["resolve", "build"], "answers": {}}})
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        panel = await show_lesson(pilot, 2)
        assert panel.current.current_step(panel.progress).id == "boot"
        event = await check_current_step(pilot)
        assert event.result.status == "fail", event.result
        assert "you have not booted hello yet" in event.result.message
        assert "build it with b, then boot it with r" in event.result.message
        # the learner boots hello (r) and the run ends with the greeting
        app.query_one("#lesson-list").focus()
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.last_run is not None, timeout=120,
                       what="the learner's boot")
        assert "Hello from a unikernel!" in app.session.last_run.console
        # recorded as it happened, so `workbench lesson check` sees it too, not only this screen
        from workbench.core.learn.lastrun import last_run
        recorded = last_run(tmp_path / "ws")
        assert recorded is not None and recorded.status == "success", recorded
        await pilot.press("6")
        await wait_for(pilot, lambda: app.query_one("#tabs").active == "lessons", what="lessons")
        event = await check_current_step(pilot)
        assert event.step == "boot" and event.result.status == "pass", event.result
        record = json.loads((tmp_path / "ws" / ".workbench-last.json").read_text())
        assert record["run"]["recipe"] == "hello" and record["run"]["status"] == "success"


@async_test
async def test_the_save_dialog_offers_the_workspace(tmp_path, home):
    from workbench.tui.dialogs.path_dialog import PathDialog

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query_one("#tabs").focus()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, PathDialog), what="the dialog")
        value = app.screen.query_one("#dialog-input").value
        assert value == str(tmp_path / "ws" / "hello.toml"), value
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "ws" / "hello.toml").is_file(), what="save")
        # a bare file name goes to the workspace too, not to the folder the UI started in
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, PathDialog), what="the dialog")
        app.screen.query_one("#dialog-input").value = ""
        await pilot.press(*"mine.toml", "enter")
        await wait_for(pilot, lambda: (tmp_path / "ws" / "mine.toml").is_file(), what="save")


# ---------------------------------------------------------------- exercises

@async_test
async def test_exercises_list_shows_every_exercise_with_points(tmp_path, home):
    expected = list_exercises()
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot, "exercises")
        panel = app.query_one(ExercisesPanel)
        assert app.focused is app.query_one("#exercise-list")
        prompts = exercise_prompts(app)
        assert len(prompts) == len(expected) >= 6
        for ex, prompt in zip(expected, prompts):
            assert ex.name in prompt and f"-/{ex.total}" in prompt and "★" in prompt
        info = panel.info_text.plain
        assert expected[0].title_in("en") in info and str(tmp_path / "ws") in info
        assert "not started yet" in info
        for check in expected[0].checks:
            assert check.name in panel.result_text.plain
        # t goes back to the lessons, and the footer says so
        assert app.active_bindings["t"].binding.description == "Lessons"
        await pilot.press("t")
        await pilot.pause()
        assert app.query_one(LessonsPane).active == "lessons-tab"
        assert app.active_bindings["t"].binding.description == "Exercises"


@async_test
async def test_start_copies_the_starter_and_never_overwrites(tmp_path, home):
    app = make_app(tmp_path)
    ws = tmp_path / "ws"
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot, "exercises")
        panel = app.query_one(ExercisesPanel)
        ex = panel.current
        await pilot.press("s")
        await pilot.pause()
        copy = ws / ex.component
        for f in ex.files:
            assert (copy / f).read_text() == (ex.starter / f).read_text()
        assert "copied the starter" in panel.status_text
        assert all(f in panel.status_text for f in ex.files)
        assert str(copy) in panel.info_text.plain
        edited = copy / ex.files[0]
        edited.write_text(edited.read_text() + "\n/* my work */\n")
        await pilot.press("s")
        await pilot.pause()
        assert "left untouched" in panel.status_text
        assert edited.read_text().endswith("/* my work */\n")


@async_test
async def test_palette_and_help_know_the_exercise_actions(tmp_path, home):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        titles = [t for t, _, _ in app.command_entries()]
        for name in (e.name for e in list_exercises()):
            for verb in ("Start", "Edit", "Grade"):
                assert f"{verb} exercise {name}" in titles
        assert "Go to Exercises" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"start exercise serial")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#tabs").active == "lessons"
        panel = app.query_one(ExercisesPanel)
        assert app.query_one(LessonsPane).active == "exercises-tab"
        assert panel.current.name == "serial"
        assert (tmp_path / "ws" / panel.current.component / "component.toml").is_file()
        await pilot.press("question_mark")
        await pilot.pause()
        ids = {b.id for _, bindings in app.screen.sections for b in bindings}
        assert {"exercise-start", "exercise-edit", "exercise-grade", "lesson-check",
                "lesson-open", "lessons-show-exercises", "lessons-show-lessons"} <= ids


@pytest.mark.qemu
@async_test
async def test_grade_an_untouched_starter_then_a_broken_one(tmp_path, home):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot, "exercises")
        panel = app.query_one(ExercisesPanel)
        ex = panel.current
        await pilot.press("s")
        # grading runs in a worker: it may already be over by the next frame, so wait for its
        # report rather than catching it in progress
        await pilot.press("g")
        await wait_for(pilot, lambda: panel.grading is None and panel.last_report is not None,
                       timeout=60, what="grading")
        report = panel.last_report
        assert report is not None and report["graded"] == "workspace"
        assert 0 <= report["score"] < report["total"] == ex.total
        shown = panel.result_text.plain
        for check in ex.checks:
            assert check.name in shown and f"/{check.points}" in shown
        assert "FAIL" in shown and f"score {report['score']}/{ex.total}" in shown
        failed = [c for c in report["checks"] if not c["passed"]]
        assert failed and all(Path(c["transcript"]).is_file() for c in failed)
        assert failed[0]["transcript"] in shown
        # the grade is recorded and shown in the list
        rec = json.loads((home / "progress.json").read_text())["exercises"][ex.name]
        assert rec["last"] == report["score"] and rec["attempts"] == 1
        assert f"{report['score']}/{ex.total}" in exercise_prompts(app)[0]

        # a compile error: the compiler's message and the line are shown
        source = tmp_path / "ws" / ex.component / ex.files[0]
        source.write_text(source.read_text() + "\nint broken = ;\n")
        def attempts() -> int:
            data = json.loads((home / "progress.json").read_text())
            return data["exercises"][ex.name]["attempts"]

        await pilot.press("g")
        await wait_for(pilot, lambda: panel.grading is None and attempts() == 2,
                       timeout=60, what="grading")
        shown = panel.result_text.plain
        assert "did not build" in panel.status_text
        assert f"{source}:" in shown and "error:" in shown and "int broken = ;" in shown
        assert panel.last_report["score"] == 0


# ---------------------------------------------------------------- the editor

@async_test
async def test_edit_and_grade_inside_the_workbench(tmp_path, home):
    """e opens the exercise's file in the workbench's editor: line numbers, C highlighted;
    ctrl+s saves, ctrl+g grades and shows the result under the text; Escape leaves the text,
    Escape again closes the editor."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lessons(pilot, "exercises")
        panel = app.query_one(ExercisesPanel)
        ex = panel.current
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExerciseEditor), what="the editor")
        editor = app.screen
        area = editor.query_one(TextArea)
        source = tmp_path / "ws" / ex.component / ex.files[0]
        assert source.is_file(), "e starts the exercise when needed"
        assert area.has_focus and area.show_line_numbers and area.text == source.read_text()
        if source.suffix == ".c":
            assert area.language == "c" and area.is_syntax_aware
        area.move_cursor(area.document.end)
        await pilot.press("enter", *"/* mine */")
        await pilot.pause()
        assert "not saved" in str(editor.query_one("#editor-title").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert source.read_text().endswith("/* mine */")
        assert "not saved" not in str(editor.query_one("#editor-title").render())
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: panel.grading is None and panel.last_report is not None,
                       timeout=90, what="grading")
        await pilot.pause()
        shown = str(editor.query_one("#editor-result-text").render())
        assert f"/{ex.total}" in shown and ex.checks[0].name in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not area.has_focus and app.screen is editor
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not editor, what="the editor to close")
        assert panel.editor is None


@async_test
async def test_the_list_shows_the_best_grade_beside_the_last(tmp_path, home):
    ex = list_exercises()[0]
    home.mkdir(parents=True, exist_ok=True)
    (home / "progress.json").write_text(json.dumps(
        {"version": 1, "lang": "en", "lessons": {},
         "exercises": {ex.name: {"last": 0, "best": ex.total, "total": ex.total,
                                 "attempts": 2}}}))
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lessons(pilot, "exercises")
        assert f"0/{ex.total} best {ex.total}" in exercise_prompts(app)[0]



def test_editor_command_prefers_visual_then_editor_then_nano_then_vi(tmp_path):
    f = [tmp_path / "bump.c"]
    have = {"code": "/usr/bin/code", "myed": "/bin/myed", "nano": "/bin/nano", "vi": "/bin/vi"}
    which = have.get
    assert editor_command(f, {"VISUAL": "code -w", "EDITOR": "myed"}, which)[0] == \
        ["code", "-w", str(f[0])]
    assert editor_command(f, {"EDITOR": "myed"}, which)[0] == ["myed", str(f[0])]
    cmd, notes = editor_command(f, {"EDITOR": "notthere"}, which)
    assert cmd == ["/bin/nano", str(f[0])] and "notthere" in notes[0]
    assert editor_command(f, {}, {"vi": "/bin/vi"}.get)[0] == ["/bin/vi", str(f[0])]
    cmd, notes = editor_command(f, {"EDITOR": "'unclosed"}, lambda _: None)
    assert cmd is None and "cannot be read" in notes[0]


def test_editor_command_runs_the_learners_editor(tmp_path):
    script = tmp_path / "editor.sh"
    script.write_text(f'#!/bin/sh\nfor f in "$@"; do echo \'{MARKER}\' >> "$f"; done\n')
    script.chmod(0o755)
    target = tmp_path / "bump.c"
    target.write_text("int x;\n")
    cmd, _ = editor_command([target], {"EDITOR": str(script)})
    assert subprocess.call(cmd) == 0
    assert target.read_text() == f"int x;\n{MARKER}\n"


@async_test
async def test_edit_without_a_terminal_to_hand_over_says_which_file(tmp_path, home, monkeypatch):
    """Headless (like the browser UI) the app cannot suspend: the learner gets the path."""
    monkeypatch.setenv("EDITOR", "true")
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_lessons(pilot, "exercises")
        panel = app.query_one(ExercisesPanel)
        ex = panel.current
        await pilot.press("E")
        await pilot.pause()
        copy = tmp_path / "ws" / ex.component
        assert (copy / ex.files[0]).is_file(), "edit starts the exercise when needed"
        assert "cannot hand over to an editor" in panel.status_text
        assert str(copy / ex.files[0]) in panel.status_text


@pytest.mark.usefixtures(terminal.__name__)
def test_edit_in_a_real_terminal_suspends_and_comes_back(tmp_path):
    script = tmp_path / "editor.sh"
    script.write_text(f'#!/bin/sh\nfor f in "$@"; do echo \'{MARKER}\' >> "$f"; done\n')
    script.chmod(0o755)
    ws = tmp_path / "ws"
    session = f"wb-edit-{uuid.uuid4().hex[:8]}"
    env = f"env -u VISUAL WB_HOME={tmp_path / 'home'} WB_LANG=en EDITOR={script}"
    tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-c", str(tmp_path),
         f"{env} {WORKBENCH} --workspace {ws}; echo WORKBENCH-EXITED-$?; sleep 30")
    try:
        wait_screen(session, "Catalogue")
        press_until(session, "6", "Check step")
        press_until(session, "t", " points")  # the Exercises tab (a narrow footer may leave E out)
        first = list_exercises()[0]
        press_until(session, "E", "Grade it with g")
        edited = ws / first.component / first.files[0]
        assert edited.read_text().endswith(MARKER + "\n")
        assert edited.read_text().count(MARKER) == 1
        tmux("send-keys", "-t", session, "C-q")
        screen = wait_screen(session, "WORKBENCH-EXITED-0")
        assert "Traceback" not in screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


# ---------------------------------------------------------------- the command line

def test_tui_command_passes_the_workspace_through(tmp_path, monkeypatch):
    import workbench.tui.app as tui_app
    from workbench.cli import main

    seen = {}
    monkeypatch.setattr(tui_app, "run_app", lambda recipe=None, workspace=None:
                        seen.update(recipe=recipe, workspace=workspace) or 0)
    assert main(["--workspace", str(tmp_path), "tui", "selftest"]) == 0
    assert seen == {"recipe": "selftest", "workspace": tmp_path}
    assert main([]) == 0 and seen == {"recipe": None, "workspace": None}

