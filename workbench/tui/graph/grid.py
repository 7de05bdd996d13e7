"""Turning Graphviz positions into a character grid: boxes, and edges as orthogonal lines.

`graph.layout()` gives each node's centre and each edge's spline in points. Graphviz has made
the hard choices already — the rank (row of boxes) of every component and the left-to-right
order that keeps crossings few — and this module keeps them, then draws in whole cells:

- every edge into one component for one interface belongs to one *net*: its lines join into a
  single arrow ▼ into the top of the providing box, with the interface's name beside it
  (`▼ console`), so a component four others require shows one labelled arrow, not four;
- a net that passes a rank without stopping runs down a *through column* of that rank, put
  between the boxes where Graphviz routed the edge;
- between two ranks every net gets a row of the gap to run along (`route.py`).

Boxes are as wide as their name and the labels of the arrows into them, so no name is ever cut
and labels sit over their own box, clear of every other line. The image, the resolution's root,
is drawn with a double border.

Pure data, no Textual: the widget only asks for one row at a time.
"""

from __future__ import annotations

from workbench.core.model.resolve import ROOT

from .cells import Box, GraphGrid, Net, Ranks, Through, line_char
from .route import route

__all__ = ["Box", "GraphGrid", "build_grid", "line_char"]


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


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
    then every edge routed between them. A box shows its node's `label` (`graph.node_label`:
    the image is "image: <recipe>"), or for a node without one `labels[name]`, or its name."""
    labels = labels or {}
    if not nodes:
        return GraphGrid(0, 0, {}, [])
    ranks = Ranks.of_nodes(nodes)
    boxes = {n.name: Box(n.name, getattr(n, "label", "") or labels.get(n.name) or n.name,
                         0, 0, 0, rank=ranks.rank(n), image=n.name == ROOT) for n in nodes}
    real = [e for e in edges if e.tail in boxes and e.head in boxes
            and boxes[e.head].rank > boxes[e.tail].rank]
    grid = GraphGrid(0, 0, boxes, [(e.tail, e.head, e.label) for e in real])
    nets = _nets(grid)
    _size_boxes(grid, nets)
    _place(nodes, real, ranks, grid, nets)
    exits = _ports(grid, nets)
    route(grid, nets, exits, len(ranks.ys))
    used = [c for _, c in grid.cells] + [b.x + b.w for b in boxes.values()]
    used += [lab.col + len(lab.text) for lab in grid.labels]
    grid.width = max(used) + 2
    grid.height = max(b.y + b.h for b in boxes.values()) + 1
    grid.index_rows()
    return grid


def _nets(grid: GraphGrid) -> list[Net]:
    nets: dict[tuple[str, str], Net] = {}
    for i, (tail, head, iface) in enumerate(grid.edges):
        t, h = grid.boxes[tail], grid.boxes[head]
        net = nets.setdefault((head, iface), Net(head, iface, [], t.rank, h.rank))
        net.edges.append(i)
        net.top = min(net.top, t.rank)
    for net in nets.values():
        net.through = {k: 0 for k in range(net.top + 1, net.rank)}
    return list(nets.values())


def _entry_block(labels: list[str]) -> int:
    """Columns the arrows into one box take with their labels: `▼ label` each, two apart."""
    return sum(len(t) + 2 for t in labels) + 2 * (len(labels) - 1)


def _size_boxes(grid: GraphGrid, nets: list[Net]) -> None:
    """Wide enough for the name, the labelled arrows in and a column apart for each line out,
    none of them next to a corner."""
    into: dict[str, list[str]] = {}
    for net in nets:
        into.setdefault(net.head, []).append(net.label)
    outs: dict[str, int] = {}
    for tail, _, _ in grid.edges:
        outs[tail] = outs.get(tail, 0) + 1
    for b in grid.boxes.values():
        b.w = max(len(b.label) + 4, _entry_block(into.get(b.name, [])) + 3,
                  2 * outs.get(b.name, 0) + 3)


def _place(nodes, real, ranks: Ranks, grid: GraphGrid, nets: list[Net]) -> None:
    """Columns for the boxes and through columns of every rank, in Graphviz's order.

    Graphviz's points become columns at the scale that makes its boxes as wide as ours; then
    each rank is swept left to right so no two items overlap (two blank columns between boxes,
    one beside a line), and shifted back so its items are, on average, where Graphviz put them.
    """
    by_name = {n.name: n for n in nodes}
    items: dict[int, list[tuple[float, Box | Through]]] = {}
    for n in sorted(nodes, key=lambda n: n.x):
        items.setdefault(ranks.rank(n), []).append((n.x, grid.boxes[n.name]))
    scale = _scale(items)
    for row in items.values():
        row[:] = [(x * scale, box) for x, box in row]
    points = {(e.tail, e.head): e.points for e in real}
    for net in nets:
        for k in net.through:
            xs = [_x_at(points[(t, h)], ranks.ys[k]) for t, h, _ in (grid.edges[i] for i in net.edges)
                  if grid.boxes[t].rank < k]
            xs = [x for x in xs if x is not None] or [by_name[net.head].x]
            items.setdefault(k, []).append((_mean(xs) * scale, Through(net, k)))
    for k in sorted(items):
        _sweep(sorted(items[k], key=lambda it: it[0]))
        for _, it in items[k]:
            if isinstance(it, Through):
                it.net.through[k] = it.x
    left = min(it.x for row in items.values() for _, it in row)
    for row in items.values():
        for _, it in row:
            it.x += 1 - left
    for net in nets:
        net.through = {k: x + 1 - left for k, x in net.through.items()}


def _scale(items: dict[int, list]) -> float:
    """Columns per point: the smallest scale that keeps Graphviz's neighbouring boxes apart
    (two blank columns between), and not under one column per ~20 points. Graphviz spaces
    boxes for proportional fonts, wider than a terminal needs; lines passing between boxes
    are fitted in afterwards by the sweep."""
    scale = 1.0 / 20
    for row in items.values():
        for (xa, a), (xb, b) in zip(row, row[1:]):
            scale = max(scale, ((a.w + b.w) / 2 + 2) / max(xb - xa, 1.0))
    return scale


def _sweep(row: list[tuple[float, Box | Through]]) -> None:
    """Columns for one rank's items, in order: each where Graphviz put it (a through column
    straight under its net's column in the rank above, so the line need not jog), pushed right
    as far as the items before it need, then the rank shifted back towards Graphviz's places."""
    prev = None
    free = []
    for centre, it in row:
        above = it.net.through.get(it.rank - 1) if isinstance(it, Through) else None
        it.x = above if above is not None else round(centre - it.w / 2)
        if above is None:
            free.append((centre, it))
        if prev is not None:
            blank = 2 if isinstance(it, Box) and isinstance(prev, Box) else 1
            it.x = max(it.x, prev.x + prev.w + blank)
        prev = it
    drift = round(_mean(centre - (it.x + it.w / 2) for centre, it in free)) if free else 0
    for _, it in row:
        it.x += drift


