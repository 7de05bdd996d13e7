"""Memory: the address-space map of the built image, and a second one to compare builds.

The map has the focus when the screen is shown: ↑↓ move through the regions, PgUp/PgDn by half
a screen, Home/End to the ends, and / finds a region by its kind, owner or name ("stack
boot-pvh"; Enter goes to the next match, Esc back to the map).
"""

from __future__ import annotations

from rich.cells import set_cell_size
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from ..i18n import N_, _
from ..pane import Pane
from ..session import human_bytes
from ..widgets.field import FieldInput
from .memory_map import MemoryMap
from .symbol_table import SymbolTable


def size_diff(a, b) -> Text:
    """Bytes per component in build A and build B, and the difference."""
    t = Text()
    names = sorted(set(a.components) | set(b.components))
    t.append(f"{set_cell_size(_('component'), 20)}{'A':>10}{'B':>10}{'Δ':>10}\n", "bold")
    for n in names:
        sa = sum(a.components.get(n, {}).get(k, 0) for k in ("text", "rodata", "data", "bss"))
        sb = sum(b.components.get(n, {}).get(k, 0) for k in ("text", "rodata", "data", "bss"))
        if sa == sb == 0:
            continue
        d = sb - sa
        style = "green" if d < 0 else "red" if d > 0 else "dim"
        t.append(f"{n[:19]:<20}{human_bytes(sa) if sa else '—':>10}{human_bytes(sb) if sb else '—':>10}")
        t.append(f"{(('+' if d > 0 else '') + str(d)) if d else '0':>10}\n", style)
    d = b.loadable_bytes - a.loadable_bytes
    t.append(f"{set_cell_size(_('image (loadable)'), 20)}{human_bytes(a.loadable_bytes):>10}"
             f"{human_bytes(b.loadable_bytes):>10}{('+' if d > 0 else '') + str(d):>10}", "bold")
    return t


COLOURINGS = (N_("component"), N_("kind"), N_("domain"))
# Whether a region's bytes are in the image file or only in memory (`Region.in_file`; lesson 3
# asks which region takes memory but no bytes in the file).
IN_FILE = N_("stored in the image file, loaded as it is")
IN_MEMORY = N_("in memory only: no bytes in the image file (zeroed or reserved at start)")
DEVICE_WINDOW = N_("a device's window: the machine's, not the image's")
SCALES = (N_("log"), N_("linear"))  # band height: grows with the log of the size, or in proportion


def view_text(colour_by: str, scale: str, devices: bool) -> Text:
    """The line naming how the maps are drawn now, with the key that changes each part."""
    t = Text()
    for key, label, modes, now in (("c", N_("colour"), COLOURINGS, colour_by),
                                   ("l", N_("scale"), SCALES, scale),
                                   ("d", N_("devices"), (N_("shown"),) if devices else
                                    (N_("hidden"),), "shown" if devices else "hidden")):
        t.append(f" {key} ", "bold reverse")
        t.append(f" {_(label)}: ")
        for mode in modes:
            t.append(_(mode), "bold underline" if mode == now else "dim")
            t.append(" ")
        t.append(" ")
    t.rstrip()
    return t


