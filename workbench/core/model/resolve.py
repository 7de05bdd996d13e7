"""Resolution: recipe + catalogue -> the full set of components, each with the reason it is there.

Resolution starts from two roots — the application the recipe names, and the `boot` interface
(every image needs an entry point) — and follows `requires` edges. Each required interface gets
exactly one provider: the recipe's choice, else the interface's default, else the only provider
there is. The result is minimal by construction: a component is included only if a chain of
requirements leads to it from a root, and that chain is its explanation.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from workbench.core import layouts
from workbench.core.model.catalogue import LAYERS, Catalogue, Component
from workbench.core.model.errors import WorkbenchError, did_you_mean, valid_list
from workbench.core.model.recipe import Recipe
from workbench.i18n import N_, _

if TYPE_CHECKING:
    import networkx as nx

ROOT = "image"
BOOT_INTERFACE = "boot"
# Why a component is in the image, as sentences with blanks: the reason reads in English, and
# a view may translate the sentence and fill in the same blanks (Inclusion.template, .values).
REASON_APPLICATION = N_("the application named by the recipe ({recipe})")
REASON_BOOT = N_("provides 'boot': every image needs an entry point")
REASON_REQUIRED = N_("provides '{interface}', required by {requirer}")

@dataclass
class Inclusion:
    component: str
    interface: str | None  # the interface through which it was pulled in (None for the app)
    required_by: str  # a component name, or ROOT
    chain: list[str]  # ROOT, ..., component
    reason: str  # template.format(**values)
    template: str = ""
    values: dict[str, str] = field(default_factory=dict)

    def said(self) -> str:
        """The reason in the workbench's language (`reason` is English, for JSON)."""
        return _(self.template).format(**self.values) if self.template else self.reason


