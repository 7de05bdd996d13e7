"""The state of the current run: running, success, panic (with its report), triple fault..."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..i18n import N_, _

STATUS_STYLE = {
    N_("idle"): "dim", N_("building"): "bold cyan", N_("booting"): "bold cyan",
    N_("running"): "bold cyan", N_("paused"): "bold yellow", N_("success"): "bold green",
    N_("failure"): "bold red", N_("panic"): "bold white on red",
    N_("triple-fault"): "bold white on red", N_("timeout"): "bold yellow",
    N_("stopped"): "yellow", N_("error"): "bold red", N_("build failed"): "bold red",
}  # a run's status, shown translated


def _ms(v) -> str:
    return "—" if v is None else f"{v:.1f} ms"


class RunStatus(Static):
    DEFAULT_CSS = """
    RunStatus { height: auto; padding: 0 1; background: $boost; }
    """

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.status = "idle"
        self.first_output_ms = None
        self.ready_ms = None
        self.duration_ms = None
        self.panic = None
        self.detail = ""
        self.symbol = None

    def set(self, status: str, detail: str = "", **times) -> None:
        self.status = status
        self.detail = detail
        for k, v in times.items():
            setattr(self, k, v)
        self.render_status()

    def reset(self) -> None:
        self.first_output_ms = self.ready_ms = self.duration_ms = None
        self.panic = None
        self.symbol = None
        self.detail = ""

    def render_status(self) -> None:
        t = Text()
        t.append(f" {_(self.status)} ", STATUS_STYLE.get(self.status, "bold"))
        if self.detail:
            t.append(f" {self.detail}", "dim")
        t.append("   " + _("first output") + " ", "dim")
        t.append(_ms(self.first_output_ms))
        t.append("   " + _("ready") + " ", "dim")
        t.append(_ms(self.ready_ms))
        if self.duration_ms is not None:
            t.append("   " + _("total") + " ", "dim")
            t.append(_ms(self.duration_ms))
        if self.panic:
            p = self.panic
            t.append("\n " + _("panic:") + " ", "bold red")
            t.append(_(str(p.get("name", "panic"))), "bold")
            if p.get("vector") is not None:
                t.append(" " + _("(vector {vector})").format(vector=p["vector"]))
            for key in ("error", "rip", "cr2"):
                if p.get(key) is not None:
                    t.append(f"  {key}=", "dim")
                    t.append(f"{p[key]:#x}")
            if self.symbol:
                t.append("  " + _("in") + " ", "dim")
                t.append(self.symbol, "bold yellow")
            extra = {k: v for k, v in p.items()
                     if k not in ("vector", "name", "error", "rip", "cr2") and v is not None}
            if extra:
                t.append("  " + " ".join(f"{k}={v}" for k, v in extra.items()), "dim")
        self.update(t)
