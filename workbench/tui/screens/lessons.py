"""Lessons: what exists in lessons/ (placeholder until the lessons are written)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ..widgets.lessons_list import LessonsList


class LessonsPane(Vertical):
    def compose(self) -> ComposeResult:
        yield Static("[b]Lessons[/b] [dim]— guided exercises will appear here; this lists what "
                     "the lessons/ folder holds today.[/dim]")
        yield LessonsList(id="lessons")

    def refresh_from(self, session) -> None:
        pass
