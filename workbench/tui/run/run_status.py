"""The state of the current run: running, success, panic (with its report), triple fault..."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

STATUS_STYLE = {
    "idle": "dim", "building": "bold cyan", "booting": "bold cyan", "running": "bold cyan",
    "paused": "bold yellow", "success": "bold green", "failure": "bold red",
    "panic": "bold white on red", "triple-fault": "bold white on red", "timeout": "bold yellow",
    "stopped": "yellow", "error": "bold red", "build failed": "bold red",
}


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
        t.append(f" {self.status} ", STATUS_STYLE.get(self.status, "bold"))
        if self.detail:
            t.append(f" {self.detail}", "dim")
        t.append("   first output ", "dim")
        t.append(_ms(self.first_output_ms))
        t.append("   ready ", "dim")
        t.append(_ms(self.ready_ms))
        if self.duration_ms is not None:
            t.append("   total ", "dim")
            t.append(_ms(self.duration_ms))
        if self.panic:
            p = self.panic
            t.append("\n panic: ", "bold red")
            t.append(str(p.get("name", "panic")), "bold")
            if p.get("vector") is not None:
                t.append(f" (vector {p['vector']})")
            for key in ("error", "rip", "cr2"):
                if p.get(key) is not None:
                    t.append(f"  {key}=", "dim")
                    t.append(f"{p[key]:#x}")
            if self.symbol:
                t.append("  in ", "dim")
                t.append(self.symbol, "bold yellow")
            extra = {k: v for k, v in p.items()
                     if k not in ("vector", "name", "error", "rip", "cr2") and v is not None}
            if extra:
                t.append("  " + " ".join(f"{k}={v}" for k, v in extra.items()), "dim")
        self.update(t)
