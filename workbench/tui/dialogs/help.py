"""The help screen: every key, where it works, and the words the workbench uses."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

CONCEPTS = [
    ("component", "a library of the OS or the application, in kernels/lib/<name>/"),
    ("interface", "a contract components provide and require; one provider is chosen per recipe"),
    ("recipe", "what to build: application, providers, option values, layout, machine"),
    ("resolution", "recipe → every component needed, each with the reason it is there"),
    ("layout", "libos (one domain), monolithic (kernel + process), microkernel (servers + IPC)"),
    ("region", "a range of the address space owned by a component, a stack, a heap or a device"),
    ("lesson", "text plus steps; each step is checked against what you really built and booted"),
    ("exercise", "a built-in component with parts taken out: start copies it, you fill the TODOs"),
    ("workspace", "your folder (--workspace, WB_WORKSPACE); your copy replaces the built-in one"),
    ("grade", "build and boot test kernels with your copy; each named check scores points"),
    ("editor", "e opens $VISUAL or $EDITOR (else nano, else vi) and returns here when it exits"),
]


def key_table(sections: list[tuple[str, list]]) -> Table:
    t = Table(box=None, expand=True, show_header=False, pad_edge=False)
    t.add_column("key", style="bold yellow", width=14)
    t.add_column("action")
    t.add_column("id", style="dim")
    for title, bindings in sections:
        t.add_row(Text(title, style="bold underline"), "", "")
        for b in bindings:
            t.add_row(b.key_display or b.key, b.description or b.action, b.id or "")
    return t


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", "Close", id="help-close")]
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
            yield Static("[b]Unikernel Workbench — keys[/b]   [dim]Esc closes · Ctrl+P opens the "
                         "command palette, which lists every action[/dim]\n")
            yield Static(key_table(self.sections))
            concepts = Text("\nWords used here\n", style="bold")
            for word, meaning in CONCEPTS:
                concepts.append(f"  {word:<11}", "bold cyan")
                concepts.append(f"{meaning}\n")
            concepts.append("\nKeys can be remapped by binding id (App.set_keymap).", "dim")
            yield Static(concepts)
