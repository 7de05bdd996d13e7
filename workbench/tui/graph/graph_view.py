"""The dependency graph drawn in the terminal: a Line-API widget over a `GraphGrid`.

Only the visible rows are rendered, one `Strip` each, cached until the selection changes. The
selected component's ancestors (what pulls it in) and descendants (what it pulls in) are
coloured, and with "why" on, the chain of requirements from the image to it stands out.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

import networkx as nx
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.core.inspect.graph import LAYER_COLOURS

from ..i18n import N_
from .grid import GraphGrid, line_char

EDGE = Style(color="#6c757d")
EDGE_UP = Style(color="#4ea8de", bold=True)
EDGE_DOWN = Style(color="#90be6d", bold=True)
EDGE_WHY = Style(color="#ff6b6b", bold=True)
LABEL = Style(color="#e9ecef")
EDGE_LABEL = Style(color="#adb5bd", italic=True)
SELECTED = Style(color="#000000", bgcolor="#ffd166", bold=True)
BLANK = Style()


@dataclass
class Highlight:
    selected: str | None
    ancestors: set[str]
    descendants: set[str]
    why: set[str]


class GraphView(ScrollView, can_focus=True):
    """Boxes and orthogonal edges; arrows, Tab and the mouse move the selection."""

    DEFAULT_CSS = """
    GraphView { background: $surface; }
    """
    BINDINGS = [
        Binding("up", "move('up')", N_("Up"), show=False, id="graph-up"),
        Binding("down", "move('down')", N_("Down"), show=False, id="graph-down"),
        Binding("left", "move('left')", N_("Left"), show=False, id="graph-left"),
        Binding("right", "move('right')", N_("Right"), show=False, id="graph-right"),
        Binding("tab", "cycle(1)", N_("Next"), show=False, id="graph-next"),
        Binding("shift+tab", "cycle(-1)", N_("Previous"), show=False, id="graph-prev"),
        Binding("w", "toggle_why", N_("Why here?"), id="graph-why"),
    ]

    class NodeSelected(Message):
        def __init__(self, name: str | None) -> None:
            super().__init__()
            self.name = name

    selected: reactive[str | None] = reactive(None, init=False)
    why: reactive[bool] = reactive(True, init=False)

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.grid: GraphGrid | None = None
        self.node_layers: dict[str, str] = {}
        self.graph: nx.DiGraph | None = None
        self.chains: dict[str, list[str]] = {}
        self._cache: dict[int, Strip] = {}
        self._hl = Highlight(None, set(), set(), set())
        self._lit: tuple = (None, {})

    # ------------------------------------------------------------------ data

    def set_graph(self, grid: GraphGrid, graph: nx.DiGraph, layers: dict[str, str],
                  chains: dict[str, list[str]]) -> None:
        self.grid = grid
        self.graph = graph
        self.node_layers = layers
        self.chains = chains
        self._cache.clear()
        self.virtual_size = Size(grid.width, grid.height)
        # a new graph is read from the top (the image, its root) unless the selection is
        # further down, in which case _scroll_to_selected brings it into view
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.call_after_refresh(self._scroll_to_selected)
        if self.selected not in grid.boxes:
            self.selected = next(iter(chains), None) if chains else None
        self._recompute()
        self.refresh()

    def _recompute(self) -> None:
        sel = self.selected
        g = self.graph
        if sel is None or g is None or sel not in g:
            self._hl = Highlight(sel, set(), set(), set())
        else:
            self._hl = Highlight(sel, set(nx.ancestors(g, sel)), set(nx.descendants(g, sel)),
                                 set(self.chains.get(sel, [])) if self.why else set())
        self._lit = (None, {})
        self._cache.clear()

    def watch_selected(self, _old, new) -> None:
        self._recompute()
        self.refresh()
        self.post_message(self.NodeSelected(new))
        self.call_after_refresh(self._scroll_to_selected)

    def watch_why(self) -> None:
        self._recompute()
        self.refresh()

    def _scroll_to_selected(self) -> None:
        if self.grid and self.selected in self.grid.boxes:
            b = self.grid.boxes[self.selected]
            box = Region(b.x, max(b.y - 1, 0), b.w, b.h + 1)  # with the labelled arrows into it
            view = Region(round(self.scroll_x), round(self.scroll_y), *self.scrollable_content_region.size)
            if view.contains_region(box):
                return  # already in sight: moving the view would only lose its context
            self.scroll_to_region(box, spacing=None, animate=False, force=True)

    # ------------------------------------------------------------------ input

    def action_toggle_why(self) -> None:
        self.why = not self.why

    def action_cycle(self, step: int) -> None:
        if not self.grid or not self.grid.boxes:
            return
        order = sorted(self.grid.boxes.values(), key=lambda b: (b.y, b.x))
        names = [b.name for b in order]
        i = names.index(self.selected) if self.selected in names else -1
        self.selected = names[(i + step) % len(names)]

    def action_move(self, direction: str) -> None:
        if not self.grid or not self.grid.boxes:
            return
        if self.selected not in self.grid.boxes:
            self.action_cycle(1)
            return
        cur = self.grid.boxes[self.selected]
        best, best_score = None, None
        for b in self.grid.boxes.values():
            if b.name == cur.name:
                continue
            dx, dy = b.cx - cur.cx, (b.y - cur.y)
            if direction == "up" and dy >= 0 or direction == "down" and dy <= 0:
                continue
            if direction == "left" and (dx >= 0 or dy != 0 and abs(dy) > abs(dx)):
                if not (dx < 0 and dy == 0):
                    continue
            if direction == "right" and (dx <= 0 or dy != 0 and abs(dy) > abs(dx)):
                if not (dx > 0 and dy == 0):
                    continue
            score = abs(dy) * 4 + abs(dx) if direction in ("up", "down") else abs(dx) + abs(dy) * 8
            if best_score is None or score < best_score:
                best, best_score = b.name, score
        if best:
            self.selected = best

    def on_click(self, event: events.Click) -> None:
        if not self.grid:
            return
        col = event.x + int(self.scroll_x)
        row = event.y + int(self.scroll_y)
        name = self.grid.node_at(col, row)
        if name:
            self.selected = name
        self.focus()

    # ------------------------------------------------------------------ drawing

    def _lit_edges(self) -> dict[int, tuple[int, Style]]:
        """Edge index -> (priority, style) of every edge the selection colours, worked out once
        per selection: the chain from the image (why), what pulls the selected component in
        (up) and what it pulls in (down)."""
        hl = self._hl
        key = (id(hl), hl.selected, len(hl.why))
        if self._lit[0] == key:
            return self._lit[1]
        lit: dict[int, tuple[int, Style]] = {}
        if hl.selected is not None and self.grid is not None:
            up, down = hl.ancestors | {hl.selected}, hl.descendants | {hl.selected}
            for i, (tail, head, _iface) in enumerate(self.grid.edges):
                if tail in hl.why and head in hl.why:
                    lit[i] = (3, EDGE_WHY)
                elif tail in up and head in up:
                    lit[i] = (2, EDGE_UP)
                elif tail in down and head in down:
                    lit[i] = (1, EDGE_DOWN)
        self._lit = (key, lit)
        return lit

    def _edge_style(self, edges: set[int]) -> Style:
        lit = self._lit_edges()
        best = (0, EDGE)
        for i in edges & lit.keys():
            if lit[i] > best:
                best = lit[i]
        return best[1]

    def _box_style(self, name: str) -> tuple[Style, Style]:
        hl = self._hl
        colour = LAYER_COLOURS.get(self.node_layers.get(name, ""), "#adb5bd")
        if name == hl.selected:
            return SELECTED, SELECTED
        if name in hl.why:
            return Style(color="#ff6b6b", bold=True), Style(color="#ff6b6b", bold=True)
        if name in hl.ancestors:
            return Style(color="#4ea8de", bold=True), Style(color="#4ea8de")
        if name in hl.descendants:
            return Style(color="#90be6d", bold=True), Style(color="#90be6d")
        return Style(color=colour), LABEL

    def render_full_line(self, row: int) -> Strip:
        """One row of the whole graph (not scrolled), cached."""
        hit = self._cache.get(row)
        if hit is not None:
            return hit
        grid = self.grid
        if grid is None or row >= grid.height:
            return Strip.blank(grid.width if grid else 0)
        chars = [" "] * grid.width
        styles = [BLANK] * grid.width
        for col in grid.rows.get(row, ()):
            bits, edges = grid.cells[(row, col)]
            chars[col] = line_char(bits)
            styles[col] = self._edge_style(edges)
        for b in grid.row_boxes.get(row, ()):
            self._draw_box(b, row, chars, styles)
        for mark, col, what in grid.row_marks.get(row, ()):
            if mark is None:  # an interface's name beside its arrow
                style = self._edge_style(what.edges)
                style = EDGE_LABEL if style is EDGE else style
                chars[col:col + len(what.text)] = what.text
                styles[col:col + len(what.text)] = [style] * len(what.text)
            else:  # an arrow ▼, or a line out of a box (┬, ╤ out of the image's)
                chars[col] = mark
                if mark == "▼":
                    styles[col] = self._edge_style(what)
        segments = []
        start = 0
        for _key, run in groupby(styles, key=id):
            end = start + len(list(run))
            segments.append(Segment("".join(chars[start:end]), styles[start]))
            start = end
        strip = Strip(segments, grid.width)
        self._cache[row] = strip
        return strip

    def _draw_box(self, b, row: int, chars: list[str], styles: list[Style]) -> None:
        """One row of a box: its border, or its name in full (the box is as wide as the name)."""
        border, label = self._box_style(b.name)
        h, v, corners = ("═", "║", "╔╗╚╝") if b.image else ("─", "│", "╭╮╰╯")
        inner = b.w - 2
        if row == b.y:
            text, sty = corners[0] + h * inner + corners[1], [border] * b.w
        elif row == b.y + b.h - 1:
            text, sty = corners[2] + h * inner + corners[3], [border] * b.w
        else:
            left = (inner - len(b.label)) // 2  # an odd space goes to the right
            text = v + (" " * left + b.label).ljust(inner) + v
            sty = [border] + [label] * inner + [border]
        chars[b.x:b.x + b.w] = text
        styles[b.x:b.x + b.w] = sty

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        strip = self.render_full_line(y + scroll_y)
        strip = strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)
        return strip.apply_style(self.rich_style)
