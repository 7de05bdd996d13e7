"""Components, interfaces, options and functions speak the learner's language.

A manifest gives each shown text (summary, description, an option's or a function's doc) as one
string, which is English (every manifest written before translations), or per language
(`summary.en = "…"`, `summary.ja = "…"`, as lessons do). English stands in where a language has
no text. Every shipped component and interface has Japanese for each of its texts, and the
screens and the command line show them in the workbench's language.
"""

from __future__ import annotations

import pytest

from workbench.core.model.catalogue import load_catalogue, load_component, load_interface
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.texts import LANGUAGES

from .conftest import workspace_app
from .pilot import async_test, wait_for

ONE_STRING = '''name = "greet"
summary = "Say hello"
layer = "app"
provides = ["app"]
requires = ["console"]
sources = ["greet.c"]
description = "Prints a greeting."

[options.times]
type = "int"
default = 1
doc = "How many greetings."
'''

PER_LANGUAGE = '''name = "greet"
summary.en = "Say hello"
summary.ja = "あいさつする"
layer = "app"
provides = ["app"]
requires = ["console"]
sources = ["greet.c"]
description.en = """
Prints a greeting.
"""
description.ja = """
あいさつを表示します。
"""

[options.times]
type = "int"
default = 1
doc.en = "How many greetings."
doc.ja = "あいさつの回数。"
'''


def component(tmp_path, manifest: str):
    folder = tmp_path / "greet"
    folder.mkdir(exist_ok=True)
    (folder / "greet.c").write_text("int app_main(void) { return 0; }\n")
    (folder / "component.toml").write_text(manifest)
    return load_component(folder)


def line_of(text: str, needle: str) -> int:
    return next(no for no, line in enumerate(text.splitlines(), 1) if needle in line)


# ---------------------------------------------------------------- the two forms

def test_one_string_is_english_and_stands_in_for_every_language(tmp_path):
    c = component(tmp_path, ONE_STRING)
    assert c.summary == "Say hello" and c.description == "Prints a greeting."
    for lang in LANGUAGES:
        assert c.text("summary", lang) == "Say hello"
        assert c.text("description", lang) == "Prints a greeting."
        assert c.options["times"].text("doc", lang) == "How many greetings."


def test_a_table_per_language_gives_each_language_its_text(tmp_path):
    c = component(tmp_path, PER_LANGUAGE)
    assert c.text("summary", "ja") == "あいさつする"
    assert c.text("description", "ja") == "あいさつを表示します。\n"
    assert c.options["times"].text("doc", "ja") == "あいさつの回数。"
    # English stays the plain attribute: what C headers' comments and the JSON output use
    assert c.summary == c.text("summary", "en") == "Say hello"
    assert c.options["times"].doc == "How many greetings."


def test_english_stands_in_where_japanese_is_missing(tmp_path):
    c = component(tmp_path, PER_LANGUAGE.replace('summary.ja = "あいさつする"\n', "")
                  .replace('doc.ja = "あいさつの回数。"\n', ""))
    assert c.text("summary", "ja") == "Say hello"
    assert c.options["times"].text("doc", "ja") == "How many greetings."
    assert c.text("description", "ja") == "あいさつを表示します。\n"


def test_an_interface_and_its_functions_take_both_forms(tmp_path):
    path = tmp_path / "greeting.toml"
    path.write_text('name = "greeting"\nsummary.en = "Greetings"\nsummary.ja = "あいさつ"\n'
                    'description = "One function."\n\n[[functions]]\nname = "greet"\n'
                    'returns = "void"\ndoc.en = "Say it."\ndoc.ja = "言う。"\n')
    iface = load_interface(path)
    assert (iface.summary, iface.text("summary", "ja")) == ("Greetings", "あいさつ")
    assert iface.text("description", "ja") == "One function."
    assert (iface.functions[0].doc, iface.functions[0].text("doc", "ja")) == ("Say it.", "言う。")


# ---------------------------------------------------------------- mistakes

@pytest.mark.parametrize("good, bad, message", [
    ('summary.ja = "あいさつする"', 'summary.fr = "Dire bonjour"',
     "[summary.fr]: unknown language 'fr' in 'summary'\n"
     '  hint: languages: en, ja — summary.en = "..."  summary.ja = "..."'),
    ('doc.ja = "あいさつの回数。"', "doc.ja = 3",
     "[options.times.doc.ja]: 'doc.ja' must be a string, not 3\n"
     '  hint: doc = "..."  or  doc.en = "..."  doc.ja = "..."'),
])
def test_a_bad_text_per_language_names_its_file_key_line_and_what_is_valid(tmp_path, good, bad,
                                                                            message):
    text = PER_LANGUAGE.replace(good, bad)
    with pytest.raises(WorkbenchError) as e:
        component(tmp_path, text)
    path = tmp_path / "greet" / "component.toml"
    assert str(e.value) == f"{path}:{line_of(text, bad)} {message}"


