"""Resolution of the built-in recipes against the built-in catalogue."""

from __future__ import annotations

import json

import pytest

from workbench.core.model.recipe import Recipe, load_recipe, save_recipe
from workbench.core.model.resolve import ROOT, resolve

from .conftest import RECIPES, run_cli


def test_catalogue_is_complete_and_documented(catalogue):
    assert {"boot-pvh", "cpu-x86", "serial-16550", "libc-mini", "alloc-bump", "alloc-freelist",
            "clock-tsc", "hello", "selftest", "fault", "hang"} <= set(catalogue.components)
    for c in catalogue.components.values():
        assert c.summary and c.description.strip(), f"{c.name} needs a summary and a description"
        assert c.sources, f"{c.name} has no sources"
        for o in c.options.values():
            assert o.doc, f"option {o.name} of {c.name} is undocumented"


def test_every_builtin_recipe_resolves(catalogue):
    recipes = sorted(RECIPES.glob("*.toml"))
    assert len(recipes) >= 4
    for path in recipes:
        res = resolve(load_recipe(path), catalogue)
        assert res.components[0].layer == "boot"
        assert res.recipe.application in res.names


def test_hello_is_minimal(catalogue):
    res = resolve(load_recipe(RECIPES / "hello.toml"), catalogue)
    assert "alloc-freelist" not in res.names and "alloc-bump" not in res.names
    assert "clock-tsc" not in res.names
    assert {"boot-pvh", "serial-16550", "hello"} <= set(res.names)


def test_reasons_chain_back_to_the_image(catalogue):
    res = resolve(load_recipe(RECIPES / "selftest.toml"), catalogue)
    for name in res.names:
        chain = res.why_path(name)
        assert chain[0] == ROOT and chain[-1] == name
    assert res.included["selftest"].reason.startswith("the application named by the recipe")
    assert "every image needs an entry point" in res.included["boot-pvh"].reason
    alloc = res.providers["alloc"]
    assert res.included[alloc].reason == "provides 'alloc', required by selftest"
    assert "image → selftest → " in res.explain(alloc)


def test_default_provider_and_choice(catalogue):
    recipe = load_recipe(RECIPES / "selftest.toml")
    recipe.providers.pop("alloc", None)
    assert resolve(recipe, catalogue).providers["alloc"] == catalogue.interfaces["alloc"].default
    recipe.providers["alloc"] = "alloc-bump"
    res = resolve(recipe, catalogue)
    assert res.providers["alloc"] == "alloc-bump" and "alloc-freelist" not in res.names


def test_options_get_defaults_and_unused_choices_warn(catalogue):
    recipe = Recipe(name="x", application="hello", providers={"alloc": "alloc-bump"})
    res = resolve(recipe, catalogue)
    assert res.options["hello"]["greeting"] == catalogue.components["hello"].options["greeting"].default
    assert any("alloc" in w and "not used" in w for w in res.warnings)


def test_recipe_round_trip_is_atomic(tmp_path, catalogue):
    recipe = load_recipe(RECIPES / "selftest.toml")
    recipe.providers["alloc"] = "alloc-bump"
    recipe.options["alloc-bump"] = {"heap_kib": 128}
    path = save_recipe(recipe, tmp_path / "mine.toml")
    again = load_recipe(path)
    assert again.providers["alloc"] == "alloc-bump" and again.options["alloc-bump"]["heap_kib"] == 128
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    assert resolve(again, catalogue).providers["alloc"] == "alloc-bump"


def test_cli_resolve_explain_and_json():
    proc = run_cli("resolve", "selftest", "--explain")
    assert proc.returncode == 0, proc.stderr
    assert "chain: image → boot-pvh" in proc.stdout
    data = json.loads(run_cli("resolve", "selftest", "--json").stdout)
    names = [c["name"] for c in data["components"]]
    assert "selftest" in names and all(c["reason"] for c in data["components"])


def test_cli_components_and_show():
    proc = run_cli("components")
    assert proc.returncode == 0 and "alloc-freelist" in proc.stdout and "LAYER" in proc.stdout
    proc = run_cli("show", "alloc-freelist")
    assert proc.returncode == 0 and "heap_kib" in proc.stdout and "provides: alloc" in proc.stdout
    proc = run_cli("show", "alloc")
    assert proc.returncode == 0 and "void *malloc(size_t size);" in proc.stdout


@pytest.mark.parametrize("fmt", ["dot", "svg", "png"])
def test_cli_graph_export(tmp_path, fmt):
    out = tmp_path / f"g.{fmt}"
    proc = run_cli("graph", "selftest", "--format", fmt, "-o", str(out), "--why", "clock-tsc")
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    if fmt == "dot":
        assert b'"selftest" -> "clock-tsc"' in data and b"#d62828" in data
    elif fmt == "svg":
        assert b"<svg" in data and b"alloc&#45;freelist" in data  # Graphviz escapes "-"
    else:
        assert data.startswith(b"\x89PNG")


@pytest.mark.parametrize("recipe,clusters", [
    ("hello", ["unikernel image (ring 0)"]),
    ("hello-monolithic", ["kernel (ring 0)", "hello process (ring 3)"]),
    ("hello-microkernel", ["microkernel (ring 0)", "serial-16550 server (ring 3)",
                           "telemetry-debugcon server (ring 3)", "power-isa-exit server (ring 3)",
                           "hello process (ring 3)"]),
])
def test_exported_graph_boxes_the_protection_domains(catalogue, recipe, clusters):
    from workbench.core.inspect.graph import domain_clusters, to_dot

    res = resolve(load_recipe(RECIPES / f"{recipe}.toml"), catalogue)
    assert sorted(title for title, _ in domain_clusters(res)) == sorted(clusters)
    dot = to_dot(res, domains=True)
    assert dot.count("subgraph \"cluster_") == len(clusters)
    for title in clusters:
        assert f'label="{title}"' in dot
    if recipe == "hello-microkernel":
        server = dot.split('label="serial-16550 server (ring 3)"')[1].split("}")[0]
        assert '"serial-16550" [' in server and '"cpu-x86" [' not in server
    # every component is drawn exactly once, boxed or (a library copy) not
    assert all(dot.count(f'  "{c.name}" [') == 1 for c in res.components)
    assert "cluster" not in to_dot(res)  # the terminal view lays out the plain graph


def test_every_layout_of_the_registry_resolves_and_places_hello(catalogue):
    """Resolution, placement and validation all come from the one registry of layouts."""
    from workbench.core import layouts
    from workbench.core.layouts.model import model_layouts
    from workbench.core.model.errors import WorkbenchError

    assert layouts.names()[0] == layouts.DEFAULT.name == Recipe("x", "hello").layout
    assert sorted(layouts.names()) == sorted(layout.name for layout in layouts.ALL)
    for layout in layouts.ALL:
        res = resolve(Recipe(name="x", application="hello", layout=layout.name), catalogue)
        if layout.component:  # the layout is the reason its component is there
            assert res.included[layout.component].reason == layout.component_reason
            assert res.graph.edges[ROOT, layout.component]["interface"] == f"layout {layout.name}"
        placed = {n for d in layout.place(res) for n in d.components + d.libraries}
        assert placed == set(res.names)  # every component runs somewhere
    assert [m.layout for m in model_layouts(res)] == [layout.name for layout in layouts.ALL]
    with pytest.raises(WorkbenchError, match="unknown layout 'exo'") as err:
        resolve(Recipe(name="x", application="hello", layout="exo"), catalogue)
    assert all(name in err.value.hint for name in layouts.names())
