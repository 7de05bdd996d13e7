"""The answer dialog: a lesson step's question, its choices, and a field for the answer.

It works at every terminal size and by keyboard alone: the field has the focus, so typing a
letter and Enter answers; Tab goes to the choices, where arrows and Enter pick one; Esc
cancels. The caller passes every text already in the lesson's language (which may differ
from the interface's) and checks the answer itself.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from .path_dialog import PathDialog

CHOICE_LETTER = re.compile(r"^\s*([A-Za-z0-9]+)\)")


def choice_answer(choice: str) -> str:
    """What choosing `choice` answers: its letter ("b) microkernel" → "b"), else its text."""
    m = CHOICE_LETTER.match(choice)
    return m.group(1) if m else choice.strip()


class AnswerDialog(PathDialog):
    """Returns the answer typed (or the letter of the choice picked), None when cancelled
    (Esc, or Enter with nothing typed). The path dialog's field, list and keys, with the
    question above them and the choices as the list."""

    DEFAULT_CSS = """
    AnswerDialog > Vertical { width: 90%; max-height: 90%; }
    AnswerDialog #answer-question { margin-bottom: 1; }
    """

    def __init__(self, title: str, question: str, choices: list[str], placeholder: str,
                 note: str) -> None:
        super().__init__(title, note=note)
        self.question = question
        self.choices = choices
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"), id="answer-title")
            yield Static(Text(self.question), id="answer-question")
            if self.choices:  # picking one answers with its letter (the option's id)
                yield OptionList(*[Option(Text(ch), id=choice_answer(ch)) for ch in self.choices],
                                 id="dialog-suggestions")
            yield Input(placeholder=self.placeholder, id="dialog-input")
            yield Static(Text(self.note), id="dialog-note")
