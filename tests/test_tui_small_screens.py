"""Memory, Run, Compare, the help and the toasts at 80×24, as a new student meets them.

- Memory: the map has the focus and takes the arrows at once; / finds a region by name; Home,
  End, PgUp and PgDn move through the regions; the titles say what A and B are.
- Run: every telemetry record one key away (t), named under the boot timeline.
- Compare: "built" only when a build exists.
- Help: keys and what they do, no binding ids; toasts: few, and none over the help.
"""

from __future__ import annotations

import pytest
from rich.text import Text

from workbench.core.run.telemetry import parse_record
from workbench.tui.app import WorkbenchApp
from workbench.tui.compare.layout_column import LayoutColumn
from workbench.tui.i18n import _
from workbench.tui.memory.memory_map import MemoryMap
from workbench.tui.run.telemetry_list import TelemetryList

from .pilot import async_test, wait_for

SIZE = (80, 24)


@pytest.fixture(autouse=True, params=["en", "ja"])
def lang(request, tmp_path, monkeypatch):
    monkeypatch.setenv("WB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WB_LANG", request.param)
    monkeypatch.delenv("WB_WORKSPACE", raising=False)
    return request.param


def make_app(tmp_path, recipe="hello") -> WorkbenchApp:
    return WorkbenchApp(recipe, workspace=tmp_path / "ws", build_root=tmp_path / "build")


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def region_label(region) -> str:
    return f"{region.kind} {region.owner}"


@async_test
async def test_memory_map_takes_the_keys_and_finds_a_region(tmp_path, lang):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        before = str(app.query_one("#memory-b-title").render())
        assert "B " not in before  # no "B" while there is no A
        await pilot.press("b")
        await wait_for(pilot, lambda: app.session.image_info is not None, timeout=90,
                       what="the build")
        await pilot.press("3")
        await pilot.pause()
        bmap = app.query_one("#map-b", MemoryMap)
        assert app.focused is bmap
        # what is selected is described before any key
        first = bmap.selected_region
        assert first.name in str(app.query_one("#region-info").render())
        await pilot.press("down")
        await pilot.pause()
        assert bmap.selected_region is not first
        await pilot.press("end")
        await pilot.pause()
        order = sorted(bmap.regions, key=lambda r: (r.start, r.end))
        assert bmap.selected_region is order[-1]
        await pilot.press("home")
        await pilot.pause()
        assert bmap.selected_region is order[0]
        await pilot.press("pagedown")
        await pilot.pause()
        assert order.index(bmap.selected_region) > 1
        # / finds "stack boot-pvh" (kind and owner, as the map labels it)
        await pilot.press("slash", *"stack boot-pvh")
        await pilot.pause()
        assert region_label(bmap.selected_region) == "stack boot-pvh"
        assert "stack boot-pvh" in screen_text(app)
        # the region says it takes memory but no bytes in the file (lesson 3's question)
        assert _("in memory only: no bytes in the image file (zeroed or reserved at start)") \
            in str(app.query_one("#region-info").render())
        # Enter: the next match; a search that matches nothing says so
        await pilot.press("ctrl+u", *"stack", "enter")
        await pilot.pause()
        stacks = [r for r in order if r.kind == "stack"]
        assert len(stacks) > 1 and bmap.selected_region in stacks
        await pilot.press("ctrl+u", *"nothing-like-this")
        await pilot.pause()
        assert "nothing-like-this" in str(app.query_one("#region-info").render())
        # Esc: back on the map, the field gone, the arrows move the map again
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is bmap and not app.query_one("#memory-find").display
        # pinned: A and B are named
        await pilot.press("p")
        await pilot.pause()
        a_title = str(app.query_one("#memory-a-title").render())
        b_title = str(app.query_one("#memory-b-title").render())
        assert a_title.startswith("A = ") and b_title.startswith("B = ")


@async_test
async def test_run_screen_lists_every_telemetry_record_on_t(tmp_path, lang):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        pane = app.run_pane
        records = [parse_record("phase name=boot", 1.0), parse_record("ready app=selftest", 2.0),
                   parse_record("alloc heap_bytes=262144 used_bytes=16 frees=150", 3.0)]
        pane._records = records
        pane._records_dirty = True
        pane.flush()
        await pilot.pause()
        shown = screen_text(app)
        assert _("t: all {n} telemetry records").format(n=3) in shown, shown
        assert "used_bytes" not in shown
        await pilot.press("t")
        await pilot.pause()
        telemetry = app.query_one(TelemetryList)
        assert telemetry.display and app.focused is telemetry
        assert not app.query_one("#build-log").display
        shown = screen_text(app)
        assert "used_bytes=16" in shown, shown
        await pilot.press("t")
        await pilot.pause()
        assert app.query_one("#build-log").display and not telemetry.display


@async_test
async def test_compare_says_built_only_after_a_build(tmp_path, lang):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        column = str(app.query_one("#layout-libos", LayoutColumn).render())
        built, layout = _("◀ built"), _("◀ this recipe's layout")
        assert lang == "en" or built != "◀ built"
        assert layout in column and built not in column
        await pilot.press("b")
        await wait_for(pilot, lambda: app.session.image_info is not None, timeout=90,
                       what="the build")
        await pilot.press("4")
        await pilot.pause()
        column = str(app.query_one("#layout-libos", LayoutColumn).render())
        assert built in column and layout not in column


@async_test
async def test_help_shows_no_ids_and_no_toasts(tmp_path, lang):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        from textual.widgets._toast import Toast

        for i in range(4):  # the same kind: each replaces the one before
            app.notify(f"Saved /tmp/x{i}.toml")
        app.notify("Could not send", severity="error")
        app.notify("Nothing is running.", severity="warning")
        await pilot.pause(0.3)
        toasts = [str(t.render()) for t in app.screen.query(Toast)]
        assert len(toasts) == 2 and not any("Saved" in t for t in toasts), toasts
        app.notify("Saved /tmp/again.toml")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "HelpScreen",
                       what="the help")
        await pilot.pause(0.3)
        assert not app.screen.query(Toast)
        shown = screen_text(app)
        assert "screen-assemble" not in shown and "build" not in shown.split()
        assert _("Build") in shown


@async_test
async def test_the_build_log_written_while_the_records_are_shown_reads_whole(tmp_path, lang):
    """t (records), then a build: the build shows its log again, and lines written to the log
    while it was hidden are wrapped at its width when shown, not one character a row."""
    from workbench.tui.run.build_log import BuildLog

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        pane = app.run_pane
        log = app.query_one(BuildLog)
        log.write(Text("a line written before, while the log is on view"))
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert not log.display
        log.write(Text("the linker dropped 599 bytes nothing references"))
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        rows = [line.text.rstrip() for line in log.lines]
        assert "the linker dropped 599 bytes nothing references" in " ".join(rows), rows
        assert max(len(r) for r in rows) > 10, rows
        await pilot.press("t")
        await pilot.pause()
        pane.begin_build()
        await pilot.pause()
        assert log.display and not pane.has_class("-records")
