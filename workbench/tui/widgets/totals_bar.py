"""Running totals of the assembled image: components, lines of code, bytes after a build."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..i18n import _
from ..session import human_bytes


class TotalsBar(Static):
    DEFAULT_CSS = """
    TotalsBar { height: auto; padding: 0 1; background: $boost; }
    """

    def refresh_from(self, session) -> None:
        t = session.totals()
        text = Text()
        name = session.recipe.name if session.recipe else _("(no recipe)")
        text.append(name, "bold")
        if session.dirty:
            text.append(" *", "bold yellow")
        text.append("  " + _("components") + " ", "dim")
        text.append(str(t.components), "bold")
        text.append("  " + _("lines") + " ", "dim")
        text.append(f"{t.lines:,}", "bold")
        text.append("  " + _("image") + " ", "dim")
        if t.image_bytes is None:
            text.append(_("— (build with b)"), "dim")
        else:
            text.append(human_bytes(t.image_bytes), "bold")
            text.append(" " + _("({size} in memory)").format(size=human_bytes(t.memory_bytes)),
                        "dim")
            if t.stale:
                text.append(" " + _("last build"), "italic yellow")
        if session.error is not None:
            text.append("  " + _("✗ does not resolve"), "bold red")
        self.update(text)
