"""The same components in every layout, side by side: a model the views can compare.

Components meet only at interfaces, so where each one runs is a free choice. This module turns a
resolution into a *model* of each layout — data, not drawings — so views can put the layouts
side by side and count what separates them. Each layout places the components itself
(`Layout.place` in its own module: one domain for the library OS, a kernel and a process for
the monolithic kernel, a small kernel and a server per service for the microkernel); this
module classifies every call on the request path as a plain call, a trap or an IPC exchange.

Interfaces marked `crossing = false` (such as `libc`) are libraries, not services: a copy is
linked into every domain that uses one, so calling them never crosses a boundary.

The "request path" is every interface edge reachable from the application in the dependency
graph — everything one request of the application may touch — each classified per layout.
The trusted computing base (TCB) counted here is the code that runs privileged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.core import layouts
from workbench.core.layouts.base import CROSSING_KINDS, Domain, Layout, is_library

if TYPE_CHECKING:
    from workbench.core.model.resolve import Resolution

__all__ = ["CROSSING_KINDS", "Domain", "Hop", "LayoutModel", "is_library", "model_layout",
           "model_layouts", "request_path", "component_bytes", "LAYOUT_ORDER", "LAYOUT_TITLES",
           "LAYOUT_NOTES"]

# Every layout in display order, with its title and note (the registry's, for the views).
LAYOUT_ORDER = tuple(layout.name for layout in layouts.ALL)
LAYOUT_TITLES = {layout.name: layout.title for layout in layouts.ALL}
LAYOUT_NOTES = {layout.name: layout.note for layout in layouts.ALL}


@dataclass
class Hop:
    """One interface call on the request path, and what it costs in one layout."""

    caller: str
    interface: str
    callee: str
    kind: str  # call | trap | ipc
    from_domain: str
    to_domain: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class LayoutModel:
    layout: str
    title: str
    note: str
    domains: list[Domain]
    path: list[Hop]
    tcb_components: list[str]
    tcb_lines: int
    tcb_bytes: int | None  # None until the image has been built and measured
    measured: dict[str, str] = field(default_factory=dict)

    def domain_of(self, component: str) -> Domain | None:
        for d in self.domains:
            if component in d.components:
                return d
        return None

    @property
    def counts(self) -> dict[str, int]:
        counts = {k: 0 for k in CROSSING_KINDS}
        for hop in self.path:
            counts[hop.kind] += 1
        return counts

    @property
    def privileged(self) -> list[str]:
        return [n for d in self.domains if d.privileged for n in d.components + d.libraries]

    def to_dict(self) -> dict:
        return {
            "layout": self.layout, "title": self.title, "note": self.note,
            "domains": [d.to_dict() for d in self.domains],
            "path": [h.to_dict() for h in self.path],
            "counts": self.counts,
            "tcb_components": list(self.tcb_components),
            "tcb_lines": self.tcb_lines,
            "tcb_bytes": self.tcb_bytes,
            "measured": dict(self.measured),
        }


def application(res: Resolution) -> str:
    return res.recipe.application


def request_path(res: Resolution) -> list[tuple[str, str, str]]:
    """(caller, interface, callee) for every edge reachable from the application, depth first."""
    graph = res.graph
    app = application(res)
    seen_edges: set[tuple[str, str]] = set()
    order: list[tuple[str, str, str]] = []

    def visit(node: str) -> None:
        comp = res.catalogue.components.get(node)
        wanted = comp.requires if comp else []
        succ = sorted(graph.successors(node),
                      key=lambda n: (wanted.index(graph.edges[node, n].get("interface"))
                                     if graph.edges[node, n].get("interface") in wanted else 99, n))
        for nxt in succ:
            if (node, nxt) in seen_edges:
                continue
            seen_edges.add((node, nxt))
            order.append((node, graph.edges[node, nxt].get("interface", ""), nxt))
            visit(nxt)

    if app in graph:
        visit(app)
    return order


def _hops(res: Resolution, domains: list[Domain]) -> list[Hop]:
    home = {}
    for d in domains:
        for n in d.components:
            home[n] = d
    ifaces = res.catalogue.interfaces
    hops: list[Hop] = []
    app = application(res)
    # A library runs in the domain of whoever called it: track that context along the walk.
    context: dict[str, Domain] = {app: home[app]} if app in home else {}
    for caller, iface, callee in request_path(res):
        src = context.get(caller) or home.get(caller)
        crossing = ifaces[iface].crossing if iface in ifaces else True
        if not crossing or callee not in home:
            dst = src
        else:
            dst = home[callee]
        context.setdefault(callee, dst)
        if src is None or dst is None or src is dst:
            kind = "call"
        elif dst.privileged and not src.privileged:
            kind = "trap"
        else:
            kind = "ipc"
        hops.append(Hop(caller, iface, callee, kind,
                        src.name if src else "?", dst.name if dst else "?"))
    return hops


def model_layout(res: Resolution, layout: str | Layout, sizes: dict[str, int] | None = None,
                 measured: dict[str, str] | None = None) -> LayoutModel:
    """One layout of the resolution. `sizes` maps component -> bytes when the image was built."""
    if isinstance(layout, str):
        layout = layouts.get(layout)
    domains = layout.place(res)
    tcb: list[str] = []
    for d in domains:
        if d.privileged:
            tcb += [n for n in d.components + d.libraries if n not in tcb]
    cat = res.catalogue.components
    lines = sum(cat[n].lines_of_code() for n in tcb)
    tcb_bytes = sum(sizes.get(n, 0) for n in tcb) if sizes else None
    return LayoutModel(
        layout=layout.name,
        title=layout.title,
        note=layout.note,
        domains=domains,
        path=_hops(res, domains),
        tcb_components=tcb,
        tcb_lines=lines,
        tcb_bytes=tcb_bytes,
        measured=dict(measured or {}),
    )


def model_layouts(res: Resolution, sizes: dict[str, int] | None = None,
                  measured: dict[str, dict[str, str]] | None = None) -> list[LayoutModel]:
    """Every layout in display order (the registry's: monolithic, microkernel, library OS).

    `measured` maps a layout name to numbers measured on a real image of that layout
    (every layout can be built), e.g. {"libos": {"image": "14.2 KiB"}}.
    `measure.measure_layouts(...).measured()` gives these rows for every layout at once:
    status, image, privileged bytes, boot to ready and cycles per crossing.
    """
    measured = measured or {}
    return [model_layout(res, layout, sizes, measured.get(layout.name)) for layout in layouts.ALL]


def component_bytes(components: dict[str, dict[str, int]]) -> dict[str, int]:
    """Bytes each component occupies in the image (code, read-only data, data and bss)."""
    return {name: sum(v for k, v in sizes.items() if k in ("text", "rodata", "data", "bss"))
            for name, sizes in components.items()}
