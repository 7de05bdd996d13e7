"""Build-time generators: turn a recipe's data files into C sources compiled into the image.

A component lists them in its manifest:

    [[generate]]
    generator = "dns-zone"   # a name registered here
    option = "zone"          # the option (of type path) naming the input, relative to the recipe

The generator writes C files into the component's generated folder; the build compiles them
with the component's own sources. This is compile-time specialisation at its plainest: the data
becomes constants in the image, and a mistake in the data is a build error naming the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from workbench.core.model.catalogue import Component
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.recipe import Recipe
from workbench.i18n import _

from . import site, zonetables

# name -> function(input_path, out_dir, options) that writes C files into out_dir
Generator = Callable[[Path, Path, dict[str, Any]], None]
# The registry: a manifest's `generator = "…"` names one of these. Adding a generator is one
# module beside this file and one entry here.
GENERATORS: dict[str, Generator] = {
    "dns-zone": zonetables.generate,
    "http-site": site.generate,
}


def run_generators(comp: Component, options: dict[str, Any], recipe: Recipe, out_dir: Path) -> None:
    if not comp.generate:
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    for entry in comp.generate:
        name = entry["generator"]
        fn = GENERATORS.get(name)
        if fn is None:
            raise WorkbenchError(_("unknown generator '{name}'").format(name=name),
                                 file=comp.manifest, key="generate",
                                 hint=_("known generators: {names}").format(
                                     names=", ".join(sorted(GENERATORS)) or _("none")))
        opt = entry.get("option")
        value = options.get(opt) if opt else None
        if opt and not value:
            raise WorkbenchError(_("option '{option}' of {name} names no input file").format(
                                     option=opt, name=comp.name),
                                 file=recipe.path, key=f"options.{comp.name}.{opt}")
        source = recipe.resolve_path(value) if value else comp.directory
        if value and not source.exists():
            raise WorkbenchError(_("'{value}' does not exist (looked for {path})").format(
                                     value=value, path=source),
                                 file=recipe.path, key=f"options.{comp.name}.{opt}",
                                 line=recipe.line_of(f"options.{comp.name}", opt),
                                 hint=_("paths are relative to the recipe file"))
        fn(source, out_dir, options)
