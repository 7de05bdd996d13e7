"""The answer dialog: a lesson step's question, its choices, and a field for the answer.

It works at every terminal size and by keyboard alone: the field has the focus, so typing a
letter and Enter answers; Tab goes to the choices, where arrows and Enter pick one; Esc
cancels. The caller passes every text already in the lesson's language (which may differ
from the interface's) and checks the answer itself.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import N_

CHOICE_LETTER = re.compile(r"^\s*([A-Za-z0-9]+)\)")


def choice_answer(choice: str) -> str:
    """What choosing `choice` answers: its letter ("b) microkernel" → "b"), else its text."""
    m = CHOICE_LETTER.match(choice)
    return m.group(1) if m else choice.strip()


class AnswerDialog(ModalScreen[str | None]):
    """Returns the answer typed (or the letter of the choice picked), None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="answer-cancel")]
    DEFAULT_CSS = """
    AnswerDialog { align: center middle; }
    AnswerDialog > Vertical {
        width: 90%; max-width: 90; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    AnswerDialog #answer-question { margin-bottom: 1; }
    AnswerDialog OptionList { height: auto; max-height: 8; }
    AnswerDialog #answer-note { color: $text-muted; }
    """

    def __init__(self, title: str, question: str, choices: list[str], placeholder: str,
                 note: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.choices = choices
        self.placeholder = placeholder
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"), id="answer-title")
            yield Static(Text(self.question), id="answer-question")
            if self.choices:
                yield OptionList(*[Option(Text(ch), id=str(i))
                                   for i, ch in enumerate(self.choices)], id="answer-choices")
            yield Input(placeholder=self.placeholder, id="answer-input")
            yield Static(Text(self.note), id="answer-note")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(choice_answer(self.choices[int(event.option.id)]))

    def action_cancel(self) -> None:
        self.dismiss(None)
