"""The workbench's terminal UI: six screens over one session.

The app owns a `Session` (recipe, resolution, last build, last run) and the long work: builds
run in a thread (the compiler is a subprocess), QEMU runs as an asyncio task on the UI's loop
(the runner is async). Both are Textual workers in the exclusive group "run", so starting a
new boot cancels the previous one — and cancelling a run kills its QEMU.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette
from textual.message import Message
from textual.widgets import Footer, TabbedContent, TabPane

from workbench.core.layouts.model import LAYOUT_ORDER, LAYOUT_TITLES
from workbench.core.learn.progress import current_language
from workbench.core.model.errors import ToolMissing, WorkbenchError

from .assemble.pane import AssemblePane
from .commands import WorkbenchCommands
from .dialogs.path_dialog import PathDialog
from .i18n import N_, _, language, use_language
from .messages import ComponentSelected, LayoutChosen, OptionChanged, ProviderChosen
from .pane import Pane
from .session import Session
from .widgets.field import FieldEditing, FieldHint, FieldInput
from .widgets.footer import FittedFooter
from .widgets.screen_tabs import ScreenTabs
from .widgets.toasts import FewToasts
from .widgets.totals_bar import TotalsBar

if TYPE_CHECKING:
    from .graph.graph_view import GraphView
    from .lessons.pane import LessonsPane
    from .run.pane import RunPane

# (id, title, what it is for, its pane): the tabs in order; the pane's id is "<id>-pane". The
# panes of screens not on view at start-up are named, not imported: they and what they need
# (networkx's drawing, the ELF reader, the grader, the Linux baseline, Markdown) are imported
# when the screen is first built, so the learner's first frame does not wait for them.
SCREENS: list[tuple[str, str, str, str]] = [
    ("assemble", N_("Assemble"), N_("Choose providers and options; see what is included and why"),
     "workbench.tui.assemble.pane:AssemblePane"),
    ("graph", N_("Graph"), N_("The dependency graph of the image"),
     "workbench.tui.graph.pane:GraphPane"),
    ("memory", N_("Memory"), N_("Where every byte of the built image lives"),
     "workbench.tui.memory.pane:MemoryPane"),
    ("compare", N_("Compare"), N_("The recipe as monolithic kernel, microkernel and library OS"),
     "workbench.tui.compare.pane:ComparePane"),
    ("run", N_("Run"), N_("Build, boot in QEMU, watch the console"),
     "workbench.tui.run.pane:RunPane"),
    ("lessons", N_("Lessons"), N_("Guided lessons and graded exercises"),
     "workbench.tui.lessons.pane:LessonsPane"),
]
RUN_TIMEOUT_S = 30.0
FIRST_SCREEN = "assemble"  # the screen on view at start-up, the only one built then
PREBUILD_AFTER_S = 0.5  # then the others are built in the background, one at a time
# The keys the footer leaves out, in this order, when they do not all fit (at 80 columns): they
# still work, and Help and the palette list them.
FOOTER_SPARE = ("open_recipe", "save_recipe", "build", "boot", "toggle_language", "open_figure",
                "edit_external", "view_transcript")
SCREEN_KEYS = Binding.Group(N_("screens"), compact=True)


@dataclass
class BuildStep(Message):
    """One build event from the build thread."""

    kind: str
    data: dict


class WorkbenchApp(FewToasts, App):
    TITLE = N_("Unikernel Workbench")
    CSS_PATH = Path(__file__).parent / "workbench.tcss"
    COMMANDS = App.COMMANDS | {WorkbenchCommands}
    FOOTER_SPARE = FOOTER_SPARE  # the keys a fitted footer may leave out, on every screen
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("b", "build", N_("Build"), id="build"),
        Binding("r", "boot", N_("Boot"), id="boot"),
        Binding("x", "stop", N_("Stop"), id="stop"),
        Binding("ctrl+o", "open_recipe", N_("Open"), id="open-recipe"),
        Binding("ctrl+s", "save_recipe", N_("Save"), id="save-recipe"),
        Binding("f1,question_mark", "help", N_("Help"), id="help", key_display="?"),
        # Textual's own palette key, here so that its footer entry is translated too
        Binding("ctrl+p", "command_palette", N_("palette"), show=False, key_display="^p",
                priority=True, tooltip=N_("Open the command palette")),
        # The screens share one compact footer entry ("1 2 3 4 5 6 screens"); the tab labels
        # carry the same numbers.
        *[Binding(str(i + 1), f"show_screen('{sid}')", title, id=f"screen-{sid}",
                  group=SCREEN_KEYS)
          for i, (sid, title, *_rest) in enumerate(SCREENS)],
    ]

    def __init__(self, recipe: str | Path | None = None, workspace: Path | None = None,
                 toolchain: str = "zig", build_root: Path | None = None,
                 run_timeout: float | None = RUN_TIMEOUT_S) -> None:
        use_language(current_language())  # before any widget copies its class's bindings
        # What importing made (modules, classes, their tables) lives as long as the process:
        # frozen, the collector's full passes stop walking it again and again while the app
        # starts, which had been about two fifths of the time to the first frame. Once per
        # process: a later app would freeze the garbage of the one before it.
        if not gc.get_freeze_count():
            gc.freeze()
        super().__init__()
        self.session = Session(recipe, workspace=workspace, toolchain=toolchain,
                               build_root=build_root)
        self.run_timeout = run_timeout
        self.qemu_run = None
        self._graph_for = None
        self._panes: dict[str, Pane] = {}  # the screens built so far
        self.prebuild_after: float | None = PREBUILD_AFTER_S  # None: each when first shown
        self._when_built: dict[str, list] = {}  # what waits for a screen to be built
        self._mounting: list = []  # the screens' mounts, awaited before quitting
        self._quitting = False

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield TotalsBar(id="totals")
        with ScreenTabs(id="tabs", initial=FIRST_SCREEN):
            for i, (sid, title, *_rest) in enumerate(SCREENS):
                with TabPane(f"{i + 1} {_(title)}", id=sid):
                    if sid == FIRST_SCREEN:
                        yield self._new_pane(sid)
        yield FieldHint(id="field-hint")
        yield FittedFooter(spare=FOOTER_SPARE, compact=True)

    def on_mount(self) -> None:
        self.sub_title = self.session.recipe.name if self.session.recipe else ""
        self.refresh_views()
        if self.session.catalogue is None and self.session.error is not None:
            self.notify(str(self.session.error), title=_("Cannot load the catalogue"),
                        severity="error", timeout=20)
        elif self.session.recipe is None and self.session.error is not None:
            self.notify(str(self.session.error), title=_("Cannot open the recipe"),
                        severity="error", timeout=20)
        # Focused now, not after the first refresh: the footer lists the focused widget's keys,
        # and every refresh waited for was one more frame painted without them.
        self._focus_pane(FIRST_SCREEN)
        if self.prebuild_after is not None:
            self.set_timer(self.prebuild_after, self.build_other_screens)

    @on(FieldEditing)
    def _field_editing(self, event: FieldEditing) -> None:
        """While a text field has the focus, the footer names it and the ways out."""
        if not self.main.query(FieldHint):
            return
        hint = self.main.query_one(FieldHint)
        if event.hint is not None:
            hint.update(event.hint)
        hint.display = event.hint is not None
        self.main.query_one(Footer).display = event.hint is None

    @property
    def main(self):
        """The workbench's own screen, even while a dialog or the palette is on top."""
        return self.screen_stack[0] if self.screen_stack else self.screen

    # Start-up draws the first screen only: every other screen is built the first time it is
    # shown or needed (a Lessons screen alone costs more than Textual's whole first frame).

    def _new_pane(self, sid: str) -> Pane:
        self._panes[sid] = pane = pane_class(sid).for_session(self.session, id=f"{sid}-pane")
        return pane

    def pane(self, sid: str) -> Pane | None:
        """The pane of screen `sid` ("assemble", "graph", ...); None until it is built."""
        pane = self._panes.get(sid)
        return pane if pane is not None and pane.is_mounted else None

    def with_pane(self, sid: str, then=None) -> None:
        """Call `then(pane)` with screen `sid`'s pane: now if it is built, else once it is
        (building it now)."""
        pane = self.pane(sid)
        if pane is not None:
            if then is not None:
                then(pane)
            return
        if then is not None:
            self._when_built.setdefault(sid, []).append(then)
        if sid not in self._panes:
            pane = self._new_pane(sid)
            self._mounting.append(self.main.query_one(f"TabPane#{sid}", TabPane).mount(pane))
            pane.call_later(self._pane_built, sid)  # runs once the pane has composed

    def build_other_screens(self) -> None:
        """Build the next screen not built yet, and the one after it once that is done, so
        that a screen's key finds it built (a key pressed earlier builds its screen at once)."""
        sid = next((s for s, *_rest in SCREENS if s not in self._panes), None)
        tab = self.main.query(f"TabPane#{sid}") if sid and self.screen_stack else None
        if not tab or not tab.first().is_attached or self._quitting:
            return  # all built, or the app is closing (its screen no longer attached)
        self.with_pane(sid, lambda _pane: self.set_timer(0.05, self.build_other_screens))

    async def ready_pane(self, sid: str) -> Pane:
        """Screen `sid`'s pane, built first if need be."""
        built = asyncio.get_running_loop().create_future()
        self.with_pane(sid, lambda pane: built.done() or built.set_result(pane))
        return await built

    def _pane_built(self, sid: str) -> None:
        pane = self._panes[sid]
        if not (self.is_running and self.screen_stack and pane.is_attached):
            return  # built as the app closes (in the background, just before)
        pane.refresh_from(self.session)
        if sid == "graph":
            self.update_graph()
            if self.assemble.component:  # the component chosen on Assemble, selected there too
                self._select_when_drawn(self.assemble.component)
        self._focus_pane(sid)
        for then in self._when_built.pop(sid, []):
            then(pane)

    @property
    def assemble(self) -> AssemblePane:
        return self.main.query_one(AssemblePane)

    @property
    def run_pane(self) -> RunPane:
        return self.main.query_one(pane_class("run"))

    @property
    def lessons_pane(self) -> LessonsPane:
        return self.main.query_one(pane_class("lessons"))

    def refresh_views(self) -> None:
        if not self.screen_stack or not self.main.query(TotalsBar):
            return  # the app is closing: nothing to refresh
        self.main.query_one(TotalsBar).refresh_from(self.session)
        for sid, *_rest in SCREENS:
            pane = self.pane(sid)
            if pane is not None:
                pane.refresh_from(self.session)
        self.update_graph()

    # ------------------------------------------------------------------ session changes

    @on(ProviderChosen)
    def _provider(self, event: ProviderChosen) -> None:
        self.set_provider(event.interface, event.component)

    def set_provider(self, interface: str, component: str) -> None:
        self.session.set_provider(interface, component)
        self.refresh_views()
        if self.session.error is not None:
            self.notify(self.session.error.message, title=_("Does not resolve"), severity="error")

    @on(LayoutChosen)
    def _layout(self, event: LayoutChosen) -> None:
        self.set_layout(event.layout)

    def set_layout(self, layout: str) -> None:
        if self.session.recipe is None or self.session.recipe.layout == layout:
            return
        self.session.set_layout(layout)
        self.refresh_views()
        if self.session.error is not None:
            self.notify(self.session.error.message, title=_("Does not resolve"), severity="error")

    @on(OptionChanged)
    def _option(self, event: OptionChanged) -> None:
        problem = self.session.set_option(event.component, event.key, event.value)
        if problem:
            self.notify(problem, severity="error")
        self.refresh_views()

    @on(ComponentSelected)
    def _component(self, event: ComponentSelected) -> None:
        self.select_component(event.name)

    def select_component(self, name: str) -> None:
        self.assemble.select(self.session, name)
        view = self.graph_view
        if view is not None and view.grid is not None and name in view.grid.boxes and \
                view.selected != name:
            view.selected = name

    def on_graph_view_node_selected(self, event) -> None:  # GraphView.NodeSelected
        if self.main.query_one("#tabs", TabbedContent).active != "graph":
            return  # the graph drawn in the background: the choice on Assemble stays
        if event.name and self.session.catalogue and event.name in self.session.catalogue.components:
            self.assemble.select(self.session, event.name)

    # ------------------------------------------------------------------ graph

    @property
    def graph_view(self) -> GraphView | None:
        """The graph on the Graph screen; None until that screen is built."""
        from .graph.graph_view import GraphView

        pane = self.pane("graph")
        return pane.query_one(GraphView) if pane is not None else None

    def update_graph(self) -> None:
        """Lay out the graph of the resolution again (once the Graph screen is built)."""
        res = self.session.resolution
        pane = self.pane("graph")
        if pane is None:
            return
        if res is None:
            pane.set_message(_("The recipe does not resolve: no graph. See the Assemble screen."))
            return
        if self._graph_for is res:
            return
        self._graph_for = res
        self._layout_graph(res)

    @work(thread=True, exclusive=True, group="graph")
    def _layout_graph(self, res) -> None:
        from workbench.core.inspect.graph import layout

        from .graph.grid import build_grid

        try:
            nodes, edges, _size = layout(res)
        except ToolMissing as e:
            self.call_from_thread(self.main.query_one(pane_class("graph")).set_message,
                                  _("Graphviz is needed to draw the graph: {e}").format(e=e))
            return
        labels = {"image": f"◆ {res.recipe.name}"}
        grid = build_grid(nodes, edges, labels)
        layers = {c.name: c.layer for c in res.components}
        chains = {n: inc.chain for n, inc in res.included.items()}
        self.call_from_thread(self._show_graph, res, grid, layers, chains)

    def _show_graph(self, res, grid, layers, chains) -> None:
        if res is not self.session.resolution:
            return
        view = self.graph_view
        view.set_graph(grid, res.graph, layers, chains)
        pane = self.pane("graph")
        pane.set_message(_("{components} components, {edges} requirements · arrows/Tab/click "
                           "select · w why · e export").format(
            components=len(res.components), edges=res.graph.number_of_edges()))
        pane.describe(view.selected)

    def action_export_graph(self) -> None:
        s = self.session
        if s.resolution is None:
            self.notify(_("The recipe does not resolve: nothing to export."), severity="error")
            return
        default = str(s.build_dir() / f"{s.recipe.name}-graph.svg")

        def done(path: str | None) -> None:
            if path:
                self.export_graph(path)

        self.push_screen(PathDialog(_("Export the graph (.svg, .png or .dot)"), default,
                                    note=_("The selected component's 'why' chain is highlighted.")),
                         done)

    def export_graph(self, path: str) -> Path | None:
        from workbench.core.inspect.graph import export

        s = self.session
        out = Path(path).expanduser()
        fmt = out.suffix.lstrip(".") or "svg"
        if not out.suffix:
            out = out.with_suffix(".svg")
        try:
            view = self.graph_view
            written = export(s.resolution, fmt, out, highlight=view.selected if view else None)
        except WorkbenchError as e:
            self.notify(str(e), title=_("Export failed"), severity="error")
            return None
        pane = self.pane("graph")
        if pane is not None:
            pane.exported = str(written)
            pane.set_message(_("exported to {written}").format(written=written))
            pane.describe(view.selected)
        self.notify(_("Graph written to {written}").format(written=written))
        return written

    # ------------------------------------------------------------------ screens

    def action_show_screen(self, sid: str) -> None:
        tabs = self.main.query_one("#tabs", TabbedContent)
        if tabs.active == sid:
            self._focus_pane(sid)
            return
        # Drop the focus first: a focused widget on the screen being hidden would otherwise
        # hand it to a neighbour on that same screen, which switches the tab straight back.
        self.screen.set_focus(None)
        self.with_pane(sid)  # built the first time it is shown
        tabs.active = sid  # TabActivated then moves the focus into the screen

    @on(TabbedContent.TabActivated, "#tabs")
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        self.with_pane(event.pane.id)  # a tab clicked with the mouse
        self._focus_pane(event.pane.id)

    def _focus_pane(self, sid: str | None) -> None:
        if sid is None or sid != self.main.query_one("#tabs", TabbedContent).active:
            return  # another screen was chosen meanwhile
        pane = self.pane(sid)
        if pane is not None:  # else it takes the focus once built
            pane.focus_default()

    def action_help(self) -> None:
        from .dialogs.help import HelpScreen
        from .graph.graph_view import GraphView
        from .lessons.exercises_panel import ExercisesPanel
        from .lessons.lessons_panel import LessonsPanel

        pane = pane_class  # by screen id: the panes are imported when first asked for
        sections = [(_("Everywhere"), [b for b in self.BINDINGS if isinstance(b, Binding)])]
        for title, cls in ((_("Assemble"), pane("assemble")), (_("Graph"), pane("graph")),
                           (_("Graph view"), GraphView), (_("Memory"), pane("memory")),
                           (_("Run"), pane("run")), (_("Lessons screen"), pane("lessons")),
                           (_("Lessons"), LessonsPanel), (_("Exercises"), ExercisesPanel),
                           (_("Compare"), pane("compare")), (_("In a text field"), FieldInput)):
            sections.append((title, [b for b in cls.BINDINGS if isinstance(b, Binding)]))
        sections.append((_("Palette"), [Binding("ctrl+p", "command_palette", _("Command palette"),
                                             id="command-palette"),
                                     Binding("ctrl+q", "quit", _("Quit"), id="quit")]))
        self.push_screen(HelpScreen(sections))

    # ------------------------------------------------------------------ lessons and exercises

    def on_lessons_panel_open_screen(self, event) -> None:  # LessonsPanel.OpenScreen
        self.open_for_lesson(event.screen, event.focus, getattr(event, "recipe", None))

    def open_for_lesson(self, screen: str, focus: str | None, recipe: str | None = None) -> None:
        """Show the screen a lesson step names, at what it is about.

        The built-in recipe the step checks (`recipe`: "selftest" for a step about selftest's
        graph) is opened first. On the Graph screen the focus is a component: it is selected
        with its chain. Elsewhere it may be a built-in recipe ("fault"): it is opened too. A
        recipe is opened unless the one on screen has unsaved changes, which are never thrown
        away behind the learner's back.
        """
        s = self.session
        comps = s.catalogue.components if s.catalogue else {}
        recipes = s.builtin_recipes() if s.catalogue else []
        component = None
        want = recipe if recipe in recipes else focus if screen != "graph" else None
        opening = bool(want and want in recipes and (s.recipe is None or s.recipe.name != want))
        if opening:
            if s.dirty:
                self.notify(_("This step is about the recipe '{focus}'. Your changes to '{name}' "
                              "are not saved, so it was not opened: save them (ctrl+s), then open "
                              "'{focus}' (ctrl+o).").format(focus=want, name=s.recipe.name),
                            severity="warning",
                            timeout=12)
            else:
                self.open_recipe(want)
        if focus and focus in comps and not (opening and focus == want):
            component = focus
        self.action_show_screen(screen)
        if component is not None:
            self.select_component(component)
            if screen == "graph":
                self.with_pane("graph", lambda _pane: self._select_when_drawn(component))
            if s.resolution is not None and component not in s.resolution.names:
                self.notify(_("{component} is not part of '{name}' yet: this step asks you to "
                              "bring it in (Assemble screen).").format(
                                  component=component, name=s.recipe.name), timeout=10)

    def _select_when_drawn(self, name: str) -> None:
        """Select `name` in the graph, which may still be being laid out (the first time, or
        for a recipe just opened, whose graph replaces one without `name`)."""
        view, res = self.graph_view, self.session.resolution
        if res is not None and name in res.names and (view.grid is None
                                                      or name not in view.grid.boxes):
            view.selected = name  # kept until the layout arrives

    def exercise_action(self, name: str, action: str) -> None:
        """Start, edit or grade exercise `name` from anywhere (the command palette)."""
        self.action_show_screen("lessons")

        def act(pane: LessonsPane) -> None:
            pane.show_tab("exercises")
            panel = pane.exercises
            if panel.select(name):
                getattr(panel, f"action_{action}")()

        self.with_pane("lessons", act)

    # ------------------------------------------------------------------ recipes

    def action_open_recipe(self) -> None:
        def done(value: str | None) -> None:
            if value:
                self.open_recipe(value)

        self.push_screen(PathDialog(_("Open a recipe (a file, or the name of a built-in one)"), "",
                                    self.session.builtin_recipes()), done)

    def open_recipe(self, name_or_path: str) -> bool:
        try:
            self.session.open(name_or_path)
        except WorkbenchError as e:
            self.notify(str(e), title=_("Cannot open the recipe"), severity="error", timeout=12)
            return False
        self.assemble.component = None
        self.sub_title = self.session.recipe.name
        self.refresh_views()
        self.assemble.reload_options(self.session)
        self.notify(_("Opened {path}").format(path=self.session.recipe.path))
        return True

    def action_save_recipe(self) -> None:
        if self.session.recipe is None:
            return

        def done(value: str | None) -> None:
            if value:
                self.save_recipe(value)

        lessons = self.pane("lessons")  # a lesson step may ask for a file of its own name
        wanted = (lessons.lessons.save_path_for(self.session.recipe.name)
                  if lessons is not None else None)
        self.push_screen(PathDialog(_("Save the recipe as"),
                                    str(wanted or self.session.default_save_path()),
                                    note=_("Written atomically: the old file stays intact until the"
                                           " new one is complete.")), done)

    def save_recipe(self, path: str) -> Path | None:
        try:
            saved = self.session.save(Path(path).expanduser())
        except (WorkbenchError, OSError) as e:
            self.notify(str(e), title=_("Cannot save"), severity="error")
            return None
        self.main.query_one(TotalsBar).refresh_from(self.session)
        self.notify(_("Saved {saved}").format(saved=saved))
        return saved

    # ------------------------------------------------------------------ build and run

    def action_build(self) -> None:
        self.start_run(boot=False)

    def action_boot(self) -> None:
        self.start_run(boot=True)

    def start_run(self, boot: bool) -> None:
        if self.session.resolution is None:
            self.notify(_("The recipe does not resolve; fix it on the Assemble screen first."),
                        severity="error")
            return
        self.action_show_screen("run")
        self._run_flow(boot)

    @on(BuildStep)
    def _build_step(self, event: BuildStep) -> None:
        self.run_pane.build_event(event.kind, event.data)

    @work(exclusive=True, group="run")
    async def _run_flow(self, boot: bool) -> None:
        # here, not at the top: the build pipeline would add about 5 ms (CPU) to start-up
        from workbench.core.builder.pipeline import build

        s = self.session
        res = s.resolution
        state = s.state_key
        pane = await self.ready_pane("run")
        if self.qemu_run is not None:
            await self._stop_qemu()
        pane.begin_build()

        def on_event(kind: str, data: dict) -> None:
            self.post_message(BuildStep(kind, dict(data)))

        def do_build():
            from workbench.core.inspect.image import inspect_image

            result = build(res, s.build_dir(), s.toolchain, on_event=on_event)
            return result, inspect_image(result.image, machine=res.recipe.machine)

        try:
            result, info = await asyncio.to_thread(do_build)
        except WorkbenchError as e:
            pane.build_failed(e)
            if isinstance(e, ToolMissing):
                self.notify(str(e), title=_("Toolchain missing"), severity="error", timeout=15)
            return
        await asyncio.sleep(0)  # let queued build steps reach the log first
        s.build, s.built_state, s.image_info = result, state, info
        s.last_run = None
        self._record_learner("build", result)
        pane.build_done(result)
        self.main.query_one(TotalsBar).refresh_from(s)
        self._refresh_built("memory", "compare")
        if boot:
            await self._boot(result.image, res)

    async def _boot(self, image: Path, res) -> None:
        # here, not at the top: the QEMU runner and QMP would add about 12 ms (CPU) to start-up
        from workbench.core.run.qemu import QemuRun

        pane = self.run_pane
        network = "netdev" in res.providers
        run_id = pane.begin_run(f"{image.name} on {res.recipe.machine}")
        run = QemuRun(image, machine=res.recipe.machine,
                      timeout=None if network else self.run_timeout, network=network,
                      on_event=lambda ev: pane.on_run_event(run_id, ev))
        self.qemu_run = run
        self.refresh_bindings()
        try:
            async with run:
                result = await run.wait()
        except WorkbenchError as e:
            pane.run_error(str(e))
            if isinstance(e, ToolMissing):
                self.notify(str(e), title=_("QEMU missing"), severity="error", timeout=15)
            return
        finally:
            if self.qemu_run is run:
                self.qemu_run = None
                if self.screen_stack:  # not while the app is closing
                    self.refresh_bindings()
        self.session.last_run = result
        self._record_learner("run", result, res.recipe)
        symbol = None
        info = self.session.image_info
        if result.panic and result.panic.get("rip") is not None and info is not None:
            sym = info.symbol_at(result.panic["rip"])
            if sym is not None:
                symbol = f"{sym.name}+{result.panic['rip'] - sym.addr:#x}"
        pane.finish_run(run_id, result, symbol)
        self._refresh_built("compare")

    def _record_learner(self, kind: str, result, recipe=None) -> None:
        """Note the learner's own build or run (b, r) as it happens, so `workbench lesson check`
        and the Lessons screen judge what the learner did (workbench/core/learn/lastrun.py)."""
        from workbench.core.learn.lastrun import record_build, record_run

        ws = self.session.workspace
        problem = (record_build(ws, result) if kind == "build"
                   else record_run(ws, recipe, result))
        if problem:
            self.notify(problem, severity="warning")

    def _refresh_built(self, *sids: str) -> None:
        """Show the last build on these screens (those not built yet read it when they are)."""
        for sid in sids:
            pane = self.pane(sid)
            if pane is not None:
                pane.refresh_from(self.session)

    async def _stop_qemu(self) -> None:
        run = self.qemu_run
        if run is not None:
            try:
                await run.stop()
            except Exception:
                await run.close()

    def get_system_commands(self, screen):
        """Textual's own commands (theme, keys, quit...) in the interface's language."""
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title), help=_(command.help))

    def action_command_palette(self) -> None:
        """Textual's palette, with its prompt in the interface's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette",
                                            placeholder=_("Search for commands…")))

    def check_action(self, action: str, parameters) -> bool | None:
        # "x Stop" is in the footer only while a guest runs: at 80 columns every key counts
        if action == "stop":
            return self.qemu_run is not None
        return True

    async def action_stop(self) -> None:
        if self.qemu_run is None:
            self.notify(_("Nothing is running."))
            return
        await self._stop_qemu()

    async def send_to_guest(self, text: str) -> None:
        run = self.qemu_run
        if run is None or not run.running:
            self.notify(_("The guest is not running: boot it with r."), severity="warning")
            return
        try:
            await run.send_input(text.encode())
        except (OSError, asyncio.TimeoutError) as e:
            self.notify(_("Could not send to the guest: {e}").format(e=e), severity="error")

    async def action_quit(self) -> None:
        await self._stop_qemu()
        self.exit()

    def exit(self, *args, **kwargs) -> None:
        """Quit; if a screen is being built in the background, once it is built. Textual mounts
        nothing once the app is exiting, so a screen half built then is left without its parts
        (the Lessons screen's tabs fail to find their first tab and print a traceback)."""
        self._quitting = True  # no more screens built in the background
        if self._building() and not self._exit:
            async def when_built() -> None:
                await self._until_built()
                super(WorkbenchApp, self).exit(*args, **kwargs)

            self.call_later(when_built)
            return
        super().exit(*args, **kwargs)

    def _building(self) -> bool:
        """Whether a screen is being built: one of its widgets not mounted yet."""
        return any(not w.is_mounted for pane in self._panes.values() if pane.parent is not None
                   for w in pane.walk_children(with_self=True))

    async def _until_built(self, seconds: float = 3.0) -> None:
        for mounting in self._mounting:
            await mounting
        # A pane counts as mounted before its own widgets have run their on_mount.
        deadline = asyncio.get_running_loop().time() + seconds
        while self._building() and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.01)

    async def _shutdown(self) -> None:
        """However the app ends (q, a signal, a test's end), no screen is left half built:
        one being mounted in the background as the app tears down fails inside Textual."""
        self._quitting = True
        await self._until_built()
        await super()._shutdown()

    async def on_unmount(self) -> None:
        run = self.qemu_run
        if run is not None:
            await run.close()

    # ------------------------------------------------------------------ palette

    def _on_screen(self, sid: str, action: str, *args) -> None:
        """Show screen `sid` and run one of its pane's actions (`measure`, `pin`, ...)."""
        self.action_show_screen(sid)
        self.with_pane(sid, lambda pane: getattr(pane, f"action_{action}")(*args))

    def _on_lesson(self, action: str) -> None:
        """Show the lessons and run one of the Lessons panel's actions (`check`, ...)."""
        self._on_screen("lessons", "show_tab", "lessons")
        self.with_pane("lessons", lambda pane: getattr(pane.lessons, f"action_{action}")())

    def _lesson_entries(self) -> list[tuple[str, str, object]]:
        """Check, answer and open the current lesson step."""
        return [
            (_("Check the lesson step"), _("Check the current step of the lesson shown (c)"),
             partial(self._on_lesson, "check")),
            (_("Answer the question"), _("Answer the current step's question: its choices and "
                                         "a field for your letter (c on a question step)"),
             partial(self._on_lesson, "answer")),
            (_("Open the lesson step's screen"), _("The screen the current step is about (o)"),
             partial(self._on_lesson, "open_screen")),
        ]

    def _exercise_entries(self) -> list[tuple[str, str, object]]:
        """Start, edit (here or in $EDITOR) and grade, for every exercise."""
        out: list[tuple[str, str, object]] = []
        lessons = self.pane("lessons")
        # the same list the Exercises panel shows, read here while that screen is not built
        if lessons is None:
            from workbench.core.learn.grading import list_exercises
        exercises = lessons.exercises.exercises if lessons is not None else list_exercises()
        for ex in exercises if self.screen_stack else []:
            out += [
                (_("Start exercise {name}").format(name=ex.name),
                 _("Copy its starter into your workspace (s); never overwrites"),
                 lambda n=ex.name: self.exercise_action(n, "start")),
                (_("Edit exercise {name}").format(name=ex.name),
                 _("Open the file with the TODOs in the workbench's editor: save with ctrl+s, "
                   "grade with ctrl+g (e)"),
                 lambda n=ex.name: self.exercise_action(n, "edit")),
                (_("Edit exercise {name} in $EDITOR").format(name=ex.name),
                 _("Hand the terminal to your own editor ($VISUAL, $EDITOR, nano or vi) (E)"),
                 lambda n=ex.name: self.exercise_action(n, "edit_external")),
                (_("Grade exercise {name}").format(name=ex.name),
                 _("Build and boot its test kernels; score the checks (g)"),
                 lambda n=ex.name: self.exercise_action(n, "grade")),
            ]
        return out

    def command_entries(self) -> list[tuple[str, str, object]]:
        """(title, help, callback) for every action; the command palette lists them all."""
        s = self.session
        out: list[tuple[str, str, object]] = []
        for sid, title, help_text, _pane in SCREENS:
            out.append((_("Go to {title}").format(title=_(title)), _(help_text),
                        lambda sid=sid: self.action_show_screen(sid)))
        out += [
            (_("Build the image"), _("Compile and link the recipe (b)"), self.action_build),
            (_("Boot in QEMU"), _("Build if needed and boot; again to restart (r)"),
             self.action_boot),
            (_("Restart the run"), _("Stop the guest and boot it again"), self.action_boot),
            (_("Stop the run"), _("Stop QEMU (x)"), self.action_stop),
            (_("Open recipe…"), _("Load a recipe file or a built-in recipe (ctrl+o)"),
             self.action_open_recipe),
            (_("Save recipe as…"), _("Write the recipe atomically (ctrl+s)"),
             self.action_save_recipe),
            (_("Export graph…"), _("Write the dependency graph as SVG, PNG or DOT"),
             self.action_export_graph),
            (_("Toggle why-path"), _("Highlight the chain that pulls the selected component in"),
             lambda: (self.action_show_screen("graph"), self.with_pane(
                 "graph", lambda _pane: self.graph_view.action_toggle_why()))),
            (_("Pin build for comparison"), _("Keep this build's memory map as map A"),
             partial(self._on_screen, "memory", "pin")),
            (_("Measure layouts"), _("Build and boot the recipe in all three layouts; sizes, "
                                     "privileged bytes, ready time, cycles per crossing "
                                     "(m on Compare)"),
             partial(self._on_screen, "compare", "measure")),
            (_("vs Linux"), _("The recipe as a unikernel and as a Linux guest, measured side by "
                              "side as the paper did (l on Compare)"),
             partial(self._on_screen, "compare", "linux")),
            (_("Memory map: log/linear scale"), _("Switch how band heights are computed"),
             partial(self._on_screen, "memory", "scale")),
            (_("Memory map: colour by component/kind/domain"), _("Switch the band colours"),
             partial(self._on_screen, "memory", "colour")),
            (_("Memory map: show/hide device windows"), _("The machine's devices in the map"),
             partial(self._on_screen, "memory", "devices")),
            (_("Clear the console"), _("Empty the console view"),
             partial(self._on_screen, "run", "clear_console")),
            (_("Type to the guest"), _("Focus the input line of the console"),
             partial(self._on_screen, "run", "focus_input")),
            (_("Toggle source pane"), _("Show or hide the source on the Assemble screen"),
             lambda: self.assemble.action_toggle_source()),
            *((_("Layout: {title}").format(title=_(LAYOUT_TITLES[name])),
               _('Build the same components as a {title} (layout = "{name}")').format(
                   title=_(LAYOUT_TITLES[name]).lower(), name=name),
               lambda name=name: self.set_layout(name))
              for name in LAYOUT_ORDER),
            (_("Help"), _("Every key and what it does (?)"), self.action_help),
            (_("Go to Exercises"), _("The graded exercises, beside the lessons"),
             partial(self._on_screen, "lessons", "show_tab", "exercises")),
        ]
        out += self._lesson_entries() + self._exercise_entries()
        for name in s.builtin_recipes() if s.catalogue else []:
            out.append((_("Open recipe {name}").format(name=name), _("a built-in recipe"),
                        lambda name=name: self.open_recipe(name)))
        for iface, provs, chosen in s.choices():
            for p in provs:
                if p != chosen:
                    out.append((_("Use {p} for {iface}").format(p=p, iface=iface),
                                _("switch the provider of '{iface}' (now {chosen})").format(
                                    iface=iface, chosen=chosen),
                                lambda i=iface, p=p: self.set_provider(i, p)))
        if s.catalogue is not None:
            for name in sorted(s.catalogue.components):
                out.append((_("Show component {name}").format(name=name),
                            s.catalogue.components[name].text("summary", language()),
                            lambda name=name: (self.action_show_screen("assemble"),
                                               self.select_component(name))))
            if s.resolution is not None:
                for name in s.resolution.names:
                    out.append((_("Why is {name} here?").format(name=name),
                                _("select it in the graph with its chain"),
                                lambda name=name: (self.action_show_screen("graph"),
                                                   self.select_component(name))))
        return out


def pane_class(sid: str) -> type[Pane]:
    """The pane class of screen `sid`, imported the first time it is asked for."""
    module, name = next(where for s, *_rest, where in SCREENS if s == sid).split(":")
    return getattr(importlib.import_module(module), name)


def run_app(recipe: str | None = None, workspace: Path | None = None) -> int:
    """Open the workbench UI (on the hello recipe unless told otherwise)."""
    app = WorkbenchApp(recipe, workspace=workspace)
    app.run()
    return 0
