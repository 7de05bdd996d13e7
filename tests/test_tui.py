"""The workbench UI driven like a learner would: real recipes, real builds, real QEMU.

Each test opens the real app headless with `run_test()` and drives it with the Pilot (keys,
clicks, the command palette) or through the same methods the keys call, then checks what the
screens show.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Footer

from workbench.core.layouts.model import model_layouts, request_path
from workbench.core.model.catalogue import load_catalogue
from workbench.core.model.recipe import find_recipe, load_recipe
from workbench.core.model.resolve import resolve
from workbench.tui.app import WorkbenchApp
from workbench.tui.compare.layout_column import traps
from workbench.tui.compare.pane import MEASURE_BOOTS, summary_table
from workbench.tui.graph.graph_view import GraphView
from workbench.tui.memory.pane import view_text
from workbench.tui.run.console_view import ConsoleView
from workbench.tui.run.pane import RunPane
from workbench.tui.run.run_status import RunStatus

from .pilot import async_test, wait_for

SIZE = (120, 40)
REPO = Path(__file__).resolve().parents[1]


def make_app(tmp_path, recipe="hello", **kw) -> WorkbenchApp:
    return WorkbenchApp(recipe, build_root=tmp_path / "build", **kw)


def table_text(table) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(table)
    return console.export_text()


async def build_and_show_memory(pilot) -> None:
    """Build the recipe (b) and show the Memory screen once the image is mapped."""
    app = pilot.app
    await pilot.press("b")
    await wait_for(pilot, lambda: app.session.image_info is not None, timeout=90,
                   what="the build")
    await pilot.press("3")
    await pilot.pause()


def graph_nodes(app) -> set[str]:
    app.with_pane("graph")  # the Graph screen is built the first time it is needed
    view = app.graph_view
    if view is None:
        return set()
    return set(view.grid.boxes) if view.grid else set()


# ---------------------------------------------------------------- opening and navigating

@async_test
async def test_opens_on_hello_with_six_tabs(tmp_path):
    app = make_app(tmp_path, recipe=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.session.recipe.name == "hello"
        assert "hello" in app.session.resolution.names
        totals = str(app.query_one("#totals").render())
        assert "hello" in totals and "components" in totals
        tabs = app.query_one("#tabs")
        labels = [str(t.label) for t in app.query("Tab")]
        for title in ("Assemble", "Graph", "Memory", "Compare", "Run", "Lessons"):
            assert any(title in label for label in labels)
        for key, sid in zip("234561", ("graph", "memory", "compare", "run", "lessons",
                                        "assemble")):
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == sid


@async_test
async def test_palette_lists_every_action_and_runs_one(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        titles = [t for t, _, _ in app.command_entries()]
        for wanted in ("Go to Assemble", "Go to Graph", "Go to Memory", "Go to Compare",
                       "Go to Run", "Go to Lessons", "Build the image", "Boot in QEMU",
                       "Stop the run", "Open recipe…", "Save recipe as…", "Export graph…",
                       "Pin build for comparison", "Help"):
            assert wanted in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go to memory")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#tabs").active == "memory"


@async_test
async def test_help_screen_lists_bindings_with_ids(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        ids = {b.id for _, bindings in app.screen.sections for b in bindings}
        assert {"screen-graph", "build", "boot", "stop", "graph-export", "memory-pin",
                "field-leave"} <= ids
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ != "HelpScreen"


@async_test
async def test_keys_can_be_remapped_by_id(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"screen-compare": "f9"})
        await pilot.press("f9")
        await pilot.pause()
        assert app.query_one("#tabs").active == "compare"


# ---------------------------------------------------------------- assembling

@async_test
async def test_switching_the_allocator_changes_graph_and_totals(tmp_path):
    app = make_app(tmp_path, recipe="selftest")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "alloc-freelist" in graph_nodes(app), what="graph")
        before = app.session.totals()
        select = app.query_one("#provider-alloc")
        assert select.value == "alloc-freelist"
        select.value = "alloc-bump"  # what choosing it in the drop-down does
        await wait_for(pilot, lambda: "alloc-bump" in graph_nodes(app), what="new graph")
        assert "alloc-freelist" not in graph_nodes(app)
        assert app.session.recipe.providers["alloc"] == "alloc-bump"
        assert "alloc-bump" in app.session.resolution.included
        after = app.session.totals()
        assert after.lines != before.lines
        totals = str(app.query_one("#totals").render())
        assert f"{after.lines:,}" in totals and "*" in totals  # changed, not saved
        # and back, through the command palette's entry
        entry = next(cb for t, _, cb in app.command_entries() if t == "Use alloc-freelist for alloc")
        entry()
        await wait_for(pilot, lambda: "alloc-freelist" in graph_nodes(app), what="graph again")
        assert app.session.totals().lines == before.lines


@async_test
async def test_switching_the_layout_changes_graph_compare_and_the_recipe(tmp_path):
    app = make_app(tmp_path, recipe="hello")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "hello" in graph_nodes(app), what="graph")
        layout = app.query_one("#recipe-layout")
        assert layout.value == "libos"
        layout.value = "microkernel"  # what choosing it in the drop-down does
        await wait_for(pilot, lambda: "microkernel-x86" in graph_nodes(app), what="new graph")
        assert app.session.recipe.layout == "microkernel" and app.session.dirty
        assert {"microkernel-x86", "addrspace-x86"} <= set(app.session.resolution.included)
        assert "microkernel layout" in app.session.resolution.included["microkernel-x86"].reason
        # and to the monolithic kernel, through the command palette's entry
        entry = next(cb for t, _, cb in app.command_entries() if t == "Layout: Monolithic kernel")
        entry()
        await wait_for(pilot, lambda: "syscall-x86" in graph_nodes(app), what="graph again")
        assert "microkernel-x86" not in graph_nodes(app)
        assert app.query_one("#recipe-layout").value == "monolithic"
        assert 'layout = "monolithic"' in app.session.recipe.to_toml()


@async_test
async def test_option_errors_appear_beside_the_field(tmp_path):
    app = make_app(tmp_path, recipe="selftest")
    async with app.run_test(size=SIZE) as pilot:
        app.select_component("alloc-freelist")
        await pilot.pause()
        field = app.query_one("#opt-heap_kib")
        field.value = "3"
        await pilot.pause()
        error = str(app.query_one("#err-heap_kib").render())
        assert "below the minimum 4" in error
        assert "alloc-freelist" not in app.session.recipe.options
        field.value = "512"
        await pilot.pause()
        assert str(app.query_one("#err-heap_kib").render()) == ""
        assert app.session.recipe.options["alloc-freelist"]["heap_kib"] == 512


@async_test
async def test_text_fields_keep_screen_keys_out_and_let_the_learner_leave(tmp_path):
    """Keys typed into an option never switch screens or build; Escape leaves the field, Enter
    keeps the value and leaves; the footer names the field meanwhile."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.query("#opt-greeting") and app.focused is not None,
                       what="the options form and the first focus")
        field = app.query_one("#opt-greeting")
        hint = app.query_one("#field-hint")

        def focused_field() -> bool:
            # the app's first focus of the screen may land after ours: focus until it holds
            if not field.has_focus:
                field.focus()
            return hint.display

        await wait_for(pilot, focused_field, what="the field's footer line")
        assert "editing greeting" in str(hint.render())
        assert "Esc leaves" in str(hint.render())
        assert not app.query_one(Footer).display
        await pilot.press("end", "6", "c", "r", "b", "?", "x")
        await pilot.pause()
        assert field.value.endswith("6crb?x")
        assert app.query_one("#tabs").active == "assemble"
        assert app.session.build is None and len(app.screen_stack) == 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: not hint.display, what="the footer back")
        assert not field.has_focus and app.focused is not None
        assert app.query_one(Footer).display
        await pilot.press("2")
        await wait_for(pilot, lambda: app.query_one("#tabs").active == "graph",
                       what="the Graph screen")
        await pilot.press("1")
        await wait_for(pilot, lambda: app.query_one("#tabs").active == "assemble",
                       what="the Assemble screen")
        await wait_for(pilot, focused_field, what="the field again")
        assert field.cursor_position == len(field.value), "focusing must not select it all"
        await pilot.press("ctrl+a", "H", "i")  # select all, as in other programs, and replace
        assert field.value == "Hi", field.value
        await pilot.press("enter")
        await pilot.pause()
        assert not field.has_focus
        assert app.session.recipe.options["hello"]["greeting"] == "Hi"


