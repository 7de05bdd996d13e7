"""The Exercises panel: pick an exercise, start it, edit it, grade it, read the result.

A self-contained widget over `workbench.core.learn.grading`, the twin of the Lessons panel: the
exercise list (difficulty, points, last grade) on the left; on the right the exercise's
description, where the learner's copy lives, its named checks and the last grading report.

- **start** copies the starter into the workspace (`start_exercise` never overwrites work);
- **edit** opens the files that carry the TODOs in the workbench's own editor
  (`exercise_editor.py`: line numbers, C highlighting, save, grade from there); **E** hands the
  terminal to the learner's editor instead (`App.suspend`, $VISUAL or $EDITOR); with no editor
  available it says which file to edit;
- **grade** builds and boots the test kernels in a thread worker (the compiler and QEMU are
  subprocesses; the UI stays live) and shows every check with its points, the transcript of
  each failed check, and the compiler's diagnostics when the build fails.

A report is also written by the core as `<workspace>/.grade/<exercise>/grade.json`, so the
last result of an exercise graded earlier (here or with `workbench grade`) is shown again.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from rich.cells import cell_len, set_cell_size
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from workbench.core.learn.grading import Exercise, grade, list_exercises, start_exercise
from workbench.core.learn.material import default_workspace
from workbench.core.learn.progress import Progress, current_language
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.texts import text_in

from ..i18n import N_, _, in_language

if TYPE_CHECKING:
    from .exercise_editor import ExerciseEditor

FALLBACK_EDITORS = ("nano", "vi")
STARS = 5  # difficulty runs 1..5 (grading.DIFFICULTY); ipc is the one five

# Words that follow the language the lessons are shown in (L on the Lessons tab switches it).
LABELS = {"start": N_("Start"), "edit": N_("Edit"), "grade": N_("Grade"), "checks": N_("Checks"),
          "result": N_("Last result"), "no-result": N_("not graded yet — press g to grade")}


def editor_command(files: list[Path], env: dict[str, str] | None = None,
                   which: Callable[[str], str | None] = shutil.which
                   ) -> tuple[list[str] | None, list[str]]:
    """The command that opens `files` in the learner's editor, and notes on how it was chosen.

    $VISUAL, then $EDITOR (either may carry arguments, e.g. "code -w"), then nano, then vi.
    A variable naming a program that is not installed is noted and skipped, so a typo in
    $EDITOR still ends in an editor. Returns (None, notes) when there is no editor at all.
    """
    env = os.environ if env is None else env
    notes: list[str] = []
    for var in ("VISUAL", "EDITOR"):
        value = (env.get(var) or "").strip()
        if not value:
            continue
        try:
            argv = shlex.split(value)
        except ValueError as e:
            notes.append(_("${var}={value!r} cannot be read as a command ({e})").format(
                var=var, value=value, e=e))
            continue
        if argv and which(argv[0]):
            return [*argv, *map(str, files)], notes
        notes.append(_("${var}={value!r} is not a program on this machine").format(
            var=var, value=value))
    for prog in FALLBACK_EDITORS:
        path = which(prog)
        if path:
            return [path, *map(str, files)], notes
    return None, notes


def stars(difficulty: int) -> str:
    d = max(0, min(STARS, difficulty))
    return "★" * d + "☆" * (STARS - d)


def first_error(report: dict) -> dict | None:
    """The compiler's first error (a diagnostic: file, line, column, message) in a report."""
    for err in (report.get("build_errors") or {}).values():
        for d in err.get("diagnostics") or []:
            if "error" in str(d.get("severity", "")) and d.get("file") and d.get("line"):
                return d
    return None


def error_headline(diag: dict, source: str = "") -> Text:
    """The first error on a line of its own, its file named from the learner's copy, then the
    line of source it is about: what to read first when a build fails."""
    path = Path(diag["file"])
    try:
        shown = str(path.relative_to(source)) if source else path.name
    except ValueError:
        shown = path.name
    t = Text()
    t.append(f"{shown}:{diag['line']}:{diag.get('column', 1)}: {diag.get('severity', 'error')}: "
             f"{diag.get('message', '')}\n", "bold red")
    if diag.get("source_line"):
        t.append(f"  {diag['line']:>4} | {diag['source_line']}\n", "cyan")
    return t