class MemoryPane(Pane, Vertical):
    FOCUS = "#map-b"
    DEFAULT_CSS = """
    MemoryPane #memory-find { display: none; }
    MemoryPane.-finding #memory-find { display: block; }
    MemoryPane .memory-col:focus-within > Label { background: $accent 30%; }
    """
    BINDINGS = [
        Binding("slash", "find", N_("Find"), key_display="/", id="memory-find"),
        Binding("p", "pin", N_("Pin as A"), id="memory-pin"),
        Binding("l", "scale", N_("Log/linear"), id="memory-scale"),
        Binding("c", "colour", N_("Colour by"), id="memory-colour"),
        Binding("d", "devices", N_("Devices"), id="memory-devices"),
    ]

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.pinned = None
        self.pinned_label = ""
        self.current = None
        self.current_label = ""
        self._find_in: MemoryMap | None = None  # the map a search works on (None: B's)

    def compose(self) -> ComposeResult:
        yield Static("", id="memory-view")
        yield FieldInput(placeholder=_("find a region by kind, owner or name, e.g. stack boot-pvh"),
                         field_name=_("the search"), enter=_("Enter finds the next"),
                         id="memory-find", compact=True)
        with Horizontal(id="memory-maps"):
            with Vertical(id="memory-a", classes="memory-col"):
                yield Label("", id="memory-a-title")
                yield MemoryMap(_("A (pinned)"), id="map-a")
            with Vertical(id="memory-b", classes="memory-col"):
                yield Label("", id="memory-b-title")
                yield MemoryMap(_("current build"), id="map-b")
            with Vertical(id="memory-side"):
                yield Static("", id="region-info")
                yield SymbolTable(id="symbols")
                yield Static("", id="memory-diff")

    def on_mount(self) -> None:
        self.query_one("#memory-a").display = False
        self._view()

    def _view(self) -> None:
        m = self.query_one("#map-b", MemoryMap)
        self.query_one("#memory-view", Static).update(
            view_text(m.colour_by, m.scale, m.include_devices))

    def refresh_from(self, session) -> None:
        info = session.image_info
        label = ""
        if info is not None and session.recipe is not None:
            res = session.build.resolution if session.build else None
            picks = ", ".join(f"{k}={v}" for k, v in sorted(res.recipe.providers.items())) \
                if res else ""
            label = f"{session.recipe.name}" + (f" ({picks})" if picks else "")
        self.current, self.current_label = info, label
        self.query_one("#map-b", MemoryMap).set_info(info)
        self._titles()

    @staticmethod
    def _title(letter: str, what: str, label: str, info, focused: bool = False) -> Text:
        """"B = current build: hello  6.1 KiB loadable"; the letter only once there are two;
        the keys of the map while it has the focus."""
        t = Text()
        if letter:
            t.append(f"{letter} = ", "bold")
        t.append(what + ": ", "bold")
        t.append(label)
        if info is not None:
            t.append("  " + _("{size} loadable").format(size=human_bytes(info.loadable_bytes)),
                     "dim")
        if focused and info is not None:
            t.append("   " + _("↑↓ PgUp PgDn: regions · /: find"), "bold")
        return t

    def _titles(self) -> None:
        b, a = self.current, self.pinned
        self.query_one("#memory-b-title", Label).update(self._title(
            "B" if a is not None else "", _("current build"),
            self.current_label or _("no build yet"), b, self.query_one("#map-b").has_focus))
        self.query_one("#memory-a-title", Label).update(self._title(
            "A", _("pinned"), self.pinned_label, a, self.query_one("#map-a").has_focus))
        diff = self.query_one("#memory-diff", Static)
        if a is not None and b is not None:
            diff.update(size_diff(a, b))
        else:
            diff.update(Text(_("p pins this build as A; change the recipe, build again and the two "
                               "maps appear side by side."), style="dim"))

    def action_pin(self) -> None:
        if self.current is None:
            self.app.notify(_("Build first: there is no image to pin."), severity="warning")
            return
        self.pinned, self.pinned_label = self.current, self.current_label
        self.query_one("#map-a", MemoryMap).set_info(self.pinned)
        self.query_one("#memory-a").display = True
        self._titles()
        self.app.notify(_("Pinned {pinned_label} as A").format(pinned_label=self.pinned_label))

    # ------------------------------------------------------------------ find

    def _map(self) -> MemoryMap:
        """The map a search works on: the one with the focus last, else the current build's."""
        return self._find_in or self.query_one("#map-b", MemoryMap)

    def action_find(self) -> None:
        focused = self.screen.focused
        self._find_in = focused if isinstance(focused, MemoryMap) else None
        self.add_class("-finding")
        self.query_one("#memory-find", Input).focus()

    @on(Input.Changed, "#memory-find")
    def _find_typed(self, event: Input.Changed) -> None:
        event.stop()
        self._found(self._map().find(event.value), event.value)

    @on(Input.Submitted, "#memory-find")
    def _find_next(self, event: Input.Submitted) -> None:
        event.stop()
        self._found(self._map().find(event.value, after=True), event.value)

    def _found(self, found: bool, query: str) -> None:
        field = self.query_one("#memory-find", Input)
        field.set_class(bool(query.strip()) and not found, "-invalid")
        if query.strip() and not found:
            self.query_one("#region-info", Static).update(Text(
                _("no region matches '{query}'").format(query=query.strip()), style="yellow"))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, MemoryMap):
            self._titles()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget.id == "memory-find":
            self.remove_class("-finding")
        if isinstance(event.widget, MemoryMap):
            self._titles()

    def action_scale(self) -> None:
        for m in self.query(MemoryMap):
            m.scale = "linear" if m.scale == "log" else "log"
        self._view()

    def action_colour(self) -> None:
        for m in self.query(MemoryMap):
            m.colour_by = COLOURINGS[(COLOURINGS.index(m.colour_by) + 1) % len(COLOURINGS)]
        self._view()

    def action_devices(self) -> None:
        for m in self.query(MemoryMap):
            m.include_devices = not m.include_devices
            m._layout()
        self._view()

    def on_memory_map_region_selected(self, event: MemoryMap.RegionSelected) -> None:
        r = event.region
        self.query_one(SymbolTable).show(r)
        t = Text()
        t.append(f"{r.name}", "bold")
        t.append("  " + _("{kind}, owner {owner}").format(kind=r.kind, owner=r.owner) + "\n")
        t.append(f"{r.start:#x} – {r.end:#x}  {human_bytes(r.size)}  {r.perms}", "dim")
        t.append("  " + _("{n} symbols").format(n=len(r.symbols)), "dim")
        stored = DEVICE_WINDOW if r.kind == "device" else IN_FILE if r.in_file else IN_MEMORY
        t.append("\n" + _(stored), "italic")
        self.query_one("#region-info", Static).update(t)
