"""Small dialogs: ask for a path (open, save, export), with suggestions."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import N_


class PathDialog(ModalScreen[str | None]):
    """Returns the text entered (or a suggestion chosen), None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="dialog-cancel")]
    DEFAULT_CSS = """
    PathDialog { align: center middle; }
    PathDialog > Vertical {
        width: 80%; max-width: 90; height: auto; max-height: 80%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PathDialog OptionList { height: auto; max-height: 10; }
    PathDialog #dialog-note { color: $text-muted; }
    """

    def __init__(self, title: str, value: str = "", suggestions: list[str] | None = None,
                 note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.suggestions = suggestions or []
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]{self.title_text}[/b]")
            yield Input(self.value, id="dialog-input")
            if self.note:
                yield Static(self.note, id="dialog-note")
            if self.suggestions:
                yield OptionList(*[Option(s, id=s) for s in self.suggestions],
                                 id="dialog-suggestions")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
