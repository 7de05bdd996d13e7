"""One error type for everything a user can get wrong.

A `WorkbenchError` is shown to the learner as a short report, never as a traceback: it names the
file (and key and line when known), says what is wrong and what would be valid.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from workbench.i18n import _


@dataclass
class WorkbenchError(Exception):
    message: str
    file: str | Path | None = None
    key: str | None = None
    line: int | None = None
    hint: str | None = None
    details: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def where(self) -> str:
        parts = []
        if self.file is not None:
            loc = str(self.file)
            if self.line is not None:
                loc += f":{self.line}"
            parts.append(loc)
        if self.key:
            parts.append(f"[{self.key}]")
        return " ".join(parts)

    def __str__(self) -> str:
        text = self.message
        where = self.where()
        if where:
            text = f"{where}: {text}"
        for d in self.details:
            text += f"\n  {d}"
        if self.hint:
            text += "\n  " + _("hint: {hint}").format(hint=self.hint)
        return text

    def to_dict(self) -> dict:
        return {
            "error": self.message,
            "file": str(self.file) if self.file is not None else None,
            "key": self.key,
            "line": self.line,
            "hint": self.hint,
            "details": list(self.details),
        }


class ToolMissing(WorkbenchError):
    """A program the workbench needs (QEMU, Graphviz, a compiler) is not installed."""


def did_you_mean(word: str, choices, what: str = "") -> str | None:
    """'did you mean alloc-freelist?' for a misspelt name, or None when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return _("did you mean {name}?").format(name=close[0])
    return None


def valid_list(choices, limit: int = 12) -> str:
    items = sorted(choices)
    shown = ", ".join(items[:limit])
    if len(items) > limit:
        shown += ", … " + _("({count} in all)").format(count=len(items))
    return shown
