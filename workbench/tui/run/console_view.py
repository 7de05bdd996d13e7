"""The guest's serial console: a Line-API view that stays smooth with tens of thousands of lines.

Text arrives in chunks that do not respect line ends. `write()` only appends to a list of raw
lines (keeping the unfinished last line open); nothing is styled until a row is on screen, and
then its `Strip` is cached. ANSI colour escapes the guest prints become Rich styles
(`Text.from_ansi`), and any other control characters are dropped instead of reaching the
terminal. Callers batch: one `write()` per UI tick, not one per chunk.

Long lines wrap at the view's width, as a terminal wraps them (by cells, not words: a console
line is not prose), so a narrow pane shows whole lines. A row map (`_row_line`, `_row_seg`:
which line and which piece of it each screen row shows) is extended as lines arrive and built
again only when the width changes.
"""

from __future__ import annotations

import re
from collections import OrderedDict

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..i18n import N_

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]")
CACHE_ROWS = 1024


def visible_width(line: str) -> int:
    """The cells `line` takes on screen (escapes and control characters take none)."""
    return cell_len(_CONTROL.sub("", _ANSI.sub("", line).replace("\t", "    ")))


class ConsoleView(ScrollView, can_focus=True):
    # The vertical scroll bar is always there: a console fills up within seconds, and the
    # moment a scroll bar appears the whole screen is laid out again (a visible stall).
    DEFAULT_CSS = """
    ConsoleView { background: $background; overflow-y: scroll; overflow-x: hidden; }
    """
    BINDINGS = [
        Binding("end", "follow", N_("Follow"), show=False, id="console-follow"),
        Binding("home", "top", N_("Top"), show=False, id="console-top"),
    ]

    def __init__(self, max_lines: int = 200_000, **kw) -> None:
        super().__init__(**kw)
        self.lines: list[str] = []
        self.max_lines = max_lines
        self._open = False  # the last line has not seen its newline yet
        self._cache: OrderedDict[int, Strip] = OrderedDict()
        self.follow = True
        self._wrap = 0  # the width the row map was built for
        self._row_line: list[int] = []  # screen row -> index of its line
        self._row_seg: list[int] = []  # screen row -> which piece of that line

    # ------------------------------------------------------------------ content

    def clear(self) -> None:
        self.lines.clear()
        self._open = False
        self._cache.clear()
        self._row_line.clear()
        self._row_seg.clear()
        self.follow = True
        self.virtual_size = Size(0, 0)
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def write(self, text: str) -> None:
        """Append console output (any chunking); one call per UI tick is the intent."""
        if not text:
            return
        text = text.replace("\r\n", "\n").replace("\r", "")
        parts = text.split("\n")  # the last part is the open tail ("" after a newline)
        first_new = len(self.lines)
        if self._open and self.lines:
            first_new -= 1
            self.lines[-1] += parts[0]
            self._cache.pop(first_new, None)
        else:
            self.lines.append(parts[0])
        self.lines.extend(parts[1:])
        self._open = True
        overflow = len(self.lines) - self.max_lines
        if overflow > 0:  # drop a tenth at once: the row map is built again once per tenth
            del self.lines[:overflow + self.max_lines // 10]
            self._cache.clear()
            self._wrap = 0  # line numbers moved: the row map is built again
        else:
            self._map_from(first_new)
        self._update_size()
        if self.follow:
            self.scroll_end(animate=False, immediate=False, x_axis=False)
        self.refresh()

    def _width_now(self) -> int:
        return max(1, self.scrollable_content_region.width) if self.is_mounted else 80

    def _map_from(self, first: int) -> None:
        """Map the rows of lines `first`... (the rows of earlier lines stay as they are)."""
        width = self._width_now()
        if width != self._wrap:
            self._wrap, first = width, 0
        rows_line, rows_seg = self._row_line, self._row_seg
        while rows_line and rows_line[-1] >= first:
            rows_line.pop()
            rows_seg.pop()
        for index in range(first, len(self.lines)):
            pieces = max(1, -(-visible_width(self.lines[index]) // width))
            rows_line.extend([index] * pieces)
            rows_seg.extend(range(pieces))

    def _update_size(self) -> None:
        if self._wrap != self._width_now():
            self._map_from(0)
        self._grow(Size(self._wrap, len(self._row_line)))

    def on_resize(self) -> None:
        if self.lines and self._wrap != self._width_now():
            self._map_from(0)
            self._grow(Size(self._wrap, len(self._row_line)))
            if self.follow:
                self.scroll_end(animate=False, immediate=False, x_axis=False)
            self.refresh()

    def _grow(self, new: Size) -> None:
        """Set the virtual size without a layout of the whole screen when that is safe.

        `virtual_size` is a layout reactive: every change re-lays out the screen, which is what
        made a streaming console stall. Only a change in which scrollbars are needed affects
        the layout; otherwise updating the scroll range and the scrollbars is enough.
        """
        old = self.virtual_size
        view = self.scrollable_content_region.size
        needs_layout = (old.height > view.height) != (new.height > view.height) or \
            (old.width > view.width) != (new.width > view.width)
        if needs_layout or not self.is_mounted:
            self.virtual_size = new
        else:
            self.set_reactive(ConsoleView.virtual_size, new)
            self._scroll_update(new)

    @property
    def text(self) -> str:
        return "\n".join(_ANSI.sub("", ln) for ln in self.lines)

    # ------------------------------------------------------------------ scrolling

    def action_follow(self) -> None:
        self.follow = True
        self.scroll_end(animate=False)

    def action_top(self) -> None:
        self.follow = False
        self.scroll_home(animate=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # Scrolling up pauses following the tail; reaching the bottom resumes it.
        self.follow = new_value >= self.max_scroll_y - 1

    # ------------------------------------------------------------------ drawing

    def _strip(self, index: int) -> Strip:
        hit = self._cache.get(index)
        if hit is not None:
            self._cache.move_to_end(index)
            return hit
        raw = _CONTROL.sub("", self.lines[index].replace("\t", "    "))
        text = Text.from_ansi(raw, no_wrap=True, end="")
        strip = Strip(text.render(self.app.console), text.cell_len)
        self._cache[index] = strip
        if len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return strip

    def render_line(self, y: int) -> Strip:
        row = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        if row >= len(self._row_line):
            return Strip.blank(width, self.rich_style)
        start = self._row_seg[row] * self._wrap
        strip = self._strip(self._row_line[row])
        return strip.crop_extend(start, start + width, self.rich_style).apply_style(
            self.rich_style)
