"""One operating-system design in a column: its domains, crossings on the request path, TCB."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..i18n import _
from ..session import human_bytes

KIND_STYLE = {"call": ("call", "green"), "trap": ("TRAP", "bold yellow"),
              "ipc": ("IPC", "bold magenta")}


def traps(model) -> int:
    """Traps on one request's path: each IPC exchange is two (the call in, the reply back)."""
    return model.counts["trap"] + 2 * model.counts["ipc"]


def layout_text(model, current: bool = False, built: bool = False) -> Text:
    """The column of one layout; `current`: the recipe's own layout, `built`: and its image is
    built (its bytes are measured, not estimated)."""
    t = Text()
    t.append(_(model.title), "bold underline")
    if current:
        t.append("  " + (_("◀ built") if built else _("◀ this recipe's layout")), "bold green")
    t.append(f"\n{_(model.note)}\n", "italic dim")
    t.append("\n" + _("Protection domains") + "\n", "bold")
    for d in model.domains:
        ring = "ring 0" if d.privileged else "ring 3"
        t.append(" ▮ " if d.privileged else " ▯ ", "red" if d.privileged else "cyan")
        t.append(f"{d.name}", "bold")
        t.append(f" ({ring})\n", "red" if d.privileged else "cyan")
        names = ", ".join(d.components)
        t.append(f"   {names}\n")
        if d.libraries:
            t.append("   " + _("+ copy of {libraries}").format(libraries=", ".join(d.libraries))
                     + "\n", "dim")
    counts = model.counts
    t.append("\n" + _("One request's path") + "\n", "bold")
    t.append(" " + _("{n} traps").format(n=traps(model)), "bold yellow")
    t.append(" · ")
    t.append(_("{n} IPC exchanges").format(n=counts["ipc"]), "bold magenta")
    if counts["ipc"]:
        t.append(" " + _("(2 traps each)"), "magenta")
    t.append(" · ")
    t.append(_("{n} plain calls").format(n=counts["call"]) + "\n", "green")
    for hop in model.path:
        label, style = KIND_STYLE[hop.kind]
        t.append(f" {label:<4} ", style)
        t.append(f"{hop.caller} ")
        t.append(f"─{hop.interface}→ ", "dim")
        t.append(f"{hop.callee}\n")
    t.append("\n" + _("Trusted computing base (privileged)") + "\n", "bold")
    t.append(" " + _("{n} components,").format(n=len(model.tcb_components)) + " ")
    t.append(_("{tcb_lines:,} lines").format(tcb_lines=model.tcb_lines), "bold")
    t.append(", ")
    t.append(human_bytes(model.tcb_bytes) if model.tcb_bytes is not None else _("— bytes (build)"),
             "bold" if model.tcb_bytes is not None else "dim")
    t.append("\n")
    if model.measured:
        t.append("\n" + _("Measured") + "\n", "bold")
        for k, v in model.measured.items():
            t.append(f" {k}: ", "dim")
            t.append(f"{v}\n", _measured_style(k, v))
    return t


def _measured_style(key: str, value: str) -> str:
    """A run that ended well and plain numbers in green; anything else stands out."""
    if key != "status":
        return "bold green"
    if value == "success" or value.startswith("ready"):
        return "bold green"
    return "bold yellow"


class LayoutColumn(Static):
    DEFAULT_CSS = """
    LayoutColumn { width: 1fr; height: auto; padding: 0 1; border: round $primary-muted; }
    LayoutColumn.-current { border: round $success; }
    """

    def show(self, model, current: bool = False, built: bool = False) -> None:
        self.set_class(current, "-current")
        self.update(layout_text(model, current, built))
