"""Lesson figures as pictures in the terminal, with their caption, and full screen on demand.

A lesson names its figure as an SVG (`![alt](assets/x.svg)`, what the browser and the docs
show); `lessons/make_figures.py` makes a PNG beside each from the same Graphviz source, and the
terminal draws that PNG with `textual-image`: the Kitty graphics protocol or Sixel where the
terminal has one, coloured half-cells everywhere else (tmux, a browser page of `workbench
serve`, a plain xterm). Which one is chosen from the environment (`WB_FIGURES` = kitty, sixel,
halfcell or text overrides it), never by asking the terminal: textual-image's own question
waits up to 0.2 s for terminals that do not answer, before the first frame.

Inline, a figure fits the text's width and about half the screen's height; Enter, f or a click
opens it full screen, where + and - zoom and the arrows pan, so a graph's labels can be read
even in half-cells at 80×24. Its caption is the lesson's alt text, and the link to the SVG is
relative (`lessons/NAME/assets/x.svg`), so it opens behind a proxy's path in the browser.
"""

from __future__ import annotations

import io
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from ..i18n import N_, _

FIGURE_LINE = re.compile(r"^\s*!\[([^\]]*)\]\(([^)\s]+)\)\s*$")
RENDERERS = ("kitty", "sixel", "halfcell", "text")
# full screen: 1.0 fits the screen; the last useful one shows a pixel per column (in
# half-cells, Graphviz's labels are then letters about five rows high)
ZOOMS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0)


@dataclass(frozen=True)
class FigureRef:
    alt: str
    src: str  # as the lesson names it, relative to the lesson's folder (the SVG)

    @property
    def raster(self) -> str:
        """The PNG beside the SVG, what the terminal shows."""
        return str(Path(self.src).with_suffix(".png"))


def split_figures(text: str) -> list[str | FigureRef]:
    """Lesson Markdown cut at each figure that stands on its own line: the text between
    figures (str) and the figures (FigureRef), in order. Code blocks are left whole."""
    parts: list[str | FigureRef] = []
    lines: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        m = None if fenced else FIGURE_LINE.match(line)
        if m is None:
            lines.append(line)
            continue
        if "".join(lines).strip():
            parts.append("\n".join(lines) + "\n")
        lines = []
        parts.append(FigureRef(m.group(1), m.group(2)))
    if "".join(lines).strip():
        parts.append("\n".join(lines) + "\n")
    return parts


# ---------------------------------------------------------------------- drawing pictures

def renderer_name() -> str:
    """How pictures are drawn here: WB_FIGURES, else a guess from the environment."""
    chosen = os.environ.get("WB_FIGURES", "").strip().lower()
    if chosen in RENDERERS:
        return chosen
    env = os.environ
    term = env.get("TERM", "")
    if not (sys.__stdout__ and sys.__stdout__.isatty()):
        return "halfcell"  # a browser page (workbench serve) or a headless test
    if env.get("TMUX") or term.startswith("screen"):
        return "halfcell"  # a multiplexer passes no pictures through by default
    if term == "xterm-kitty" or env.get("KITTY_WINDOW_ID"):
        return "kitty"
    if env.get("TERM_PROGRAM") in ("WezTerm", "iTerm.app", "mintty") or env.get(
            "KONSOLE_VERSION") or term.startswith(("foot", "mlterm", "contour")):
        return "sixel"
    return "halfcell"


_image_classes: dict[str, type[Widget]] = {}


def image_class(name: str | None = None) -> type[Widget]:
    """textual-image's widget for the renderer `name` (default: renderer_name()).

    textual-image asks the terminal what it can do when it is first imported; while the app
    runs, the answer would go to Textual's input reader instead, and in terminals that do not
    answer it costs 0.2 s. So it is imported (once, when the first figure is shown) with the
    terminal out of its sight, the renderer chosen here, and the cell size taken from the
    terminal's size in pixels where the system reports it."""
    name = name or renderer_name()
    if name not in _image_classes:
        _cell_size_hint()
        real = sys.__stdout__
        sys.__stdout__ = io.StringIO()  # not a terminal: textual-image asks nothing
        try:
            import textual_image.widget as tiw
        finally:
            sys.__stdout__ = real
        _image_classes.update(kitty=tiw.TGPImage, sixel=tiw.SixelImage,
                              halfcell=tiw.HalfcellImage, text=tiw.UnicodeImage)
    return _image_classes[name]


