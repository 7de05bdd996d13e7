"""The graph's character grid as data: boxes, nets, the cells lines pass and what marks them.

`grid.build_grid` fills it; `graph_view.GraphView` draws it one row at a time.
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


@dataclass
class Box:
    name: str
    label: str
    x: int  # left column
    y: int  # top row
    w: int
    h: int = BOX_H
    rank: int = 0
    image: bool = False  # the image itself (the root), drawn with a double border

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    def contains(self, col: int, row: int) -> bool:
        return self.x <= col < self.x + self.w and self.y <= row < self.y + self.h


@dataclass
class Label:
    """An interface's name, beside the arrow of its net."""

    row: int
    col: int
    text: str
    edges: set[int]


@dataclass
class Net:
    """The edges into one component (`head`) for one interface: one arrow, one label."""

    head: str
    label: str
    edges: list[int]  # indices into GraphGrid.edges
    top: int  # rank of its highest tail
    rank: int  # rank of the head
    entry: int = 0  # column of its arrow
    through: dict[int, int] = field(default_factory=dict)  # rank passed -> column

    def bottom(self, gap: int) -> int:
        """The column the net leaves the gap under rank `gap` by."""
        return self.entry if gap + 1 == self.rank else self.through[gap + 1]


@dataclass
class Through:
    """A net's column through a rank it passes (an item of the rank, like a box)."""

    net: Net
    rank: int
    x: int = 0
    w: int = 1


@dataclass
class GraphGrid:
    width: int
    height: int
    boxes: dict[str, Box]
    edges: list[tuple[str, str, str]]  # (tail, head, interface)
    # (row, col) -> [direction bits, indices of the edges passing through]
    cells: dict[tuple[int, int], list] = field(default_factory=dict)
    arrows: dict[tuple[int, int], set[int]] = field(default_factory=dict)
    exits: dict[tuple[int, int], set[int]] = field(default_factory=dict)  # on box borders
    labels: list[Label] = field(default_factory=list)
    rows: dict[int, list[int]] = field(default_factory=dict)  # row -> sorted columns used
    row_boxes: dict[int, list[Box]] = field(default_factory=dict)
    tail_ranks: list[int] = field(default_factory=list)  # edge index -> its tail's rank
    # row -> (a character, or None for a label; column; the edges, or the Label)
    row_marks: dict[int, list] = field(default_factory=dict)

    def node_at(self, col: int, row: int) -> str | None:
        for b in self.boxes.values():
            if b.contains(col, row):
                return b.name
        return None

    # ---------------------------------------------------------------- drawing edges

    def mark(self, row: int, col: int, bits: int, edges: set[int]) -> None:
        cell = self.cells.get((row, col))
        if cell is None:
            self.cells[(row, col)] = [bits, set(edges)]
        else:
            cell[0] |= bits
            cell[1] |= edges

    def vline(self, col: int, r0: int, r1: int, edges: set[int]) -> None:
        self._line([(r, col) for r in range(min(r0, r1), max(r0, r1) + 1)], S, N, edges)

    def hline(self, row: int, c0: int, c1: int, edges: set[int]) -> None:
        self._line([(row, c) for c in range(min(c0, c1), max(c0, c1) + 1)], E, W, edges)

    def _line(self, run: list[tuple[int, int]], ahead: int, back: int, edges: set[int]) -> None:
        """A straight line of `edges` along `run`: each cell open towards the next (`ahead`)
        and the one before (`back`); its two ends open only inwards. One cell is no line."""
        last = len(run) - 1
        for i, (r, c) in enumerate(run if last else ()):
            self.mark(r, c, (ahead if i < last else 0) | (back if i else 0), edges)

    def index_rows(self) -> None:
        """What each row holds, for drawing one row at a time."""
        for (r, c) in self.cells:
            self.rows.setdefault(r, []).append(c)
        for r in self.rows:
            self.rows[r].sort()
        for b in self.boxes.values():
            for r in range(b.y, b.y + b.h):
                self.row_boxes.setdefault(r, []).append(b)
        for (r, c), edges in self.arrows.items():
            self.row_marks.setdefault(r, []).append(("▼", c, edges))
        for (r, c), edges in self.exits.items():
            image = self.boxes[self.edges[min(edges)][0]].image
            self.row_marks.setdefault(r, []).append(("╤" if image else "┬", c, edges))
        for lab in self.labels:
            self.row_marks.setdefault(lab.row, []).append((None, lab.col, lab))


@dataclass
class Ranks:
    """The nodes Graphviz put at the same height, top first."""

    ys: list[int]  # the height of each rank in points, top first
    of_y: dict[int, int]  # height -> rank

    @classmethod
    def of_nodes(cls, nodes) -> Ranks:
        ys = sorted({round(n.y) for n in nodes})
        return cls(ys, {y: i for i, y in enumerate(ys)})

    def rank(self, node) -> int:
        return self.of_y[round(node.y)]


def line_char(bits: int) -> str:
    return LINE_CHARS.get(bits, " ")
