"""Japanese line breaking: between phrases (BudouX), by the rules of kinsoku, in cells.

The cases learners met: a line holding only "Linux や BSD" before the rest of its sentence, a
line starting with `。`, the title `コンパイル時特化と使われないコ` / `ード` split inside a
word. Then the same rules over every Japanese lesson at several widths, and over any text
(hypothesis): nothing is lost, nothing is wider than the line unless a single character is.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tests.conftest import REPO
from workbench.core.learn.textrender import (
    _NO_LINE_END,
    _NO_LINE_START,
    _japanese_parser,
    render_markdown,
    wrap_text,
)

LESSONS = sorted((REPO / "lessons").glob("*/ja.md"))
BULLET = re.compile(r"^\s*(•|\d+\.)?\s*")


def _body(line: str) -> str:
    """A rendered line without its indentation and list marker."""
    return BULLET.sub("", line, count=1)


def _phrase_ends(text: str) -> set[int]:
    """Offsets (ignoring spaces) where BudouX allows a break in `text`."""
    ends, at = set(), 0
    for phrase in _japanese_parser().parse(text):
        at += len(phrase.replace(" ", ""))
        ends.add(at)
    return ends


def test_a_title_breaks_between_phrases_not_inside_a_word():
    title = "コンパイル時特化と使われないコード"
    for width in (20, 24, 30):
        lines = wrap_text(title, width)
        assert "".join(lines) == title
        assert all(cell_len(ln) <= width for ln in lines)
        assert lines[-1] != "ード" and not lines[-1].startswith("ード"), lines
        offsets = {sum(len(ln) for ln in lines[:k]) for k in range(1, len(lines))}
        assert offsets <= _phrase_ends(title), lines
    assert wrap_text(title, 30) == ["コンパイル時特化と使われない", "コード"]


def test_a_sentence_with_latin_words_fills_its_line():
    sentence = ("Linux や BSD は、スケジューラ、メモリ管理、すべてのファイルシステム、"
                "ネットワークスタック、デバイスドライバをひとつの特権カーネルに入れています。")
    lines = wrap_text(sentence, 60)
    assert lines[0].startswith("Linux や BSD は、スケジューラ、"), lines
    assert all(cell_len(ln) <= 60 for ln in lines)
    assert "".join(lines).replace(" ", "") == sentence.replace(" ", "")
    # and no line is the Latin words alone, whatever the width
    for width in range(24, 81, 4):
        assert not any(ln.strip() in ("Linux や BSD", "Linux や", "BSD")
                       for ln in wrap_text(sentence, width)), width


def test_closing_punctuation_never_starts_a_line_nor_an_opening_bracket_ends_one():
    # a character-by-character wrap at 20 cells would start the second line with 。
    text = "あいうえおかきくけこ。さしすせそ（たちつてと）なにぬねの「はひふへほ」"
    for width in range(6, 40):
        lines = wrap_text(text, width)
        assert "".join(lines) == text
        assert not any(ln[:1] in _NO_LINE_START for ln in lines[1:]), (width, lines)
        assert not any(ln[-1:] in _NO_LINE_END for ln in lines[:-1]), (width, lines)


@pytest.mark.parametrize("width", [40, 60, 80])
def test_every_japanese_lesson_obeys_kinsoku_and_the_width(width):
    assert LESSONS, "no Japanese lessons found"
    for path in LESSONS:
        text = render_markdown(path.read_text(encoding="utf-8"), width, "ja")
        tables = {line for block in text.split("\n\n") if "─" * 4 in block
                  for line in block.splitlines()}  # a table keeps its columns
        for line in text.splitlines():
            if line.startswith("    ") and not line.lstrip()[:1] >= "\u3000":
                continue  # code keeps its lines as written
            body = _body(line)
            assert body[:1] not in _NO_LINE_START - set(".:"), (path.parent.name, line)
            assert line[-1:] not in _NO_LINE_END, (path.parent.name, line)
            if line not in tables:
                assert cell_len(line) <= width, (path.parent.name, line)


def test_a_list_item_continues_under_its_text_between_phrases():
    md = ("- 静的リンクされたイメージには、アプリケーションが実際に呼ぶ関数だけが"
          "含まれ、使われないコードはリンカが落とします。\n")
    lines = render_markdown(md, 40, "ja").splitlines()
    assert lines[0].startswith("  • ")
    assert all(ln.startswith("    ") for ln in lines[1:]), lines
    assert not any(_body(ln)[:1] in _NO_LINE_START for ln in lines), lines
    assert "".join(_body(ln) for ln in lines) == md[2:].strip()


japanese = st.lists(st.sampled_from(
    list("あいうえおかきくけこカーネルメモリ管理使特化時、。「」（）・ー") + [" ", "BSD", "x86"]),
    max_size=80).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=japanese, width=st.integers(min_value=4, max_value=60))
def test_wrapping_loses_nothing_and_keeps_within_the_width(text, width):
    lines = wrap_text(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for ln in lines:
        assert cell_len(ln) <= width or len(ln.strip()) == 1, (text, width, lines)


# ---------------------------------------------------------------- in the terminal UI

SENTENCE = ("Linux や BSD は、スケジューラ、メモリ管理、すべてのファイルシステム、"
            "ネットワークスタック、デバイスドライバをひとつの特権カーネルに入れています。")


def _check_ja_lines(lines: list[str], width: int, text: str) -> None:
    assert "".join(lines).replace(" ", "") == text.replace(" ", ""), lines
    assert all(cell_len(ln) <= width for ln in lines), lines
    assert not any(ln.strip()[:1] in _NO_LINE_START for ln in lines), lines
    assert not any(ln.strip() in ("Linux や BSD", "Linux や") for ln in lines), lines


def test_textual_and_rich_wrap_japanese_between_phrases():
    from rich.console import Console
    from rich.text import Text
    from textual.content import Content

    from workbench.tui import i18n

    i18n.use_language("en")  # the line breaker is the interface's, whatever its language
    title = "コンパイル時特化と使われないコード"
    assert [str(c) for c in Content(title).wrap(30)] == ["コンパイル時特化と使われない", "コード"]
    for width in (24, 30, 40, 60):
        _check_ja_lines([str(c).rstrip() for c in Content(SENTENCE).wrap(width)], width,
                        SENTENCE)
        console = Console(width=width)
        _check_ja_lines([t.plain.rstrip() for t in Text(SENTENCE).wrap(console, width)], width,
                        SENTENCE)
    # English is wrapped as Textual always did
    english = "the library operating system is linked with one application"
    assert [str(c).rstrip() for c in Content(english).wrap(20)] == [
        "the library", "operating system is", "linked with one", "application"]


def test_a_lesson_paragraph_in_a_markdown_widget_breaks_between_phrases():
    from textual.app import App
    from textual.geometry import Region
    from textual.widgets import Markdown

    from tests.pilot import async_test
    from workbench.tui import i18n

    i18n.use_language("en")

    class Narrow(App):
        CSS = "Markdown { width: 40; }"

        def compose(self):
            yield Markdown(f"# コンパイル時特化と使われないコード\n\n{SENTENCE}\n")

    @async_test
    async def drive():
        app = Narrow()
        async with app.run_test(size=(60, 30)) as pilot:
            await pilot.pause()
            title, body = ([s.text.strip() for s in block.render_lines(Region(
                0, 0, block.size.width, block.size.height)) if s.text.strip()]
                for block in app.query("MarkdownH1, MarkdownParagraph"))
            assert "".join(title) == "コンパイル時特化と使われないコード"
            assert not any(ln.startswith("ード") for ln in title), title
            _check_ja_lines(body, 40, SENTENCE)

    drive()


def test_a_long_japanese_toast_shows_every_character():
    from textual.app import App
    from textual.geometry import Region
    from textual.widgets._toast import Toast

    from tests.pilot import async_test, wait_for
    from workbench.tui import i18n

    i18n.use_language("en")
    message = ("このステップはレシピ「selftest」についてです。「hello」への変更が保存されていない"
               "ため開きませんでした。保存（ctrl+s）してから「selftest」を開いてください。")

    @async_test
    async def drive():
        app = App()
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            app.notify(message, timeout=30)
            await wait_for(pilot, lambda: app.screen.query(Toast), what="the toast")
            await pilot.pause()
            toast = app.screen.query_one(Toast)
            lines = [s.text.strip(" ▌") for s in toast.render_lines(
                Region(0, 0, *toast.outer_size)) if s.text.strip(" ▌")]
            assert "".join(lines).replace(" ", "") == message.replace(" ", ""), lines
            assert not any(ln[:1] in _NO_LINE_START for ln in lines), lines
            assert "保存されていないため" in lines and "開いてください。" in lines, lines

    drive()


def test_an_indented_line_keeps_every_character_in_a_widget():
    """A quiz question is indented under its step: the indent is drawn, so it counts. It had
    not, the line came out wider than the widget, and its end was cut: "ユーザモード[の]
    プロセス" read "ユーザモードプロセス" — a different question."""
    from textual.content import Content

    from workbench.tui import i18n

    i18n.use_language("en")
    question = "     ネットワークドライバが独立したユーザモードのプロセスとして動くのはどの設計？"
    for width in range(14, 60, 3):
        lines = [str(c) for c in Content(question).wrap(width)]
        assert all(cell_len(line.rstrip()) <= width for line in lines), (width, lines)
        assert "".join(line.strip() for line in lines) == question.strip(), (width, lines)


@pytest.mark.parametrize("text, together", [
    ("ロード対象 6.1 KiB、メモリ上 54.1 KiB のイメージです", ["6.1 KiB", "54.1 KiB"]),
    ("各ブロックは 16 バイト境界にそろえてから返します", ["16 バイト境界"]),
    ("起動から ready 54.2 ms で応答しました", ["54.2 ms"]),
    ("このコンポーネントの引き込み先 0", ["引き込み先 0"]),
    ("d デバイス: 表示を切り替える", ["d デバイス:"]),
])
def test_a_number_stays_with_its_unit_and_a_key_with_its_word(text, together):
    for width in range(8, cell_len(text) + 2):
        lines = wrap_text(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for words in together:
            if cell_len(words) + 2 <= width:  # room for it and a mark of punctuation after
                assert any(words in line for line in lines), (width, lines)


def test_a_path_too_long_for_the_line_is_cut_after_a_slash():
    lines = wrap_text("出力は build/hello/config/hello.elf にあります", 22)
    cut = next(i for i, line in enumerate(lines) if "config" in line)
    assert lines[cut].endswith("config/") and lines[cut + 1].startswith("hello.elf"), lines
