"""Answering a lesson's question in the TUI, at every size and in both languages, by keyboard
alone; and the Lessons screen showing progress another program recorded meanwhile."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, OptionList

from workbench.core.learn.lessons import answer_hash, find_lesson
from workbench.core.learn.progress import Progress
from workbench.tui.dialogs.answer_dialog import AnswerDialog, choice_answer
from workbench.tui.lessons.lessons_panel import LessonsPanel
from workbench.tui.lessons.pane import LessonsPane

from .pilot import async_test, wait_for
from .test_tui_lessons import (
    lesson_prompts,
    make_app,
    open_answer_dialog,
    open_lessons,
    show_lesson,
    write_progress,
)

LESSON = "01-three-ways"


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("WB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("WB_WORKSPACE", raising=False)
    return tmp_path / "home"


def letters(step_id: str) -> tuple[str, str]:
    """The right and one wrong letter of a lesson 1 question."""
    step = find_lesson(LESSON).step(step_id)
    right = next(x for x in "abc" if answer_hash(LESSON, step_id, x) == step.check.answer_sha256)
    return right, next(x for x in "abc" if x != right)


async def answer_with_c(pilot, *keys: str):
    """Press c in the lesson list, then `keys` in the answer dialog; the verdict."""
    app = pilot.app
    pane = app.query_one(LessonsPane)
    pane.last_checked = None
    await open_answer_dialog(pilot)
    await pilot.press(*keys)
    await wait_for(pilot, lambda: pane.last_checked is not None, timeout=60, what="the check")
    return pane.last_checked


def test_a_choice_answers_with_its_letter():
    assert choice_answer("b) microkernel") == "b"
    assert choice_answer("c) ライブラリ OS") == "c"
    assert choice_answer("no letter here") == "no letter here"


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@async_test
async def test_c_asks_the_question_and_enter_checks_the_answer(tmp_path, home, monkeypatch,
                                                               lang, size):
    monkeypatch.setenv("WB_LANG", lang)
    write_progress(home, {LESSON: {"done": ["compare"], "answers": {}}})
    right, wrong = letters("where-is-the-driver")
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await open_lessons(pilot)
        panel = app.query_one(LessonsPanel)
        # on a question step, c answers: the footer names it so
        assert panel.check_action("answer", ()) and not panel.check_action("check", ())
        event = await answer_with_c(pilot, wrong, "enter")
        assert event.result.status == "fail"
        shown = str(app.query_one("#lesson-result").render())
        assert f"'{wrong}'" in shown
        assert ("hint" if lang == "en" else "ヒント") in shown
        dialog_seen = []

        # the second time, the answer is picked from the choices with Tab, arrows and Enter
        pane = app.query_one(LessonsPane)
        pane.last_checked = None
        dialog = await open_answer_dialog(pilot)
        dialog_seen.append(str(dialog.query_one("#answer-question").render()))
        assert isinstance(app.focused, Input)
        await pilot.press("tab")
        assert isinstance(app.focused, OptionList)
        choices = dialog.choices
        index = next(i for i, ch in enumerate(choices) if choice_answer(ch) == right)
        app.focused.highlighted = 0
        await pilot.press(*["down"] * index, "enter")
        await wait_for(pilot, lambda: pane.last_checked is not None, timeout=60, what="check")
        assert pane.last_checked.result.status == "pass"
        assert ("right!" if lang == "en" else "正解です") in str(
            app.query_one("#lesson-result").render())
        assert ("ネットワークドライバ" if lang == "ja" else "network driver") in dialog_seen[0]
        assert "[2/3]" in lesson_prompts(app)[0]
        # the last question by typing its letter
        right, _wrong = letters("what-is-a-syscall")
        event = await answer_with_c(pilot, right, "enter")
        assert event.result.status == "pass"
        assert "[✓]" in lesson_prompts(app)[0]
    saved = json.loads((home / "progress.json").read_text())
    assert saved["lessons"][LESSON]["done"] == ["compare", "where-is-the-driver",
                                                "what-is-a-syscall"]


@async_test
async def test_escape_cancels_and_the_palette_can_answer(tmp_path, home, monkeypatch):
    monkeypatch.setenv("WB_LANG", "en")
    write_progress(home, {LESSON: {"done": ["compare"], "answers": {}}})
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lessons(pilot)
        await open_answer_dialog(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AnswerDialog)
        await open_answer_dialog(pilot)
        await pilot.press("enter")  # nothing typed: leaves too
        await pilot.pause()
        assert not isinstance(app.screen, AnswerDialog)
        assert app.query_one(LessonsPane).last_checked is None  # nothing was checked
        entry = next(e for e in app.command_entries() if e[0] == "Answer the question")
        await pilot.press("1")
        await pilot.pause()
        entry[2]()  # from another screen: the lessons are shown and the question asked
        await wait_for(pilot, lambda: isinstance(app.screen, AnswerDialog), what="the dialog")
        await pilot.press("escape")


@async_test
async def test_the_lessons_screen_shows_and_keeps_what_another_program_recorded(
        tmp_path, home, monkeypatch):
    monkeypatch.setenv("WB_LANG", "en")
    write_progress(home, {})
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_lessons(pilot)
        assert "[0/3]" in lesson_prompts(app)[0]
        # meanwhile another program (the command line) records lesson 1's first two steps
        other = Progress.load(home / "progress.json")
        other.mark_done(LESSON, "compare")
        other.mark_done(LESSON, "where-is-the-driver")
        other.record_grade("bump", 6, 10)
        other.save()
        # shown when the Lessons screen is shown again
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("6")
        await pilot.pause()
        assert "[2/3]" in lesson_prompts(app)[0]
        assert pane.exercises.progress.exercises["bump"]["best"] == 6
        # more meanwhile, then a check here: both kept on disk and shown
        other.mark_done("02-hello-unikernel", "resolve")
        other.save()
        right, _wrong = letters("what-is-a-syscall")
        event = await answer_with_c(pilot, right, "enter")
        assert event.result.status == "pass"
        prompts = lesson_prompts(app)
        assert "[✓]" in prompts[0] and "[1/" in prompts[1]
    data = json.loads((home / "progress.json").read_text())
    assert data["lessons"][LESSON]["done"] == ["compare", "where-is-the-driver",
                                               "what-is-a-syscall"]
    assert data["lessons"]["02-hello-unikernel"]["done"] == ["resolve"]
    assert data["exercises"]["bump"]["best"] == 6


@async_test
async def test_a_step_about_a_built_in_recipe_opens_it_and_the_save_dialog_names_the_file(
        tmp_path, home, monkeypatch):
    from workbench.tui.dialogs.path_dialog import PathDialog
    from workbench.tui.graph.graph_view import GraphView

    monkeypatch.setenv("WB_LANG", "ja")
    write_progress(home, {"02-hello-unikernel": {"done": ["resolve", "build", "boot"],
                                                 "answers": {}}})
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        # lesson 2's own-recipe step: ctrl+s on hello offers my-hello.toml in the workspace
        panel = await show_lesson(pilot, 2)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, PathDialog), what="the dialog")
        value = app.screen.query_one("#dialog-input").value
        assert value == str(tmp_path / "ws" / "my-hello.toml"), value
        await pilot.press("escape")
        await pilot.pause()
        # lesson 4, step 1 is about selftest's graph: o opens selftest, alloc-freelist selected
        await show_lesson(pilot, 4)
        panel.query_one("#lesson-list").focus()
        await pilot.press("o")
        await pilot.pause()
        assert app.query_one("#tabs").active == "graph"
        assert app.session.recipe.name == "selftest"
        view = app.query_one(GraphView)
        await wait_for(pilot, lambda: view.grid is not None, what="the graph layout")
        assert view.selected == "alloc-freelist"


@async_test
async def test_the_lesson_text_stays_where_it_was_read(tmp_path, home, monkeypatch):
    from textual.containers import VerticalScroll

    monkeypatch.setenv("WB_LANG", "en")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await show_lesson(pilot, 2)
        text = app.query_one("#lesson-text", VerticalScroll)
        text.scroll_to(y=20, animate=False)
        await pilot.pause()
        # another screen and the palette, then back
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("6")
        await pilot.pause()
        assert text.scroll_y == 20
        # another lesson starts at its top; back to this one, at the same place
        await pilot.press("down")
        await wait_for(pilot, lambda: panel.current.number == 3, what="lesson 3")
        await pilot.pause()
        assert text.scroll_y == 0
        await pilot.press("up")
        await wait_for(pilot, lambda: panel.current.number == 2, what="lesson 2")
        await wait_for(pilot, lambda: text.scroll_y == 20, what="the place read to")
