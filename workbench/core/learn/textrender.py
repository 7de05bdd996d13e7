"""Lesson Markdown as plain terminal text, in English and Japanese.

A small renderer of our own rather than rich's: Japanese has no spaces between words, so a line
may break only between phrases — found by BudouX, the line breaker browsers use for Japanese —
and never against the rules of kinsoku (no closing punctuation at the start of a line, no
opening bracket at its end); wide characters take two cells. `wrap_text` serves the lessons, the
step lists and the titles alike.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from rich.cells import cell_len

TEXT_WIDTH = 80

# Line breaking for Japanese (kinsoku): these may not begin a line ...
_NO_LINE_START = set("、。，．・：；？！ー）」』】〕〉》’”ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜…),.:;!?%")
# ... and these may not end one.
_NO_LINE_END = set("（「『【〔〈《‘“(")
# No space is put after these where a soft line break joins two lines.
_NO_SPACE_AFTER = set("、。，．：；（「『")
_BLOCK_START = re.compile(r"^\s*([#|>!]|[-*+] |\d+[.)] |```|$)")


@cache
def _japanese_parser():
    import budoux  # loaded on the first Japanese text, not at import

    return budoux.load_default_japanese_parser()


def _phrases(piece: str) -> list[str]:
    """A run of text without spaces as unbreakable pieces: Japanese phrases (BudouX), never
    splitting a Latin word or number."""
    if not any(_is_wide(ch) for ch in piece):
        return [piece]
    out: list[str] = []
    for phrase in _japanese_parser().parse(piece):
        if out and out[-1][-1:].isascii() and out[-1][-1:].isalnum() and phrase[:1].isascii() \
                and phrase[:1].isalnum():
            out[-1] += phrase
        else:
            out.append(phrase)
    return out


@lru_cache(maxsize=4096)
def _units(text: str) -> tuple[str, ...]:
    """Split text into unbreakable units: words, Japanese phrases and runs of spaces; closing
    punctuation stays with the unit before it, an opening bracket with the unit after."""
    units: list[str] = []
    for piece in re.findall(r" +|[^ ]+", text):
        for u in ([piece] if piece[0] == " " else _phrases(piece)):
            if units and not units[-1].isspace() and not u.isspace() and (
                    u[0] in _NO_LINE_START or units[-1][-1] in _NO_LINE_END):
                units[-1] += u
            else:
                units.append(u)
    return _glue_short(units)


_SHORT = re.compile(r"[-+]?\d[\d.,:]*%?|[A-Za-z]|[^\w\s]")  # 16, 6.1, 54.2, 90%; a key: d, ?


def _glue_short(units: list[str]) -> tuple[str, ...]:
    """A number stays with the word after it (16 バイト, 6.1 KiB, ready 54.2 ms), and so does
    a one-letter key (d デバイス); a number that ends the text stays with the word before it
    (pulls in 0): a line never starts with a lone unit nor a number apart from what it counts."""
    out: list[str] = []
    i = 0
    while i < len(units):
        u = units[i]
        if _SHORT.fullmatch(u) and i + 2 < len(units) and units[i + 1] == " " and \
                not units[i + 2].isspace():
            out.append(u + " " + units[i + 2])
            i += 3
            continue
        if out and i == len(units) - 1 and _SHORT.fullmatch(u) and u[-1].isdigit() and \
                len(out) >= 2 and out[-1] == " " and not out[-2].isspace():
            out[-2:] = [out[-2] + " " + u]
            i += 1
            continue
        out.append(u)
        i += 1
    return tuple(out)


def _fold_at(unit: str, room: int) -> int:
    """Where to cut a unit wider than the line: as much as fits in `room` cells, moved back
    so that the rest does not begin with closing punctuation nor this part end with an
    opening bracket (at least one character, whatever the rules)."""
    cut = 1
    while cut < len(unit) and cell_len(unit[:cut + 1]) <= room:
        cut += 1
    # a path or a long name: after its last / - _ . that leaves the line at least half full
    seams = [k + 1 for k in range(cut - 1) if unit[k] in "/-_." and 2 * cell_len(unit[:k + 1]) >= room]
    if seams and cut < len(unit):
        cut = seams[-1]
    while cut > 1 and (unit[cut] in _NO_LINE_START or unit[cut - 1] in _NO_LINE_END):
        cut -= 1
    return cut


def _is_wide(ch: str) -> bool:
    return bool(ch) and cell_len(ch) == 2


_MAYBE_WIDE = re.compile("[\u1100-\U0010ffff]")  # no wide character comes before U+1100


def has_wide(text: str) -> bool:
    """Whether `text` holds a wide (two-cell) character: Japanese, for one."""
    return bool(_MAYBE_WIDE.search(text)) and any(
        cell_len(ch) == 2 for ch in _MAYBE_WIDE.findall(text))


def break_offsets(text: str, room: int, rest_room: int | None = None) -> list[int]:
    """Where the lines of `text` (one paragraph) start when it is wrapped greedily between
    words and Japanese phrases: the first line has `room` cells, the others `rest_room`
    (`room` if not given). The offsets of the second, third... lines; a line may be wider
    only when it is a single character."""
    rest_room = room if rest_room is None else rest_room
    offsets: list[int] = []
    at = used = 0  # where in the text; the cells on the line so far
    for unit in _units(text):
        size = cell_len(unit)
        if unit.isspace():  # counted, but for the spaces a break leaves at a line's start;
            used += size if used or not offsets else 0  # the text's own indent is drawn
            at += len(unit)
            continue
        if used and used + size > room:
            offsets.append(at)
            room, used = rest_room, 0
        while used + size > room and len(unit) > 1:  # wider than a whole line: fold it
            cut = _fold_at(unit, max(1, room - used))
            at, unit = at + cut, unit[cut:]
            offsets.append(at)
            room, used, size = rest_room, 0, cell_len(unit)
        at, used = at + len(unit), used + size
    return offsets


def wrap_text(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """`text` wrapped to `width` terminal cells (wide characters count two) between words and
    Japanese phrases; the first line starts with `first`, the others with `rest`."""
    offsets = break_offsets(text, max(1, width - cell_len(first)),
                            max(1, width - cell_len(rest)))
    return [((rest if k else first) + text[a:b].strip(" ")).rstrip()
            for k, (a, b) in enumerate(zip([0, *offsets], [*offsets, len(text)]))]


def join_wide_lines(text: str) -> str:
    """Join soft-wrapped lines of Japanese prose, for Markdown viewers that would put a space
    at each line break (right between English words, wrong between Japanese characters)."""
    out: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            out.append(line)
            continue
        prev = out[-1] if out else ""
        if (not fenced and prev.strip() and not prev.lstrip().startswith(("|", "#", "```"))
                and not _BLOCK_START.match(line)):
            body = line.strip()
            wide = _is_wide(prev[-1:]) and _is_wide(body[:1]) or prev[-1:] in _NO_SPACE_AFTER
            out[-1] = prev.rstrip() + ("" if wide else " ") + body
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def render_markdown(text: str, width: int = TEXT_WIDTH, lang: str = "en") -> str:
    """Lesson Markdown as plain terminal text at `width` cells (wide characters count two)."""
    page = _Page(width, lang)
    for tok in MarkdownIt("commonmark").enable("table").parse(text):
        handler = getattr(page, f"_on_{tok.type}", None)
        if handler is not None:
            handler(tok)
    return page.text()


def _inline_text(token, lang: str) -> str:
    """An inline token's children as plain text (emphasis and code marks dropped)."""
    out = ""
    children = token.children or []
    for j, t in enumerate(children):
        if t.type in ("text", "code_inline"):
            out += t.content
        elif t.type == "softbreak":
            nxt = next((c.content for c in children[j + 1:] if c.content), "")
            if not (_is_wide(out[-1:]) and _is_wide(nxt[:1])) and out[-1:] not in _NO_SPACE_AFTER:
                out += " "
        elif t.type == "hardbreak":
            out += "\n"
        elif t.type == "image":
            alt = "".join(c.content for c in (t.children or [])) or t.content
            word = "図" if lang == "ja" else "figure"
            out += f"[{word}: {alt} — {t.attrs.get('src', '')}]"
    return out