@dataclass
class Resolution:
    recipe: Recipe
    catalogue: Catalogue
    components: list[Component]
    included: dict[str, Inclusion]
    providers: dict[str, str]  # interface -> component
    options: dict[str, dict[str, Any]]  # component -> option -> value (defaults filled in)
    edges: list[tuple[str, str, str]]  # (requirer, provider, interface), in the order found
    warnings: list[str] = field(default_factory=list)

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The resolution as a graph: component -> component, edge attribute "interface".

        Made when first asked for (drawing it, laying out protection domains): networkx takes
        longer to import than the whole resolution, and the Assemble screen needs neither.
        """
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from([ROOT, *self.included])
        for requirer, provider, iface in self.edges:
            graph.add_edge(requirer, provider, interface=iface)
        return graph

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.components]

    def explain(self, name: str) -> str:
        if name not in self.included:
            near = did_you_mean(name, self.included)
            raise WorkbenchError(_("'{name}' is not part of this resolution").format(name=name)
                                 + (f" — {near}" if near else ""),
                                 hint=_("included: {names}").format(names=", ".join(self.names)))
        inc = self.included[name]
        return f"{name}: {inc.said()}\n  " + _("chain: {chain}").format(chain=" → ".join(inc.chain))

    def why_path(self, name: str) -> list[str]:
        return list(self.included[name].chain)

    def lines_of_code(self) -> int:
        return sum(c.lines_of_code() for c in self.components)

    def to_dict(self) -> dict:
        return {
            "recipe": self.recipe.name,
            "application": self.recipe.application,
            "layout": self.recipe.layout,
            "machine": self.recipe.machine,
            "components": [
                {
                    "name": c.name,
                    "layer": c.layer,
                    "provides": c.provides,
                    "requires": c.requires,
                    "reason": self.included[c.name].reason,
                    "chain": self.included[c.name].chain,
                    "options": self.options.get(c.name, {}),
                    "lines_of_code": c.lines_of_code(),
                }
                for c in self.components
            ],
            "providers": dict(sorted(self.providers.items())),
            "warnings": self.warnings,
        }


def _layer_rank(c: Component) -> int:
    return LAYERS.index(c.layer) if c.layer in LAYERS else len(LAYERS)


def choose_provider(iface: str, recipe: Recipe, cat: Catalogue, needed_by: str) -> Component:
    """The one component that provides `iface` for this recipe, or a clear error."""
    interface = cat.interface(iface, file=recipe.path, key="providers")
    candidates = cat.providers_of(iface)
    chosen = recipe.providers.get(iface)
    if chosen is not None:
        comp = cat.components.get(chosen)
        if comp is None:
            near = did_you_mean(chosen, [c.name for c in candidates] or cat.components)
            raise recipe.error(
                _("unknown component '{name}' chosen for interface '{interface}'").format(
                    name=chosen, interface=iface) + (f" — {near}" if near else ""),
                "providers", iface, hint=_providers_hint(iface, candidates),
            )
        if iface not in comp.provides:
            raise recipe.error(
                _("'{name}' does not provide interface '{interface}' (it provides: "
                  "{provides})").format(name=chosen, interface=iface,
                                        provides=", ".join(comp.provides) or _("nothing")),
                "providers", iface, hint=_providers_hint(iface, candidates),
            )
        return comp
    if not candidates:
        raise WorkbenchError(
            _("no component provides interface '{interface}', which {requirer} requires").format(
                interface=iface, requirer=needed_by),
            file=recipe.path,
            hint=_("add a component that lists it under 'provides', or remove the requirement"),
        )
    if interface.default and interface.default in cat.components:
        return cat.components[interface.default]
    if len(candidates) == 1:
        return candidates[0]
    raise recipe.error(
        _("interface '{interface}' (required by {requirer}) has {count} providers and no "
          "default: choose one").format(interface=iface, requirer=needed_by,
                                        count=len(candidates)),
        "providers", None,
        hint=_('add to the recipe:  [providers]  {interface} = "{name}"  (one of: {names})').format(
            interface=iface, name=candidates[0].name,
            names=valid_list(c.name for c in candidates)),
    )


def _providers_hint(iface: str, candidates: list[Component]) -> str:
    return _("providers of {interface}: {names}").format(
        interface=iface, names=valid_list(c.name for c in candidates) or _("none"))


def resolve(recipe: Recipe, cat: Catalogue) -> Resolution:
    app = _application(recipe, cat)
    included: dict[str, Inclusion] = {}
    providers: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    queue: deque[str] = deque()

    def include(comp: Component, iface: str | None, by: str, template: str, **values) -> None:
        if comp.name in included:
            return
        chain = [*included[by].chain, comp.name] if by in included else [ROOT, comp.name]
        included[comp.name] = Inclusion(comp.name, iface, by, chain,
                                        template.format(**values), template, values)
        queue.append(comp.name)

    include(app, None, ROOT, REASON_APPLICATION, recipe=str(recipe.path or recipe.name))
    edges.append((ROOT, app.name, "application"))
    if BOOT_INTERFACE in cat.interfaces:
        boot = choose_provider(BOOT_INTERFACE, recipe, cat,
                               _("every image (it needs an entry point)"))
        providers[BOOT_INTERFACE] = boot.name
        include(boot, BOOT_INTERFACE, ROOT, REASON_BOOT)
        edges.append((ROOT, boot.name, BOOT_INTERFACE))

    # A layout may add a component around the application: the code that makes its boundary.
    # No recipe names it; the layout is the reason it is there.
    layout = layouts.get(recipe.layout, file=recipe.path)
    if layout.component:
        comp = cat.component(layout.component, file=recipe.path, key="layout")
        include(comp, None, ROOT, layout.component_reason)
        edges.append((ROOT, comp.name, f"layout {recipe.layout}"))

    while queue:
        name = queue.popleft()
        comp = cat.components[name]
        for iface in comp.requires:
            if iface == "app":
                provider = app
                providers["app"] = app.name
            elif iface in providers:
                provider = cat.components[providers[iface]]
            else:
                provider = choose_provider(iface, recipe, cat, name)
                providers[iface] = provider.name
            edges.append((name, provider.name, iface))
            include(provider, iface, name, REASON_REQUIRED, interface=iface, requirer=name)

    _check_one_provider_each(recipe, cat, included)
    _check_no_cycle(recipe, included, edges)
    options = _check_options(recipe, cat, included)
    warnings = []
    for iface, comp in recipe.providers.items():
        if iface not in providers:
            warnings.append(_("[providers] {interface} = \"{name}\" is not used: nothing "
                              "requires '{interface}'").format(interface=iface, name=comp))
    components = sorted((cat.components[n] for n in included), key=lambda c: (_layer_rank(c), c.name))
    return Resolution(recipe, cat, components, included, providers, options, edges, warnings)


def _application(recipe: Recipe, cat: Catalogue) -> Component:
    """The recipe's application, once the recipe names only things the catalogue has."""
    app = cat.components.get(recipe.application)
    if app is None:
        near = did_you_mean(recipe.application, [c.name for c in cat.applications()] or cat.components)
        raise recipe.error(
            _("unknown application '{name}'").format(name=recipe.application)
            + (f" — {near}" if near else ""),
            None, "application", hint=_applications_hint(cat),
        )
    if not app.is_app:
        raise recipe.error(
            _("'{name}' is a {layer} component, not an application").format(
                name=app.name, layer=app.layer),
            None, "application", hint=_applications_hint(cat),
        )
    for iface in recipe.providers:
        if iface not in cat.interfaces:
            near = did_you_mean(iface, cat.interfaces)
            raise recipe.error(_("unknown interface '{interface}'").format(interface=iface)
                               + (f" — {near}" if near else ""), "providers", iface,
                               hint=_("interfaces: {names}").format(
                                   names=valid_list(cat.interfaces, 40)))
    return app