def report_text(report: dict, lang: str = "en") -> Text:
    """A grading report (`GradeReport.to_dict()`) as the text the panel shows."""
    out = Text()
    score, total = report.get("score", 0), report.get("total", 0)
    style = "bold green" if report.get("full_marks") else "bold red" if score == 0 else "bold yellow"
    out.append(_("score {score}/{total}").format(score=score, total=total), style)
    if report.get("full_marks"):
        out.append("  " + _("— full marks"), "green")
    what = {"workspace": _("your copy"), "reference": _("the built-in reference")}.get(
        report.get("graded"), "nothing, no submission found")
    out.append("   " + _("(graded {what}: {source})").format(
        what=what, source=report.get("source", "")) + "\n", "dim")
    shown: set[str] = set()
    for run, err in (report.get("build_errors") or {}).items():
        key = json.dumps(err.get("diagnostics"), sort_keys=True)
        if key in shown:
            continue
        shown.add(key)
        out.append("\n" + _("build of test kernel '{run}' failed: {error}").format(
            run=run, error=err.get("error", "")) + "\n", "bold red")
        diags = [d for d in err.get("diagnostics") or [] if d.get("severity") != "note"]
        for d in diags[:12]:
            out.append(f"  {d['file']}:{d['line']}:{d['column']}: ", "dim")
            out.append(f"{d['severity']}: ", "red" if "error" in d["severity"] else "yellow")
            out.append(f"{d['message']}\n")
            if d.get("source_line"):
                out.append(f"    {d['line']:>4} | {d['source_line']}\n", "cyan")
        if not diags:
            for line in err.get("details") or []:
                out.append(f"  {line}\n")
            if err.get("hint"):
                out.append(f"  {err['hint']}\n", "dim")
    out.append("\n")
    checks = report.get("checks") or []
    width = max((len(c["name"]) for c in checks), default=10)
    for c in checks:
        mark, mstyle = ("PASS", "bold green") if c.get("passed") else ("FAIL", "bold red")
        out.append(f" {mark} ", mstyle)
        out.append(f" {c['name']:<{width}}  {c.get('earned', 0):>2}/{c.get('points', 0)}")
        if c.get("description"):
            out.append(f"  {c['description']}", "dim")
        out.append("\n")
        if not c.get("passed"):
            for p in (c.get("problems") or [])[:3]:
                out.append(f"        {p}\n")
            if c.get("transcript"):
                out.append("        " + _("transcript:") + " ", "dim")
                out.append(f"{c['transcript']}\n")
    return out