class _Page:
    """One text being laid out: the lines so far and the blocks still open. Each Markdown
    token of interest has a method `_on_<token type>`; the others change nothing."""

    def __init__(self, width: int, lang: str) -> None:
        self.width, self.lang = width, lang
        self.out: list[str] = []
        self.indent: list[str] = []  # prefixes of the open list items
        self.counters: list[int | None] = []  # per open list: the next number, None for bullets
        self.pending_bullet: str | None = None  # the bullet the next line of text starts with
        self.table: list[list[str]] | None = None  # the rows of the table being read
        self.row: list[str] = []

    def text(self) -> str:
        while self.out and self.out[-1] == "":
            self.out.pop()
        return "\n".join(self.out) + "\n"

    def _blank(self) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")

    # ---------------------------------------------------------------- text and headings

    def _on_inline(self, tok) -> None:
        if self.table is not None:
            self.row.append(_inline_text(tok, self.lang))
            return
        base = "".join(self.indent)
        if self.pending_bullet is not None:
            first, rest = base[: -len(self.pending_bullet)] + self.pending_bullet, base
            self.pending_bullet = None
        else:
            first = rest = base
        for para in _inline_text(tok, self.lang).split("\n"):
            self.out.extend(wrap_text(para, self.width, first, rest))
            first = rest

    def _on_heading_open(self, tok) -> None:
        self._blank()

    def _on_heading_close(self, tok) -> None:
        title = self.out[-1].strip()
        if tok.tag == "h1":
            self.out.append("=" * min(self.width, cell_len(title)))
        elif tok.tag == "h2":
            self.out.append("-" * min(self.width, cell_len(title)))
        self.out.append("")

    def _on_paragraph_close(self, tok) -> None:
        if not self.indent:
            self.out.append("")

    def _on_fence(self, tok) -> None:
        self._blank()
        base = "".join(self.indent)
        for ln in tok.content.rstrip("\n").split("\n"):
            self.out.append((base + "    " + ln).rstrip())
        self.out.append("")

    _on_code_block = _on_fence

    def _on_hr(self, tok) -> None:
        self.out.extend(["-" * self.width, ""])

    # ---------------------------------------------------------------- lists

    def _on_bullet_list_open(self, tok) -> None:
        self.counters.append(int(tok.attrs.get("start", 1)) if tok.type == "ordered_list_open"
                             else None)

    _on_ordered_list_open = _on_bullet_list_open

    def _on_bullet_list_close(self, tok) -> None:
        self.counters.pop()
        if not self.counters:
            self.out.append("")

    _on_ordered_list_close = _on_bullet_list_close

    def _on_list_item_open(self, tok) -> None:
        n = self.counters[-1]
        if n is None:
            self.pending_bullet = "  • "
        else:
            self.pending_bullet = f"{n:>3}. "
            self.counters[-1] = n + 1
        self.indent.append(" " * len(self.pending_bullet))

    def _on_list_item_close(self, tok) -> None:
        self.indent.pop()

    # ---------------------------------------------------------------- tables

    def _on_table_open(self, tok) -> None:
        self.table = []

    def _on_tr_open(self, tok) -> None:
        self.row = []

    def _on_tr_close(self, tok) -> None:
        if self.table is not None:
            self.table.append(self.row)

    def _on_table_close(self, tok) -> None:
        if self.table is not None:
            self.out.extend(_render_table(self.table, self.width))
            self.out.append("")
            self.table = None


def _render_table(rows: list[list[str]], width: int) -> list[str]:
    """Columns sized to their content; the last column wraps if the table is too wide."""
    ncol = max(len(r) for r in rows)
    rows = [r + [""] * (ncol - len(r)) for r in rows]
    widths = [max(cell_len(r[c]) for r in rows) for c in range(ncol)]
    gap = 2
    fixed = sum(widths[:-1]) + gap * (ncol - 1) + 1
    widths[-1] = max(8, min(widths[-1], width - fixed))
    lines = []
    for k, r in enumerate(rows):
        cells = [wrap_text(r[c], widths[c]) for c in range(ncol)]
        height = max(len(c) for c in cells)
        for h in range(height):
            parts = []
            for c in range(ncol):
                text = cells[c][h] if h < len(cells[c]) else ""
                parts.append(text + " " * (widths[c] - cell_len(text)))
            lines.append((" " + (" " * gap).join(parts)).rstrip())
        if k == 0:
            lines.append(" " + "─" * min(width - 1, sum(widths) + gap * (ncol - 1)))
    return lines
