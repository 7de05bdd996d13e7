"""Turning Graphviz positions into a character grid: boxes and orthogonal edges.

`graph.layout()` gives node centres and edge splines in points. Here they become terminal cells:
each rank (row of nodes) gets a band of rows, columns are scaled so no two boxes of one rank
overlap, and every edge is drawn as vertical and horizontal runs — down out of its tail, along a
lane in the gap under the rank, down through the gaps Graphviz left between the boxes of any
ranks it skips, and into the top of its head. Line-drawing characters are chosen per cell from
the directions that meet there, so crossings and joins come out as ┼ ┬ ├ and friends.

Pure data, no Textual: the widget only asks for one row at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

N, S, E, W = 1, 2, 4, 8
LINE_CHARS = {
    N | S: "│", E | W: "─", S | E: "┌", S | W: "┐", N | E: "└", N | W: "┘",
    N | S | E: "├", N | S | W: "┤", S | E | W: "┬", N | E | W: "┴", N | S | E | W: "┼",
    N: "│", S: "│", E: "─", W: "─",
}
BOX_H = 3
GAP = 4  # rows between ranks: three lanes and the arrow row
LANES = GAP - 1
POINTS_PER_COL = 6.5


@dataclass
class Box:
    name: str
    label: str
    x: int  # left column
    y: int  # top row
    w: int
    h: int = BOX_H
    rank: int = 0

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    def contains(self, col: int, row: int) -> bool:
        return self.x <= col < self.x + self.w and self.y <= row < self.y + self.h


@dataclass
class GraphGrid:
    width: int
    height: int
    boxes: dict[str, Box]
    edges: list[tuple[str, str, str]]  # (tail, head, interface)
    # (row, col) -> [direction bits, indices of the edges passing through]
    cells: dict[tuple[int, int], list] = field(default_factory=dict)
    arrows: dict[tuple[int, int], set[int]] = field(default_factory=dict)
    rows: dict[int, list[int]] = field(default_factory=dict)  # row -> sorted columns used

    def node_at(self, col: int, row: int) -> str | None:
        for b in self.boxes.values():
            if b.contains(col, row):
                return b.name
        return None

    # ---------------------------------------------------------------- drawing edges

    def mark(self, row: int, col: int, bits: int, edge: int) -> None:
        cell = self.cells.setdefault((row, col), [0, set()])
        cell[0] |= bits
        cell[1].add(edge)

    def vline(self, col: int, r0: int, r1: int, edge: int) -> None:
        if r0 == r1:
            return
        lo, hi = min(r0, r1), max(r0, r1)
        for r in range(lo, hi + 1):
            self.mark(r, col, (N if r > lo else 0) | (S if r < hi else 0), edge)

    def hline(self, row: int, c0: int, c1: int, edge: int) -> None:
        if c0 == c1:
            return
        lo, hi = min(c0, c1), max(c0, c1)
        for c in range(lo, hi + 1):
            self.mark(row, c, (W if c > lo else 0) | (E if c < hi else 0), edge)

    def index_rows(self) -> None:
        """Which columns of each row carry an edge, for drawing one row at a time."""
        for (r, c) in self.cells:
            self.rows.setdefault(r, []).append(c)
        for r in self.rows:
            self.rows[r].sort()


@dataclass
class Ranks:
    """The nodes Graphviz put at the same height, and how points become columns."""

    ys: list[int]  # the height of each rank in points, top first
    of_y: dict[int, int]  # height -> rank
    members: dict[int, list]  # rank -> its nodes, left to right
    scale: float = 1.0  # columns per point
    shift: int = 0  # columns added after scaling, so the leftmost box starts at column 1

    @classmethod
    def of_nodes(cls, nodes) -> Ranks:
        ys = sorted({round(n.y) for n in nodes})
        of_y = {y: i for i, y in enumerate(ys)}
        members: dict[int, list] = {}
        for n in nodes:
            members.setdefault(of_y[round(n.y)], []).append(n)
        for row in members.values():
            row.sort(key=lambda n: n.x)
        return cls(ys, of_y, members)

    def rank(self, node) -> int:
        return self.of_y[round(node.y)]

    def column(self, x: float) -> int:
        return round(x * self.scale) + self.shift


def _x_at(points: list[tuple[float, float]], y: float) -> float | None:
    """Where the edge's polyline crosses the height y (linear between control points)."""
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        lo, hi = min(y0, y1), max(y0, y1)
        if lo <= y <= hi:
            if hi == lo:
                return x0
            return x0 + (x1 - x0) * (y - y0) / (y1 - y0)
    return None


def build_grid(nodes, edges, labels: dict[str, str] | None = None) -> GraphGrid:
    """A grid from `graph.layout()`'s NodeBox and EdgeLine lists: boxes placed rank by rank,
    then every edge routed between them."""
    labels = labels or {}
    if not nodes:
        return GraphGrid(0, 0, {}, [])
    ranks = Ranks.of_nodes(nodes)
    widths = {n.name: len(labels.get(n.name, n.name)) + 4 for n in nodes}
    ranks.scale = _scale(ranks, widths)
    boxes = _place_boxes(nodes, ranks, labels, widths)
    width = max(b.x + b.w for b in boxes.values()) + 2
    height = max(b.y + b.h for b in boxes.values()) + 1
    grid = GraphGrid(width, height, boxes, [])
    _route_edges(grid, edges, ranks)
    grid.index_rows()
    return grid


