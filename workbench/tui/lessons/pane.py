"""Lessons: the guided lessons and the graded exercises, side by side as two tabs.

Both panels share one progress record (the Lessons panel loads it; the Exercises panel is
handed the same object), so a lesson check and a grade never overwrite each other's writes.
That object is read again from the file whenever this screen or one of its tabs is shown, so
what the command line (or another window) recorded meanwhile is on view.
A lesson step that names another screen posts `LessonsPanel.OpenScreen`; the app handles it.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, TabbedContent, TabPane

from ..i18n import N_, _
from ..pane import Pane
from ..widgets.screen_tabs import ScreenTabs
from .exercises_panel import ExercisesPanel
from .lessons_panel import LessonsPanel


class LessonsPane(Pane, Vertical):
    # One key, t, goes to the other tab; the footer names where it goes.
    BINDINGS = [
        Binding("t", "show_tab('exercises')", N_("Exercises"), id="lessons-show-exercises"),
        Binding("t", "show_tab('lessons')", N_("Lessons"), id="lessons-show-lessons"),
    ]

    def __init__(self, workspace: Path | None = None, toolchain: str = "zig",
                 lessons_root: Path | None = None, exercises_root: Path | None = None,
                 progress_file: Path | None = None, session=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.workspace = workspace
        self.toolchain = toolchain
        self.lessons_root = lessons_root
        self.exercises_root = exercises_root
        self.progress_file = progress_file
        self.session = session  # the UI's recipe, last build and last run (lesson checks)
        self.last_checked: LessonsPanel.StepChecked | None = None
        self._want_tab: str | None = None

    def compose(self) -> ComposeResult:
        with ScreenTabs(id="lessons-tabs", initial="lessons-tab"):
            with TabPane(_("Lessons"), id="lessons-tab"):
                lessons = LessonsPanel(workspace=self.workspace, lessons_root=self.lessons_root,
                                       progress_file=self.progress_file, session=self.session,
                                       id="lessons")
                yield lessons
            with TabPane(_("Exercises"), id="exercises-tab"):
                yield ExercisesPanel(workspace=self.workspace, exercises_root=self.exercises_root,
                                     progress=lessons.progress, toolchain=self.toolchain,
                                     id="exercises")

    @classmethod
    def for_session(cls, session, **kwargs) -> LessonsPane:
        return cls(workspace=session.workspace, toolchain=session.toolchain, session=session,
                   **kwargs)

    @property
    def lessons(self) -> LessonsPanel:
        return self.query_one(LessonsPanel)

    @property
    def exercises(self) -> ExercisesPanel:
        return self.query_one(ExercisesPanel)

    # ------------------------------------------------------------------ tabs and focus

    @property
    def active(self) -> str:
        return self.query_one("#lessons-tabs", TabbedContent).active

    def show_tab(self, which: str) -> None:
        """Show "lessons" or "exercises" and put the focus in its list."""
        self._want_tab = f"{which}-tab"
        self._apply_tab()
        # The first time this screen is shown, its tabs activate their first pane once they
        # are laid out: choose again after that.
        self.call_after_refresh(self._apply_tab)

    def _apply_tab(self) -> None:
        tab = self._want_tab
        tabs = self.query_one("#lessons-tabs", TabbedContent)
        if tab and tabs.active != tab:
            self.screen.set_focus(None)
            tabs.active = tab
        self.call_after_refresh(self.focus_default)

    def action_show_tab(self, which: str) -> None:
        self.show_tab(which)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "show_tab":
            return parameters[0] != self.active.removesuffix("-tab")
        return True

    def focus_default(self) -> None:
        """Focus the list of the tab on view, but only while this screen is the one shown:
        a focus moved into a hidden screen would switch the app to it."""
        if not self.is_shown():
            return
        if self.active == "exercises-tab":
            self.exercises.focus_list()
        else:
            self.screen.set_focus(self.lessons.query_one("#lesson-list", OptionList))

    def on_show(self) -> None:
        self.reload_progress()

    def reload_progress(self) -> None:
        """Show what the progress file holds now, in both tabs."""
        if self.lessons.reload_progress() and self.active == "exercises-tab":
            self.exercises.refresh_list()
            self.exercises.show_current()

    @on(LessonsPanel.StepChecked)
    def _step_checked(self, event: LessonsPanel.StepChecked) -> None:
        """Say how a check ended in a toast when the learner is looking at another screen
        (checks that build and boot take a while): its first line, and where the rest is. On
        the Lessons screen the panel shows the whole verdict and the hint, which a toast
        would cover."""
        self.last_checked = event
        lessons = self.lessons
        if self.is_shown() and lessons.display and self.active == "lessons-tab":
            return
        res = event.result
        where = event.lesson + (_(", step {step}").format(step=event.step) if event.step else "")
        status = {"pass": _("passed"), "skip": _("skipped")}.get(res.status, _("not passed"))
        first = res.message.strip().splitlines()[0] if res.message.strip() else ""
        if res.status != "pass":
            first += "\n" + _("The details and the hint are on the Lessons screen (6).")
        self.app.notify(first, title=f"{where}: {status}", markup=False,
                        severity={"pass": "information", "skip": "warning"}.get(res.status, "error"))

    @on(TabbedContent.TabActivated, "#lessons-tabs")
    def _inner_tab(self, event: TabbedContent.TabActivated) -> None:
        event.stop()  # the app's own handler is for the six screens
        self.refresh_bindings()
        self.lessons.reload_progress()
        if event.pane.id == "exercises-tab":
            self.exercises.refresh_list()  # a lesson check may have changed the progress
            self.exercises.show_current()
        self.call_after_refresh(self.focus_default)
