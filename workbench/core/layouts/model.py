"""The same components in three operating-system designs: monolithic, microkernel, library OS.

Components meet only at interfaces, so where each one runs is a free choice. This module turns a
resolution into a *model* of each layout — data, not drawings — so views can put the three side
by side and count what separates them:

- **library OS** (the default layout): one protection domain, ring 0. Every call between
  components, including the application's "system calls", is a plain function call.
- **monolithic kernel**: the application runs alone in user mode (ring 3); every other component
  is part of one privileged kernel. A call from the application into the kernel is a *trap*
  (a system call); calls inside the kernel are plain calls.
- **microkernel**: only the `boot` and `cpu` layers (address spaces, interrupts, message passing)
  stay privileged. Every other component becomes its own user-mode *server*; a call from one
  user-mode domain to another is an *IPC* exchange (request and reply messages, each carried by
  the kernel).

Interfaces marked `crossing = false` (such as `libc`) are libraries, not services: a copy is
linked into every domain that uses one, so calling them never crosses a boundary.

The "request path" is every interface edge reachable from the application in the dependency
graph — everything one request of the application may touch — each classified per layout.
The trusted computing base (TCB) counted here is the code that runs privileged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.core.model.catalogue import Component
from workbench.core.model.resolve import Resolution

LAYOUT_ORDER = ("monolithic", "microkernel", "libos")
LAYOUT_TITLES = {
    "monolithic": "Monolithic kernel",
    "microkernel": "Microkernel",
    "libos": "Library OS (unikernel)",
}
LAYOUT_NOTES = {
    "monolithic": "One privileged kernel holds every service; the application traps into it.",
    "microkernel": "A tiny privileged kernel; services are isolated user-mode servers "
                   "reached by IPC.",
    "libos": "The OS is a set of libraries linked with the application: one address space, "
             "no boundary inside, so a system call is a function call.",
}
MICROKERNEL_LAYERS = ("boot", "cpu")
CROSSING_KINDS = ("call", "trap", "ipc")


@dataclass
class Domain:
    """A protection domain: an address space and a privilege level."""

    name: str
    role: str  # kernel | server | application | image
    privileged: bool
    components: list[str] = field(default_factory=list)
    libraries: list[str] = field(default_factory=list)  # copies of crossing=false providers

    @property
    def ring(self) -> int:
        return 0 if self.privileged else 3

    def holds(self, name: str) -> bool:
        return name in self.components or name in self.libraries

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "privileged": self.privileged,
                "ring": self.ring, "components": list(self.components),
                "libraries": list(self.libraries)}


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


def is_library(comp: Component, res: Resolution) -> bool:
    """A component that only provides non-crossing interfaces is linked into each user."""
    ifaces = res.catalogue.interfaces
    return bool(comp.provides) and all(
        p in ifaces and not ifaces[p].crossing for p in comp.provides)


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


def _place(res: Resolution, layout: str) -> list[Domain]:
    comps = res.components
    app = application(res)
    libs = [c.name for c in comps if is_library(c, res) and c.name != app]
    if layout == "libos":
        return [Domain("unikernel image", "image", True, [c.name for c in comps])]
    if layout == "monolithic":
        kernel = Domain("kernel", "kernel", True,
                        [c.name for c in comps if c.name != app and c.name not in libs])
        domains = [kernel, Domain(f"{app} process", "application", False, [app])]
    elif layout == "microkernel":
        kernel = Domain("microkernel", "kernel", True,
                        [c.name for c in comps if c.layer in MICROKERNEL_LAYERS
                         and c.name != app and c.name not in libs])
        domains = [kernel]
        for c in comps:
            if c.name != app and c.name not in libs and c.name not in kernel.components:
                domains.append(Domain(f"{c.name} server", "server", False, [c.name]))
        domains.append(Domain(f"{app} process", "application", False, [app]))
    else:
        raise ValueError(f"unknown layout {layout!r}")
    _link_libraries(res, domains, libs)
    return domains


def _link_libraries(res: Resolution, domains: list[Domain], libs: list[str]) -> None:
    """Give each domain its own copy of every library its members (transitively) use."""
    providers = res.providers
    cat = res.catalogue.components
    for d in domains:
        changed = True
        while changed:
            changed = False
            for member in d.components + d.libraries:
                for iface in cat[member].requires:
                    lib = providers.get(iface)
                    if lib in libs and lib not in d.libraries:
                        d.libraries.append(lib)
                        changed = True
        d.libraries.sort(key=libs.index)


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


def model_layout(res: Resolution, layout: str, sizes: dict[str, int] | None = None,
                 measured: dict[str, str] | None = None) -> LayoutModel:
    """One layout of the resolution. `sizes` maps component -> bytes when the image was built."""
    domains = _place(res, layout)
    tcb: list[str] = []
    for d in domains:
        if d.privileged:
            tcb += [n for n in d.components + d.libraries if n not in tcb]
    cat = res.catalogue.components
    lines = sum(cat[n].lines_of_code() for n in tcb)
    tcb_bytes = sum(sizes.get(n, 0) for n in tcb) if sizes else None
    return LayoutModel(
        layout=layout,
        title=LAYOUT_TITLES[layout],
        note=LAYOUT_NOTES[layout],
        domains=domains,
        path=_hops(res, domains),
        tcb_components=tcb,
        tcb_lines=lines,
        tcb_bytes=tcb_bytes,
        measured=dict(measured or {}),
    )


def model_layouts(res: Resolution, sizes: dict[str, int] | None = None,
                  measured: dict[str, dict[str, str]] | None = None) -> list[LayoutModel]:
    """All three layouts in teaching order: monolithic, microkernel, library OS.

    `measured` maps a layout name to numbers measured on a real image of that layout
    (all three layouts can be built), e.g. {"libos": {"image": "14.2 KiB"}}.
    `measure.measure_layouts(...).measured()` gives these rows for every layout at once:
    status, image, privileged bytes, boot to ready and cycles per crossing.
    """
    measured = measured or {}
    return [model_layout(res, name, sizes, measured.get(name)) for name in LAYOUT_ORDER]


def component_bytes(components: dict[str, dict[str, int]]) -> dict[str, int]:
    """Bytes each component occupies in the image (code, read-only data, data and bss)."""
    return {name: sum(v for k, v in sizes.items() if k in ("text", "rodata", "data", "bss"))
            for name, sizes in components.items()}
