"""Does the image fit the machine? Checked at build, so it is never a bare triple fault at boot.

Everything a unikernel uses is laid out by the linker: code, data, and the regions that take
memory but no file bytes — `.bss`, the heap, the stacks, the page tables, a network stack's
buffers. So the image's highest address is all the memory it needs; past the end of the
machine's RAM the first write faults before the console is up.
"""

from __future__ import annotations

from pathlib import Path

from workbench.core.inspect.image import ImageInfo, human_bytes
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.resolve import Resolution
from workbench.core.run.machines import get_machine
from workbench.i18n import _


def check_fits_memory(res: Resolution, image: Path, info: ImageInfo) -> None:
    """Raise a WorkbenchError with the figures when `image` (read into `info`) cannot fit its
    machine's memory; the image is then removed, so that it cannot be booted by mistake."""
    machine = get_machine(res.recipe.machine)
    end = max((s["paddr"] + s["memsz"] for s in info.segments), default=0)
    ram = machine.memory_mib << 20
    if end <= ram:
        return
    image.unlink(missing_ok=True)
    sizes = {name: sum(kinds.values()) for name, kinds in info.components.items()}
    biggest = sorted(sizes, key=sizes.get, reverse=True)[:3]
    raise WorkbenchError(
        _("the image needs {size} of memory (it ends at address {end}), but machine '{machine}' "
          "has {ram}").format(size=human_bytes(end), end=f"{end:#x}", machine=machine.name,
                              ram=human_bytes(ram)),
        file=res.recipe.path, key=f"options.{biggest[0]}" if biggest else None,
        details=[_("{name}: {size} (code, data, buffers, heap and stacks)").format(
                     name=name, size=human_bytes(sizes[name])) for name in biggest],
        hint=_hint(res, biggest[0]) if biggest else None)


def _hint(res: Resolution, name: str) -> str:
    """Which options of the biggest component to make smaller: those the recipe sets, else all
    its whole-number options."""
    comp = next((c for c in res.components if c.name == name), None)
    if comp is None:
        return _("make buffers, the heap or the stacks smaller")
    chosen = res.recipe.options.get(name, {})
    values = res.options.get(name, {})
    ints = [f"{k} = {values.get(k, spec.default)}" for k, spec in sorted(comp.options.items())
            if spec.type == "int" and (k in chosen or not chosen)]
    return (_("make {name}'s memory smaller in [options.{name}]").format(name=name)
            + (f": {', '.join(ints)}" if ints else ""))