def _scale(ranks: Ranks, widths: dict[str, int]) -> float:
    """The smallest scale that keeps at least two columns between neighbours in every rank.

    Graphviz spaces nodes for proportional fonts, which is wider than a terminal needs.
    """
    scale = 1.0 / (POINTS_PER_COL * 3)
    for members in ranks.members.values():
        for a, b in zip(members, members[1:]):
            need = (widths[a.name] + widths[b.name]) / 2 + 2
            dx = max(b.x - a.x, 1.0)
            scale = max(scale, need / dx)
    return scale


def _place_boxes(nodes, ranks: Ranks, labels: dict[str, str],
                 widths: dict[str, int]) -> dict[str, Box]:
    """A box per node at its scaled position; sets `ranks.shift`."""
    boxes: dict[str, Box] = {}
    for n in nodes:
        w = widths[n.name]
        r = ranks.rank(n)
        boxes[n.name] = Box(n.name, labels.get(n.name, n.name), round(n.x * ranks.scale - w / 2),
                            r * (BOX_H + GAP), w, BOX_H, r)
    # Keep the rank order of Graphviz but also no overlaps after rounding.
    for members in ranks.members.values():
        prev_end = None
        for n in members:
            b = boxes[n.name]
            if prev_end is not None and b.x < prev_end + 2:
                b.x = prev_end + 2
            prev_end = b.x + b.w
    ranks.shift = 1 - min(b.x for b in boxes.values())
    for b in boxes.values():
        b.x += ranks.shift
    return boxes


def _ports(boxes: dict[str, Box], edges: list) -> tuple[dict[int, int], dict[int, int]]:
    """(exit column, entry column) of each edge, keyed by id(edge).

    The exits are spread along the bottom of a box and the entries along the top, in the
    order of the other end's x, so parallel edges do not share one column.
    """
    outs: dict[str, list] = {}
    ins: dict[str, list] = {}
    for e in edges:
        outs.setdefault(e.tail, []).append(e)
        ins.setdefault(e.head, []).append(e)

    def spread(box: Box, items: list, key) -> dict[int, int]:
        items = sorted(items, key=key)
        usable = max(box.w - 2, 1)
        return {id(e): box.x + 1 + (usable * (2 * i + 1)) // (2 * len(items))
                for i, e in enumerate(items)}

    exits: dict[int, int] = {}
    entries: dict[int, int] = {}
    for name, items in outs.items():
        exits.update(spread(boxes[name], items, lambda e: boxes[e.head].cx))
    for name, items in ins.items():
        entries.update(spread(boxes[name], items, lambda e: boxes[e.tail].cx))
    return exits, entries


def _route_edges(grid: GraphGrid, edges, ranks: Ranks) -> None:
    real = [e for e in edges if e.tail in grid.boxes and e.head in grid.boxes]
    exits, entries = _ports(grid.boxes, real)
    order_in_rank = {n.name: i for members in ranks.members.values()
                     for i, n in enumerate(members)}
    for idx, e in enumerate(real):
        grid.edges.append((e.tail, e.head, e.label))
        lane = order_in_rank.get(e.tail, 0) % LANES
        _route_edge(grid, idx, e, exits[id(e)], entries[id(e)], lane, ranks)


def _route_edge(grid: GraphGrid, idx: int, e, exit_col: int, end_col: int, lane: int,
                ranks: Ranks) -> None:
    """Down out of the tail, through the gaps of every rank skipped, into the head's top."""
    t, h = grid.boxes[e.tail], grid.boxes[e.head]
    col = exit_col
    row = t.y + t.h  # first row under the tail box
    if h.rank <= t.rank:  # not expected from a top-to-bottom layout: draw a plain hook
        grid.vline(col, row - 1, row + lane, idx)
        grid.hline(row + lane, col, end_col, idx)
        return
    for k in range(t.rank + 1, h.rank):
        lane_row = (k - 1) * (BOX_H + GAP) + BOX_H + lane
        x = _x_at(e.points, ranks.ys[k]) if e.points else None
        pass_col = ranks.column(x) if x is not None else col
        grid.vline(col, row, lane_row, idx)
        grid.hline(lane_row, col, pass_col, idx)
        col = pass_col
        row = lane_row
    lane_row = (h.rank - 1) * (BOX_H + GAP) + BOX_H + lane
    grid.vline(col, row, lane_row, idx)
    grid.hline(lane_row, col, end_col, idx)
    grid.vline(end_col, lane_row, h.y - 1, idx)
    if lane_row == h.y - 1:
        grid.mark(lane_row, end_col, S, idx)
    grid.arrows.setdefault((h.y - 1, end_col), set()).add(idx)
    grid.mark(t.y + t.h - 1, exit_col, 0, idx)  # the exit point on the box border


def line_char(bits: int) -> str:
    return LINE_CHARS.get(bits, " ")
