"""Every telemetry record of the last run, as the guest wrote it: `kind key=value …`.

The boot timeline draws only the phases; a lesson may ask for another record (the allocator's
`alloc … used_bytes=…`). `t` on the Run screen shows this list in place of the build log; a
narrow column wraps a record's fields at their spaces.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..i18n import _


def records_text(records) -> Text:
    """One record a line (wrapped where it is long): time, kind, then its fields."""
    t = Text()
    t.append(_("telemetry records ({n})").format(n=len(records)) + "  ", "bold")
    t.append(_("t: back to the build log") + "\n", "dim")
    if not records:
        t.append(_("none yet: boot the image (r); the guest writes them as it runs"), "dim")
        return t
    for r in records:
        t.append(_("{t_ms:.1f} ms").format(t_ms=r.t_ms) + " ", "dim")
        t.append(r.kind, "bold cyan")
        if r.kind == "malformed":  # a line the guest wrote that is not a record: as it was
            t.append(f" {r.raw}")
        for key, value in r.fields.items():
            if key == "name":  # "check alloc-many result=pass": what it is, then the rest
                t.append(f" {value}", "cyan")
                continue
            t.append(f" {key}=", "dim")
            t.append(value, "bold")
        t.append("\n")
    t.rstrip()
    return t


class TelemetryList(VerticalScroll, can_focus=True):
    """The records, scrolled to the newest while the view is at its end."""

    DEFAULT_CSS = """
    TelemetryList { height: 1fr; padding: 0 1; background: $surface; }
    """

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.records: list = []

    def compose(self):
        yield Static(records_text([]), id="telemetry-text")

    def set_records(self, records) -> None:
        following = self.scroll_y >= self.max_scroll_y
        self.records = list(records)
        self.query_one("#telemetry-text", Static).update(records_text(self.records))
        if following:
            self.call_after_refresh(self.scroll_end, animate=False)
