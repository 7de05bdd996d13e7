"""The component catalogue grouped by layer; included components are ticked."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tree

from workbench.core.model.catalogue import LAYERS

from ..i18n import _
from ..messages import ComponentSelected


class CatalogueTree(Tree[str]):
    DEFAULT_CSS = """
    CatalogueTree { width: 100%; height: 1fr; }
    """

    def __init__(self, **kw) -> None:
        super().__init__("catalogue", **kw)
        self.show_root = False
        self.guide_depth = 2
        self._signature: tuple | None = None

    def refresh_from(self, session) -> None:
        cat = session.catalogue
        if cat is None:
            self.clear()
            return
        included = set(session.resolution.included) if session.resolution else set()
        signature = (tuple(sorted(cat.components)), tuple(sorted(included)))
        if signature == self._signature:
            return
        self._signature = signature
        selected = self.cursor_node.data if self.cursor_node else None
        self.clear()
        by_layer: dict[str, list] = {}
        for c in cat.components.values():
            by_layer.setdefault(c.layer, []).append(c)
        cursor_line = None
        for layer in LAYERS:
            comps = sorted(by_layer.get(layer, []), key=lambda c: c.name)
            if not comps:
                continue
            n_in = sum(1 for c in comps if c.name in included)
            branch = self.root.add(Text.assemble((layer, "bold"), (f"  {n_in}/{len(comps)}", "dim")),
                                   data=None, expand=True)
            for c in comps:
                mark = ("✓ ", "green") if c.name in included else ("· ", "dim")
                label = Text.assemble(mark, (c.name, "" if c.name in included else "dim"))
                if c.origin != "built-in":
                    label.append(" " + _("(yours)"), "italic cyan")
                node = branch.add_leaf(label, data=c.name)
                if c.name == selected:
                    cursor_line = node
        if cursor_line is not None:
            self.call_after_refresh(self.move_cursor, cursor_line)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        if event.node.data:
            self.post_message(ComponentSelected(event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if event.node.data:
            self.post_message(ComponentSelected(event.node.data))
