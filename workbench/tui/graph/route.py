"""Routing the nets through the gaps between ranks, like a channel router.

In the gap under a rank, each net comes in from the top at one or more columns (the lines out
of the boxes above it, or its through column) and leaves at one column at the bottom (its arrow
into the box below, or its through column in the next rank). A net whose columns differ runs
along a *track*, a row of the gap: nets whose spans overlap get different tracks, and a net
that comes in at the column another net leaves by goes above it, so the two lines never meet
in that column. Lines of different nets therefore only ever cross (┼); a line that joins
another (┬ ┴ ├ ┤) belongs to the same net. When two nets would each have to be above the
other, one line first jogs sideways into a free column at the top of the gap.

A gap is as tall as its jogs and tracks, plus the row of the arrows and their labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .cells import BOX_H, GraphGrid, Label, N, Net


@dataclass
class Channel:
    """One gap: where each net (by index) comes in and leaves, its track, the jogs."""

    tops: dict[int, set[int]] = field(default_factory=dict)
    bottom: dict[int, int] = field(default_factory=dict)
    track: dict[int, int] = field(default_factory=dict)
    jogs: dict[int, tuple[int, int]] = field(default_factory=dict)  # column -> (row, new column)
    tracks: int = 0

    @property
    def rows(self) -> int:
        return len(self.jogs) + self.tracks + 1

    def span(self, i: int) -> tuple[int, int]:
        cols = self.tops[i] | {self.bottom[i]}
        return min(cols), max(cols)


def route(grid: GraphGrid, nets: list[Net], exits: dict[int, int], n_ranks: int) -> None:
    """Assign tracks gap by gap, then give every rank its rows and draw the lines."""
    grid.tail_ranks = [grid.boxes[tail].rank for tail, _, _ in grid.edges]
    channels = [_channel(grid, nets, exits, g) for g in range(n_ranks - 1)]
    tops = [0]
    for ch in channels:
        tops.append(tops[-1] + BOX_H + ch.rows)
    for b in grid.boxes.values():
        b.y = tops[b.rank]
    for g, ch in enumerate(channels):
        _draw(grid, nets, exits, ch, g, tops[g] + BOX_H, tops[g + 1])


def _tail_rank(grid: GraphGrid, edge: int) -> int:
    return grid.tail_ranks[edge]


def _top_column(grid: GraphGrid, net: Net, exits: dict[int, int], edge: int, gap: int) -> int:
    """Where `edge` comes into the gap: out of its tail's box, or down the net's through column."""
    return exits[edge] if _tail_rank(grid, edge) == gap else net.through[gap]


def _channel(grid: GraphGrid, nets: list[Net], exits: dict[int, int], gap: int) -> Channel:
    ch = Channel()
    for i, net in enumerate(nets):
        if net.top <= gap < net.rank:
            ch.tops[i] = {_top_column(grid, net, exits, e, gap) for e in net.edges
                          if _tail_rank(grid, e) <= gap}
            ch.bottom[i] = net.bottom(gap)
    _assign_tracks(ch)
    return ch


def _assign_tracks(ch: Channel) -> None:
    """Left-edge track assignment under the constraint "comes in where another leaves: above it"."""
    need = [i for i in ch.tops if ch.tops[i] != {ch.bottom[i]}]
    leaving = {ch.bottom[i]: i for i in ch.tops}
    above: dict[int, set[int]] = {i: set() for i in need}
    for i in need:
        for c in ch.tops[i]:
            j = leaving.get(c)
            if j is not None and j != i and j in above:
                above[j].add(i)
    unplaced = set(need)
    while unplaced:
        ready = sorted((i for i in unplaced if not above[i] & unplaced), key=ch.span)
        if not ready:  # each must be above the other: one of them jogs aside first
            j = min(unplaced)
            i = min(above[j] & unplaced)
            _jog(ch, i, ch.bottom[j])
            above[j].discard(i)
            continue
        right = None
        for i in ready:
            lo, hi = ch.span(i)
            if right is None or lo > right + 1:
                ch.track[i] = ch.tracks
                right = hi
                unplaced.discard(i)
        ch.tracks += 1


def _jog(ch: Channel, i: int, col: int) -> None:
    """Move net i's line coming in at `col` to the nearest column no other line uses."""
    used = set(ch.bottom.values()) | {c for tops in ch.tops.values() for c in tops}
    used |= set(ch.jogs) | {c for _, c in ch.jogs.values()}
    for d in range(2, 10_000):
        for new in (col + d, col - d):
            if new >= 1 and not used & {new - 1, new, new + 1}:
                ch.jogs[col] = (len(ch.jogs), new)
                ch.tops[i] = (ch.tops[i] - {col}) | {new}
                return


def _draw(grid: GraphGrid, nets: list[Net], exits: dict[int, int], ch: Channel, gap: int,
          y0: int, next_top: int) -> None:
    """The lines of one gap: y0 is its first row, `next_top` the top row of the rank below.

    Each line is drawn once for all the edges it carries (a through column carries every edge
    of its net from further up), and every cell keeps the set of edges passing it."""
    arrow_row = next_top - 1
    first_track = y0 + len(ch.jogs)
    for i in ch.tops:
        net = nets[i]
        into_box = net.rank == gap + 1
        bottom = ch.bottom[i]
        by_top: dict[int, set[int]] = {}
        for e in net.edges:
            if _tail_rank(grid, e) <= gap:
                by_top.setdefault(_top_column(grid, net, exits, e, gap), set()).add(e)
                if _tail_rank(grid, e) == gap:
                    grid.exits[(y0 - 1, exits[e])] = {e}
        row = first_track + ch.track[i] if i in ch.track else y0
        for col, edges in by_top.items():
            grid.mark(y0, col, N, edges)  # joins the box or the line above
            if col in ch.jogs:
                jog, new = ch.jogs[col]
                grid.vline(col, y0, y0 + jog, edges)
                grid.hline(y0 + jog, col, new, edges)
                grid.vline(new, y0 + jog, row, edges)
                col = new
            else:
                grid.vline(col, y0, row, edges)
            grid.hline(row, col, bottom, edges)
        edges = set().union(*by_top.values())
        grid.vline(bottom, row, arrow_row if into_box else next_top + BOX_H, edges)
        if into_box:
            grid.arrows[(arrow_row, bottom)] = edges
            grid.labels.append(Label(arrow_row, bottom + 2, net.label, set(net.edges)))