@async_test
async def test_source_pane_shows_component_files(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.select_component("serial-16550")
        await pilot.pause()
        src = app.query_one("#assemble-source")
        assert src.path is not None and src.path.suffix == ".c"
        manifest = app.session.catalogue.components["serial-16550"].manifest
        src.show_file(manifest)
        await pilot.pause()
        assert src.path == manifest


@async_test
async def test_a_broken_provider_choice_is_reported_not_raised(tmp_path):
    app = make_app(tmp_path, recipe="selftest")
    async with app.run_test(size=SIZE) as pilot:
        app.set_provider("alloc", "serial-16550")
        await pilot.pause()
        assert app.session.resolution is None
        assert "does not provide interface 'alloc'" in app.session.error.message
        assert "does not resolve" in str(app.query_one("#totals").render())
        app.set_provider("alloc", "alloc-bump")
        await pilot.pause()
        assert app.session.resolution is not None


@async_test
async def test_open_and_save_recipe(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.open_recipe("selftest")
        assert app.session.recipe.name == "selftest"
        assert not app.open_recipe("no-such-recipe")  # a notification, not a crash
        app.set_provider("alloc", "alloc-bump")
        target = tmp_path / "mine.toml"
        saved = app.save_recipe(str(target))
        await pilot.pause()
        assert saved == target and not app.session.dirty
        again = load_recipe(target)
        assert again.providers["alloc"] == "alloc-bump"
        assert not list(tmp_path.glob(".mine.toml.*"))  # no temporary left behind


# ---------------------------------------------------------------- graph

@async_test
async def test_graph_navigation_why_path_and_export(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: graph_nodes(app), what="graph")
        await pilot.press("2")
        view = app.query_one(GraphView)
        app.select_component("serial-16550")
        await pilot.pause()
        assert view.selected == "serial-16550"
        assert set(view._hl.why) == set(app.session.resolution.included["serial-16550"].chain)
        info = str(app.query_one("#graph-info").render())
        assert "why is this here?" in info and "serial-16550" in info
        await pilot.press("up")
        await pilot.pause()
        assert view.selected != "serial-16550"
        # a click on a box selects it
        box = view.grid.boxes["serial-16550"]
        view.scroll_to(0, 0, animate=False)
        await pilot.pause()
        await pilot.click(GraphView, offset=(box.cx - int(view.scroll_x),
                                             box.y + 1 - int(view.scroll_y)))
        await pilot.pause()
        assert view.selected == "serial-16550"
        out = tmp_path / "graph.svg"
        written = app.export_graph(str(out))
        assert written == out and out.read_text().lstrip().startswith(("<?xml", "<svg"))
        assert str(out) in str(app.query_one("#graph-status").render())


@async_test
async def test_missing_graphviz_is_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("WB_DOT", str(tmp_path / "no-dot-here"))
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await wait_for(pilot, lambda: "Graphviz" in str(app.query_one("#graph-status").render()),
                       what="graphviz message")
        assert app.is_running


# ---------------------------------------------------------------- compare (layout model)

def test_layout_model_of_hello():
    cat = load_catalogue()
    res = resolve(load_recipe(find_recipe("hello")), cat)
    mono, micro, libos = model_layouts(res)
    assert [m.layout for m in (mono, micro, libos)] == ["monolithic", "microkernel", "libos"]
    assert len(libos.domains) == 1 and libos.domains[0].privileged
    assert libos.counts["trap"] == libos.counts["ipc"] == 0
    path = request_path(res)
    assert path and path[0][0] == "hello"
    # monolithic: the application is the only unprivileged domain and traps into the kernel
    app_dom = mono.domain_of("hello")
    assert not app_dom.privileged and mono.counts["trap"] >= 1
    assert "hello" not in mono.tcb_components
    # microkernel: only boot and cpu components are privileged; services are servers
    assert set(micro.tcb_components) <= {c.name for c in res.components
                                         if c.layer in ("boot", "cpu")} | {"libc-mini"}
    assert micro.counts["ipc"] >= 1
    assert micro.tcb_lines < mono.tcb_lines
    # libc does not cross: it is a copy in each domain, never a trap
    assert all(h.kind == "call" for h in mono.path if h.interface == "libc")


def test_layout_model_uses_measured_sizes():
    cat = load_catalogue()
    res = resolve(load_recipe(find_recipe("hello")), cat)
    sizes = {c.name: 100 for c in res.components}
    models = model_layouts(res, sizes, {"libos": {"image": "6 KiB"}})
    libos = models[2]
    assert libos.tcb_bytes == 100 * len(res.components)
    assert libos.measured == {"image": "6 KiB"}
    assert models[0].measured == {}


@pytest.mark.qemu
@async_test
async def test_measure_layouts_fills_all_three_columns(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        pane = app.query_one("#compare-pane")
        assert "Measure layouts" in [t for t, _, _ in app.command_entries()]
        assert "compare-measure" in {b.id for b in pane.BINDINGS}
        recipe_before = app.session.state_key
        await pilot.press("m")
        await wait_for(pilot, lambda: pane.comparison is not None and not pane.measuring,
                       timeout=120, what="the measurement")
        models = {m.layout: m for m in pane.models}
        for name in ("libos", "monolithic", "microkernel"):
            rows = models[name].measured
            assert rows["status"] == "success", rows
            for key in ("image", "privileged bytes", "boot to ready", "cycles per crossing"):
                assert key in rows, (name, rows)
            text = str(app.query_one(f"#layout-{name}").render())
            assert "privileged bytes" in text and "cycles per crossing" in text
        mono = float(models["monolithic"].measured["cycles per crossing"])
        assert mono > float(models["libos"].measured["cycles per crossing"])
        # a message to the clock server and back costs more than one trap
        assert float(models["microkernel"].measured["cycles per crossing"]) > mono
        note = str(app.query_one("#compare-progress").render())
        assert "system call costs" in note and "a message to a server and back" in note
        # the learner's recipe was measured on copies: it is still what it was
        assert app.session.state_key == recipe_before and not app.session.dirty
        # several boots per layout: the median ready time with its range
        ready = models["libos"].measured["boot to ready"]
        assert f"over {MEASURE_BOOTS} boots" in ready and "median" in ready
        # the microkernel's IPC exchanges are counted as two traps each, as lesson 13 says
        micro = models["microkernel"]
        table = table_text(summary_table(pane.models))
        assert "IPC exchanges (2 traps each)" in table and "median, range" in table
        assert "over 5 boots" not in table and " ms (" in table  # "72.8 ms (64.9–96.4)"
        assert traps(micro) == micro.counts["trap"] + 2 * micro.counts["ipc"] > 0
        assert f"{traps(micro)} traps" in str(app.query_one("#layout-microkernel").render())
        # another recipe: hello's measurement is gone from the screen
        assert app.open_recipe("selftest")
        await pilot.pause()
        assert pane.comparison is None
        assert "measured hello" not in str(app.query_one("#compare-progress").render())
        assert " ms (" not in table_text(summary_table(pane.models))


# ---------------------------------------------------------------- build, boot, run

@pytest.mark.qemu
@async_test
async def test_build_and_boot_hello_shows_greeting(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        status = app.query_one(RunStatus)
        await wait_for(pilot, lambda: status.status == "success", timeout=90, what="success")
        console = app.query_one(ConsoleView)
        greeting = app.session.option_value("hello", "greeting")
        assert greeting in console.text
        assert status.first_output_ms is not None and status.ready_ms is not None
        assert "image" in str(app.query_one("#totals").render())
        assert app.session.image_info is not None
        # the memory screen now maps the image; the compare screen shows measured numbers
        await pilot.press("3")
        await pilot.pause()
        mm = app.query_one("#map-b")
        assert mm.regions and any(r.owner == "hello" for r in mm.regions)
        await pilot.press("down")
        await pilot.pause()
        await pilot.press("4")  # built now, from the last build and run
        await pilot.pause()
        libos = app.query_one("#compare-pane").models[2]
        assert "image" in libos.measured and "boot to ready" in libos.measured
        timeline = str(app.query_one("#timeline").render())
        assert "ready" in timeline


@async_test
async def test_memory_map_shows_the_address_spaces_of_a_microkernel(tmp_path):
    app = make_app(tmp_path, recipe="hello-microkernel")
    async with app.run_test(size=SIZE) as pilot:
        await build_and_show_memory(pilot)
        mm = app.query_one("#map-b")
        spaces = {r.space for r in mm.regions}
        assert {"", "user", "srv_serial_16550", "srv_telemetry_debugcon"} <= spaces
        for _ in range(2):  # component → kind → domain
            await pilot.press("c")
        await pilot.pause()
        assert mm.colour_by == "domain"
        server = next(r for r in mm.regions if r.space == "srv_serial_16550")
        kernel = next(r for r in mm.regions if r.owner == "cpu-x86")
        assert mm._colour(server) != mm._colour(kernel)
        lines = "\n".join(mm._row(i, 100).text for i in range(len(mm._row_band)))
        assert "code serial-16550  · ring 3" in lines
        assert "code cpu-x86  · ring 3" not in lines  # the kernel's own pages


@pytest.mark.qemu
@async_test
async def test_fault_recipe_shows_panic_report(tmp_path):
    app = make_app(tmp_path, recipe="fault")
    async with app.run_test(size=SIZE) as pilot:
        app.action_boot()
        await pilot.pause()  # the Run screen is built when first shown
        status = app.query_one(RunStatus)
        await wait_for(pilot, lambda: status.status not in ("idle", "building", "booting",
                                                             "running"),
                       timeout=90, what="end of run")
        assert status.status == "panic"
        assert status.panic and status.panic.get("vector") == 14
        text = str(status.render())
        assert "panic" in text and "page fault" in text


@pytest.mark.qemu
@async_test
async def test_stop_and_quit_leave_no_qemu(tmp_path):
    app = make_app(tmp_path, recipe="hang", run_timeout=60)
    async with app.run_test(size=SIZE) as pilot:
        app.action_boot()
        await wait_for(pilot, lambda: app.qemu_run is not None and app.qemu_run.running,
                       timeout=90, what="QEMU running")
        pid = app.qemu_run._proc.pid
        assert app.check_action("stop", ()), "x Stop is offered while the guest runs"
        await pilot.press("x")
        status = app.query_one(RunStatus)
        await wait_for(pilot, lambda: status.status == "stopped", what="stopped")
        assert not _alive(pid)
        # boot again and quit while it runs
        app.action_boot()
        await wait_for(pilot, lambda: app.qemu_run is not None and app.qemu_run.running,
                       timeout=60, what="QEMU running again")
        pid = app.qemu_run._proc.pid
    for _ in range(250):  # up to 5 s for the kernel to reap it; usually at once
        if not _alive(pid):
            break
        await asyncio.sleep(0.02)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purposes
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


@async_test
async def test_missing_qemu_is_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("WB_QEMU", str(tmp_path / "no-qemu-here"))
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.action_boot()
        await pilot.pause()  # the Run screen is built when first shown
        status = app.query_one(RunStatus)
        await wait_for(pilot, lambda: status.status == "error", timeout=90, what="error")
        assert "QEMU" in status.detail
        assert app.is_running


@async_test
async def test_compile_error_jumps_to_the_source_line(tmp_path):
    workspace = tmp_path / "ws"
    src = load_catalogue().components["hello"].directory
    shutil.copytree(src, workspace / "hello")
    c_file = workspace / "hello" / "hello.c"
    lines = c_file.read_text().splitlines()
    bad = next(i for i, ln in enumerate(lines) if "return 0" in ln)
    lines[bad] = "    return undeclared_thing;"
    c_file.write_text("\n".join(lines) + "\n")
    app = make_app(tmp_path, workspace=workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        diags = app.query_one("#diagnostics")
        await wait_for(pilot, lambda: diags.diagnostics, timeout=90, what="diagnostics")
        assert app.query_one(RunStatus).status == "build failed"
        src_view = app.query_one("#run-source")
        assert src_view.display and src_view.path.name == "hello.c"
        assert src_view.line == bad + 1
        # choosing the diagnostic in the list opens it again
        src_view.show_file(c_file, 1)
        diags.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert src_view.line == bad + 1


@async_test
async def test_console_handles_ansi_and_partial_lines(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        console = app.query_one(ConsoleView)
        pane = app.query_one(RunPane)
        pane._pending += ["plain li", "ne\n\x1b[31mred\x1b[0m text\n", "bell\x07 gone\n"]
        pane.flush()
        await pilot.pause()
        assert console.lines[:3] == ["plain line", "\x1b[31mred\x1b[0m text", "bell\x07 gone"]
        assert console.text.splitlines()[1] == "red text"
        strip = console._strip(1)
        assert strip.text == "red text"
        assert "\x07" not in console._strip(2).text


@async_test
async def test_console_and_build_log_wrap_in_a_narrow_pane(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        console = app.query_one(ConsoleView)
        pane = app.query_one(RunPane)
        long_line = "$ /usr/bin/qemu-system-x86_64 -M microvm " + "-device x " * 12 + "END"
        pane._pending += ["short\n", "\x1b[32m" + long_line + "\x1b[0m\n", "日本語" * 30 + "\n"]
        pane.flush()
        await pilot.pause()
        width = console.scrollable_content_region.width
        rows = [console.render_line(y).text for y in range(console.size.height)]
        assert all(len(r) <= width for r in rows)
        joined = "".join(r.rstrip() if i else r for i, r in enumerate(rows[1:6]))
        assert long_line.replace(" ", "") in joined.replace(" ", "")
        log = app.query_one("#build-log")
        log.event("link", {"image": "/tmp/" + "x" * 90 + "/hello.elf"})
        await pilot.pause()
        texts = [strip.text for strip in log.lines]
        assert texts[-1].rstrip().endswith("hello.elf")
        assert all(len(t.rstrip()) <= log.scrollable_content_region.width for t in texts)


@async_test
async def test_first_output_time_shows_while_the_guest_runs(tmp_path):
    app = make_app(tmp_path, recipe="hang", run_timeout=20)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        status = app.query_one(RunStatus)
        console = app.query_one(ConsoleView)
        await wait_for(pilot, lambda: console.lines and status.status == "running",
                       timeout=90, what="output of a running guest")
        assert status.first_output_ms is not None
        assert "first output —" not in str(status.render())
        await app.action_stop()
        await wait_for(pilot, lambda: app.qemu_run is None, timeout=20, what="the stop")


@async_test
async def test_a_failed_build_clears_the_previous_run(tmp_path):
    workspace = tmp_path / "ws"
    shutil.copytree(load_catalogue().components["hello"].directory, workspace / "hello")
    app = make_app(tmp_path, workspace=workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        status = app.query_one(RunStatus)
        await wait_for(pilot, lambda: status.status == "success", timeout=90, what="success")
        console = app.query_one(ConsoleView)
        assert console.lines and status.ready_ms is not None
        c_file = workspace / "hello" / "hello.c"
        c_file.write_text(c_file.read_text().replace("return 0", "return undeclared_thing", 1))
        await pilot.press("b")
        await wait_for(pilot, lambda: status.status == "build failed", timeout=90,
                       what="the failed build")
        assert not console.lines
        assert status.first_output_ms is None and status.ready_ms is None
        assert status.duration_ms is None and "timeline: no telemetry" in str(
            app.query_one("#timeline").render())


@async_test
async def test_option_names_and_errors_do_not_wrap_mid_word_at_80_columns(tmp_path):
    app = make_app(tmp_path, recipe="selftest")
    async with app.run_test(size=(80, 24)) as pilot:
        app.select_component("selftest")
        await pilot.pause()
        label = next(lb for lb in app.query(".option-name")
                     if str(lb.render()) == "sleep_tolerance_pct")
        assert label.size.height == 1 and label.size.width >= len("sleep_tolerance_pct")
        key = next(k for k, spec in app.query_one("#options").specs.items()
                   if spec.type == "int" and spec.max is not None)
        field = app.query_one(f"#opt-{key}")
        field.value = str(app.query_one("#options").specs[key].max + 1)
        await pilot.pause()
        error = app.query_one(f"#err-{key}")
        text = str(error.render())
        assert error.display and "above the maximum" in text
        # the message has the form's whole width: at most two rows, no row a lone word
        assert error.size.height <= 2 and error.size.width > 40
        field.value = "1"
        await pilot.pause()
        assert not error.display


@async_test
async def test_memory_screen_names_its_colouring_and_scale(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        view = app.query_one("#memory-view")

        def shown() -> str:
            return str(view.render())

        assert "colour: component kind domain" in shown() and "scale: log linear" in shown()
        await pilot.press("c")
        await pilot.pause()
        assert app.query_one("#map-b").colour_by == "kind"
        await pilot.press("l")
        await pilot.pause()
        assert app.query_one("#map-b").scale == "linear"
        await pilot.press("d")
        await pilot.pause()
        assert not app.query_one("#map-b").include_devices
        text = view_text("kind", "linear", False)
        marked = [text.plain[sp.start:sp.end] for sp in text.spans if "underline" in str(sp.style)]
        assert marked == ["kind", "linear", "hidden"]
        assert view.size.height == 1, "one line at 80 columns"


@async_test
async def test_a_student_at_80_by_24_sees_what_they_need(tmp_path):
    """The footer's palette key reaches the edge (no letter of the keys behind it shows);
    the memory map takes the whole width, so its labels are whole; the exercises' checks are
    in view without scrolling."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        footer = app.query_one(Footer)

        def palette_key():  # the footer makes its keys again when the bindings change
            return next((k for k in footer.query("FooterKey")
                         if k.has_class("-command-palette") and k.region.width), None)

        await wait_for(pilot, lambda: palette_key() is not None, what="the footer")
        assert palette_key().region.right == footer.region.right == 80
        assert not app.check_action("stop", ()), "no 'x Stop' in the footer while nothing runs"
        await build_and_show_memory(pilot)
        memory_map = app.query_one("#map-b")
        assert memory_map.size.width >= 76
        rows = [memory_map.render_line(y).text for y in range(memory_map.size.height)]
        owners = {r.owner for r in memory_map.regions if r.kind == "code"}
        visible = " ".join(rows)
        assert any(owner in visible for owner in owners if len(owner) > 12)
        await pilot.press("6")
        await pilot.pause()
        assert not app.query_one("#lesson-bar").display, "the footer has its keys"
        await pilot.press("t")
        await pilot.pause()
        panel = app.query_one("ExercisesPanel")
        text = app.query_one("#exercise-text")
        report = app.query_one("#exercise-report")
        assert not app.query_one("#exercise-bar").display
        first_check = panel.current.checks[0].name
        assert first_check in panel.result_text.plain
        shown = [report.render_line(y).text for y in range(min(4, report.size.height))]
        assert any(first_check in row for row in shown), shown
        assert report.region.y + 2 < text.region.bottom, "the checks start in view"


def footer_keys(app) -> tuple[list, object]:
    """The footer's keys on screen, and its palette key."""
    keys = [k for k in app.query_one(Footer).query("FooterKey") if k.region.width]
    palette = next((k for k in keys if k.has_class("-command-palette")), None)
    return [k for k in keys if k is not palette], palette


@pytest.mark.parametrize("lang", ["en", "ja"])
@async_test
async def test_at_80_by_24_assemble_keeps_its_rows_and_source_and_the_footer_fits(
        tmp_path, monkeypatch, lang):
    """At 80x24: the layout and provider rows stay in view however far the form below them
    scrolls; s switches the middle column to the source and back; the catalogue's longest
    name is whole; on every screen the footer's keys end before the palette key (whose
    label is whole) and Help and the screen keys are among them."""
    monkeypatch.setenv("WB_LANG", lang)
    app = make_app(tmp_path, recipe="dns")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.assemble
        providers = app.query_one("#providers")
        form = app.query_one("#assemble-form")
        form.scroll_end(animate=False)  # what Tab into the last option or the wheel does
        await pilot.pause()
        assert form.scroll_y > 0, "the form scrolls at this size"
        assert providers.region.height >= 3 and providers.region.y < 8
        assert app.query_one("#recipe-layout").region.height == 1
        assert app.query_one("#provider-alloc").region.height == 1
        tree = app.query_one("#catalogue")
        assert tree.virtual_size.width <= tree.scrollable_content_region.width, \
            "every name in the catalogue is whole (telemetry-debugcon)"
        source = app.query_one("#assemble-source")
        assert not source.display
        await pilot.press("s")
        await pilot.pause()
        assert source.region.width >= 50 and not app.query_one("#assemble-middle").display
        assert app.query_one("#assemble-source #source-body").region.height > 10
        await pilot.press("s")
        await pilot.pause()
        assert app.query_one("#assemble-middle").region.width >= 50 and not source.display
        assert pane.component == "dns"
        for key in "1234567":
            if key == "7":  # the Exercises tab
                await pilot.press("6", "t")
            else:
                await pilot.press(key)
            await wait_for(pilot, lambda: footer_keys(app)[1] is not None, what="the footer")
            keys, palette = footer_keys(app)
            assert palette.region.right == 80
            assert all(k.region.right <= palette.region.x for k in keys), \
                [(k.key, k.region) for k in keys]
            actions = {k.action for k in keys}
            assert "help" in actions and "show_screen('run')" in actions, (key, actions)
            drawn = palette.render_line(0).text
            assert palette.description in drawn, drawn


@async_test
async def test_screens_are_built_after_the_first_frame_or_when_first_shown(tmp_path):
    """Start-up builds the Assemble screen only; a screen's key pressed at once builds that
    screen and gives it the focus; the rest are built in the background, one at a time."""
    app = make_app(tmp_path)
    app.prebuild_after = None  # started by hand below, so a slow machine cannot race it
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.pane("assemble") is not None
        assert all(app.pane(sid) is None for sid in ("graph", "memory", "compare", "run",
                                                      "lessons"))
        await pilot.press("5")
        await wait_for(pilot, lambda: app.pane("run") is not None, what="the Run screen")
        await wait_for(pilot, lambda: app.focused is app.query_one(ConsoleView),
                       what="the focus in the console")
        assert app.pane("lessons") is None
        app.build_other_screens()  # what start-up does half a second after the first frame
        await wait_for(pilot, lambda: all(app.pane(sid) for sid in ("graph", "memory",
                                                                     "compare", "lessons")),
                       timeout=30, what="the other screens built in the background")
        assert app.query_one("#tabs").active == "run", "building them switched no screen"
        assert app.focused is app.query_one(ConsoleView)
        # the graph laid out in the background selected what Assemble shows, not its own pick
        await wait_for(pilot, lambda: app.graph_view.grid is not None, what="the graph")
        assert app.graph_view.selected == app.assemble.component == "hello"


@async_test
async def test_at_80_columns_a_crowded_footer_leaves_out_the_screens_label_not_a_key(
        tmp_path, monkeypatch):
    """The Lessons screen with its figure focused has more keys than 80 columns hold even
    without the app's spare ones: the screens group's label goes ("1 2 3 4 5 6" stay) rather
    than the row running on under the palette key."""
    from workbench.tui.lessons.figure import LessonFigure

    monkeypatch.setenv("WB_LANG", "en")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await app.ready_pane("lessons")
        await wait_for(pilot, lambda: app.query(LessonFigure), what="a lesson figure")
        app.screen.set_focus(app.query(LessonFigure).first())
        await wait_for(pilot, lambda: "open" in {k.action for k in footer_keys(app)[0]},
                       what="the figure's key in the footer")
        keys, palette = footer_keys(app)
        assert all(k.region.right <= palette.region.x for k in keys), \
            [(k.key, k.region) for k in keys]
        assert {"open", "check", "help", "show_screen('run')"} <= {k.action for k in keys}
        assert "<group-labels>" in app.query_one(Footer).left_out


@async_test
async def test_at_80_columns_the_totals_row_stays_one_row_leaving_out_the_least_needed(
        tmp_path, monkeypatch):
    """After a build, in Japanese at 80 columns, the totals ran onto a second row and pushed
    the tabs down: the size in memory goes first, then the lines; the image's size stays."""
    from rich.cells import cell_len

    from workbench.tui.session import Totals

    monkeypatch.setenv("WB_LANG", "ja")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.session.totals = lambda: Totals(27, 123_456, 1_234_567, 87_654_321, True)
        app.session.dirty = True
        app.refresh_views()
        await pilot.pause()
        bar = app.query_one("#totals")
        shown = str(bar.render())
        assert bar.region.height == 1 and app.query_one("#tabs").region.y == 1
        assert cell_len(shown) <= bar.content_region.width, shown
        assert "hello *" in shown and "1.2 MiB" in shown and "83.6 MiB" not in shown, shown
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 24)) as pilot:  # room for everything
        app.session.totals = lambda: Totals(27, 123_456, 1_234_567, 87_654_321, True)
        app.refresh_views()
        await pilot.pause()
        assert "83.6 MiB" in str(app.query_one("#totals").render())


@async_test
async def test_the_totals_row_names_the_recipe_file_when_it_is_not_the_recipe_s_name(tmp_path):
    """A learner's my-hello.toml holds the recipe "hello": the row says which file is open."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        assert "(" not in str(app.query_one("#totals").render()).split("components")[0]
        app.save_recipe(str(tmp_path / "my-hello.toml"))
        await pilot.pause()
        assert "hello (my-hello.toml)" in str(app.query_one("#totals").render())
