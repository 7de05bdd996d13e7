"""Graph: the dependency graph of the resolution, with the selected component's context."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from workbench.core.inspect.graph import LAYER_COLOURS, domain_clusters, node_label

from ..i18n import N_, _, language, reason
from ..pane import Pane
from .graph_view import GraphView


def legend() -> Text:
    t = Text("\n")
    t.append("■ ", "#ffd166")
    t.append(_("selected") + "  ")
    t.append("■ ", "#4ea8de")
    t.append(_("pulls it in") + "  ")
    t.append("■ ", "#90be6d")
    t.append(_("it pulls in") + "  ")
    t.append("■ ", "#ff6b6b")
    t.append(_("why (chain)") + "\n")
    for layer, colour in LAYER_COLOURS.items():
        t.append("■", colour)
        t.append(f"{layer} ", "dim")
    return t


class GraphPane(Pane, Vertical):
    FOCUS = "#graph-view"
    BINDINGS = [
        Binding("e", "app.export_graph", N_("Export"), id="graph-export"),
    ]

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.session = None
        self.exported: str | None = None
        self._domains: tuple = (None, {})  # (resolution, component -> its domain's title)

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield GraphView(id="graph-view")
            with Vertical(id="graph-side"):
                yield Static("", id="graph-info")
                yield Static(legend(), id="graph-legend")
        yield Static("", id="graph-status")

    def refresh_from(self, session) -> None:
        self.session = session

    def set_message(self, text: Text | str) -> None:
        self.query_one("#graph-status", Static).update(text)

    def describe(self, name: str | None) -> None:
        s = self.session
        info = self.query_one("#graph-info", Static)
        if s is None or s.resolution is None or not name:
            info.update("")
            return
        res = s.resolution
        view = self.query_one(GraphView)
        t = Text()
        if name not in res.included:
            t.append(f"{node_label(res, name)}\n", "bold")
            t.append(_("the image itself: the roots of the resolution are the application and the "
                       "boot interface"), "dim")
            info.update(t)
            return
        comp = res.catalogue.components[name]
        inc = res.included[name]
        t.append(f"{name}", "bold")
        t.append(f" [{comp.layer}]\n", "dim")
        t.append(comp.text("summary", language()) + "\n")
        domain = self.domain_of(res, name)
        if domain:
            t.append(_("runs in: {domain}").format(domain=domain) + "\n", "dim")
        t.append("\n")
        t.append(_("why is this here?") + "\n", "bold #ff6b6b")
        t.append(f"{reason(inc)}\n")
        chain = inc.chain
        for i, node in enumerate(chain):
            if i:
                iface = res.graph.edges[chain[i - 1], node].get("interface", "") \
                    if res.graph.has_edge(chain[i - 1], node) else ""
                t.append(f"{'  ' * i}└─{iface}→ ", "dim")
            t.append(f"{node_label(res, node)}\n", "#ff6b6b" if node == name else "")
        hl = view._hl
        t.append("\n" + _("pulled in by {n}").format(n=len(hl.ancestors)), "#4ea8de")
        t.append(" · ")
        t.append(_("pulls in {n}").format(n=len(hl.descendants)) + "\n", "#90be6d")
        if self.exported:
            t.append("\n" + _("exported: {exported}").format(exported=self.exported), "green")
        info.update(t)

    def domain_of(self, res, name: str) -> str | None:
        """The protection domain `name` runs in, in the recipe's layout (libraries, copied into
        each domain, have none)."""
        if self._domains[0] is not res:
            self._domains = (res, {n: title for title, names in domain_clusters(res) for n in names})
        return self._domains[1].get(name)

    def on_graph_view_node_selected(self, event: GraphView.NodeSelected) -> None:
        self.describe(event.name)
