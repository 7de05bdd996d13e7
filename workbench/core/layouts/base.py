"""What every layout is: the `Layout` base class, and the pieces of a build it prepares.

A layout decides three things about one resolution, and nothing else in the workbench needs to
know which layout it is talking to:

- **placement** (`Layout.place`): which protection domains there are and which components
  run in each (a `Domain` per address space and privilege level), with a copy of every library
  (`crossing = false` interface) in each domain that uses it;
- **resolution** (`Layout.component`, `Layout.component_reason`): the component it adds around
  the application — the code that makes its boundary — and why;
- **build** (`Layout.prepare`): the generated glue (stubs, dispatchers, server tables) written
  into the build folder, returned as a `LayoutBuild` that says which objects to compile in
  which domain (`object_groups`), writes the linker script, and checks the linked result
  (references that would fault at run time, domains that would not fit their pages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.core.builder.objects import ObjectPlan
    from workbench.core.model.catalogue import Component
    from workbench.core.model.resolve import Resolution

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
class DomainBuild:
    """A ring-3 domain compiled again under names of its own (monolithic, microkernel)."""

    tag: str  # "user", or a microkernel server's "srv_<component>"
    header: Path  # its rename header, included first in every file (-include)
    stubs: Path  # its generated stubs, compiled with it
    stubs_owner: Component  # the layout's glue component, which the stubs are attributed to


@dataclass
class ObjectGroup:
    """Components compiled together: the kernel's as they are (`domain` None), or a ring-3
    domain's under its own names."""

    components: list[Component]
    domain: DomainBuild | None = None


class LayoutBuild:
    """What a layout prepared for one build, once its glue is written."""

    def object_groups(self) -> list[ObjectGroup]:
        """What to compile, kernel first: the build plans the objects of each group."""
        raise NotImplementedError

    def linker_script(self, entry: str | None) -> str:
        raise NotImplementedError

    def check_references(self, groups: list[list[ObjectPlan]]) -> None:
        """After the compile: the objects of each group (in `object_groups` order) may refer
        only to what their domain can reach. Nothing to check with one domain."""

    def check_extent(self, image: Path) -> None:
        """After the link: the domains must fit the pages the kernel maps for them."""


class Layout:
    """One operating-system design: where components run, and the glue that makes it so.

    A subclass sets the class attributes and implements `place` and `prepare`; one instance
    of it is listed in the registry (`workbench/core/layouts/__init__.py`).
    """

    name: str  # what a recipe writes: layout = "<name>"
    title: str  # "Monolithic kernel"
    short_title: str  # a column heading: "monolithic"
    note: str  # one sentence: what this design is
    crossing: str  # what a call across its boundary is: one of CROSSING_KINDS
    crossing_words: str  # the same in words: "a system call"
    component: str | None = None  # the component resolution adds for this layout
    component_reason: str = ""  # why it is there, shown as its reason for inclusion

    def place(self, res: Resolution) -> list[Domain]:
        """The protection domains of this layout, with their components and libraries."""
        raise NotImplementedError

    def prepare(self, res: Resolution, out: Path, include: Path) -> LayoutBuild:
        """Write the generated glue into the build folder `out`; say what to compile."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<layout {self.name}>"


def is_library(comp: Component, res: Resolution) -> bool:
    """A component that only provides non-crossing interfaces is linked into each user."""
    ifaces = res.catalogue.interfaces
    return bool(comp.provides) and all(
        p in ifaces and not ifaces[p].crossing for p in comp.provides)


def libraries(res: Resolution) -> list[str]:
    """The resolution's libraries (not the application), in resolution order."""
    app = res.recipe.application
    return [c.name for c in res.components if is_library(c, res) and c.name != app]


def link_libraries(res: Resolution, domains: list[Domain], libs: list[str]) -> None:
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