def _ports(grid: GraphGrid, nets: list[Net]) -> dict[int, int]:
    """Place the arrows into each box (sets `Net.entry`) and the lines out of it.

    Arrows come in the order of where their lines come from, each as near above its source as
    the box allows; the lines out of a box, in the order of where they go, each as near as it
    can be to the column it is going to — so a line goes straight down wherever there is room.
    Returns edge index -> exit column."""
    boxes = grid.boxes
    into: dict[str, list[Net]] = {}
    for net in nets:
        into.setdefault(net.head, []).append(net)

    def source_x(net: Net) -> float:
        k = net.rank - 1
        xs = [boxes[grid.edges[i][0]].cx for i in net.edges if boxes[grid.edges[i][0]].rank == k]
        return _mean(xs + ([net.through[k]] if k in net.through else []))

    for head, group in into.items():
        b = boxes[head]
        group.sort(key=source_x)
        cols = _near([round(source_x(n)) for n in group], b.x + 2,
                     b.x + b.w - 2 - len(group[-1].label), [len(n.label) + 4 for n in group])
        for net, col in zip(group, cols):
            net.entry = col
    net_of = {i: net for net in nets for i in net.edges}
    outs: dict[str, list[int]] = {}
    for i, (tail, _, _) in enumerate(grid.edges):
        outs.setdefault(tail, []).append(i)
    exits: dict[int, int] = {}
    for tail, idxs in outs.items():
        b = boxes[tail]
        goes = [net_of[i].through.get(b.rank + 1, net_of[i].entry) for i in idxs]
        order = sorted(range(len(idxs)), key=lambda j: goes[j])
        cols = _near([goes[j] for j in order], b.x + 2, b.x + b.w - 3, [2] * len(order))
        exits.update((idxs[j], col) for j, col in zip(order, cols))
    return exits


def _near(wanted: list[int], lo: int, hi: int, steps: list[int]) -> list[int]:
    """Columns in order, each as near `wanted` as the others allow: the first at or after
    `lo`, each `steps[i]` or more after the one before, the last at or before `hi`."""
    cols: list[int] = []
    for i, want in enumerate(wanted):
        cols.append(max(want, lo if i == 0 else cols[-1] + steps[i - 1]))
    cols[-1] = min(cols[-1], hi)
    for i in range(len(cols) - 2, -1, -1):
        cols[i] = min(cols[i], cols[i + 1] - steps[i])
    return cols
