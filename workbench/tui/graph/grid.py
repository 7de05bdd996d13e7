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
    """A grid from `graph.layout()`'s NodeBox and EdgeLine lists."""
    labels = labels or {}
    if not nodes:
        return GraphGrid(0, 0, {}, [])
    # Ranks: nodes Graphviz put at the same height.
    ys = sorted({round(n.y) for n in nodes})
    rank_of_y = {y: i for i, y in enumerate(ys)}
    widths = {n.name: len(labels.get(n.name, n.name)) + 4 for n in nodes}
    # Scale x so that neighbours within a rank keep at least two columns between their boxes.
    # The smallest scale that keeps every rank free of overlaps; Graphviz spaces nodes for
    # proportional fonts, which is wider than a terminal needs.
    scale = 1.0 / (POINTS_PER_COL * 3)
    by_rank: dict[int, list] = {}
    for n in nodes:
        by_rank.setdefault(rank_of_y[round(n.y)], []).append(n)
    for members in by_rank.values():
        members.sort(key=lambda n: n.x)
        for a, b in zip(members, members[1:]):
            need = (widths[a.name] + widths[b.name]) / 2 + 2
            dx = max(b.x - a.x, 1.0)
            scale = max(scale, need / dx)
    boxes: dict[str, Box] = {}
    for n in nodes:
        w = widths[n.name]
        r = rank_of_y[round(n.y)]
        boxes[n.name] = Box(n.name, labels.get(n.name, n.name), round(n.x * scale - w / 2),
                            r * (BOX_H + GAP), w, BOX_H, r)
    # Keep the graph rank order of Graphviz but also no overlaps after rounding.
    for members in by_rank.values():
        prev_end = None
        for n in members:
            b = boxes[n.name]
            if prev_end is not None and b.x < prev_end + 2:
                b.x = prev_end + 2
            prev_end = b.x + b.w
    shift = 1 - min(b.x for b in boxes.values())
    for b in boxes.values():
        b.x += shift
    width = max(b.x + b.w for b in boxes.values()) + 2
    height = max(b.y + b.h for b in boxes.values()) + 1
    grid = GraphGrid(width, height, boxes, [])
    rank_rows = {i: i * (BOX_H + GAP) for i in range(len(ys))}

    def mark(row: int, col: int, bits: int, edge: int) -> None:
        cell = grid.cells.setdefault((row, col), [0, set()])
        cell[0] |= bits
        cell[1].add(edge)

    def vline(col: int, r0: int, r1: int, edge: int) -> None:
        if r0 == r1:
            return
        lo, hi = min(r0, r1), max(r0, r1)
        for r in range(lo, hi + 1):
            bits = (N if r > lo else 0) | (S if r < hi else 0)
            mark(r, col, bits, edge)

    def hline(row: int, c0: int, c1: int, edge: int) -> None:
        if c0 == c1:
            return
        lo, hi = min(c0, c1), max(c0, c1)
        for c in range(lo, hi + 1):
            bits = (W if c > lo else 0) | (E if c < hi else 0)
            mark(row, c, bits, edge)

    # Spread the exits along the bottom of a box and the entries along the top, in the order of
    # the other end's x, so parallel edges do not share one column.
    real = [e for e in edges if e.tail in boxes and e.head in boxes]
    outs: dict[str, list] = {}
    ins: dict[str, list] = {}
    for e in real:
        outs.setdefault(e.tail, []).append(e)
        ins.setdefault(e.head, []).append(e)

    def port(box: Box, items: list, key) -> dict[int, int]:
        items = sorted(items, key=key)
        usable = max(box.w - 2, 1)
        out = {}
        for i, e in enumerate(items):
            out[id(e)] = box.x + 1 + (usable * (2 * i + 1)) // (2 * len(items))
        return out

    exits: dict[int, int] = {}
    entries: dict[int, int] = {}
    for name, items in outs.items():
        exits.update(port(boxes[name], items, lambda e: boxes[e.head].cx))
    for name, items in ins.items():
        entries.update(port(boxes[name], items, lambda e: boxes[e.tail].cx))
    order_in_rank = {}
    for members in by_rank.values():
        for i, n in enumerate(members):
            order_in_rank[n.name] = i

    for idx, e in enumerate(real):
        grid.edges.append((e.tail, e.head, e.label))
        t, h = boxes[e.tail], boxes[e.head]
        col = exits[id(e)]
        row = t.y + t.h  # first row under the tail box
        lane = order_in_rank.get(e.tail, 0) % LANES
        if h.rank <= t.rank:  # not expected from a top-to-bottom layout: draw a plain hook
            end_col = entries[id(e)]
            vline(col, row - 1, row + lane, idx)
            hline(row + lane, col, end_col, idx)
            continue
        for k in range(t.rank + 1, h.rank):
            lane_row = rank_rows[k - 1] + BOX_H + lane
            x = _x_at(e.points, ys[k]) if e.points else None
            pass_col = round(x * scale) + shift if x is not None else col
            vline(col, row, lane_row, idx)
            hline(lane_row, col, pass_col, idx)
            col = pass_col
            row = lane_row
        lane_row = rank_rows[h.rank - 1] + BOX_H + lane
        end_col = entries[id(e)]
        vline(col, row, lane_row, idx)
        hline(lane_row, col, end_col, idx)
        vline(end_col, lane_row, h.y - 1, idx)
        if lane_row == h.y - 1:
            mark(lane_row, end_col, S, idx)
        grid.arrows.setdefault((h.y - 1, end_col), set()).add(idx)
        mark(t.y + t.h - 1, exits[id(e)], 0, idx)  # the exit point on the box border
    for (r, c) in grid.cells:
        grid.rows.setdefault(r, []).append(c)
    for r in grid.rows:
        grid.rows[r].sort()
    return grid


def line_char(bits: int) -> str:
    return LINE_CHARS.get(bits, " ")
