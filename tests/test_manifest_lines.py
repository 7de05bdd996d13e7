"""A mistake in the n-th table of an array of tables ([[functions]], [[generated]], [[steps]])
is reported at that table's line, not at the first table's."""

from __future__ import annotations

import pytest

from workbench.core.builder.generators.site import collect_site
from workbench.core.learn.lessons import load_lesson
from workbench.core.model.catalogue import load_interface
from workbench.core.model.errors import WorkbenchError


def line_of(text: str, needle: str) -> int:
    return next(no for no, line in enumerate(text.splitlines(), 1) if needle in line)


def test_interface_function_mistake_names_its_own_line(tmp_path):
    text = ("name = \"clock\"\nsummary = \"time\"\nheader = \"clock.h\"\n\n"
            "[[functions]]\nname = \"now\"\nreturns = \"u64\"\n\n"
            "[[functions]]\nname = \"sleep\"\nreturns = \"void\"\ncolour = \"red\"\n")
    path = tmp_path / "clock.toml"
    path.write_text(text)
    with pytest.raises(WorkbenchError) as e:
        load_interface(path)
    assert e.value.line == line_of(text, "colour"), str(e.value)


def test_site_generated_mistake_names_its_own_line(tmp_path):
    text = ("[[generated]]\npath = \"/a.bin\"\nbytes = 10\nseed = \"a\"\n\n"
            "[[generated]]\npath = \"/b.bin\"\nbytes = 10\nseed = \"b\"\nsize = 3\n")
    (tmp_path / "site.toml").write_text(text)
    (tmp_path / "index.html").write_text("hi")
    with pytest.raises(WorkbenchError) as e:
        collect_site(tmp_path)
    assert e.value.line == line_of(text, "size = 3"), str(e.value)


STEP = ('[[steps]]\nid = "{id}"\ntitle.en = "Step"\ntitle.ja = "ステップ"\n\n'
        '[steps.check]\nkind = "resolve"\nrecipe = "hello"\n{check}\n')


def lesson_error(tmp_path, text: str) -> WorkbenchError:
    lesson = tmp_path / "99-lines"
    lesson.mkdir()
    (lesson / "steps.toml").write_text(text)
    (lesson / "en.md").write_text("# Lines\n")
    (lesson / "ja.md").write_text("# 行\n")
    with pytest.raises(WorkbenchError) as e:
        load_lesson(lesson)
    return e.value


def test_lesson_step_mistake_names_its_own_line(tmp_path):
    good = 'includes = ["hello"]\n'
    text = STEP.format(id="one", check=good) + STEP.format(id="one", check=good)
    error = lesson_error(tmp_path, text)
    second = [no for no, line in enumerate(text.splitlines(), 1) if line == 'id = "one"'][1]
    assert "duplicate step id" in str(error) and error.line == second, str(error)


def test_lesson_check_mistake_names_its_own_step(tmp_path):
    text = STEP.format(id="one", check='includes = ["hello"]\n') + STEP.format(id="two", check="")
    error = lesson_error(tmp_path, text)
    second = [no for no, line in enumerate(text.splitlines(), 1) if line == "[steps.check]"][1]
    assert "resolve check needs" in str(error) and error.line == second, str(error)