def test_a_summary_that_is_neither_text_nor_a_table_says_what_is_valid(tmp_path):
    text = ONE_STRING.replace('summary = "Say hello"', "summary = 42")
    with pytest.raises(WorkbenchError) as e:
        component(tmp_path, text)
    assert e.value.line == line_of(text, "summary = 42")
    assert "'summary' must be a string or a text per language, not 42" in str(e.value)


def test_an_inline_table_with_an_unknown_language_points_at_its_line(tmp_path):
    text = ONE_STRING.replace('summary = "Say hello"', 'summary = { en = "Say hello", de = "Hallo" }')
    with pytest.raises(WorkbenchError) as e:
        component(tmp_path, text)
    assert e.value.line == line_of(text, "summary = {")
    assert e.value.key == "summary.de"


# ---------------------------------------------------------------- the shipped texts

def shipped_texts():
    """(where, texts per language) for every shown text of the shipped catalogue."""
    cat = load_catalogue()
    for c in cat.components.values():
        for key in ("summary", "description"):
            yield f"{c.name} {key}", c.texts.get(key, {})
        for o in c.options.values():
            yield f"{c.name} option {o.name}", o.texts.get("doc", {})
    for i in cat.interfaces.values():
        for key in ("summary", "description"):
            yield f"interface {i.name} {key}", i.texts.get(key, {})
        for f in i.functions:
            yield f"interface {i.name} function {f.name}", f.texts.get("doc", {})


def test_every_shipped_text_is_given_in_every_language():
    texts = list(shipped_texts())
    assert len(texts) > 200
    missing = [where for where, t in texts if any(not t.get(lang, "").strip() for lang in LANGUAGES)]
    assert not missing, "give summary.ja (description.ja, doc.ja) for:\n" + "\n".join(missing)


def test_japanese_texts_keep_the_markdown_and_the_code_names():
    """A translated description keeps the English one's bold headings' count and every `code`
    span (names of functions, files and options stay in Latin letters)."""
    import re

    odd = []
    for where, t in shipped_texts():
        en, ja = t.get("en", ""), t.get("ja", "")
        if en.count("**") != ja.count("**"):
            odd.append(f"{where}: {en.count('**') // 2} bold in English, {ja.count('**') // 2} in Japanese")
        lost = set(re.findall(r"`([^`]+)`", en)) - set(re.findall(r"`([^`]+)`", ja))
        if lost:
            odd.append(f"{where}: no {sorted(lost)}")
    assert not odd, "\n".join(odd)


# ---------------------------------------------------------------- where they are shown

@pytest.fixture
def japanese(monkeypatch):
    """Japanese for the command line and for one app (which reads WB_LANG); English after."""
    from workbench.tui.i18n import use_language

    monkeypatch.setenv("WB_LANG", "ja")
    use_language("ja")
    yield
    use_language("en")


def test_the_command_line_shows_a_component_in_japanese(japanese, capsys):
    from workbench.cli.catalogue import cmd_show

    class Args:
        name, json, workspace = "alloc-bump", False, None

    cmd_show(Args())
    out = capsys.readouterr().out
    assert "バンプアロケータ" in out and "**何をするか。**" in out and "ヒープ領域の大きさ" in out


def test_assemble_shows_the_component_and_its_options_in_japanese(japanese, tmp_path):
    from workbench.tui.app import WorkbenchApp

    workspace_app(tmp_path / "ws", "mine", "int app_main(void) { return 0; }\n",
                  summary="one English string")

    @async_test
    async def drive():
        app = WorkbenchApp("selftest", build_root=tmp_path / "build", workspace=tmp_path / "ws")
        async with app.run_test(size=(100, 40)) as pilot:
            await wait_for(pilot, lambda: app.session.catalogue is not None, what="the catalogue")
            app.select_component("alloc-freelist")
            await wait_for(pilot, lambda: app.query("#opt-heap_kib"), what="the options form")
            detail = str(app.query_one("#component-detail").render())
            assert "ファーストフィットのフリーリストアロケータ" in detail, detail
            docs = " ".join(str(s.render()) for s in app.query(".option-doc"))
            assert "ヒープ領域の大きさ（KiB）。" in docs, docs
            app.select_component("mine")  # a manifest with one string: English
            await pilot.pause()
            assert "one English string" in str(app.query_one("#component-detail").render())

    drive()


def test_the_graph_side_panel_gives_the_summary_in_japanese(japanese, tmp_path):
    from workbench.tui.app import WorkbenchApp

    @async_test
    async def drive():
        app = WorkbenchApp("hello", build_root=tmp_path / "build")
        async with app.run_test(size=(100, 40)) as pilot:
            await wait_for(pilot, lambda: app.session.resolution is not None, what="resolution")
            await pilot.press("2")
            app.select_component("serial-16550")
            await wait_for(pilot, lambda: "0x3f8" in str(app.query_one("#graph-info").render()),
                           what="the side panel")
            info = str(app.query_one("#graph-info").render())
            assert "最初の 16550 UART（COM1、ポート 0x3f8）を使うコンソール" in info, info

    drive()
