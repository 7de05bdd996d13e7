"""The Lessons panel: pick a lesson, read it, check its current step.

A self-contained widget over `workbench.core.learn.lessons`: the lesson list with progress on the
left, the text and the steps on the right, and a bar to check the current step (with an answer
field for quiz steps). Checking builds and boots real images, so it runs in a thread worker and
reports back on the UI thread.

A step that asks a question is answered with `c` at any size: when no answer is typed in the
bar (which narrow terminals do not show), `c` opens the answer dialog (`dialogs/answer_dialog.py`)
with the question and its choices; Enter there checks the answer. The footer names `c` "Answer"
on such a step.

The progress is the file's, not this panel's copy: it is read again before every check and
whenever the Lessons screen is shown (`reload_progress`), so what the command line, the browser
or another window recorded meanwhile is shown, and a save merges instead of overwriting it.

Figures are pictures (`figure.py`): the text is cut at each figure, and the pieces are shown
in order, Markdown between pictures; `f` opens the first figure on view full screen.

A step about what the learner did is judged on their own last build or run
(`workbench.core.learn.lastrun`): the app records each build and run made with b and r there as
it happens, as `workbench build` and `workbench boot` record theirs.

The panel does not switch screens itself. When a step names a screen ("graph", "memory",
"compare", "run"), pressing `o` posts `LessonsPanel.OpenScreen(screen, focus, recipe)`, where
`recipe` is the built-in recipe the step checks (None when it checks the learner's own file);
the app decides what to do with it (it opens that recipe, then shows the focus in it). Every
check posts `LessonsPanel.StepChecked` too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from workbench.core.learn.lessons import (
    CheckResult,
    Lesson,
    Step,
    check_step,
    lesson_status,
    lessons_signature,
    load_lessons,
    quiz_question,
    step_lines,
    wrap_step_lines,
)
from workbench.core.learn.material import default_workspace
from workbench.core.learn.progress import LANGUAGES, Progress, current_language
from workbench.core.learn.textrender import join_wide_lines
from workbench.core.model.errors import WorkbenchError

from ..dialogs.answer_dialog import AnswerDialog
from ..i18n import N_, _, in_language
from .figure import FigureRef, LessonFigure, split_figures

# The panel's own words follow the language its lesson is shown in (L switches it), through
# the catalogue (i18n.in_language); the L button names the other language in that language.
LABELS = {"check": N_("Check step"), "open": N_("Open screen"),
          "answer": N_("your answer (a, b, c ...)"), "steps": N_("Steps"),
          "done": N_("All steps done."), "checking": N_("checking ..."), "hint": N_("hint"),
          "question": N_("Answer: {step}"),
          "answer-note": N_("Type the letter of your answer and press Enter to check it, or Tab "
                            "to the choices and pick one with the arrows and Enter. "
                            "Esc cancels.")}
OTHER_LANGUAGE = {"en": "日本語", "ja": "English"}


class StepList(Static):
    """A lesson's steps, each wrapped under its own text (after its mark and number; a quiz's
    question and choices under themselves), not back at the left edge. Plain text: the step
    marks look like [x] and [-], which markup would swallow."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.heading = ""
        self.lines: list[str] = []

    def show(self, heading: str, lines: list[str]) -> None:
        self.heading, self.lines = heading, lines
        self.refresh(layout=True)

    def on_resize(self) -> None:
        self.refresh(layout=True)

    def render(self) -> Text:
        if not self.lines:
            return Text("")
        width = self.content_region.width
        rows = wrap_step_lines(self.lines, width) if width > 12 else self.lines
        return Text("\n".join([self.heading, *rows]))


