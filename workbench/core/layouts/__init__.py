"""Layouts: the same components placed in protection domains in different ways.

One component set, several operating-system designs. Each layout is one module of this package
— `libos` (a library OS, the default), `monolithic` (a monolithic kernel), `microkernel` — with
one `Layout` (base.py) that says where components run and generates the glue at interfaces.
This registry is the only list of them: recipes, resolution, the build, measurements and the
views ask it, so adding a layout is one module and one entry in `ALL` (docs/layouts.md).
"""

from __future__ import annotations

from pathlib import Path

from workbench.core.layouts.base import Layout
from workbench.core.layouts.libos import LIBOS
from workbench.core.layouts.microkernel import MICROKERNEL
from workbench.core.layouts.monolithic import MONOLITHIC
from workbench.core.model.errors import WorkbenchError
from workbench.i18n import _

# Display order, most privileged code first: the columns of every comparison.
ALL: tuple[Layout, ...] = (MONOLITHIC, MICROKERNEL, LIBOS)
DEFAULT: Layout = LIBOS  # what a recipe without `layout = ...` gets
DEFAULT_LAYOUT = DEFAULT.name

_BY_NAME = {layout.name: layout for layout in ALL}


def names() -> tuple[str, ...]:
    """Every layout's name, the default first: the order recipes' hints list them and a
    comparison builds them."""
    return (DEFAULT.name, *(n for n in _BY_NAME if n != DEFAULT.name))


def get(name: str, file: Path | None = None, key: str | None = "layout") -> Layout:
    """The layout called `name`, or an error naming the valid ones."""
    layout = _BY_NAME.get(name)
    if layout is None:
        raise WorkbenchError(_("unknown layout '{name}'").format(name=name), file=file, key=key,
                             hint=_("valid: {names}").format(names=", ".join(names())))
    return layout


def with_crossing(kind: str) -> Layout | None:
    """The layout whose boundary is crossed by `kind` ("call", "trap", "ipc"), if any."""
    return next((layout for layout in ALL if layout.crossing == kind), None)
