"""The library OS (unikernel): one protection domain, ring 0 — the workbench's default layout.

The operating system is a set of libraries linked with the application into one image. There
is no boundary inside it, so a "system call" is a plain function call: nothing to generate, no
component to add, one linker script for every component.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.builder.linkscript import linker_script
from workbench.core.layouts.base import Domain, Layout, LayoutBuild, ObjectGroup
from workbench.i18n import N_, _

if TYPE_CHECKING:
    from workbench.core.model.catalogue import Component
    from workbench.core.model.resolve import Resolution


@dataclass
class LibosBuild(LayoutBuild):
    components: list[Component]

    def object_groups(self) -> list[ObjectGroup]:
        return [ObjectGroup(self.components)]

    def linker_script(self, entry: str | None) -> str:
        return linker_script(self.components, entry)


class Libos(Layout):
    name = "libos"
    title = N_("Library OS (unikernel)")
    short_title = N_("library OS")
    note = N_("The OS is a set of libraries linked with the application: one address space, "
              "no boundary inside, so a system call is a function call.")
    crossing = "call"
    crossing_words = N_("a plain call")

    def place(self, res: Resolution) -> list[Domain]:
        return [Domain(_("unikernel image"), "image", True, [c.name for c in res.components])]

    def prepare(self, res: Resolution, out: Path, include: Path) -> LibosBuild:
        return LibosBuild(list(res.components))


LIBOS = Libos()
