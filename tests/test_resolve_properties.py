"""Property tests: on random catalogues, resolution is deterministic, complete and minimal."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.model.catalogue import Catalogue, Component, Interface
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.recipe import Recipe
from workbench.core.model.resolve import ROOT, resolve


@st.composite
def catalogues(draw):
    """A random layered catalogue: components only require interfaces of lower layers (no cycles)
    unless `cyclic` is drawn, in which case anything goes."""
    n_ifaces = draw(st.integers(1, 6))
    ifaces = [f"i{k}" for k in range(n_ifaces)]
    cat = Catalogue()
    cat.interfaces["boot"] = Interface("boot")
    for name in ifaces:
        cat.interfaces[name] = Interface(name)
    comps = []
    # providers: each interface gets 1..3 providers, layered by interface index
    for k, iface in enumerate(ifaces):
        for p in range(draw(st.integers(1, 3))):
            lower = ifaces[:k]
            req = draw(st.lists(st.sampled_from(lower), unique=True, max_size=3)) if lower else []
            comps.append(Component(f"c{k}-{p}", layer="lib", provides=[iface], requires=req))
    boot_req = draw(st.lists(st.sampled_from(ifaces), unique=True, max_size=2))
    comps.append(Component("boot-x", layer="boot", provides=["boot"], requires=boot_req))
    app_req = draw(st.lists(st.sampled_from(ifaces), unique=True, max_size=3))
    comps.append(Component("app-x", layer="app", requires=app_req))
    for c in comps:
        cat.components[c.name] = c
    # defaults for some interfaces
    for iface in ifaces:
        provs = cat.providers_of(iface)
        if draw(st.booleans()):
            cat.interfaces[iface].default = draw(st.sampled_from(provs)).name
    choices = {}
    for iface in ifaces:
        if draw(st.booleans()):
            choices[iface] = draw(st.sampled_from(cat.providers_of(iface))).name
    return cat, Recipe(name="r", application="app-x", providers=choices)


def _resolve_or_error(cat, recipe):
    try:
        return resolve(recipe, cat)
    except WorkbenchError as e:
        return e


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogues())
def test_resolution_is_deterministic(data):
    cat, recipe = data
    a, b = _resolve_or_error(cat, recipe), _resolve_or_error(cat, recipe)
    if isinstance(a, WorkbenchError):
        assert isinstance(b, WorkbenchError) and str(a) == str(b)
    else:
        assert a.names == b.names and a.providers == b.providers


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogues())
def test_resolution_is_complete_and_minimal(data):
    cat, recipe = data
    res = _resolve_or_error(cat, recipe)
    if isinstance(res, WorkbenchError):
        # the only legitimate failures on these catalogues: an ambiguous interface with no
        # default and no choice, or two providers of one interface pulled in together
        assert "providers" in str(res) or "two providers" in str(res)
        return
    included = set(res.names)
    # complete: every interface required by an included component has exactly one included provider
    for name in included:
        for iface in cat.components[name].requires:
            provs = [n for n in included if iface in cat.components[n].provides]
            assert len(provs) == 1, (iface, provs)
            assert res.providers[iface] == provs[0]
    # the recipe's choices are honoured
    for iface, comp in recipe.providers.items():
        if iface in res.providers:
            assert res.providers[iface] == comp
    # minimal: every included component is reachable from the image root
    reach = nx.descendants(res.graph, ROOT)
    assert included == reach
    # every inclusion's chain is a real path in the graph
    for name in included:
        chain = res.why_path(name)
        assert chain[0] == ROOT and chain[-1] == name
        for a, b in zip(chain, chain[1:]):
            assert res.graph.has_edge(a, b)


def test_cycle_is_reported():
    cat = Catalogue()
    for n in ("boot", "a", "b"):
        cat.interfaces[n] = Interface(n)
    cat.components["boot-x"] = Component("boot-x", layer="boot", provides=["boot"], requires=["a"])
    cat.components["ca"] = Component("ca", provides=["a"], requires=["b"])
    cat.components["cb"] = Component("cb", provides=["b"], requires=["a"])
    cat.components["app"] = Component("app", layer="app", requires=[])
    with pytest.raises(WorkbenchError, match=r"dependency cycle: .*ca.*cb"):
        resolve(Recipe(name="r", application="app"), cat)
