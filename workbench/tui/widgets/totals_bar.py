"""Running totals of the assembled image: components, lines of code, bytes after a build."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..i18n import _
from ..session import human_bytes


class TotalsBar(Static):
    """One row above the tabs: the recipe, its components and lines, the image's size. When
    the row does not fit (80 columns, Japanese), the least needed parts go first — the size
    in memory, then the lines — so the tabs below never move down."""

    DEFAULT_CSS = """
    TotalsBar { height: 1; padding: 0 1; background: $boost; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._parts: list[tuple[Text, int]] = []  # (text, left out first when higher)

    def refresh_from(self, session) -> None:
        t = session.totals()
        name = session.recipe.name if session.recipe else _("(no recipe)")
        head = Text(name, "bold")
        path = getattr(session.recipe, "path", None)
        if path is not None and path.stem != name:  # my-hello.toml, whose recipe is "hello"
            head.append(f" ({path.name})", "italic")
        if session.dirty:
            head.append(" *", "bold yellow")
        parts = [(head, 0), (self._pair(_("components"), str(t.components)), 0),
                 (self._pair(_("lines"), f"{t.lines:,}"), 2)]
        if t.image_bytes is None:
            parts.append((Text.assemble("  ", (_("image"), "dim"), " ",
                                        (_("— (build with b)"), "dim")), 0))
        else:
            parts.append((self._pair(_("image"), human_bytes(t.image_bytes)), 0))
            parts.append((Text(" " + _("({size} in memory)").format(
                size=human_bytes(t.memory_bytes)), "dim"), 3))
            if t.stale:
                parts.append((Text(" " + _("last build"), "italic yellow"), 1))
        if session.error is not None:
            parts.append((Text("  " + _("✗ does not resolve"), "bold red"), 0))
        self._parts = parts
        self.refresh()

    @staticmethod
    def _pair(label: str, value: str) -> Text:
        return Text.assemble("  ", (label, "dim"), " ", (value, "bold"))

    def on_resize(self) -> None:
        self.refresh()

    def render(self) -> Text:
        room = self.content_region.width or self.app.size.width - 2
        parts = list(self._parts)
        while parts and sum(p.cell_len for p, _rank in parts) > room:
            worst = max(rank for _p, rank in parts)
            if worst == 0:
                break
            parts = [(p, rank) for p, rank in parts if rank != worst]
        return Text("").join(p for p, _rank in parts)