class LessonsPanel(Widget):
    """Lessons with their text, steps and checks. Mount it anywhere; it needs no arguments."""

    DEFAULT_CSS = """
    LessonsPanel { layout: horizontal; height: 1fr; }
    LessonsPanel #lesson-list { width: 34; height: 1fr; border-right: solid $primary-darken-2; }
    LessonsPanel #lesson-body { width: 1fr; height: 1fr; }
    LessonsPanel #lesson-text { height: 1fr; padding: 0 1; }
    LessonsPanel #lesson-content { height: auto; }
    LessonsPanel #lesson-steps { height: auto; padding: 0 1; color: $text-muted; }
    /* a long verdict (the console's last lines, a hint) keeps part of the text in view;
       it scrolls (Tab to it, then the arrows) */
    LessonsPanel #lesson-result-box { height: auto; max-height: 45%; }
    LessonsPanel #lesson-result { height: auto; padding: 0 1; }
    LessonsPanel #lesson-result.pass { color: $success; }
    LessonsPanel #lesson-result.fail { color: $error; }
    LessonsPanel #lesson-result.skip { color: $warning; }
    LessonsPanel #lesson-bar { height: auto; padding: 0 1; }
    LessonsPanel #lesson-answer { width: 1fr; }
    """

    BINDINGS = [
        Binding("c", "check", N_("Check step"), id="lesson-check"),
        # the same key on a step that asks a question: the footer says what c does there
        Binding("c", "answer", N_("Answer"), id="lesson-answer-question"),
        Binding("o", "open_screen", N_("Open screen"), id="lesson-open"),
        Binding("L", "toggle_language", N_("Language"), id="lesson-language"),
        Binding("f", "open_figure", N_("Figure"), id="lesson-figure"),
    ]

    @dataclass
    class OpenScreen(Message):
        """The learner asked for the screen the current step names."""

        screen: str
        focus: str | None
        recipe: str | None = None  # the built-in recipe the step is about

    @dataclass
    class StepChecked(Message):
        lesson: str
        step: str | None
        result: CheckResult

    def __init__(self, workspace: Path | None = None, lessons_root: Path | None = None,
                 progress_file: Path | None = None, session=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.workspace = workspace
        self.session = session  # the UI's Session: its last build and run are the learner's
        self._text_shown: tuple | None = None  # (lesson, language) whose text is on screen
        self._read_to: dict[tuple, float] = {}  # (lesson, language) → where its text was left
        self._seen = False  # not yet shown: the pictures wait (textual-image loads in 80 ms)
        self.progress = Progress.load(progress_file)
        self.lang = current_language(self.progress)
        self.lessons_root = lessons_root
        self.lessons: list[Lesson] = []
        self.error: str | None = None
        self._signature = lessons_signature(lessons_root)
        try:
            self.lessons = load_lessons(lessons_root)
        except WorkbenchError as e:
            self.error = str(e)
        self.current: Lesson | None = self.lessons[0] if self.lessons else None

    def reload_if_changed(self) -> bool:
        """Read the lessons again when a lesson was added, removed or edited since they were
        read (an author sees a new lesson without restarting). True when they were."""
        signature = lessons_signature(self.lessons_root)
        if signature == self._signature:
            return False
        self._signature = signature
        try:
            self.lessons = load_lessons(self.lessons_root)
            self.error = None
        except WorkbenchError as e:
            self.error = str(e)
            self._set_result(self.error, "fail")
            return False
        name = self.current.name if self.current else None
        self.current = next((les for les in self.lessons if les.name == name),
                            self.lessons[0] if self.lessons else None)
        self._refresh_list()
        if self.current is not None:
            self.query_one("#lesson-list", OptionList).highlighted = self.lessons.index(self.current)
        self._show_lesson()
        return True

    def on_show(self) -> None:
        if not self._seen:  # the text (and its pictures) is laid out when first shown
            self._seen = True
            self._show_lesson()
        self.reload_if_changed()

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield OptionList(*self._options(), id="lesson-list")
        with Vertical(id="lesson-body"):
            with VerticalScroll(id="lesson-text"):
                yield Vertical(id="lesson-content")
                yield StepList(id="lesson-steps")
            with VerticalScroll(id="lesson-result-box"):
                yield Static(self.progress.notice or self.error or "", id="lesson-result")
            with Horizontal(id="lesson-bar"):
                yield Input(placeholder=self._t("answer"), id="lesson-answer")
                yield Button(self._t("check"), id="lesson-check-button", variant="primary")
                yield Button(self._t("open"), id="lesson-open-button")
                yield Button(self._t("lang"), id="lesson-lang-button")

    def on_mount(self) -> None:
        self._show_lesson()

    def _t(self, key: str) -> str:
        if key == "lang":
            return OTHER_LANGUAGE.get(self.lang, "English")
        return in_language(self.lang)(LABELS[key])

    def _options(self) -> list[Option]:
        opts = []
        for les in self.lessons:
            done, total = lesson_status(les, self.progress)
            mark = "✓" if done == total else f"{done}/{total}"
            opts.append(Option(f"{les.number:02d} {les.title_in(self.lang)}  [{mark}]", id=les.name))
        return opts

    def _refresh_list(self) -> None:
        olist = self.query_one("#lesson-list", OptionList)
        highlighted = olist.highlighted
        olist.clear_options()
        olist.add_options(self._options())
        if highlighted is not None:
            olist.highlighted = highlighted

    def _show_lesson(self) -> None:
        les = self.current
        steps = self.query_one("#lesson-steps", StepList)
        if les is None:
            self._show_text(None, self.error or _("No lessons found."))
            steps.show("", [])
            return
        self._show_text(les, les.text(self.lang))
        steps.show(self._t("steps"), step_lines(les, self.progress, self.lang))
        step = les.current_step(self.progress)
        self.query_one("#lesson-answer", Input).display = bool(step and step.check.asks)
        self.query_one("#lesson-open-button", Button).disabled = not (step and step.screen)
        self.refresh_bindings()  # c checks, or answers a question

    def _show_text(self, les: Lesson | None, text: str) -> None:
        """The lesson's text, cut at its figures; redrawn only when the lesson, its language
        or its text changed (a check redraws the steps, not the pictures)."""
        key = (les.name if les else None, self.lang, text)
        if key == self._text_shown or not self._seen:
            return
        scroll = self.query_one("#lesson-text", VerticalScroll)
        if self._text_shown is not None:  # back to a lesson (or its text edited): read on there
            self._read_to[self._text_shown[:2]] = scroll.scroll_y
        self._text_shown = key
        content = self.query_one("#lesson-content", Vertical)
        content.remove_children()
        parts = split_figures(text) if les is not None else [text]
        content.mount_all([
            LessonFigure(les.directory, les.name, part) if isinstance(part, FigureRef)
            else Markdown(join_wide_lines(part) if self.lang == "ja" else part)
            for part in parts])
        scroll.scroll_home(animate=False)
        if self._read_to.get(key[:2]):
            self.call_after_refresh(scroll.scroll_to, y=self._read_to[key[:2]], animate=False)
        self.refresh_bindings()  # f is in the footer only when the lesson has a figure

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "open_figure":
            return bool(self.query(LessonFigure))
        if action in ("check", "answer"):  # one of the two c bindings, as the step asks
            return (action == "answer") == self._asks()
        return True

    def _step(self) -> Step | None:
        """The current lesson's current step (None when there is none, or it is complete)."""
        return self.current.current_step(self.progress) if self.current else None

    def _asks(self) -> bool:
        step = self._step()
        return bool(step and step.check.asks)

    def action_open_figure(self) -> None:
        """Full screen: the first figure on view in the text, else the lesson's first."""
        figures = list(self.query(LessonFigure))
        if not figures:  # f is not offered then (check_action)
            return
        view = self.query_one("#lesson-text", VerticalScroll).region
        shown = [f for f in figures if f.region.overlaps(view)]
        (shown or figures)[0].action_open()

    # ------------------------------------------------------------------ events

    @on(OptionList.OptionHighlighted, "#lesson-list")
    def _lesson_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        lesson = next((les for les in self.lessons if les.name == event.option.id), None)
        if lesson is self.current:  # the list was only redrawn (after a check): keep the result
            return
        self.current = lesson
        self._set_result("", None)
        self._show_lesson()

    @on(Button.Pressed, "#lesson-check-button")
    def _check_pressed(self) -> None:
        self.action_check()

    @on(Button.Pressed, "#lesson-open-button")
    def _open_pressed(self) -> None:
        self.action_open_screen()

    @on(Button.Pressed, "#lesson-lang-button")
    def _lang_pressed(self) -> None:
        self.action_toggle_language()

    @on(Input.Submitted, "#lesson-answer")
    def _answer_submitted(self) -> None:
        self.action_check()

    def action_open_screen(self) -> None:
        step = self._step()
        if step and step.screen:
            recipe = None if step.check.own else step.check.recipe
            self.post_message(self.OpenScreen(step.screen, step.focus, recipe))

    def action_toggle_language(self) -> None:
        self.lang = LANGUAGES[(LANGUAGES.index(self.lang) + 1) % len(LANGUAGES)]
        self.progress.lang = self.lang
        try:
            self.progress.save()
        except OSError as e:
            self._set_result(_("could not save the language setting: {e}").format(e=e), "fail")
        for key, widget_id in (("check", "#lesson-check-button"), ("open", "#lesson-open-button"),
                               ("lang", "#lesson-lang-button")):
            self.query_one(widget_id, Button).label = self._t(key)
        self.query_one("#lesson-answer", Input).placeholder = self._t("answer")
        self._refresh_list()
        self._show_lesson()

    def save_path_for(self, recipe_name: str) -> Path | None:
        """Where to save the recipe `recipe_name` for the current step: the learner's own file
        the step asks for (my-hello.toml in the workspace) when the step starts from it."""
        step = self._step()
        if step is None or not step.check.own or step.check.start_from != recipe_name:
            return None
        return (self.workspace or default_workspace()) / step.check.file_name

    def reload_progress(self) -> bool:
        """Show what the progress file holds now (another program may have recorded steps or
        grades since it was read). True when something changed."""
        if not self.progress.reload():
            return False
        self._refresh_list()
        self._show_lesson()
        return True

    def action_check(self) -> None:
        """Check the current step; on a step that asks a question with no answer typed in the
        bar (or no bar on view), ask for the answer first."""
        if self.current is None:
            return
        self.reload_progress()
        field = self.query_one("#lesson-answer", Input)
        bar_shown = field.display and self.query_one("#lesson-bar").display  # not when narrow
        answer = field.value.strip() if bar_shown else ""
        if self._asks() and not answer:
            self.action_answer()
            return
        self._start_check(answer or None)

    def action_answer(self) -> None:
        """Ask the current step's question in a dialog; Enter there checks the answer."""
        step = self._step()
        if self.current is None or step is None or not step.check.asks:
            self.action_check()  # nothing to answer: c checks the step
            return
        question, choices = quiz_question(step, self.lang)
        lesson = self.current

        def answered(answer: str | None) -> None:
            if answer and lesson is self.current and self._step() is step:
                self._start_check(answer)

        self.app.push_screen(AnswerDialog(
            in_language(self.lang)(LABELS["question"]).format(step=step.title_in(self.lang)),
            question, choices, self._t("answer"), self._t("answer-note")), answered)

    def _start_check(self, answer: str | None) -> None:
        if self.current is None:
            return
        self._set_result(self._t("checking"), None)
        self.query_one("#lesson-check-button", Button).disabled = True
        self._run_check(self.current, answer)

    @work(thread=True, exclusive=True, group="lesson-check")
    def _run_check(self, lesson: Lesson, answer: str | None) -> None:
        try:
            step, result = check_step(lesson, self.progress, answer=answer,
                                      workspace=self.workspace, lang=self.lang, ui="tui")
        except WorkbenchError as e:
            step, result = None, CheckResult("fail", str(e))
        except OSError as e:
            step, result = None, CheckResult("fail", _("could not save progress: {e}").format(e=e))
        self.app.call_from_thread(self._check_done, lesson, step, result)

    def _check_done(self, lesson: Lesson, step, result: CheckResult) -> None:
        self.query_one("#lesson-check-button", Button).disabled = False
        if step is None and result.passed:
            text = self._t("done")
        else:
            text = result.message
            if result.details:
                text += "\n" + "\n".join(result.details[:8])
            if result.status == "fail" and step is not None and step.hint_in(self.lang):
                text += f"\n{self._t('hint')}: {step.hint_in(self.lang)}"
        self._set_result(text, result.status)
        if result.status != "fail":
            self.query_one("#lesson-answer", Input).value = ""
        self._refresh_list()
        self._show_lesson()
        self.post_message(self.StepChecked(lesson.name, step.id if step else None, result))

    def _set_result(self, text: str, status: str | None) -> None:
        widget = self.query_one("#lesson-result", Static)
        widget.update(text)
        widget.set_classes(status or "")
