"""A read-only source pane: any file of a component, highlighted with Pygments.

Compiler diagnostics open the file here at the failing line, which is marked.
"""

from __future__ import annotations

from pathlib import Path

from rich.syntax import Syntax
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Select, Static

from ..i18n import _
from .lexers import lexer_for

MAX_BYTES = 512 * 1024


class SourceView(Vertical):
    DEFAULT_CSS = """
    SourceView { height: 1fr; }
    SourceView > #source-files { height: auto; }
    SourceView > #source-scroll { height: 1fr; background: $surface; overflow-x: auto; }
    SourceView #source-body { width: auto; }
    """

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.path: Path | None = None
        self.line: int | None = None
        self._files: list[Path] = []

    def compose(self) -> ComposeResult:
        yield Select([], prompt=_("file"), id="source-files", allow_blank=True, compact=True)
        with VerticalScroll(id="source-scroll"):
            yield Static(Text(_("Pick a component to read its source."), style="dim"),
                         id="source-body")

    def show_files(self, files: list[Path], first: Path | None = None) -> None:
        """Offer these files in the picker and show `first` (or the first source file)."""
        self._files = list(files)
        sel = self.query_one("#source-files", Select)
        with self.prevent(Select.Changed):
            sel.set_options([(p.name, str(p)) for p in self._files])
        pick = first or next((p for p in self._files if p.suffix in (".c", ".S")), None) \
            or (self._files[0] if self._files else None)
        if pick is not None:
            self.show_file(pick)

    def show_file(self, path: Path, line: int | None = None) -> None:
        path = Path(path)
        self.path, self.line = path, line
        sel = self.query_one("#source-files", Select)
        # Changing the picker from here must not come back as a "the user picked" message.
        with self.prevent(Select.Changed):
            if str(path) not in [str(p) for p in self._files]:
                self._files.append(path)
                sel.set_options([(p.name, str(p)) for p in self._files])
            sel.value = str(path)
        body = self.query_one("#source-body", Static)
        try:
            data = path.read_bytes()[:MAX_BYTES]
            code = data.decode("utf-8", errors="replace")
        except OSError as e:
            body.update(Text(_("cannot read {path}: {strerror}").format(path=path, strerror=e.strerror), style="bold red"))
            return
        syntax = Syntax(code, lexer_for(path), line_numbers=True, word_wrap=False,
                        highlight_lines={line} if line else None, theme="monokai",
                        indent_guides=False)
        body.update(syntax)
        scroll = self.query_one("#source-scroll", VerticalScroll)
        target = max(0, (line or 1) - 4)
        scroll.call_after_refresh(scroll.scroll_to, 0, target, animate=False)

    @on(Select.Changed, "#source-files")
    def _picked(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is Select.BLANK or event.value is None:
            return
        if self.path is None or str(self.path) != event.value:
            self.show_file(Path(str(event.value)))
