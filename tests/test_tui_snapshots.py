"""Snapshots of every screen at a fixed size (pytest-textual-snapshot).

The app runs on a synthetic catalogue generated into a fixed folder of its own per test (the
folder's path is on screen, so it must not vary; one per test, so tests running at once under
pytest-xdist never share one), with the fixed lessons of `tests/fixtures/snapshot-lessons/`
and an empty progress file: the pictures do not change when components of the real catalogue
change or a teacher adds a lesson, and nothing time-dependent is shown (no build, no run). Cursor blinking and animations are off. After an intended change of the UI,
review and accept new pictures with `pytest tests/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from benchmarks.tui import make_kernels

BASE = Path(tempfile.gettempdir()) / "wb-tui-snapshots"
LESSONS = Path(__file__).parent / "fixtures" / "snapshot-lessons"


@pytest.fixture()
def synthetic(monkeypatch, request):
    root = BASE / request.node.name.removeprefix("test_")
    if root.exists():
        shutil.rmtree(root)
    kernels = make_kernels(root / "kernels", 12)
    monkeypatch.setenv("WB_KERNELS", str(kernels))
    monkeypatch.setenv("WB_LESSONS", str(LESSONS))
    monkeypatch.setenv("WB_HOME", str(root / "home"))
    monkeypatch.setenv("WB_LANG", "en")
    monkeypatch.delenv("WB_WORKSPACE", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.chdir(root)
    return kernels


def make_app():
    from workbench.tui.app import WorkbenchApp

    app = WorkbenchApp(build_root=Path.cwd() / "build")
    # each screen built when shown, not in the background at a time that varies from run to
    # run (a graph laid out while hidden may be scrolled otherwise)
    app.prebuild_after = None
    return app


async def settle(pilot) -> None:
    """Wait for the graph worker, stop every cursor from blinking, let the screen settle."""
    from textual.widgets import Input

    app = pilot.app
    for _ in range(200):  # the Graph screen, once built, lays its graph out in a thread
        view = app.graph_view
        if view is None or view.grid is not None:
            break
        await pilot.pause(0.05)
    for inp in app.query(Input):
        inp.cursor_blink = False
    # let every worker finish and every deferred refresh run: a list that grows after the
    # picture is taken shows as a scroll bar in one run and not in the next
    await app.workers.wait_for_complete()
    await pilot.wait_for_scheduled_animations()
    for _ in range(3):
        await pilot.pause(0.2)


def screen_snapshot(snap_compare, keys: str | tuple, size=(120, 40)) -> bool:
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in (keys,) if isinstance(keys, str) else keys:
            if key:
                await pilot.press(key)
            await settle(pilot)

    return snap_compare(make_app(), terminal_size=size, run_before=run_before)


# Every screen, at the smallest size the workbench is made for and at a comfortable one, in
# both languages: what a student sees. (The Graph screen's picture at 120x40 in English is
# test_graph's.)
SCREENS = {"assemble": "", "graph": "2", "memory": "3", "compare": "4", "run": "5",
           "lessons": "6", "exercises": ("6", "t"), "help": "question_mark"}
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


CASES = [f"{screen}-{size}-{lang}" for screen in SCREENS for size in SIZES for lang in ("en", "ja")
         if (screen, size, lang) != ("graph", "120x40", "en")]


@pytest.mark.parametrize("case", CASES)
def test_screen(synthetic, snap_compare, monkeypatch, case):
    screen, size, lang = case.split("-")
    monkeypatch.setenv("WB_LANG", lang)
    assert screen_snapshot(snap_compare, SCREENS[screen], SIZES[size])


async def _screen_text(size) -> str:
    """The text on screen, row by row, as a learner would read it."""
    import html
    import re

    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        svg = app.export_screenshot()
    rows: dict[float, list] = {}
    for m in re.finditer(r'<text class="[^"]+" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(m.group(2)), []).append((float(m.group(1)), html.unescape(m.group(3))))
    text = "\n".join("".join(t for _, t in sorted(v)) for _, v in sorted(rows.items()))
    return text.replace("\xa0", " ")


def test_assemble_small_terminal(synthetic):
    # At 80×24 every screen's name, the catalogue, the options and the resolution stay on
    # screen. (Checked as text: a picture at this size depends on whether a scroll bar's
    # thumb has settled, which is not what this test is about.)
    import asyncio

    text = asyncio.run(_screen_text((80, 24)))
    for label in ("1 Assemble", "2 Graph", "3 Memory", "4 Compare", "5 Run", "6 Lessons"):
        assert label in text
    for part in ("Catalogue", "Providers", "Options of app-syn", "Resolution", "palette"):
        assert part in text, part
    assert all(len(line) <= 80 for line in text.splitlines())


def test_graph(synthetic, snap_compare):
    assert screen_snapshot(snap_compare, "2")