def _cell_size_hint() -> None:
    """Tell textual-image the size of a character cell in pixels (TEXTUAL_CELL_WIDTH and
    _HEIGHT, which `workbench serve` sets for a browser), from the terminal's window size."""
    if "TEXTUAL_CELL_WIDTH" in os.environ:
        return
    try:
        import fcntl
        import struct
        import termios

        rows, cols, width, height = struct.unpack(
            "HHHH", fcntl.ioctl(sys.__stdout__.fileno(), termios.TIOCGWINSZ, b"\0" * 8))
    except (OSError, AttributeError, ValueError, ImportError):
        return
    if rows and cols and width and height:
        os.environ["TEXTUAL_CELL_WIDTH"] = str(width // cols)
        os.environ["TEXTUAL_CELL_HEIGHT"] = str(height // rows)


def fit(pixels: tuple[int, int], box: tuple[int, int], cell: tuple[int, int] = (10, 20)) -> tuple[int, int]:
    """Columns and rows of a picture of `pixels` (width, height) scaled to fit in `box`
    (columns, rows) with its proportions kept, for cells of `cell` pixels."""
    (w, h), (cols, rows), (cw, ch) = pixels, box, cell
    scale = min(cols * cw / w, rows * ch / h)
    return max(1, round(w * scale / cw)), max(1, round(h * scale / ch))


def _cell() -> tuple[int, int]:
    try:
        return int(os.environ["TEXTUAL_CELL_WIDTH"]), int(os.environ["TEXTUAL_CELL_HEIGHT"])
    except (KeyError, ValueError):
        return 10, 20


def _pixels(path: Path) -> tuple[int, int] | None:
    """A PNG's width and height, read from its header (no image library needed)."""
    try:
        with path.open("rb") as f:
            head = f.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


# ---------------------------------------------------------------------- widgets

class LessonFigure(Vertical, can_focus=True):
    """A figure in the lesson's text: the picture, then its caption."""

    DEFAULT_CSS = """
    LessonFigure { height: auto; margin: 1 0 1 0; }
    LessonFigure:focus { background: $boost; }
    LessonFigure .figure-caption { color: $text-muted; height: auto; }
    LessonFigure .figure-missing { color: $warning; height: auto; }
    """
    BINDINGS = [Binding("enter,f", "open", N_("Full screen"), id="figure-open")]
    MAX_ROWS = 20  # inline; and never more than half the screen

    def __init__(self, lesson_dir: Path, lesson: str, ref: FigureRef, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lesson_dir = lesson_dir
        self.lesson = lesson
        self.ref = ref
        self.png = lesson_dir / ref.raster
        self.pixels = _pixels(self.png)

    @property
    def url(self) -> str:
        """The SVG's address relative to the page `workbench serve` gives (works under a proxy's
        path), or the file itself in a terminal."""
        if self.app.is_web:
            return f"lessons/{self.lesson}/{self.ref.src}"
        return (self.lesson_dir / self.ref.src).resolve().as_uri()

    def compose(self) -> ComposeResult:
        if self.pixels is None:
            yield Static(_("🖼 {alt} — no picture at {path}: run python lessons/make_figures.py")
                         .format(alt=self.ref.alt, path=self.ref.raster), classes="figure-missing",
                         markup=False)
        else:
            yield image_class()(self.png, classes="figure-image")
        yield Static(self.caption(), classes="figure-caption", markup=False)

    def caption(self) -> str:
        return _("Figure: {alt}  (Enter or click: full screen)").format(alt=self.ref.alt)

    def on_resize(self, event: events.Resize) -> None:
        self._size_picture()

    def on_mount(self) -> None:
        self.call_after_refresh(self._size_picture)

    def _size_picture(self) -> None:
        if self.pixels is None or not self.is_attached:
            return
        rows = max(6, min(self.MAX_ROWS, self.screen.size.height // 2))
        cols, rows = fit(self.pixels, (max(8, self.content_size.width), rows), _cell())
        image = self.query_one(".figure-image")
        if (image.styles.width, image.styles.height) != (cols, rows):
            image.styles.width, image.styles.height = cols, rows

    def on_click(self, event: events.Click) -> None:
        self.action_open()

    def action_open(self) -> None:
        self.app.push_screen(FigureScreen(self))


class FigureScreen(ModalScreen[None]):
    """One figure, as large as the screen allows; + and - zoom, the arrows pan."""

    DEFAULT_CSS = """
    FigureScreen { background: $surface; }
    FigureScreen #figure-scroll { height: 1fr; width: 1fr; }
    FigureScreen #figure-caption { height: auto; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q,f", "close", N_("Close"), id="figure-close"),
        Binding("plus,equals_sign", "zoom(1)", N_("Zoom in"), id="figure-zoom-in"),
        Binding("minus", "zoom(-1)", N_("Zoom out"), id="figure-zoom-out"),
        Binding("o", "open_svg", N_("Open the SVG"), id="figure-svg"),
    ]

    def __init__(self, figure: LessonFigure) -> None:
        super().__init__()
        self.figure = figure
        self.zoom = 0  # index in ZOOMS

    def compose(self) -> ComposeResult:
        with ScrollableContainer(id="figure-scroll"):
            if self.figure.pixels is not None:
                yield image_class()(self.figure.png, id="figure-full")
        yield Static("", id="figure-caption", markup=False)

    def on_mount(self) -> None:
        self.query_one("#figure-scroll").focus()
        self.call_after_refresh(self._size_picture)

    def on_resize(self, event: events.Resize) -> None:
        self._size_picture()

    def _size_picture(self) -> None:
        fig = self.figure
        self.query_one("#figure-caption", Static).update(
            _("{alt} — zoom ×{zoom} (+ -, arrows pan) · o: the SVG · Esc: back").format(
                alt=fig.ref.alt, zoom=f"{ZOOMS[self.zoom]:g}"))
        if fig.pixels is None:
            return
        scroll = self.query_one("#figure-scroll")
        box = (max(8, scroll.size.width - 1), max(4, scroll.size.height - 1))
        k = ZOOMS[self.zoom]
        cols, rows = fit(fig.pixels, (round(box[0] * k), round(box[1] * k)), _cell())
        image = self.query_one("#figure-full")
        image.styles.width, image.styles.height = cols, rows

    def action_zoom(self, step: int) -> None:
        full = self.query("#figure-full")
        if step > 0 and full and self.figure.pixels and \
                full.first().size.width >= self.figure.pixels[0]:
            return  # a pixel per column already: larger shows nothing more
        self.zoom = min(len(ZOOMS) - 1, max(0, self.zoom + step))
        self._size_picture()

    def action_open_svg(self) -> None:
        self.app.open_url(self.figure.url)

    def action_close(self) -> None:
        self.dismiss(None)