def _applications_hint(cat: Catalogue) -> str:
    return _("applications: {names}").format(
        names=valid_list(c.name for c in cat.applications()))


def _check_one_provider_each(recipe: Recipe, cat: Catalogue, included: dict) -> None:
    """A component included for one interface may provide another one whose chosen provider
    is a different component: two providers would be linked and their symbols clash."""
    for iface in sorted({i for n in included for i in cat.components[n].provides}):
        linked = sorted(n for n in included if iface in cat.components[n].provides)
        if len(linked) > 1 and iface != "app":
            raise recipe.error(
                _("two providers of interface '{interface}' would be linked: {names}; only one "
                  "is allowed").format(interface=iface, names=", ".join(linked)),
                "providers", iface,
                hint=_('choose the one you want:  [providers]  {interface} = "{name}"').format(
                    interface=iface, name=linked[0]),
            )


def _find_cycle(nodes, edges: list[tuple[str, str, str]]) -> list[str] | None:
    """The first circle of requirements a depth-first walk meets, as a path that ends where it
    began (a → b → a); None if there is none."""
    succ: dict[str, list[str]] = {}
    for requirer, provider, _iface in edges:
        succ.setdefault(requirer, []).append(provider)
    done: set[str] = set()
    for start in nodes:
        path, on_path = [start], {start}
        stack = [iter(succ.get(start, ()))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:  # every way on from here walked: no circle through it
                node = path.pop()
                on_path.discard(node)
                done.add(node)
                stack.pop()
                continue
            if nxt in on_path:
                return [*path[path.index(nxt):], nxt]
            if nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                stack.append(iter(succ.get(nxt, ())))
    return None


def _check_no_cycle(recipe: Recipe, included: dict, edges: list[tuple[str, str, str]]) -> None:
    cycle = _find_cycle([n for n in included if n != ROOT],
                        [e for e in edges if ROOT not in (e[0], e[1])])
    if cycle:
        path = " → ".join(cycle)
        raise WorkbenchError(
            _("dependency cycle: {path}").format(path=path),
            file=recipe.path,
            hint=_("components may not require each other in a circle; move the shared part "
                   "into its own component behind an interface"),
        )


def _check_options(recipe: Recipe, cat: Catalogue, included: dict) -> dict[str, dict[str, Any]]:
    for comp_name, values in recipe.options.items():
        comp = cat.components.get(comp_name)
        if comp is None:
            near = did_you_mean(comp_name, cat.components)
            raise recipe.error(_("options for unknown component '{name}'").format(name=comp_name)
                               + (f" — {near}" if near else ""), "options", comp_name,
                               hint=_("components in this build: {names}").format(
                                   names=", ".join(sorted(included))))
        for key, value in values.items():
            spec = comp.options.get(key)
            if spec is None:
                near = did_you_mean(key, comp.options)
                raise recipe.error(
                    _("unknown option '{option}' for component '{name}'").format(
                        option=key, name=comp_name) + (f" — {near}" if near else ""),
                    f"options.{comp_name}", key,
                    hint=_("options of {name}: {options}").format(
                        name=comp_name, options=valid_list(comp.options) or _("none")),
                )
            problem = spec.problem(value)
            if problem:
                raise recipe.error(_("option '{option}' of {name}: {problem}").format(
                                       option=key, name=comp_name, problem=problem),
                                   f"options.{comp_name}", key,
                                   hint=spec.doc or None)
    result: dict[str, dict[str, Any]] = {}
    for name in included:
        comp = cat.components[name]
        values = {k: s.default for k, s in comp.options.items()}
        values.update(recipe.options.get(name, {}))
        result[name] = values
    return result
