"""Real builds of the built-in recipes with both toolchains, the cache, and compiler errors."""

from __future__ import annotations

import shutil

import pytest

from workbench.core.builder.pipeline import build, config_header
from workbench.core.builder.toolchain import BuildError
from workbench.core.inspect.image import inspect_image
from workbench.core.model.catalogue import load_catalogue
from workbench.core.model.recipe import load_recipe
from workbench.core.model.resolve import resolve

from .conftest import RECIPES, run_cli, tool

RECIPE_NAMES = ["hello", "selftest", "fault", "hang"]


@pytest.mark.parametrize("toolchain", ["zig", "gcc"])
@pytest.mark.parametrize("name", RECIPE_NAMES)
def test_every_recipe_builds(built, name, toolchain):
    result = built(name, toolchain)
    assert result.image.is_file()
    assert result.loadable_bytes > 0
    # every component of the resolution is attributed some bytes of code
    for comp in result.resolution.names:
        if result.resolution.catalogue.components[comp].sources:
            sizes = result.components[comp]
            assert sum(sizes.values()) > 0, f"{comp} has no bytes in the image"
    # the attributed code and data account for the loadable bytes (up to page padding)
    attributed = sum(s.get("text", 0) + s.get("rodata", 0) + s.get("data", 0)
                     for s in result.components.values())
    assert attributed <= result.loadable_bytes <= attributed + 3 * 4096 + 512


def test_hello_is_small(built):
    # the target: a hello unikernel in at most 16 KiB of loadable bytes
    assert built("hello").loadable_bytes <= 16 * 1024


def test_dead_code_is_dropped_and_reported(built):
    result = built("hello")
    assert sum(result.dropped.values()) > 0
    # hello never calls malloc-like or string functions it does not use; libc loses some
    assert result.dropped_sections, "the linker reported nothing dropped"
    assert all(":" in s for items in result.dropped_sections.values() for s in items)


def test_report_is_written_beside_the_image(built):
    import json

    result = built("hello")
    report = json.loads(result.report_path.read_text())
    assert report["image"] == str(result.image)
    assert report["loadable_bytes"] == result.loadable_bytes
    assert report["machine"] == "microvm"
    assert set(report["components"]) == set(result.resolution.names)


def test_options_become_constants(catalogue):
    recipe = load_recipe(RECIPES / "hello.toml")
    recipe.options = {"hello": {"greeting": "Konnichiwa"}}
    res = resolve(recipe, catalogue)
    hello = catalogue.components["hello"]
    text = config_header(hello, res.options["hello"], recipe)
    assert '#define CONFIG_HELLO_GREETING "Konnichiwa"' in text
    assert "#define WB_MACHINE_MICROVM 1" in text


def test_warm_rebuild_compiles_nothing_and_option_change_recompiles_one_component(catalogue, tmp_path):
    recipe = load_recipe(RECIPES / "selftest.toml")
    res = resolve(recipe, catalogue)
    first = build(res, tmp_path / "out")
    again = build(res, tmp_path / "out")
    assert again.compiled == 0 and not again.linked
    assert again.image.read_bytes() == first.image.read_bytes()
    # change one option of the allocator: only the allocator's objects are compiled again
    provider = res.providers["alloc"]
    recipe.options = {provider: {"heap_kib": 64}}
    changed = build(resolve(recipe, catalogue), tmp_path / "out")
    n_alloc_sources = len(catalogue.components[provider].sources)
    assert changed.compiled == n_alloc_sources
    assert changed.linked


def test_allocator_switch_changes_the_image(catalogue, tmp_path):
    recipe = load_recipe(RECIPES / "selftest.toml")
    sizes = {}
    for provider in ("alloc-bump", "alloc-freelist"):
        recipe.providers = {"alloc": provider}
        result = build(resolve(recipe, catalogue), tmp_path / provider)
        assert provider in result.components
        sizes[provider] = result.components[provider]["text"]
    assert sizes["alloc-bump"] < sizes["alloc-freelist"]


def test_compiler_error_names_file_line_and_source(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(RECIPES.parent / "lib" / "hello", ws / "hello")
    src = ws / "hello" / catalogue_hello_source(ws)
    lines = src.read_text().splitlines()
    at = len(lines) // 2
    lines.insert(at, "int broken = ;")
    src.write_text("\n".join(lines) + "\n")
    cat = load_catalogue(workspace=ws)
    assert cat.components["hello"].origin == "workspace"
    res = resolve(load_recipe(RECIPES / "hello.toml"), cat)
    with pytest.raises(BuildError) as info:
        build(res, tmp_path / "out")
    err = info.value
    d = [x for x in err.diagnostics if x.severity == "error"][0]
    assert d.file.endswith(src.name) and d.line == at + 1
    assert d.source_line == "int broken = ;"
    assert "int broken = ;" in str(err)


def catalogue_hello_source(ws):
    from workbench.core.model.catalogue import load_component

    return load_component(ws / "hello").sources[0]


def test_cli_build_json(tmp_path):
    import json

    proc = run_cli("build", "hello", "--out", str(tmp_path), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["image"].endswith("hello.elf") and data["loadable_bytes"] > 0
    assert "boot-pvh" in data["components"] and "text" in data["components"]["boot-pvh"]
    info = inspect_image(data["image"])
    assert info.loadable_bytes == data["loadable_bytes"]


@pytest.mark.parametrize("toolchain", ["zig", "gcc"])
def test_kernel_code_uses_no_vector_registers(built, toolchain):
    # The kernel never enables SSE; an xmm instruction would fault as #UD (varargs prologues
    # are where compilers like to put them).
    import subprocess

    objdump = tool("objdump")
    image = built("selftest", toolchain).image
    text = subprocess.run([objdump, "-d", str(image)], capture_output=True, text=True).stdout
    bad = [ln for ln in text.splitlines() if "%xmm" in ln or "%ymm" in ln or "%mm" in ln]
    assert bad == []
