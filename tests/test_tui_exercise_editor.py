"""The exercise editor at 80×24: a failed build's first error in view, the cursor on its line,
long comments wrapped, a check's transcript shown read-only.

Grading builds the learner's copy for real; a build that fails stops before QEMU, so these
tests need the toolchain only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import TextArea

from workbench.tui.app import WorkbenchApp
from workbench.tui.lessons.exercise_editor import ExerciseEditor
from workbench.tui.lessons.exercises_panel import ExercisesPanel, error_headline, first_error

from .pilot import async_test, wait_for
from .test_tui_lessons import home  # noqa: F401  (the fixture: a private learner in English)


def screen_text(app) -> str:
    """What the terminal shows now, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def open_editor(pilot, tmp_path) -> tuple[ExercisesPanel, ExerciseEditor, Path]:
    app = pilot.app
    await pilot.press("6")
    await pilot.pause()
    await pilot.press("t")
    await pilot.pause()
    panel = app.query_one(ExercisesPanel)
    ex = panel.current
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, ExerciseEditor), what="the editor")
    return panel, app.screen, tmp_path / "ws" / ex.component / ex.files[0]


@pytest.mark.usefixtures("home")
@async_test
async def test_a_failed_build_shows_its_first_error_and_puts_the_cursor_there(tmp_path):
    app = WorkbenchApp("hello", workspace=tmp_path / "ws", build_root=tmp_path / "build")
    async with app.run_test(size=(80, 24)) as pilot:
        panel, editor, source = await open_editor(pilot, tmp_path)
        area = editor.query_one(TextArea)
        # long comment lines wrap at the editor's width; the line numbers stay
        assert area.soft_wrap and area.show_line_numbers
        assert max(map(len, area.text.splitlines())) > area.content_size.width
        # delete the first statement's `;` as a learner would: cursor after it, backspace
        row = next(i for i, line in enumerate(area.text.splitlines())
                   if line.rstrip().endswith(";") and not line.lstrip().startswith(("*", "/")))
        area.move_cursor((row, len(area.document.get_line(row).rstrip())))
        await pilot.press("backspace", "ctrl+g")
        await wait_for(pilot, lambda: panel.grading is None and panel.last_report is not None,
                       timeout=90, what="grading")
        await pilot.pause()
        error = first_error(panel.last_report)
        assert error is not None and Path(error["file"]).resolve() == source.resolve()
        headline = error_headline(error, panel.last_report["source"]).plain.splitlines()[0]
        assert headline.startswith(f"{source.name}:{error['line']}:") and "error:" in headline
        shown = screen_text(app)
        assert headline[:70] in shown, shown
        assert area.cursor_location[0] == error["line"] - 1
        # the result takes the keys: Escape leaves the text, End goes to the end of the report
        await pilot.press("escape")
        await pilot.pause()
        result = editor.query_one("#editor-result")
        assert result.has_focus and result.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert result.scroll_y == result.max_scroll_y
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not editor, what="the editor to close")


@pytest.mark.usefixtures("home")
@async_test
async def test_a_transcript_opens_read_only(tmp_path):
    app = WorkbenchApp("hello", workspace=tmp_path / "ws", build_root=tmp_path / "build")
    async with app.run_test(size=(80, 24)) as pilot:
        panel, editor, source = await open_editor(pilot, tmp_path)
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: app.screen is not editor, what="the editor to close")
        transcript = tmp_path / "transcript.txt"
        transcript.write_text("boot\nalloc used_bytes=16 frees=1\n")
        panel.last_report = {"checks": [{"name": "x", "passed": False,
                                         "transcript": str(transcript)}]}
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, ExerciseEditor), what="the viewer")
        viewer = app.screen
        area = viewer.query_one(TextArea)
        assert area.read_only and viewer.read_only
        shown = screen_text(app)
        assert "read-only" in shown and "Esc closes" in shown
        assert "editing" not in shown and "grades" not in shown, shown
        await pilot.press("x", "ctrl+s", "ctrl+g")
        await pilot.pause()
        assert transcript.read_text() == "boot\nalloc used_bytes=16 frees=1\n"
        # neither key reaches the app (ctrl+s there saves the recipe): the viewer says why
        assert app.screen is viewer and panel.grading is None
        assert "nothing here is saved or graded" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not viewer, what="the viewer to close")
