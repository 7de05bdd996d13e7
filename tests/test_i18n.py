"""The workbench speaks English and Japanese: every string a learner reads is in the catalogue.

The source is read as Python (its syntax tree): a string that reaches the screen — passed to a
widget, a toast, a dialog, a key binding, a title, or any text of two words or more — must go
through `_()` (or `N_()` where it is defined at import time, or `ngettext()`). That holds for
the interface (workbench/tui) and for the core's and the command line's modules whose messages
a learner reads (CORE_SCANNED). Then the catalogue (workbench/locale/ja/LC_MESSAGES/
workbench.po) must hold every message of the source with a Japanese translation, and the
compiled .mo must say what the .po says. Last, the app, the core's errors, the command line and
the browser page, with the language Japanese, say it in Japanese.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from rich.color import ANSI_COLOR_NAMES

from tests.conftest import REPO

TUI = REPO / "workbench" / "tui"
PO = REPO / "workbench" / "locale" / "ja" / "LC_MESSAGES" / "workbench.po"
MO = PO.with_suffix(".mo")

TRANSLATORS = {"_", "N_", "ngettext"}
# Calls whose string arguments are shown; and keywords whose values are, whatever the call.
SHOWN_CALLS = {"notify", "Label", "Static", "Button", "Checkbox", "RadioButton", "TabPane", "Tab",
               "Option", "update", "set_message", "PathDialog", "HelpScreen", "Text", "Content",
               "write", "write_line", "add_column", "add_row", "add_option", "ListItem",
               "Markdown", "Tree", "add", "add_leaf", "set_result", "Collapsible", "Rule",
               "assemble", "from_markup", "Hit", "DiscoveryHit", "push_screen", "FieldHint",
               "append", "append_text", "line"}
SHOWN_KEYWORDS = {"title", "tooltip", "placeholder", "label", "prompt", "message", "description",
                  "note", "subtitle", "help", "text", "hint", "sub_title"}
SHOWN_ATTRIBUTES = {"title", "sub_title", "border_title", "border_subtitle", "tooltip", "TITLE",
                    "SUB_TITLE", "placeholder", "loading_text"}
# Where a string is a name, a style or a selector, not text: keyword arguments and callees.
NOT_SHOWN_KEYWORDS = {"id", "classes", "name", "variant", "severity", "group", "action", "key",
                      "key_display", "language", "theme", "style", "markup", "end", "sep",
                      "justify", "overflow", "no_wrap", "initial", "exclusive", "thread",
                      "encoding", "errors", "mode", "width", "tab_behavior"}
NOT_SHOWN_CALLS = {"query", "query_one", "query_children", "query_exactly_one", "get_child_by_id",
                   "set_class", "add_class", "remove_class", "has_class", "toggle_class",
                   "getattr", "setattr", "hasattr", "Path", "open", "get", "setdefault", "pop",
                   "startswith", "endswith", "split", "rsplit", "partition", "replace", "strip",
                   "compile", "match", "search", "fullmatch", "sub", "environ", "getenv", "on",
                   "run_worker", "work", "Style", "parse", "stylize", "highlight_regex",
                   "join_path", "suffix", "with_suffix", "run", "Popen", "check_output",
                   "isinstance", "log", "debug", "info", "warning", "error", "exception",
                   "action", "run_action", "bind",
                   "get_component_rich_style", "get_component_styles", "watch", "set_reactive",
                   "import_module", "files", "joinpath", "cast", "dict", "register_language",
                   "lexer", "get_lexer_by_name", "Query", "Language", "index", "count",
                   "Binding", "Group", "struct", "pack", "unpack", "format_key", "ValueError",
                   "TypeError", "KeyError", "RuntimeError", "AssertionError",
                   # the browser mode's server: its log and its HTTP answers are not the UI
                   "print", "Response", "HTTPNotFound", "HTTPForbidden", "HTTPBadRequest"}
# Rich's markup, and words the workbench never translates (names, keys, units).
MARKUP = re.compile(r"\[/?[a-z@$#][^\]]*\]|\{[^}]*\}|%[sd]")
KEEP = {"CC", "LD", "QEMU", "Linux", "TCB", "IPC", "hlt", "SVG", "PNG", "DOT", "ELF", "ms"}
WORD = re.compile(r"[A-Za-z]{2,}")
TWO_WORDS = re.compile(r"[A-Za-z]{2,}[^\S\n]+[(\"'‘“-]?[A-Za-z]{2,}")
STYLE_WORDS = {"bold", "dim", "italic", "underline", "reverse", "strike", "blink", "not", "on",
               "b", "i", "u", "s", "r", "d", "default", "none"} | set(ANSI_COLOR_NAMES)
# Strings of the source that are not shown, though they look like text: (file, string).
NOT_SHOWN = {("widgets/lexers.py", "Linker script"),  # a Pygments lexer's name
             ("serve.py", "-m workbench tui")}  # the command each browser session runs
CSS_ATTRIBUTES = {"DEFAULT_CSS", "CSS", "CSS_PATH", "COMPONENT_CLASSES", "SCOPED_CSS"}

# The core's and the command line's modules whose messages a learner reads (relative to
# workbench/). There `.error(...)` makes a learner's error (a Table's, a recipe's), not a log
# line, so its words are looked at too.
CORE_SCANNED = (
    *(f"cli/{name}.py" for name in ("__init__", "baseline", "build", "catalogue", "common",
                                    "compare", "learn", "run", "ui")),
    *(f"core/model/{name}.py" for name in ("errors", "manifest", "paths", "recipe", "resolve",
                                           "tools")),
    *(f"core/builder/{name}.py" for name in ("lock", "memory", "pipeline", "toolchain",
                                             "generators/__init__", "generators/zonefile")),
    "core/inspect/graph.py", "core/inspect/image.py",
    *(f"core/layouts/{name}.py" for name in ("__init__", "base", "libos", "model")),
    *(f"core/learn/{name}.py" for name in ("dnsclient", "gradebook", "grading", "lastrun",
                                           "lessons", "material", "progress", "submission",
                                           "wirecheck")),
    *(f"core/run/{name}.py" for name in ("appliance", "hostsockets", "machines", "measure",
                                         "passt", "qemu", "status")),
    *(f"core/baseline/{name}.py" for name in ("cpio", "kernel", "measure", "record")),
)
CORE_HIDDEN_CALLS = NOT_SHOWN_CALLS - {"error", "warning", "info", "debug"}
# Strings of those modules that are not a learner's message: generated C and DOT, commands,
# the transcripts' framing (like dig's), JSON keys, a regular expression, log lines.
CORE_NOT_SHOWN = {
    ("cli/learn.py", "workbench grade"), ("core/model/recipe.py", "summary ="),
    ("core/learn/lessons.py", 'recipe = "hello"'),
    ("core/learn/lessons.py", 'choices.en = ["a) ...", "b) ..."]'),
    ("core/learn/lessons.py", "workbench lesson check   --step   --answer"),
    ("core/model/resolve.py", "application"), ("core/model/resolve.py", "layout"),
    *(("core/model/tools.py", f"{how} install {what}") for how, what in (
        ("Debian/Ubuntu: sudo apt-get", "qemu-system-x86"), ("Fedora: sudo dnf", "qemu-system-x86"),
        ("macOS: brew", "qemu"), ("Debian/Ubuntu: sudo apt-get", "graphviz"),
        ("Fedora: sudo dnf", "graphviz"), ("macOS: brew", "graphviz"))),
    ("core/builder/pipeline.py", "/* Generated configuration of component   for recipe  . */"),
    ("core/builder/pipeline.py", "/* Edit the recipe, not this file: it is rewritten by every "),
    ("core/builder/pipeline.py", "#pragma once"), ("core/builder/pipeline.py", "#define   1"),
    ("core/builder/pipeline.py", "#define WB_RECIPE_NAME"),
    ("core/builder/generators/zonefile.py", "$ORIGIN example.org."),
    ("core/inspect/graph.py", 'subgraph "cluster_ " {'),
    ("core/learn/grading.py", "test run ' ' of exercise"),
    ("core/learn/grading.py", "--- UDP datagrams sent (QEMU's dump) ---"),
    ("core/learn/wirecheck.py", "udp   bytes to port  : checksum 0x  (right: 0x )"),
    ("core/learn/dnsclient.py", "(built by hand)"), ("core/learn/dnsclient.py", ";;  , expecting"),
    ("core/learn/dnsclient.py", ";; no answer"),
    ("core/learn/dnsclient.py", ";; unreadable answer ( ):"),
    ("core/run/qemu.py", "shutdown reason="), ("core/run/qemu.py", "reset reason="),
    ("core/run/qemu.py", "run event handler failed:"),
    ("core/run/measure.py", "not measured"),  # a JSON value; measured() shows it translated
    ("core/run/machines.py", "QEMU microvm: no PCI, no firmware tables, virtio-mmio device"),
    ("core/run/machines.py", "QEMU pc (i440FX): the classic PC with SeaBIOS, PCI and legac"),
    ("core/baseline/measure.py", "sudo apt-get install"),
    ("core/baseline/cpio.py", "sudo apt-get install"),
    ("core/baseline/kernel.py", "apt-get download"),
    ("core/baseline/record.py", "workbench baseline"),
    ("core/baseline/measure.py", "Queries per second:\\s+([\\d.]+)"),
}


def _is_style(text: str) -> bool:
    """A Rich style ("bold white on red", "$accent"), not words."""
    return all(w in STYLE_WORDS or w[0] in "#$" for w in text.split())


def _callee(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _text_of(node) -> str:
    """A literal's words: the constant parts of an f-string, without markup and fields."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return MARKUP.sub(" ", node.value)
    if isinstance(node, ast.JoinedStr):
        return " ".join(MARKUP.sub(" ", v.value) for v in node.values
                        if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return ""


class _Scan(ast.NodeVisitor):
    """Collects (line, text, why) for every literal that is shown but not translated."""

    def __init__(self, hidden_calls: set[str] = NOT_SHOWN_CALLS) -> None:
        self.hidden_calls = hidden_calls
        self.found: list[tuple[int, str, str]] = []
        self.context: list[str] = []  # "shown", "hidden", "translated" from the outside in

    def _within(self, how: str, nodes) -> None:
        self.context.append(how)
        for n in nodes:
            if n is not None:
                self.visit(n)
        self.context.pop()

    def _literal(self, node) -> None:
        text = _text_of(node)
        if ("translated" in self.context or self.context[-1:] == ["hidden"]
                or _is_style(text) or text.strip() in KEEP):
            return
        shown = self.context[-1:] == ["shown"]
        if (shown and WORD.search(text)) or TWO_WORDS.search(text):
            self.found.append((node.lineno, text.strip()[:60], "shown" if shown else "words"))

    def visit_Constant(self, node):
        self._literal(node)

    def visit_JoinedStr(self, node):
        self._literal(node)
        self._within("hidden", [v.value for v in node.values if isinstance(v, ast.FormattedValue)])

    def _body(self, body) -> None:
        start = 1 if body and isinstance(body[0], ast.Expr) and isinstance(
            body[0].value, ast.Constant) else 0  # the docstring
        for stmt in body[start:]:
            self.visit(stmt)

    def visit_Expr(self, node):
        if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            self.visit(node.value)  # a string on its own is a docstring (of an attribute)

    def visit_Module(self, node):
        self._body(node.body)

    def visit_FunctionDef(self, node):
        self._within("hidden", node.decorator_list + node.args.defaults + node.args.kw_defaults)
        self._body(node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self._within("hidden", node.decorator_list + node.bases)
        self._body(node.body)

    def visit_Assign(self, node):
        names = {t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", "")
                 for t in node.targets}
        if names & CSS_ATTRIBUTES:
            return
        self._within("shown" if names & SHOWN_ATTRIBUTES else "", [node.value])
        self._within("hidden", node.targets)

    def visit_Compare(self, node):
        self._within("hidden", [node.left, *node.comparators])

    def visit_Subscript(self, node):
        self.visit(node.value)
        self._within("hidden", [node.slice])

    def visit_Dict(self, node):
        self._within("hidden", node.keys)
        for v in node.values:
            self.visit(v)

    def visit_Call(self, node):
        name = _callee(node)
        self.visit(node.func)
        if name in TRANSLATORS:
            self._within("translated", node.args + [k.value for k in node.keywords])
            return
        if name == "Binding":  # key, action, description, ...: only the description is shown
            self._within("hidden", node.args[:2])
            self._within("shown", node.args[2:3])
            self._within("hidden", node.args[3:])
        elif name in SHOWN_CALLS:
            self._within("shown", node.args)
        elif name in self.hidden_calls:
            self._within("hidden", node.args)
        else:
            self._within("", node.args)
        for k in node.keywords:
            how = ("hidden" if k.arg in NOT_SHOWN_KEYWORDS or name in self.hidden_calls else
                   "shown" if k.arg in SHOWN_KEYWORDS else "")
            self._within(how, [k.value])


def untranslated(path: Path, hidden_calls: set[str] = NOT_SHOWN_CALLS
                 ) -> list[tuple[int, str, str]]:
    scan = _Scan(hidden_calls)
    scan.visit(ast.parse(path.read_text(encoding="utf-8")))
    return scan.found


def _tui_files() -> list[Path]:
    return sorted(p for p in TUI.rglob("*.py") if p.name != "i18n.py")


def test_every_shown_string_goes_through_the_catalogue():
    problems = [f"{p.relative_to(REPO)}:{line}: {text!r} ({why})"
                for p in _tui_files() for line, text, why in untranslated(p)
                if (str(p.relative_to(TUI)), text) not in NOT_SHOWN]
    assert not problems, ("strings shown untranslated (wrap them in _(), or N_() where defined "
                          "at import):\n" + "\n".join(problems))


def test_every_message_of_the_core_and_the_command_line_goes_through_the_catalogue():
    root = REPO / "workbench"
    problems = [f"workbench/{name}:{line}: {text!r} ({why})" for name in CORE_SCANNED
                for line, text, why in untranslated(root / name, CORE_HIDDEN_CALLS)
                if (name, text) not in CORE_NOT_SHOWN]
    assert not problems, ("messages made untranslated (write _(\"… {name} …\").format(name=…) "
                          "where they are made, N_() where defined at import):\n"
                          + "\n".join(problems))


def test_the_core_scan_sees_a_tables_error_and_an_f_string_message(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('def f(t, key):\n    raise t.error(key, f"unknown key {key}")\n'
                   '    raise WorkbenchError("image not found", hint=f"build it first")\n'
                   '    raise t.error(key, _("unknown key {key}").format(key=key))\n')
    assert [line for line, _, _ in untranslated(bad, CORE_HIDDEN_CALLS)] == [2, 3, 3]


def test_the_scan_finds_an_untranslated_toast_title_and_binding(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('def f(self):\n    self.notify("right!")\n    self.title = "Workbench"\n'
                   'B = [Binding("b", "build", "Build")]\n'
                   'lines = [f"{n} components linked"]\n'
                   'ok = [_("right!"), N_("Build"), Binding("x", "stop_run", N_("Stop"))]\n'
                   'q = self.query_one("#run-status")\n')
    assert [line for line, _, _ in untranslated(bad)] == [2, 3, 4, 5]


def _translator_shadowed(path: Path) -> list[int]:
    """Lines that rebind `_` in a module that imports it as the translator."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports = any(isinstance(n, ast.ImportFrom) and any(a.name == "_" for a in n.names)
                  for n in ast.walk(tree))
    if not imports:
        return []
    return [n.lineno for n in ast.walk(tree)
            if isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)]


def test_no_module_reuses_the_translator_name_as_a_throwaway():
    core = [REPO / "workbench" / name for name in CORE_SCANNED]
    problems = [f"{p.relative_to(REPO)}:{line}" for p in [*_tui_files(), *core]
                for line in _translator_shadowed(p)]
    assert not problems, "`_` assigned where it is the translator:\n" + "\n".join(problems)


def _source_messages() -> set[str]:
    return {msg if isinstance(msg, str) else msg[0]
            for _f, _l, msg, *_ in extract_from_dir(
                str(REPO), method_map=[("workbench/**.py", "python")])}


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f, locale="ja")


def test_the_catalogue_holds_every_message_of_the_source_translated():
    catalogue = _catalogue()
    source = _source_messages()
    missing = sorted(m for m in source if m not in catalogue)
    assert not missing, ("not in workbench.po (run `.venv/bin/python scripts/i18n.py`):\n"
                         + "\n".join(missing))
    empty = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in catalogue
                   if m.id and (not m.string or not all(m.string) if isinstance(m.string, tuple)
                                else not m.string))
    assert not empty, "no Japanese translation in workbench.po:\n" + "\n".join(empty)
    fuzzy = sorted(str(m.id) for m in catalogue if m.id and m.fuzzy)
    assert not fuzzy, "fuzzy (unchecked) translations in workbench.po:\n" + "\n".join(fuzzy)
    stale = sorted(str(m.id) for m in catalogue if m.id and
                   (m.id if isinstance(m.id, str) else m.id[0]) not in source)
    assert not stale, "in workbench.po but no longer in the source:\n" + "\n".join(stale)


def test_the_compiled_catalogue_says_what_the_po_says():
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for m in _catalogue():
        if not m.id or not all(m.string if isinstance(m.string, tuple) else [m.string]):
            continue  # untranslated: the test above names it
        said = (compiled.ngettext(m.id[0], m.id[1], 1), m.string[0]) if isinstance(
            m.id, tuple) else (compiled.gettext(m.id), m.string)  # Japanese has one form
        assert said[0] == said[1], (f"workbench.mo is older than workbench.po ({m.id!r}): run "
                                    "`.venv/bin/python scripts/i18n.py`")


def test_placeholders_survive_translation():
    fields = re.compile(r"\{[^{}]*\}")
    for m in _catalogue():
        if m.id and isinstance(m.id, str) and m.string:
            assert sorted(fields.findall(m.id)) == sorted(fields.findall(m.string)), m.id


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_use_language_translates_bindings_both_ways(lang):
    from workbench.tui import i18n
    from workbench.tui.app import WorkbenchApp

    i18n.use_language(lang)
    try:
        build = WorkbenchApp._merged_bindings.key_to_bindings["b"][0]
        assert build.description == ("ビルド" if lang == "ja" else "Build")
        assert i18n.language() == lang
    finally:
        i18n.use_language("en")


def test_the_catalogue_holds_the_words_the_core_hands_the_screens():
    from workbench.core import layouts
    from workbench.core.baseline.measure import PAPER, ROWS
    from workbench.core.layouts.model import LAYOUT_NOTES, LAYOUT_TITLES
    from workbench.core.model import resolve

    catalogue = _catalogue()
    words = [*LAYOUT_TITLES.values(), *LAYOUT_NOTES.values(), *(label for _k, label, *_r in ROWS),
             *(v for v in PAPER.values() if v),
             *(layout.component_reason for layout in layouts.ALL if layout.component_reason),
             *(getattr(resolve, name) for name in dir(resolve) if name.startswith("REASON_"))]
    missing = [w for w in words if w not in catalogue]
    assert not missing, "mark them with N_() where the core defines them:\n" + "\n".join(missing)


# ---------------------------------------------------------------- the app in Japanese

@pytest.fixture
def japanese(monkeypatch):
    """WB_LANG=ja for one app; English again afterwards for whatever runs next."""
    from workbench.tui import i18n

    monkeypatch.setenv("WB_LANG", "ja")
    yield
    i18n.use_language("en")


def _visible_text(app) -> str:
    from textual.widgets import Footer

    footer = app.screen.query_one(Footer)
    return " ".join(str(k.render()) for k in footer.query("FooterKey, FooterLabel"))


def test_japanese_tabs_footer_help_and_toast(japanese, tmp_path):
    from textual.widgets import Tab
    from textual.widgets._toast import Toast

    from tests.pilot import async_test, wait_for
    from workbench.tui.app import WorkbenchApp

    @async_test
    async def drive():
        app = WorkbenchApp("hello", build_root=tmp_path / "build")
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            labels = [str(t.label) for t in app.query(Tab)]
            for title in ("1 組み立て", "2 グラフ", "3 メモリ", "4 比較", "5 実行", "6 レッスン"):
                assert title in labels, labels
            footer = _visible_text(app)
            for words in ("ビルド", "起動", "ヘルプ", "画面", "パレット"):
                assert words in footer, footer
            assert "Build" not in footer and "palette" not in footer, footer
            await pilot.press("3")
            await pilot.press("p")  # nothing is built yet: a toast says so
            await wait_for(pilot, lambda: app.screen.query(Toast), what="a toast")
            toast = " ".join(str(t.render()) for t in app.screen.query(Toast))
            assert "先にビルドしてください。固定するイメージがありません。" in toast, toast
            await pilot.press("question_mark")
            await wait_for(pilot, lambda: app.screen.__class__.__name__ == "HelpScreen",
                           what="the help screen")
            shown = " ".join(str(s.render()) for s in app.screen.query("Static"))
            assert "キー一覧" in shown and "ビルド" in shown and "用語" in shown, shown[:400]
            await pilot.press("escape")
            await pilot.press("ctrl+p")
            await wait_for(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette",
                           what="the palette")
            assert app.screen.query_one("CommandInput").placeholder == "コマンドを検索…"
            titles = {c.title for c in app.get_system_commands(app.screen)}
            assert {"テーマ", "終了", "スクリーンショット"} <= titles, titles
            assert ("レシピ hello を開く" in
                    {title for title, _help, _run in app.command_entries()})

    drive()


def test_english_again_after_japanese(tmp_path):
    """The language is chosen per app: an English app after a Japanese one is all English."""
    from textual.widgets import Tab

    from tests.pilot import async_test
    from workbench.tui import i18n
    from workbench.tui.app import WorkbenchApp

    i18n.use_language("ja")

    @async_test
    async def drive():
        app = WorkbenchApp("hello", build_root=tmp_path / "build")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert "1 Assemble" in [str(t.label) for t in app.query(Tab)]
            assert "Build" in _visible_text(app)

    drive()


# ---------------------------------------------------------------- the core and the command line

def _core_messages(catalogue) -> list[str]:
    """An option above its maximum, an unknown provider, a grader's failed check, a zone
    file's mistake: each as the learner reads it."""
    from workbench.core.builder.generators.zonefile import parse_zone
    from workbench.core.learn.grading import _describe_mismatch
    from workbench.core.model.errors import WorkbenchError
    from workbench.core.model.recipe import Recipe
    from workbench.core.model.resolve import resolve
    from workbench.core.run.expect import Mismatch

    said = []
    for recipe in (Recipe("t", "hello", options={"boot-pvh": {"stack_kib": 5000}}),
                   Recipe("t", "hello", providers={"console": "no-such-console"})):
        with pytest.raises(WorkbenchError) as e:
            resolve(recipe, catalogue)
        said.append(str(e.value))
    said.append(_describe_mismatch(Mismatch("status", "success", "panic"), None))
    with pytest.raises(WorkbenchError) as e:
        parse_zone("$TTL 1h\n@ IN SOA ns1 host 1 2 3 4 5\n", "zone.txt", "example.org.")
    said.append(str(e.value))
    return said


def test_the_cores_messages_follow_the_language(catalogue):
    from workbench import i18n

    i18n.use_language("ja")
    try:
        ja = _core_messages(catalogue)
    finally:
        i18n.use_language("en")
    en = _core_messages(catalogue)
    assert "5000 は最大値 1024 を超えています" in ja[0] and "ヒント:" in ja[0], ja[0]
    assert "option 'stack_kib' of boot-pvh: 5000 is above the maximum 1024" in en[0], en[0]
    assert "'no-such-console'" in ja[1] and "存在しません" in ja[1], ja[1]
    assert "unknown component 'no-such-console' chosen for interface 'console'" in en[1], en[1]
    assert ja[2] == ("テスト用カーネルは 'success' で終わるはずでした。実際はCPU 例外で停止しました"
                     "（パニック）（状態 'panic'）")
    assert en[2] == ("expected the test kernel to end with 'success'; it stopped on a CPU "
                     "exception (a panic) (status 'panic')")
    assert "NS レコードがありません" in ja[3] and "has no NS record" in en[3]
    assert not any(re.search(r"[ぁ-んァ-ン]", m) for m in en), en


def _cli(*args: str, lang: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "WB_LANG": lang, "WB_HOME": str(tmp_path / "home"),
           "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-m", "workbench", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_command_line_speaks_japanese(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\napplication = "hello"\nlayout = "libos"\n'
                   '[options.boot-pvh]\nstack_kib = 5000\n')
    r = _cli("build", str(bad), "--out", str(tmp_path / "out"), lang="ja", tmp_path=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith("エラー: ") and "5000 は最大値 1024 を超えています" in r.stderr
    r = _cli("--help", lang="ja", tmp_path=tmp_path)
    assert r.stdout.startswith("使い方: workbench") and "レシピを起動できるイメージにビルドする" \
        in r.stdout, r.stdout
    from rich.cells import cell_len
    assert all(cell_len(line) <= 80 for line in r.stdout.splitlines()), r.stdout
    r = _cli("resolve", "hello", "--explain", lang="ja", tmp_path=tmp_path)
    assert "エントリポイント" in r.stdout and "経路: image → boot-pvh" in r.stdout, r.stdout
    r = _cli("resolve", "hello", "--explain", lang="en", tmp_path=tmp_path)
    assert "provides 'boot': every image needs an entry point" in r.stdout, r.stdout
    assert "chain: image → boot-pvh" in r.stdout


def test_the_browser_page_says_start_and_restart_in_japanese(tmp_path):
    from tests.test_serve import served_page
    from workbench.core.run.appliance import free_port

    port = free_port("tcp")
    env = {**os.environ, "WB_LANG": "ja", "WB_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--port", str(port),
                             "--sessions-dir", str(tmp_path / "sessions")],
                            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        page = served_page(port, 30)
        assert page is not None, "the server never answered"
        assert '<html lang="ja">' in page
        assert ">開始</button>" in page and ">再起動</button>" in page
        assert "セッションが終了しました。" in page and "Session ended" not in page
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_an_unknown_component_is_said_in_japanese_and_in_english_after():
    """`workbench show alloc-bumpp` in Japanese had said "unknown component" in English."""
    from workbench.core.model.catalogue import load_catalogue
    from workbench.core.model.errors import WorkbenchError
    from workbench.i18n import use_language

    cat = load_catalogue()
    use_language("ja")
    try:
        with pytest.raises(WorkbenchError) as ja:
            cat.component("alloc-bumpp")
    finally:
        use_language("en")
    assert ja.value.message.startswith("'alloc-bumpp' というコンポーネントはありません")
    assert ja.value.hint.startswith("コンポーネント: ")
    with pytest.raises(WorkbenchError) as en:
        cat.interface("allocc")
    assert en.value.message.startswith("unknown interface 'allocc'")
    assert en.value.hint.startswith("interfaces: ")
