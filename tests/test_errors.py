"""The error corpus: one bad manifest or recipe per kind of mistake, each with its message.

Each corpus file states what the learner must be told in `# expect:` lines (and the line number
the message must point at in `# expect-line:`).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from workbench.core.model.catalogue import load_catalogue, load_component
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.recipe import load_recipe
from workbench.core.model.resolve import resolve

from .conftest import KERNELS, REPO, run_cli

CORPUS = Path(__file__).parent / "corpus"


def expectations(path: Path) -> tuple[list[str], int | None]:
    text = path.read_text()
    expects = re.findall(r"^# expect: (.*)$", text, re.M)
    line = re.search(r"^# expect-line: (\d+)$", text, re.M)
    assert expects, f"{path} states no expectation"
    return expects, int(line.group(1)) if line else None


def check(err: WorkbenchError, path: Path) -> None:
    expects, line = expectations(path)
    text = str(err)
    for e in expects:
        assert e in text, f"{path.name}: expected {e!r} in:\n{text}"
    assert str(path) in text, f"the message must name the file {path}:\n{text}"
    if line is not None:
        assert err.line == line, f"{path.name}: expected line {line}, got {err.line}"


@pytest.mark.parametrize("path", sorted((CORPUS / "recipes").glob("*.toml")), ids=lambda p: p.stem)
def test_bad_recipe(path, catalogue):
    with pytest.raises(WorkbenchError) as info:
        resolve(load_recipe(path), catalogue)
    check(info.value, path)


@pytest.mark.parametrize("path", sorted((CORPUS / "components").iterdir()), ids=lambda p: p.name)
def test_bad_manifest(path):
    with pytest.raises(WorkbenchError) as info:
        load_component(path)
    check(info.value, path / "component.toml")


@pytest.fixture
def kernels_copy(tmp_path):
    dst = tmp_path / "kernels"
    shutil.copytree(KERNELS, dst, ignore=shutil.ignore_patterns("recipes"))
    return dst


def _write_component(kernels: Path, name: str, body: str) -> Path:
    d = kernels / "lib" / name
    d.mkdir()
    (d / "component.toml").write_text(body)
    return d


def test_unknown_interface_in_manifest(kernels_copy):
    _write_component(kernels_copy, "net-thing", 'name = "net-thing"\nlayer = "net"\nrequires = ["consle"]\n')
    with pytest.raises(WorkbenchError) as info:
        load_catalogue(kernels_copy)
    text = str(info.value)
    assert "unknown interface 'consle'" in text and "did you mean console?" in text
    assert "net-thing/component.toml" in text and "[requires]" in text


def test_no_provider(kernels_copy, tmp_path):
    (kernels_copy / "interfaces" / "gpu.toml").write_text('name = "gpu"\nsummary = "x"\n')
    _write_component(kernels_copy, "paint", 'name = "paint"\nlayer = "app"\nrequires = ["gpu"]\n')
    cat = load_catalogue(kernels_copy)
    recipe = tmp_path / "paint.toml"
    recipe.write_text('name = "paint"\napplication = "paint"\n')
    with pytest.raises(WorkbenchError, match="no component provides interface 'gpu', which paint requires"):
        resolve(load_recipe(recipe), cat)


def test_two_providers_linked_together(kernels_copy, tmp_path):
    # a component that provides both console and alloc clashes with the chosen allocator
    _write_component(kernels_copy, "combo", 'name = "combo"\nlayer = "driver"\nprovides = ["console", "alloc"]\n')
    cat = load_catalogue(kernels_copy)
    recipe = tmp_path / "r.toml"
    recipe.write_text('name = "r"\napplication = "selftest"\n[providers]\nconsole = "combo"\nalloc = "alloc-bump"\n')
    with pytest.raises(WorkbenchError, match=r"two providers of interface 'alloc' would be linked: alloc-bump, combo"):
        resolve(load_recipe(recipe), cat)


def test_ambiguous_interface_without_default(kernels_copy, tmp_path):
    text = (kernels_copy / "interfaces" / "alloc.toml").read_text()
    (kernels_copy / "interfaces" / "alloc.toml").write_text(re.sub(r'^default = .*$', "", text, flags=re.M))
    cat = load_catalogue(kernels_copy)
    recipe = tmp_path / "r.toml"
    recipe.write_text('name = "r"\napplication = "selftest"\n')
    with pytest.raises(WorkbenchError) as info:
        resolve(load_recipe(recipe), cat)
    assert "interface 'alloc'" in str(info.value) and "choose one" in str(info.value)
    assert 'alloc = "alloc-bump"' in str(info.value)


def test_cycle_in_files(kernels_copy, tmp_path):
    for name in ("ping", "pong"):
        (kernels_copy / "interfaces" / f"{name}.toml").write_text(f'name = "{name}"\n')
    _write_component(kernels_copy, "ping-impl", 'name = "ping-impl"\nlayer = "lib"\nprovides = ["ping"]\nrequires = ["pong"]\n')
    _write_component(kernels_copy, "pong-impl", 'name = "pong-impl"\nlayer = "lib"\nprovides = ["pong"]\nrequires = ["ping"]\n')
    _write_component(kernels_copy, "loop", 'name = "loop"\nlayer = "app"\nprovides = ["app"]\nrequires = ["ping"]\n')
    cat = load_catalogue(kernels_copy)
    recipe = tmp_path / "r.toml"
    recipe.write_text('name = "r"\napplication = "loop"\n')
    with pytest.raises(WorkbenchError, match="dependency cycle: .*ping-impl.*pong-impl"):
        resolve(load_recipe(recipe), cat)


@pytest.mark.parametrize("args,expect", [
    (["build", "tests/corpus/recipes/unknown_provider.toml"], "did you mean alloc-freelist?"),
    (["resolve", "no/such/recipe.toml"], "recipe not found"),
    (["resolve", "helo"], "did you mean hello?"),
    (["show", "alloc-freelst"], "did you mean alloc-freelist?"),
    (["build", "hello", "--toolchain", "clang"], "valid toolchains: zig, gcc"),
    (["inspect", "README.md"], "README.md"),
    (["graph", "hello", "-o", "/tmp/x.gif", "--format", "gif"], "invalid choice"),
])
def test_cli_errors_are_reports_not_tracebacks(args, expect):
    proc = run_cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert expect in proc.stderr


def test_cli_missing_qemu(tmp_path):
    proc = run_cli("boot", "hello", "--out", str(tmp_path), env={"WB_QEMU": "/nonexistent/qemu"})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "apt-get install qemu-system-x86" in proc.stderr


def test_repo_root_is_cwd_independent(tmp_path):
    # recipes are found by name from any folder
    proc = run_cli("resolve", "hello", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "boot-pvh" in proc.stdout and str(REPO) not in proc.stderr
