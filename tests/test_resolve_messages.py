"""What resolution tells a learner, word for word: each mistake's message, the recipe key it
points at, the hint with what would be valid; each component's reason and chain.

(Written against the mutation score of `resolve.py`, benchmarks/mutation.py: a message that
drops the key or the hint must fail a test.)
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from workbench.core.model.errors import WorkbenchError
from workbench.core.model.recipe import Recipe, load_recipe
from workbench.core.model.resolve import ROOT, resolve

from .conftest import RECIPES

PATH = Path("/recipes/mine.toml")
APPS = "crossing-bench, dns, fault, hang, hello, httpd, ipc-bench, privileged, selftest"


def recipe(**kw) -> Recipe:
    return Recipe(name="mine", path=PATH, **{"application": "selftest", **kw})


def error_of(r: Recipe, cat) -> WorkbenchError:
    with pytest.raises(WorkbenchError) as e:
        resolve(r, cat)
    assert e.value.file == PATH
    return e.value


@pytest.mark.parametrize("kw,message,key,hint", [
    ({"providers": {"alloc": "alloc-freelst"}},
     "unknown component 'alloc-freelst' chosen for interface 'alloc' — did you mean alloc-freelist?",
     "providers.alloc", "providers of alloc: alloc-bump, alloc-freelist"),
    ({"providers": {"alloc": "serial-16550"}},
     "'serial-16550' does not provide interface 'alloc' (it provides: console)",
     "providers.alloc", "providers of alloc: alloc-bump, alloc-freelist"),
    ({"providers": {"allok": "alloc-bump"}},
     "unknown interface 'allok' — did you mean alloc?", "providers.allok", None),
    ({"application": "helo"}, "unknown application 'helo' — did you mean hello?",
     "application", f"applications: {APPS}"),
    ({"application": "alloc-bump"}, "'alloc-bump' is a memory component, not an application",
     "application", f"applications: {APPS}"),
    ({"application": "hello", "options": {"serial-1655": {"x": 1}}},
     "options for unknown component 'serial-1655' — did you mean serial-16550?",
     "options.serial-1655", "components in this build: boot-pvh, cpu-x86, hello, libc-mini, "
     "power-isa-exit, serial-16550, telemetry-debugcon"),
    ({"application": "hello", "options": {"hello": {"greting": "x"}}},
     "unknown option 'greting' for component 'hello' — did you mean greeting?",
     "options.hello.greting", "options of hello: greeting"),
    ({"application": "hello", "options": {"hello": {"greeting": 5}}},
     "option 'greeting' of hello: expected a string, got 5", "options.hello.greeting",
     "The line printed on the console."),
])
def test_each_mistake_names_the_key_and_what_is_valid(catalogue, kw, message, key, hint):
    e = error_of(recipe(**kw), catalogue)
    assert (e.message, e.key) == (message, key)
    if hint is not None:
        assert e.hint == hint
    else:
        assert e.hint.startswith("interfaces: ") and "alloc, app, arp, boot" in e.hint


def test_no_default_and_several_providers_asks_for_a_choice(catalogue):
    cat = copy.deepcopy(catalogue)
    cat.interfaces["alloc"].default = None
    e = error_of(recipe(), cat)
    assert e.message == ("interface 'alloc' (required by selftest) has 2 providers and no "
                         "default: choose one")
    assert e.key == "providers"
    assert e.hint == ('add to the recipe:  [providers]  alloc = "alloc-bump"  '
                      "(one of: alloc-bump, alloc-freelist)")
    # one provider only: it is taken without asking
    del cat.components["alloc-freelist"]
    assert resolve(recipe(), cat).providers["alloc"] == "alloc-bump"


def test_the_default_provider_is_taken_unless_the_recipe_chooses(catalogue):
    assert resolve(recipe(), catalogue).providers["alloc"] == "alloc-freelist"
    chosen = resolve(recipe(providers={"alloc": "alloc-bump"}), catalogue)
    assert chosen.providers["alloc"] == "alloc-bump" and "alloc-freelist" not in chosen.names
    assert chosen.warnings == []


def test_no_provider_names_who_requires_it(catalogue):
    cat = copy.deepcopy(catalogue)
    for name in ("alloc-bump", "alloc-freelist"):
        del cat.components[name]
    e = error_of(recipe(), cat)
    assert e.message == "no component provides interface 'alloc', which selftest requires"
    assert e.hint == "add a component that lists it under 'provides', or remove the requirement"


def adding(catalogue, component: str, field: str, interface: str):
    """A copy of the catalogue where `component` also provides/requires `interface`."""
    cat = copy.deepcopy(catalogue)
    comp = cat.components[component]
    setattr(comp, field, [*getattr(comp, field), interface])
    return cat


def test_two_providers_of_one_interface_are_refused(catalogue):
    e = error_of(recipe(application="hello"), adding(catalogue, "libc-mini", "provides", "console"))
    assert e.message == ("two providers of interface 'console' would be linked: libc-mini, "
                         "serial-16550; only one is allowed")
    assert e.key == "providers.console"
    assert e.hint == 'choose the one you want:  [providers]  console = "libc-mini"'


def test_a_cycle_is_shown_in_order(catalogue):
    e = error_of(recipe(application="hello"), adding(catalogue, "libc-mini", "requires", "cpu"))
    assert e.message in ("dependency cycle: cpu-x86 → libc-mini → cpu-x86",
                         "dependency cycle: libc-mini → cpu-x86 → libc-mini")
    assert "in a circle" in e.hint


def test_reasons_chains_and_explanations(catalogue):
    res = resolve(load_recipe(RECIPES / "hello.toml"), catalogue)
    assert res.names == ["boot-pvh", "cpu-x86", "power-isa-exit", "telemetry-debugcon",
                         "serial-16550", "libc-mini", "hello"]  # by layer, then name
    assert {k: (v.interface, v.required_by) for k, v in res.included.items()} == {
        "hello": (None, ROOT), "boot-pvh": ("boot", ROOT), "serial-16550": ("console", "hello"),
        "telemetry-debugcon": ("telemetry", "hello"), "cpu-x86": ("cpu", "boot-pvh"),
        "power-isa-exit": ("power", "boot-pvh"), "libc-mini": ("libc", "cpu-x86")}
    assert res.explain("libc-mini") == ("libc-mini: provides 'libc', required by cpu-x86\n"
                                        "  chain: image → boot-pvh → cpu-x86 → libc-mini")
    assert res.explain("hello") == (f"hello: the application named by the recipe "
                                    f"({RECIPES / 'hello.toml'})\n  chain: image → hello")
    assert res.explain("boot-pvh").startswith("boot-pvh: provides 'boot': every image needs")
    assert res.why_path("serial-16550") == [ROOT, "hello", "serial-16550"]
    with pytest.raises(WorkbenchError) as e:
        res.explain("serial-1655")
    assert e.value.message == "'serial-1655' is not part of this resolution — did you mean serial-16550?"
    assert e.value.hint == "included: " + ", ".join(res.names)
    edges = {(a, b): d["interface"] for a, b, d in res.graph.edges(data=True)}
    assert edges[(ROOT, "hello")] == "application" and edges[(ROOT, "boot-pvh")] == "boot"
    assert edges[("hello", "serial-16550")] == "console"


def test_the_json_form_has_every_component_with_its_reason(catalogue):
    res = resolve(recipe(application="hello", options={"hello": {"greeting": "hi"}},
                         providers={"alloc": "alloc-bump"}), catalogue)
    d = res.to_dict()
    assert (d["recipe"], d["application"], d["layout"], d["machine"]) == (
        "mine", "hello", res.recipe.layout, res.recipe.machine)
    assert [c["name"] for c in d["components"]] == res.names
    hello = d["components"][-1]
    assert hello["options"] == {"greeting": "hi"} and hello["layer"] == "app"
    assert hello["chain"] == [ROOT, "hello"] and hello["provides"] == ["app"]
    assert hello["lines_of_code"] > 0 and hello["requires"] == ["console", "telemetry"]
    assert d["providers"] == dict(sorted(res.providers.items()))
    assert d["warnings"] == ['[providers] alloc = "alloc-bump" is not used: nothing requires \'alloc\'']
    assert res.lines_of_code() == sum(c["lines_of_code"] for c in d["components"])
