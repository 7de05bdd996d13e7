"""The symbols of one memory region: address, size, kind, name."""

from __future__ import annotations

from textual.widgets import DataTable

from ..i18n import _
from ..session import human_bytes


class SymbolTable(DataTable):
    DEFAULT_CSS = """
    SymbolTable { height: 1fr; }
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns(_("address"), _("size"), _("kind"), _("symbol"))

    def show(self, region) -> None:
        self.clear()
        symbols = sorted(region.symbols, key=lambda s: s.addr) if region is not None else []
        for s in symbols:
            self.add_row(f"{s.addr:#010x}", human_bytes(s.size), s.kind, s.name)
        # Tab from the map skips an empty table: there is nothing in it to move through
        self.can_focus = bool(symbols)
