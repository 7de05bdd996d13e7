"""The boot timeline: when each telemetry phase was reached, as bars on a time axis."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..i18n import _

MARKED = ("phase", "ready", "panic", "exit")


def timeline_text(records, width: int = 40) -> Text:
    """The phases as bars; under them, the key that lists every record (t), so a record the
    timeline leaves out (the allocator's) is one key away."""
    events = [r for r in records if r.kind in MARKED]
    if not events:
        t = Text(_("boot timeline: no telemetry yet"), style="dim")
        if records:
            t.append("\n" + _("t: all {n} telemetry records").format(n=len(records)), "bold")
        return t
    end = max(r.t_ms for r in events) or 1.0
    t = Text(_("boot timeline") + "\n", style="bold")
    for r in events:
        label = r.fields.get("name") or r.fields.get("app") or r.kind
        label = f"{r.kind}:{label}" if r.kind != "phase" else label
        n = max(1, round(r.t_ms / end * width))
        style = "red" if r.kind == "panic" else "green" if r.kind == "ready" else "cyan"
        t.append(f"{label[:14]:<14} ", "dim")
        t.append("▇" * n, style)
        t.append(" " + _("{t_ms:.1f} ms").format(t_ms=r.t_ms) + "\n")
    t.append(_("t: all {n} telemetry records").format(n=len(records)), "bold")
    return t


class BootTimeline(Static):
    DEFAULT_CSS = """
    BootTimeline { height: auto; padding: 0 1; }
    """

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.records: list = []

    def set_records(self, records) -> None:
        self.records = list(records)
        width = max(4, (self.size.width or 60) - 28)
        self.update(timeline_text(self.records, width))
