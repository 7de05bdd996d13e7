"""The Graph screen's drawing, checked cell by cell on the real recipes and a 60-component graph.

The grid is read back as a person reads the screen — the characters `GraphView` draws — and
checked: every line character joins its neighbours on each side it points to (no gaps, no
corners into nothing, no arrow into nothing), every edge is one connected line from its tail's
box to an arrow into its head's box, every edge's interface is written beside that arrow, clear
of boxes, lines and other labels, and every box shows its node's whole name, no two alike. Then
the screen itself at 80×24: moving through every node keeps the selected box in sight, whole.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from benchmarks.tui import make_kernels
from tests.test_tui_snapshots import screen_snapshot, synthetic  # noqa: F401 (a fixture)
from workbench.core.inspect.graph import layout, to_dot
from workbench.core.model.catalogue import load_catalogue
from workbench.core.model.recipe import load_recipe
from workbench.core.model.resolve import ROOT, resolve
from workbench.tui.graph.cells import LINE_CHARS, Box, E, GraphGrid, N, Net, S, W
from workbench.tui.graph.graph_view import GraphView
from workbench.tui.graph.grid import build_grid
from workbench.tui.graph.route import route

KERNELS = Path(__file__).resolve().parents[1] / "kernels"
RECIPES = ["hello", "selftest", "dns", "httpd", "hello-monolithic", "hello-microkernel"]
BITS = {ch: bits for bits, ch in LINE_CHARS.items() if bin(bits).count("1") > 1}
BITS.update({"│": N | S, "─": E | W, "▼": N})
STEP = {N: (-1, 0), S: (1, 0), E: (0, 1), W: (0, -1)}
OPPOSITE = {N: S, S: N, E: W, W: E}


def resolution(recipe: str, kernels: Path = KERNELS):
    return resolve(load_recipe(kernels / "recipes" / f"{recipe}.toml"), load_catalogue(kernels))


def drawn(res):
    """(grid, its rows of text as GraphView draws them)."""
    nodes, edges, _ = layout(res)
    grid = build_grid(nodes, edges)
    view = GraphView()
    view.grid, view.graph = grid, res.graph
    return grid, [view.render_full_line(r).text for r in range(grid.height)]


@pytest.fixture(scope="module", params=[*RECIPES, "synthetic-60"])
def graph(request, tmp_path_factory):
    if request.param == "synthetic-60":
        kernels = make_kernels(tmp_path_factory.mktemp("g") / "kernels", 60, lessons=False)
        res = resolution("hello", kernels)
    else:
        res = resolution(request.param)
    grid, rows = drawn(res)
    return res, grid, rows


def char(rows, r: int, c: int) -> str:
    return rows[r][c] if 0 <= r < len(rows) and 0 <= c < len(rows[r]) else " "


def border(grid, r: int, c: int, top: bool) -> bool:
    """Whether (r, c) is on the top (or bottom) border of a box, not on its corner."""
    name = grid.node_at(c, r)
    b = grid.boxes.get(name)
    return b is not None and r == (b.y if top else b.y + b.h - 1) and b.x < c < b.x + b.w - 1


def assert_lines_join(grid, rows, what: str) -> None:
    """Every line character joins each neighbour it points to, and only those."""
    lines = 0
    for r, row in enumerate(rows):
        for c, ch in enumerate(row):
            if grid.node_at(c, r) or ch not in BITS:
                if ch in "┬╤" and border(grid, r, c, top=False):
                    assert BITS.get(char(rows, r + 1, c), 0) & N, f"line out of a box at {r},{c}"
                continue
            lines += 1
            for d, (dr, dc) in STEP.items():
                other = char(rows, r + dr, c + dc)
                points = bool(BITS[ch] & d)
                answers = bool(BITS.get(other, 0) & OPPOSITE[d])
                if d == N and other in "┬╤" and border(grid, r - 1, c, top=False):
                    answers = True  # out of the bottom of a box
                if d == S and ch == "▼":
                    assert border(grid, r + 1, c, top=True), f"arrow into nothing at {r},{c}"
                    continue
                assert points == answers, (
                    f"{what}: {ch!r} at row {r} col {c} and {other!r} beside it "
                    f"do not join\n" + "\n".join(rows[max(0, r - 3):r + 4]))
    assert lines > 0


def assert_edges_connected(grid) -> None:
    """Each edge's own cells make one line from under its tail's box to its arrow."""
    for e, (tail, head, iface) in enumerate(grid.edges):
        cells = {rc for rc, (_, edges) in grid.cells.items() if e in edges}
        starts = [(r + 1, c) for (r, c), edges in grid.exits.items() if e in edges]
        ends = [rc for rc, edges in grid.arrows.items() if e in edges]
        assert len(starts) == 1 and len(ends) == 1, (tail, head)
        assert grid.node_at(starts[0][1], starts[0][0] - 1) == tail
        assert grid.node_at(ends[0][1], ends[0][0] + 1) == head
        seen, todo = {starts[0]}, [starts[0]]
        while todo:  # walk the edge's own cells, through the sides they join by
            r, c = todo.pop()
            for d, (dr, dc) in STEP.items():
                nxt = (r + dr, c + dc)
                if nxt in cells and nxt not in seen and grid.cells[(r, c)][0] & d \
                        and grid.cells[nxt][0] & OPPOSITE[d]:
                    seen.add(nxt)
                    todo.append(nxt)
        assert ends[0] in seen, f"{tail} → {head} ({iface}) is not one connected line"
        assert seen == cells, f"{tail} → {head} has stray cells"


def test_every_line_joins_its_neighbours(graph):
    res, grid, rows = graph
    assert_lines_join(grid, rows, res.recipe.name)


def test_every_edge_is_one_line_from_box_to_box(graph):
    res, grid, rows = graph
    assert {(t, h) for t, h, _ in grid.edges} == set(res.graph.edges)
    assert_edges_connected(grid)


def test_two_nets_that_would_each_run_above_the_other():
    # P's line comes down at column 5, where X's arrow is; Q's comes down at 11, where Y's is:
    # whichever runs along the upper row would run into the other's arrow, so one steps aside.
    boxes = {n: Box(n, n, x, 0, 9, rank=k) for n, x, k in
             [("P", 1, 0), ("Q", 10, 0), ("X", 1, 1), ("Y", 10, 1)]}
    grid = GraphGrid(0, 0, boxes, [("P", "Y", "a"), ("Q", "X", "b")])
    nets = [Net("Y", "a", [0], 0, 1, entry=11), Net("X", "b", [1], 0, 1, entry=5)]
    route(grid, nets, {0: 5, 1: 11}, 2)
    grid.width, grid.height = 24, boxes["X"].y + 4
    grid.index_rows()
    view = GraphView()
    view.grid = grid
    rows = [view.render_full_line(r).text for r in range(grid.height)]
    assert any(bits & (N | S) for (_, c), (bits, _) in grid.cells.items() if c not in (5, 11)), \
        "no line stepped aside into a column of its own"
    assert_lines_join(grid, rows, "crossed nets")
    assert_edges_connected(grid)


def test_every_interface_is_written_beside_its_arrow(graph):
    res, grid, rows = graph
    taken: set[tuple[int, int]] = set()
    for lab in grid.labels:
        span = {(lab.row, c) for c in range(lab.col, lab.col + len(lab.text))}
        assert rows[lab.row][lab.col:lab.col + len(lab.text)] == lab.text
        assert not span & taken, f"label {lab.text} overlaps another"
        assert not span & set(grid.cells), f"label {lab.text} overlaps a line"
        assert not any(grid.node_at(c, r) for r, c in span), f"label {lab.text} is on a box"
        taken |= span
    for e, (tail, head, iface) in enumerate(grid.edges):
        beside = [lab for lab in grid.labels if e in lab.edges and lab.text == iface
                  and char(rows, lab.row, lab.col - 2) == "▼"
                  and e in grid.arrows.get((lab.row, lab.col - 2), ())]
        assert beside, f"{tail} → {head}: '{iface}' is not beside its arrow"
    assert len(grid.labels) == len({(h, i) for _, h, i in grid.edges})


def test_every_name_in_full_and_none_twice(graph):
    res, grid, rows = graph
    shown = {}
    for name, b in grid.boxes.items():
        inside = rows[b.y + 1][b.x + 1:b.x + b.w - 1].strip()
        shown[name] = inside
        assert inside == (f"image: {res.recipe.name}" if name == ROOT else name)
    assert len(set(shown.values())) == len(shown)
    assert grid.boxes[ROOT].image
    assert rows[grid.boxes[ROOT].y][grid.boxes[ROOT].x] == "╔"


def test_the_svg_names_the_image_as_the_screen_does():
    res = resolution("hello")
    dot = to_dot(res, domains=True)
    assert '"image" [label="image: hello"' in dot
    assert dot.count('label="hello') == 1  # the application's node only
    assert 'label="console"' in dot


async def _walk_at_80x24(recipe: str) -> list[str]:
    from workbench.tui.app import WorkbenchApp

    problems = []
    app = WorkbenchApp(KERNELS / "recipes" / f"{recipe}.toml", build_root=Path.cwd() / "build")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        for _ in range(200):  # the screen is built when first shown, the graph in a worker
            views = app.query(GraphView)
            if views and views.first().grid is not None:
                break
            await pilot.pause(0.05)
        view = app.query_one(GraphView)
        await pilot.pause()
        names = set(view.grid.boxes)
        seen = set()
        for key in [None] + ["tab"] * len(names) + ["down", "down", "right", "up", "left", "up"]:
            if key:  # None: as the screen first shows the graph
                await pilot.press(key)
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            b = view.grid.boxes[view.selected]
            seen.add(view.selected)
            x, y = round(view.scroll_x), round(view.scroll_y)
            w, h = view.scrollable_content_region.size
            if not (x <= b.x and b.x + b.w <= x + w and y <= b.y and b.y + b.h <= y + h):
                problems.append(f"{b.name} at {b.x},{b.y} out of the view {x},{y} {w}×{h}")
            screen = "\n".join(view.render_line(r).text for r in range(h))
            if b.label not in screen:
                problems.append(f"{b.label} is not on screen whole")
        if seen != names:
            problems.append(f"never selected: {names - seen}")
    return problems


@pytest.mark.parametrize("recipe", ["hello", "dns"])
def test_at_80x24_the_selected_box_stays_in_sight_whole(recipe, tmp_path, monkeypatch):
    monkeypatch.setenv("WB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WB_LANG", "en")
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.chdir(tmp_path)
    assert asyncio.run(_walk_at_80x24(recipe)) == []


def test_graph_at_80x24(synthetic, snap_compare):  # noqa: F811 (the fixture)
    assert screen_snapshot(snap_compare, "2", size=(80, 24))
