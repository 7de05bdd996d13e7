"""The exercise editor: the learner's files edited inside the workbench, saved, graded.

A full screen over the workbench with Textual's `TextArea` as a code editor: line numbers,
C highlighted by tree-sitter's C grammar (the `tree-sitter-c` package; without it the text is
plain), one tab per file when an exercise has several. Ctrl+S saves (atomically: the old file
stays whole until the new one is written), Ctrl+G saves and grades — the result appears under
the text, so the learner fixes and grades again without leaving. Escape leaves the text (the
focus goes to the result below); Escape again closes the editor, saving what changed, so
nothing typed is lost. The learner's own editor stays one key away (E on the Exercises panel).
Long lines wrap (a comment's hint stays whole at 80 columns; the line numbers count the file's
lines, not the screen's). When a build fails the cursor goes to the compiler's first error, and
that error heads the result. A file to read, not to change (a check's transcript), opens
read-only: no saving or grading, Escape closes it.
"""

from __future__ import annotations

import os
import tempfile
from importlib.resources import files as package_files
from pathlib import Path
from typing import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, Tab, Tabs, TextArea

from ..i18n import N_, _
from ..widgets.footer import FittedFooter

C_SUFFIXES = (".c", ".h")


def c_language() -> tuple[object, str] | None:
    """tree-sitter's C grammar and its highlight query, or None when it is not installed."""
    try:
        import tree_sitter_c
        from tree_sitter import Language
    except ImportError:
        return None
    query = package_files("tree_sitter_c").joinpath("queries/highlights.scm").read_text()
    return Language(tree_sitter_c.language()), query


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ExerciseEditor(Screen[None]):
    """Edit `paths`; `on_grade()` is called (after saving) to grade them.

    With `read_only` the files are shown, not edited: nothing is saved or graded.
    """

    DEFAULT_CSS = """
    ExerciseEditor { layout: vertical; }
    ExerciseEditor #editor-title { height: 1; background: $boost; padding: 0 1; }
    ExerciseEditor #editor-text { height: 1fr; }
    ExerciseEditor #editor-result { height: auto; max-height: 35%; padding: 0 1;
                                    border-top: hkey $primary-muted; }
    ExerciseEditor #editor-result:focus { border-top: hkey $accent; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="editor-save", priority=True),
        Binding("ctrl+g", "grade", N_("Save and grade"), id="editor-grade", priority=True),
        Binding("ctrl+n", "next_file", N_("Next file"), id="editor-next-file", priority=True),
        Binding("escape", "close", N_("Close"), id="editor-close"),
        # read-only, the two keys above are off; this one keeps them from reaching the app's
        # ctrl+s (save the recipe) and says why nothing happens
        Binding("ctrl+s,ctrl+g", "read_only", show=False, id="editor-read-only", priority=True),
    ]

    def __init__(self, title: str, paths: list[Path], on_grade: Callable[[], None] | None = None,
                 read_only: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.paths = list(paths)
        self.on_grade = on_grade
        self.read_only = read_only or on_grade is None
        self.saved = {p: self._read(p) for p in self.paths}
        self.buffers = dict(self.saved)
        self.index = 0
        self.result = Text(_("read-only: Esc closes it.") if self.read_only else
                           _("ctrl+g saves and grades; the result appears here."), style="dim")

    @staticmethod
    def _read(path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return ""

    @property
    def path(self) -> Path:
        return self.paths[self.index]

    def compose(self) -> ComposeResult:
        yield Static("", id="editor-title")
        if len(self.paths) > 1:
            yield Tabs(*[Tab(p.name, id=f"file-{i}") for i, p in enumerate(self.paths)],
                       id="editor-files")
        # soft wrap: a long comment stays whole at 80 columns; continued lines get no number
        area = TextArea.code_editor(self.buffers[self.path], id="editor-text", soft_wrap=True,
                                    read_only=self.read_only)
        grammar = c_language()
        if grammar is not None:
            area.register_language("c", *grammar)
        yield area
        with VerticalScroll(id="editor-result", can_focus=True):
            yield Static(self.result, id="editor-result-text")
        # the app's footer, fitted: at 80 columns Textual's ran on under the palette key
        yield FittedFooter(spare=getattr(self.app, "FOOTER_SPARE", ()), compact=True)

    def on_mount(self) -> None:
        self._load(0)
        self.query_one("#editor-text", TextArea).focus()

    # ------------------------------------------------------------------ files

    def _load(self, index: int) -> None:
        self.index = index
        area = self.query_one("#editor-text", TextArea)
        c = self.path.suffix in C_SUFFIXES and "c" in area.available_languages
        area.language = "c" if c else None
        area.load_text(self.buffers[self.path])
        self._title()

    def _keep(self) -> None:
        self.buffers[self.path] = self.query_one("#editor-text", TextArea).text

    @property
    def modified(self) -> list[Path]:
        self._keep()
        return [p for p in self.paths if self.buffers[p] != self.saved[p]]

    def _title(self) -> None:
        t = Text()
        t.append(f"{self.path.parent.name}/{self.path.name}", "bold")
        self._keep()
        if self.buffers[self.path] != self.saved[self.path]:
            t.append("  " + _("● not saved"), "bold yellow")
        area = self.query(TextArea)
        if self.read_only:
            t.append("  " + _("read-only — Esc closes"), "dim")
        elif area and area.first().has_focus:
            t.append("  " + _("editing — Esc goes to the result below"), "dim")
        t.append(f"  {self.title_text}", "dim")
        self.query_one("#editor-title", Static).update(t)

    @on(TextArea.Changed)
    def _changed(self) -> None:
        self._title()

    def on_descendant_focus(self) -> None:
        self._title()

    def on_descendant_blur(self) -> None:
        self._title()

    @on(Tabs.TabActivated, "#editor-files")
    def _tab(self, event: Tabs.TabActivated) -> None:
        index = int(str(event.tab.id).removeprefix("file-"))
        if index != self.index:
            self._keep()
            self._load(index)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "next_file":
            return len(self.paths) > 1
        if action == "read_only":
            return self.read_only
        if action == "close" and not self.read_only and self.focused is not None \
                and self.focused.id == "editor-text":
            return False  # there Escape leaves the text (the title says so), it does not close
        return not (self.read_only and action in ("save", "grade"))

    def action_read_only(self) -> None:
        self.show_result(Text(_("read-only: nothing here is saved or graded. Esc closes it."),
                              style="dim"))

    def action_next_file(self) -> None:
        if len(self.paths) > 1:
            following = (self.index + 1) % len(self.paths)
            self.query_one("#editor-files", Tabs).active = f"file-{following}"

    # ------------------------------------------------------------------ save, grade, close

    def save(self) -> list[Path]:
        """Write every modified file; returns those written (a failure is shown, not raised)."""
        written = []
        for p in self.modified:
            try:
                write_atomically(p, self.buffers[p])
            except OSError as e:
                self.show_result(Text(_("could not save {path}: {e}").format(path=p, e=e), style="bold red"))
                return written
            self.saved[p] = self.buffers[p]
            written.append(p)
        self._title()
        return written

    def action_save(self) -> None:
        written = self.save()
        names = ", ".join(p.name for p in written) or _("nothing changed")
        self.notify(_("saved {names}").format(names=names) if written else names)

    def action_grade(self) -> None:
        if self.on_grade is None:
            return
        self.save()
        self.show_result(Text(_("grading: building and booting the test kernels …"), "bold"))
        self.on_grade()

    def action_close(self) -> None:
        written = self.save()
        if written:
            self.notify(_("saved {names}").format(names=", ".join(p.name for p in written)))
        self.dismiss(None)

    def show_result(self, text: Text) -> None:
        """Show a grading report or a status under the text, from its first line."""
        self.result = text
        if self.is_attached:
            self.query_one("#editor-result-text", Static).update(text)
            self.query_one("#editor-result", VerticalScroll).scroll_home(animate=False)

    def go_to(self, path: Path, line: int, column: int = 1) -> bool:
        """Put the cursor on `line`:`column` (counted from 1) of `path`, if it is open here."""
        try:
            target = path.resolve()
        except OSError:
            return False
        index = next((i for i, p in enumerate(self.paths) if p.resolve() == target), None)
        if index is None or not self.is_attached:
            return False
        if index != self.index:
            self._keep()
            self._load(index)
            if len(self.paths) > 1:
                self.query_one("#editor-files", Tabs).active = f"file-{index}"
        area = self.query_one("#editor-text", TextArea)
        row = max(0, min(line - 1, area.document.line_count - 1))
        col = max(0, min(column - 1, len(area.document.get_line(row))))
        area.move_cursor((row, col), center=True)
        return True
