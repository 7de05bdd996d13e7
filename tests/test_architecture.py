"""The shape of the package, checked: the rules `README.md` ("How it is put together") states.

- the core imports no UI code (no Textual, no `workbench.tui`, no `workbench.cli`);
- no import cycles between the package's modules, imports inside functions included
  (imports under `if TYPE_CHECKING:` are for type checkers only and do not count);
- no function longer than 80 lines;
- at most 10 modules side by side in any folder of the package;
- layout names are spelt only inside `workbench/core/layouts/`: everything else asks the
  layout registry, so adding a layout is one module and one registry entry.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"
MAX_FUNCTION_LINES = 80
MAX_MODULES_PER_FOLDER = 10
LAYOUT_NAMES = {"libos", "monolithic", "microkernel"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(), filename=str(path)) for name, path in MODULES.items()}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def runtime_imports(name: str) -> set[str]:
    """Every module this module imports when it runs (at the top or inside a function)."""
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                found.add(base)
                for alias in child.names:  # `from pkg import module`
                    found.add(f"{base}.{alias.name}")
            visit(child)

    visit(TREES[name])
    return {m for m in found if m in MODULES and m != name}


def test_the_core_imports_no_ui_code():
    offenders = []
    for name, tree in TREES.items():
        if not name.startswith("workbench.core"):
            continue
        for node in ast.walk(tree):
            mods = []
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                mods = [node.module]
            for m in mods:
                if m.split(".")[0] == "textual" or m.startswith(
                        ("workbench.tui", "workbench.cli")):
                    offenders.append(f"{name} imports {m}")
    assert not offenders, offenders


def test_no_import_cycles():
    graph = nx.DiGraph()
    for name in MODULES:
        graph.add_node(name)
        for dep in runtime_imports(name):
            graph.add_edge(name, dep)
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, "import cycles: " + "; ".join(" → ".join(c + [c[0]]) for c in cycles[:10])


def test_no_function_over_80_lines():
    long = []
    for name, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                length = node.end_lineno - first + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {length} lines")
    assert not long, long


def test_at_most_ten_modules_per_folder():
    crowded = []
    for folder in [PACKAGE, *[p for p in PACKAGE.rglob("*") if p.is_dir()]]:
        if folder.name == "__pycache__":
            continue
        modules = [p for p in folder.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
        if len(modules) > MAX_MODULES_PER_FOLDER:
            crowded.append(f"{folder.relative_to(PACKAGE.parent)}: {len(modules)} modules")
    assert not crowded, crowded


def test_layout_names_are_spelt_only_in_the_layouts_package():
    spelt = []
    layouts = PACKAGE / "core" / "layouts"
    for name, path in MODULES.items():
        if layouts in path.parents:
            continue
        for node in ast.walk(TREES[name]):
            if isinstance(node, ast.Constant) and node.value in LAYOUT_NAMES:
                spelt.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.value!r}")
    assert not spelt, spelt


@pytest.mark.parametrize("rule", ["cycles", "length"])
def test_the_checks_catch_what_they_look_for(tmp_path, rule):
    """The checks above can fail: fed a cycle or a long function, they see it."""
    if rule == "cycles":
        graph = nx.DiGraph([("a", "b"), ("b", "a")])
        assert list(nx.simple_cycles(graph))
    else:
        body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES + 1))
        tree = ast.parse(f"def f():\n{body}\n")
        fn = tree.body[0]
        assert fn.end_lineno - fn.lineno + 1 > MAX_FUNCTION_LINES