class ExercisesPanel(Widget):
    """Exercises with their checks, actions and grades. Mount it anywhere.

    `workspace` is where the learner's copies go (default: `default_workspace()`);
    `progress` may be shared with the Lessons panel so both write one record.
    """

    DEFAULT_CSS = """
    ExercisesPanel { layout: horizontal; height: 1fr; }
    ExercisesPanel #exercise-list { width: 34; height: 1fr; border-right: solid $primary-darken-2; }
    ExercisesPanel #exercise-body { width: 1fr; height: 1fr; }
    ExercisesPanel #exercise-text { height: 1fr; padding: 0 1; }
    ExercisesPanel #exercise-info { height: auto; }
    ExercisesPanel #exercise-report { height: auto; margin-top: 1; }
    ExercisesPanel #exercise-where { height: auto; margin-top: 1; }
    ExercisesPanel #exercise-status { height: auto; max-height: 6; padding: 0 1; }
    ExercisesPanel #exercise-status.pass { color: $success; }
    ExercisesPanel #exercise-status.fail { color: $error; }
    ExercisesPanel #exercise-status.warn { color: $warning; }
    ExercisesPanel #exercise-bar { height: auto; padding: 0 1; }
    ExercisesPanel #exercise-bar Button { min-width: 10; margin-right: 1; }
    """

    BINDINGS = [
        Binding("s", "start", N_("Start"), id="exercise-start"),
        Binding("e", "edit", N_("Edit"), id="exercise-edit"),
        Binding("E", "edit_external", N_("Edit in $EDITOR"), id="exercise-edit-external"),
        Binding("g", "grade", N_("Grade"), id="exercise-grade"),
        Binding("v", "view_transcript", N_("Transcript"), id="exercise-transcript"),
    ]

    def __init__(self, workspace: Path | None = None, exercises_root: Path | None = None,
                 progress: Progress | None = None, progress_file: Path | None = None,
                 toolchain: str = "zig", **kwargs) -> None:
        super().__init__(**kwargs)
        self.workspace = Path(workspace) if workspace else default_workspace()
        self.progress = progress if progress is not None else Progress.load(progress_file)
        self.toolchain = toolchain
        self.exercises: list[Exercise] = []
        self.error: str | None = None
        try:
            self.exercises = list_exercises(exercises_root)
        except WorkbenchError as e:
            self.error = str(e)
        self.current: Exercise | None = self.exercises[0] if self.exercises else None
        self.grading: str | None = None  # the exercise being graded, if any
        self.last_report: dict | None = None  # the report shown for `current`
        self.last_editor: list[str] | None = None  # the last editor command run
        self.editor: ExerciseEditor | None = None  # the workbench's editor, while it is open
        self.info_text = Text()  # what the panel shows, kept as text for tests and tools
        self.result_text = Text()
        self.status_text = ""

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield OptionList(*self._options(), id="exercise-list")
        with Vertical(id="exercise-body"):
            with VerticalScroll(id="exercise-text"):
                # what the exercise is, then its checks or last result (what a learner
                # looks for first, so it stays in view in a small terminal), then where
                # the files are
                yield Static("", id="exercise-info")
                yield Static("", id="exercise-report")
                yield Static("", id="exercise-where")
            yield Static(self.error or "", id="exercise-status")
            with Horizontal(id="exercise-bar"):
                yield Button(self._t("start") + " (s)", id="exercise-start-button")
                yield Button(self._t("edit") + " (e)", id="exercise-edit-button")
                yield Button(self._t("grade") + " (g)", id="exercise-grade-button",
                             variant="primary")

    def on_mount(self) -> None:
        self.show_current()

    @property
    def lang(self) -> str:
        return current_language(self.progress)

    def _t(self, key: str) -> str:
        return in_language(self.lang)(LABELS[key])

    def _options(self) -> list[Option]:
        rows = []
        for ex in self.exercises:
            rec = self.progress.exercises.get(ex.name, {})
            # the last grade over the points ("-/10" until graded), and the best when it was
            # better: "0/10 best 10" — a slip in the last attempt does not hide earlier work
            score = f"{rec['last'] if 'last' in rec else '-'}/{rec.get('total', ex.total)}"
            if rec.get("best", 0) > rec.get("last", 0):
                score += " " + _("best {best}").format(best=rec["best"])
            rows.append((ex, score))
        nw = max((len(ex.name) for ex, _score in rows), default=0)
        sw = max((cell_len(score) for _ex, score in rows), default=0)
        opts = [Option(f"{stars(ex.difficulty)} {ex.name:<{nw}} "
                       f"{' ' * (sw - cell_len(score))}{score}", id=ex.name)
                for ex, score in rows]
        if not opts:
            opts.append(Option(self.error or _("No exercises found."), disabled=True))
        return opts

    def refresh_list(self) -> None:
        olist = self.query_one("#exercise-list", OptionList)
        highlighted = olist.highlighted
        olist.clear_options()
        olist.add_options(self._options())
        if highlighted is not None:
            olist.highlighted = highlighted

    # ------------------------------------------------------------------ what is shown

    def copy_dir(self, ex: Exercise) -> Path:
        return self.workspace / ex.component

    def report_file(self, ex: Exercise) -> Path:
        """Where `grade` writes its report for this workspace (its default out_dir)."""
        return self.workspace / ".grade" / ex.name / "grade.json"

    def _load_report(self, ex: Exercise) -> dict | None:
        try:
            data = json.loads(self.report_file(ex).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("exercise") == ex.name else None

    def show_current(self) -> None:
        ex = self.current
        info = self.query_one("#exercise-info", Static)
        report = self.query_one("#exercise-report", Static)
        if ex is None:
            self.info_text = Text(self.error or _("No exercises found."))
            info.update(self.info_text)
            report.update("")
            return
        lang = self.lang
        t = Text()
        t.append(ex.title_in(lang), "bold")
        t.append("   " + _("{stars}  {total} points").format(stars=stars(ex.difficulty),
                                                          total=ex.total) + "\n", "yellow")
        summary = text_in(ex.summary, lang, "")
        if summary:
            t.append(summary + "\n")
        t.rstrip()
        info.update(t)
        where = Text()
        folder = self.copy_dir(ex)
        rows = [
            (_("component"), _("{component}  (graded with your copy in its place)").format(
                component=ex.component)),
            (_("workspace"), str(self.workspace)),
        ]
        if folder.exists():
            rows.append((_("your copy"), str(folder)))
            rows.append((_("edit"), "  ".join(str(folder / f) for f in ex.files)))
        else:
            rows.append((_("your copy"), _("not started yet — press s to copy the starter")))
            rows.append((_("files"), "  ".join(ex.files) + "  " + _("(the TODOs are there)")))
        rec = self.progress.exercises.get(ex.name)
        if rec and "last" in rec:
            rows.append((_("grades"), _("last {last}/{total} · best {best}/{total} · {attempts} "
                                        "attempt(s)").format(
                last=rec["last"], best=rec.get("best", 0), total=rec.get("total", ex.total),
                attempts=rec.get("attempts", 0))))
        width = max(cell_len(key) for key, _value in rows) + 2
        for key, value in rows:
            where.append(set_cell_size(key, width), "bold cyan")
            where.append(value + "\n")
        where.rstrip()
        self.query_one("#exercise-where", Static).update(where)
        self.info_text = Text("\n").join([t, where])
        # The report names every check with its points; before the first grading the
        # checks are listed on their own.
        self.last_report = self._load_report(ex)
        if self.last_report is None:
            body = Text(f"{self._t('checks')}\n", "bold underline")
            # a grid, so that a description wraps under itself in a narrow pane, not under
            # the checks' names
            grid = Table.grid(padding=(0, 2))
            grid.add_column(no_wrap=True)
            grid.add_column(justify="right", no_wrap=True)
            grid.add_column(ratio=1)
            for c in ex.checks:
                desc = text_in(c.description, lang, "")
                body.append("  " + _("{name}  {points:>2} pt").format(name=c.name, points=c.points) + "  ")
                body.append(desc + "\n", "dim")
                grid.add_row(f" {c.name}", _("{points} pt").format(points=c.points), Text(desc, style="dim"))
            note = Text(f"\n{self._t('no-result')}", "dim")
            body.append_text(note)
            shown = Group(Text(self._t("checks"), "bold underline"), grid, note)
        else:
            body = Text(f"{self._t('result')}\n", "bold underline")
            body.append_text(report_text(self.last_report, lang))
            shown = body
        self.result_text = body
        report.update(shown)
        busy = self.grading is not None
        self.query_one("#exercise-grade-button", Button).disabled = busy

    def _show_in_editor(self, editor: ExerciseEditor, report: dict, status: str) -> None:
        """The report under the editor's text; a failed build's first error heads it, and the
        cursor goes to that error's line."""
        result = Text(status, "bold green" if report["full_marks"] else "bold")
        # the time it was graded: a grade again that scores the same is seen to have run
        result.append("  " + time.strftime("%H:%M:%S") + "\n", "dim")
        error = first_error(report)
        if error is not None:
            result.append_text(error_headline(error, report.get("source", "")))
            if editor.go_to(Path(error["file"]), int(error["line"]), int(error.get("column") or 1)):
                result.append(_("the cursor is on that line. Esc, then PgDn or End: the whole "
                                "report.") + "\n", "dim")
            result.append("\n")
        editor.show_result(result.append_text(report_text(report, self.lang)))

    def _set_status(self, text: str, status: str | None = None) -> None:
        self.status_text = text
        if self.editor is not None:
            self.editor.show_result(Text(text, style="bold"))
        widget = self.query_one("#exercise-status", Static)
        widget.update(Text(text))
        widget.set_classes(status or "")

    # ------------------------------------------------------------------ selection

    @on(OptionList.OptionHighlighted, "#exercise-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        ex = next((e for e in self.exercises if e.name == event.option.id), None)
        if ex is not None and ex is not self.current:
            self.current = ex
            if self.grading is None:
                self._set_status("")
            self.show_current()

    def select(self, name: str) -> bool:
        """Make the exercise called `name` the current one (the palette uses this)."""
        for i, ex in enumerate(self.exercises):
            if ex.name == name:
                self.current = ex
                self.query_one("#exercise-list", OptionList).highlighted = i
                self.show_current()
                return True
        return False

    def focus_list(self) -> None:
        self.screen.set_focus(self.query_one("#exercise-list", OptionList))

    @on(Button.Pressed, "#exercise-start-button")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#exercise-edit-button")
    def _edit_pressed(self) -> None:
        self.action_edit()

    @on(Button.Pressed, "#exercise-grade-button")
    def _grade_pressed(self) -> None:
        self.action_grade()

    # ------------------------------------------------------------------ start

    def action_start(self) -> None:
        ex = self.current
        if ex is None:
            return
        self.start(ex)

    def start(self, ex: Exercise) -> Path | None:
        try:
            folder, copied = start_exercise(ex, self.workspace)
        except WorkbenchError as e:
            self._set_status(str(e), "fail")
            return None
        except OSError as e:
            self._set_status(_("could not copy the starter into {workspace}: {e}").format(workspace=self.workspace, e=e), "fail")
            return None
        if copied:
            files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
            self._set_status(_("copied the starter of '{name}' to {folder}: {files} ({todos} with "
                               "TODOs in place of the working code). Edit it (e), then grade (g).")
                             .format(name=ex.name, folder=folder, files=", ".join(files),
                                     todos=", ".join(ex.files)), "pass")
        else:
            self._set_status(_("{folder} already exists: your work there was left untouched. Edit "
                               "it with e, grade it with g.").format(folder=folder), "warn")
        self.show_current()
        return folder

    # ------------------------------------------------------------------ edit

    def _started_files(self) -> tuple[list[Path], str] | None:
        """The current exercise's files in the workspace (started first when needed)."""
        ex = self.current
        if ex is None:
            return None
        folder = self.copy_dir(ex)
        started = ""
        if not folder.exists():
            if self.start(ex) is None:
                return None
            started = _("copied the starter to {folder} first.").format(folder=folder) + " "
        return [folder / f for f in ex.files], started

    def action_edit(self) -> None:
        """Open the exercise's files in the workbench's editor."""
        found = self._started_files()
        if found is not None:
            self.open_editor(found[0], _("{name}: your copy").format(name=self.current.name))

    def action_edit_external(self) -> None:
        """Hand the terminal to the learner's own editor ($VISUAL, $EDITOR, nano, vi)."""
        found = self._started_files()
        if found is not None:
            self.edit_files(*found)

    def open_editor(self, files: list[Path], title: str, read_only: bool = False
                    ) -> ExerciseEditor:
        """The workbench's editor on `files`; `read_only` shows them (a transcript) instead."""
        # here, not at the top: TextArea and tree-sitter add about 20 ms to start-up
        from .exercise_editor import ExerciseEditor

        ex = self.current
        if read_only:
            viewer = ExerciseEditor(title, files, read_only=True)
            self.app.push_screen(viewer)
            return viewer

        def closed(_result) -> None:
            self.editor = None
            self.show_current()

        self.editor = ExerciseEditor(title, files, on_grade=lambda: self.grade_exercise(ex))
        self.app.push_screen(self.editor, closed)
        return self.editor

    def edit_files(self, files: list[Path], prefix: str = "") -> None:
        """Hand the terminal to the editor on `files`; come back to the workbench after it."""
        paths = "  ".join(str(f) for f in files)
        cmd, notes = editor_command(files)
        note = (" (" + "; ".join(notes) + ")") if notes else ""
        if cmd is None:
            self._set_status(_("{prefix}No editor found: set $EDITOR (or install nano) to edit from"
                               " here{note}. Edit this file yourself: {paths}").format(prefix=prefix, note=note, paths=paths), "warn")
            return
        self.last_editor = cmd
        try:
            with self.app.suspend():
                rc = subprocess.call(cmd)
        except SuspendNotSupported:
            self._set_status(_("{prefix}This terminal cannot hand over to an editor (for example in"
                               " a browser). Edit this file yourself: {paths}").format(prefix=prefix, paths=paths), "warn")
            return
        except OSError as e:
            self._set_status(_("{prefix}could not start the editor {editor}: {e}{note}. Edit this "
                               "file yourself: {paths}").format(
                prefix=prefix, editor=cmd[0], e=e, note=note, paths=paths), "fail")
            return
        if rc != 0:
            self._set_status(_("{prefix}the editor {name} exited with status {rc}{note}. Your file:"
                               " {paths}").format(prefix=prefix, name=Path(cmd[0]).name, rc=rc, note=note, paths=paths), "warn")
        else:
            self._set_status(_("{prefix}edited {paths} with {name}{note}. Grade it with g.").format(prefix=prefix, paths=paths, name=Path(cmd[0]).name, note=note), "pass")
        self.show_current()

    def action_view_transcript(self) -> None:
        """Open the transcript of the first failed check of the last report in the editor."""
        rep = self.last_report
        failed = [Path(c["transcript"]) for c in (rep or {}).get("checks", [])
                  if not c.get("passed") and c.get("transcript")]
        failed = [p for p in failed if p.is_file()]
        if not failed:
            self._set_status(_("no transcript to show: nothing failed in the last grading, or "
                               "nothing was graded yet"), "warn")
            return
        self.open_editor(failed[:1], _("transcript of the first failed check"), read_only=True)

    # ------------------------------------------------------------------ grade

    def action_grade(self) -> None:
        if self.current is not None:
            self.grade_exercise(self.current)

    def grade_exercise(self, ex: Exercise) -> None:
        if self.grading is not None:
            self._set_status(_("already grading '{grading}': wait for it to finish").format(grading=self.grading), "warn")
            return
        self.grading = ex.name
        self.query_one("#exercise-grade-button", Button).disabled = True
        where = _("your copy") if (self.copy_dir(ex) / "component.toml").is_file() else \
            _("nothing: you have not started this exercise")
        self._set_status(_("grading '{name}' ({where}): building and booting the test kernels …").format(name=ex.name, where=where))
        self._grade(ex, self.lang)

    @work(thread=True, exclusive=True, group="exercise-grade")
    def _grade(self, ex: Exercise, lang: str) -> None:
        def say(text: str) -> None:
            self.app.call_from_thread(self._set_status, _("grading '{name}': {what} …").format(
                name=ex.name, what=text))

        try:
            report = grade(ex, self.workspace, toolchain=self.toolchain, lang=lang,
                           on_progress=say).to_dict()
            error = None
        except WorkbenchError as e:
            report, error = None, str(e)
        except OSError as e:
            report, error = None, _("grading failed: {e}").format(e=e)
        self.app.call_from_thread(self._graded, ex, report, error)

    def _graded(self, ex: Exercise, report: dict | None, error: str | None) -> None:
        self.grading = None
        self.query_one("#exercise-grade-button", Button).disabled = False
        if report is None:
            self._set_status(error or _("grading failed"), "fail")
            return
        saved = ""
        if report["graded"] == "workspace":
            self.progress.record_grade(ex.name, report["score"], report["total"])
            try:
                self.progress.save()
            except OSError as e:
                saved = " " + _("(could not save the grade: {e})").format(e=e)
        self.refresh_list()
        if self.current is not ex:
            self.select(ex.name)
        self.show_current()
        self.last_report = report  # the fresh one, even if grade.json could not be read
        failed = [c for c in report["checks"] if not c["passed"]]
        text = f"'{ex.name}': {report['score']}/{report['total']}"
        if report["full_marks"]:
            text += " " + _("— full marks")
        elif report.get("build_errors"):
            text += " " + _("— the test kernel did not build: the compiler's messages are in the result")
        else:
            text += " " + _("— {failed} check(s) failed; v opens the first transcript").format(
                failed=len(failed))
        self._set_status(text + saved, "pass" if report["full_marks"] else "fail")
        if self.editor is not None:
            self._show_in_editor(self.editor, report, text + saved)
        self.query_one("#exercise-text", VerticalScroll).scroll_to_widget(
            self.query_one("#exercise-report", Static), animate=False, top=True)
