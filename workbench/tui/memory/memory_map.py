"""The address-space map of a built image: regions as bands on an address axis.

Addresses grow downwards. Each region is a band whose height is its share of the image
(linear) or the logarithm of its size (log, the default: a 16-byte note and a 1 MiB heap both
stay visible). Unmapped stretches between regions are one dim row that says how big the hole
is — in a single address space the device windows of the machine sit far above the image, and
the gap is the point. Bands are coloured by owning component, by kind of memory, or by address
space (the kernel, and each ring-3 domain of a monolithic or microkernel image).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region as Area
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..i18n import N_, _
from ..session import human_bytes

KIND_COLOURS = {
    "code": "#e76f51", "rodata": "#f4a261", "data": "#e9c46a", "bss": "#8ab17d",
    "stack": "#2a9d8f", "heap": "#457b9d", "page-tables": "#b5838d", "note": "#6c757d",
    "device": "#495057",
}
PALETTE = ["#e76f51", "#f4a261", "#e9c46a", "#8ab17d", "#2a9d8f", "#457b9d", "#b5838d",
           "#ffb4a2", "#a8dadc", "#cdb4db", "#90be6d", "#f9844a", "#4d908e", "#f94144"]
ADDR_W = 12
SIZE_W = 10


def owner_colour(owner: str) -> str:
    return PALETTE[zlib.crc32(owner.encode()) % len(PALETTE)]


@dataclass
class Band:
    region: object | None  # a core.inspect.Region, None for a gap
    index: int  # position in the region list, -1 for a gap
    rows: int
    gap: int = 0


def band_rows(size: int, mode: str, span: int) -> int:
    if mode == "linear":
        return max(1, round(size / max(span, 1) * 48))
    return max(1, min(8, 1 + (int(math.log2(max(size, 1))) - 8) // 2))


class MemoryMap(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    MemoryMap { background: $surface; }
    """
    BINDINGS = [
        Binding("up", "step(-1)", N_("Prev region"), show=False, id="memory-up"),
        Binding("down", "step(1)", N_("Next region"), show=False, id="memory-down"),
        Binding("pageup", "page(-1)", N_("Regions a page up"), show=False, id="memory-page-up"),
        Binding("pagedown", "page(1)", N_("Regions a page down"), show=False,
                id="memory-page-down"),
        Binding("home", "step(-1000000)", N_("First region"), show=False, id="memory-first"),
        Binding("end", "step(1000000)", N_("Last region"), show=False, id="memory-last"),
    ]

    class RegionSelected(Message):
        def __init__(self, view: "MemoryMap", region) -> None:
            super().__init__()
            self.view = view
            self.region = region

    selected: reactive[int] = reactive(0, init=False)
    scale: reactive[str] = reactive("log", init=False)
    colour_by: reactive[str] = reactive("component", init=False)

    def __init__(self, title: str = "", **kw) -> None:
        super().__init__(**kw)
        self.title = title
        self.info = None
        self.regions: list = []
        self.bands: list[Band] = []
        self._row_band: list[tuple[int, int]] = []  # row -> (band index, row within band)
        self._cache: dict[int, Strip] = {}
        self._cache_width = -1
        self.include_devices = True

    def set_info(self, info) -> None:
        self.info = info
        self.regions = list(info.regions) if info is not None else []
        if self.selected >= len(self.regions):
            self.selected = 0
        self._layout()
        if self.regions:  # what is selected is described at once, not after the first key
            self.post_message(self.RegionSelected(self, self.regions[self.selected]))

    def _layout(self) -> None:
        regions = [r for r in self.regions if self.include_devices or r.kind != "device"]
        image = [r for r in regions if r.kind != "device"] or regions
        span = (max(r.end for r in image) - min(r.start for r in image)) if image else 1
        self.bands = []
        prev_end = None
        for r in sorted(regions, key=lambda r: (r.start, r.end)):
            if prev_end is not None and r.start > prev_end:
                self.bands.append(Band(None, -1, 1, r.start - prev_end))
            rows = 1 if self.scale == "linear" and r.kind == "device" else \
                band_rows(r.size, self.scale, span)
            self.bands.append(Band(r, self.regions.index(r), rows))
            prev_end = max(prev_end or 0, r.end)
        self._row_band = [(bi, k) for bi, b in enumerate(self.bands) for k in range(b.rows)]
        self._cache.clear()
        self.virtual_size = Size(0, len(self._row_band))
        self.refresh()

    def watch_scale(self) -> None:
        self._layout()

    def watch_colour_by(self) -> None:
        self._cache.clear()
        self.refresh()

    def watch_selected(self, _old: int, new: int) -> None:
        self._cache.clear()
        self.refresh()
        if 0 <= new < len(self.regions):
            self.post_message(self.RegionSelected(self, self.regions[new]))
            for row, (bi, k) in enumerate(self._row_band):
                if self.bands[bi].index == new and k == 0:
                    self.scroll_to_region(Area(0, row, 1, self.bands[bi].rows), animate=False,
                                          force=True)
                    break

    @property
    def selected_region(self):
        return self.regions[self.selected] if 0 <= self.selected < len(self.regions) else None

    def _order(self) -> list[int]:
        """The indexes of the regions on the map (devices may be hidden), by address."""
        shown = [b.index for b in self.bands if b.region is not None]
        return sorted(shown, key=lambda i: (self.regions[i].start, self.regions[i].end))

    def action_step(self, delta: int) -> None:
        order = self._order()
        if not order:
            return
        pos = order.index(self.selected) if self.selected in order else 0
        self.selected = order[max(0, min(len(order) - 1, pos + delta))]

    def action_page(self, direction: int) -> None:
        """About half a screen of regions up or down (a band is one row or more)."""
        self.action_step(direction * max(1, self.scrollable_content_region.height // 2))

    def find(self, query: str, after: bool = False) -> bool:
        """Select the first region whose kind, owner and name hold every word of `query`
        ("stack boot-pvh"), in address order; `after`: the first after the one selected,
        going round. Returns whether one was found."""
        words = query.lower().split()
        order = self._order()
        if not words or not order:
            return False
        if after and self.selected in order:
            pos = order.index(self.selected) + 1
            order = order[pos:] + order[:pos]
        for i in order:
            r = self.regions[i]
            text = f"{r.kind} {r.owner} {r.name} {r.space or ''}".lower()
            if all(w in text for w in words):
                self.selected = i
                return True
        return False

    def on_click(self, event: events.Click) -> None:
        row = event.y + int(self.scroll_y)
        if 0 <= row < len(self._row_band):
            band = self.bands[self._row_band[row][0]]
            if band.region is not None:
                self.selected = band.index
        self.focus()

    def on_resize(self) -> None:
        self._cache.clear()

    # ------------------------------------------------------------------ drawing

    def _colour(self, r) -> str:
        if r.kind == "device":
            return KIND_COLOURS["device"]
        if self.colour_by == "kind":
            return KIND_COLOURS.get(r.kind, "#adb5bd")
        if self.colour_by == "domain":  # one colour per address space; the kernel grey
            return owner_colour(r.space) if r.space else "#adb5bd"
        return owner_colour(r.owner)

    def _row(self, row: int, width: int) -> Strip:
        bi, k = self._row_band[row]
        band = self.bands[bi]
        bar_w = max(8, width - ADDR_W - SIZE_W - 2)
        dim = Style(color="#6c757d")
        if band.region is None:
            text = "┆ " + _("{size} unmapped").format(size=human_bytes(band.gap))
            return Strip([Segment(" " * ADDR_W, dim), Segment(text.ljust(bar_w + 2)[:bar_w + 2], dim),
                          Segment(" " * SIZE_W)])
        r = band.region
        selected = band.index == self.selected
        colour = self._colour(r)
        bar = Style(color="#000000", bgcolor=colour, bold=selected)
        addr = f"{r.start:#010x} " if k == 0 else " " * ADDR_W
        if k == 0:
            label = f"{r.kind} {r.owner}" + ("  · ring 3" if r.space else "")
        elif k == 1:
            label = f"{r.name} {r.perms}"
        else:
            label = ""
        marker = "▶" if selected else "│"
        body = (" " + label)[:bar_w].ljust(bar_w)
        size = f" {human_bytes(r.size)}" if k == 0 else ""
        addr_style = Style(bold=True, color="#ffd166") if selected else dim
        return Strip([
            Segment(addr.ljust(ADDR_W)[:ADDR_W], addr_style),
            Segment(marker, Style(color="#ffd166") if selected else dim),
            Segment(body, bar),
            Segment(" "),
            Segment(size.ljust(SIZE_W)[:SIZE_W], addr_style),
        ])

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._cache_width:
            self._cache.clear()
            self._cache_width = width
        row = y + int(self.scroll_y)
        if self.info is None or row >= len(self._row_band):
            if self.info is None and y == 0:
                msg = " " + _("{title}: no image yet — build it on the Run screen (b)").format(title=self.title)
                return Strip([Segment(msg[:width].ljust(width), Style(color="#6c757d"))])
            return Strip.blank(width, self.rich_style)
        strip = self._cache.get(row)
        if strip is None:
            strip = self._row(row, width)
            self._cache[row] = strip
        return strip.crop_extend(0, width, self.rich_style)
