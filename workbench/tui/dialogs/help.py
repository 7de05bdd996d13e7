"""The help screen: every key, where it works, and the words the workbench uses."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..i18n import N_, _

CONCEPTS = [
    ("component", N_("a library of the OS or the application, in kernels/lib/<name>/")),
    ("interface", N_("a contract components provide and require; one provider is chosen per recipe")),
    ("recipe", N_("what to build: application, providers, option values, layout, machine")),
    ("resolution", N_("recipe → every component needed, each with the reason it is there")),
    ("layout", N_("libos (one domain), monolithic (kernel + process), microkernel (servers + IPC)")),
    ("region", N_("a range of the address space owned by a component, a stack, a heap or a device")),
    ("lesson", N_("text plus steps; each step is checked against what you really built and booted")),
    ("exercise", N_("a built-in component with parts taken out: start copies it, you fill the TODOs")),
    ("workspace", N_("your folder (--workspace, WB_WORKSPACE); your copy replaces the built-in one")),
    ("grade", N_("build and boot test kernels with your copy; each named check scores points")),
    ("editor", N_("e opens $VISUAL or $EDITOR (else nano, else vi) and returns here when it exits")),
]


def key_table(sections: list[tuple[str, list]]) -> Table:
    """Each section's keys and what they do, in the workbench's language (a binding's id is
    for remapping keys in code, not for the learner, so it is not shown)."""
    t = Table(box=None, expand=True, show_header=False, pad_edge=False)
    t.add_column(_("key"), style="bold yellow", width=14)
    t.add_column(_("action"), ratio=1)
    for title, bindings in sections:
        t.add_row(Text(title, style="bold underline"), "")
        for b in bindings:
            if b.description:  # one with none is a key for the code, not for the learner
                t.add_row(b.key_display or b.key, _(b.description))
    return t


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", N_("Close"), id="help-close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 110; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, sections: list[tuple[str, list]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("[b]Unikernel Workbench — keys[/b]   [dim]Esc closes · Ctrl+P opens the "
                           "command palette, which lists every action[/dim]\n"))
            yield Static(key_table(self.sections))
            concepts = Text("\n" + _("Words used here") + "\n", style="bold")
            for word, meaning in CONCEPTS:
                concepts.append(f"  {word:<11}", "bold cyan")
                concepts.append(f"{_(meaning)}\n")
            yield Static(concepts)

    def on_mount(self) -> None:
        # toasts would sit over the keys: what they said is old news once help is open
        self.app.clear_notifications()
