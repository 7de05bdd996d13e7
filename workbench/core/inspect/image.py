"""Where every byte of an image lives: sizes per component and the address-space map.

Reads the built ELF with pyelftools. The build gives each component its own output sections,
named `.<kind>.<component_with_underscores>` (kind: text, rodata, data, bss, pagetables, stack,
heap, note); component names never contain `_`, so turning `_` back into `-` recovers them. That
is all inspection needs to say "these 1,204 bytes of code belong to alloc-freelist".

The map also shows the device windows of the machine the image is built for (LAPIC, IOAPIC,
virtio-mmio, ...), because in a single address space the devices sit right beside the code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.model.errors import WorkbenchError
from workbench.core.run.machines import Machine, get_machine
from workbench.i18n import _

if TYPE_CHECKING:
    from elftools.elf.elffile import ELFFile

# output-section kind -> region kind
REGION_KINDS = {
    "text": "code",
    "rodata": "rodata",
    "data": "data",
    "bss": "bss",
    "pagetables": "page-tables",
    "stack": "stack",
    "heap": "heap",
    "note": "note",
}
# region kinds counted under their own name in the per-component sizes; the rest go to "other"
SIZE_KEYS = ("text", "rodata", "data", "bss")
UNATTRIBUTED = "(unattributed)"

_SYMBOL_KINDS = {"STT_FUNC": "function", "STT_OBJECT": "object", "STT_NOTYPE": "label"}


@dataclass
class Symbol:
    name: str
    addr: int
    size: int
    kind: str  # function | object | label

    def to_dict(self) -> dict:
        return {"name": self.name, "addr": self.addr, "size": self.size, "kind": self.kind}


@dataclass
class Region:
    """A range of the address space with an owner. `end` is exclusive."""

    start: int
    end: int
    owner: str  # a component, the machine's name for device windows, or "(unattributed)"
    kind: str  # code rodata data bss stack heap page-tables note device
    perms: str  # like "r-x"
    name: str  # the ELF section or the device
    symbols: list[Symbol] = field(default_factory=list)
    # "user" for pages ring-3 code may touch (the monolithic layout's process, a microkernel's
    # servers and application), "kernel" for everything else (in a library OS: the whole image)
    domain: str = "kernel"
    # which ring-3 address space: "user" (the application), "srv_<component>" (a microkernel's
    # server); "" for the kernel's own pages
    space: str = ""
    # whether the image file holds its bytes: not for a NOBITS section (bss, stack, heap, page
    # tables: zeroed or reserved as the image starts), nor for a device's window
    in_file: bool = True

    @property
    def size(self) -> int:
        return self.end - self.start

    def to_dict(self, with_symbols: bool = False) -> dict:
        d = {"start": self.start, "end": self.end, "owner": self.owner, "kind": self.kind,
             "perms": self.perms, "name": self.name, "size": self.size,
             "symbol_count": len(self.symbols), "domain": self.domain, "space": self.space}
        if with_symbols:
            d["symbols"] = [s.to_dict() for s in self.symbols]
        return d


@dataclass
class ImageInfo:
    path: Path
    entry: int
    loadable_bytes: int  # sum of PT_LOAD p_filesz: what is read from the file
    memory_bytes: int  # sum of PT_LOAD p_memsz: what occupies RAM once loaded
    components: dict[str, dict[str, int]]
    regions: list[Region]
    machine: str
    recipe: str | None = None
    file_bytes: int = 0
    segments: list[dict] = field(default_factory=list)
    report: dict | None = None
    warnings: list[str] = field(default_factory=list)

    def region_at(self, addr: int) -> Region | None:
        for r in self.regions:
            if r.start <= addr < r.end:
                return r
        return None

    def symbol_at(self, addr: int) -> Symbol | None:
        """The symbol whose bytes contain `addr` (for a panic's rip), else the nearest below."""
        region = self.region_at(addr)
        if region is None:
            return None
        below = [s for s in region.symbols if s.addr <= addr]
        containing = [s for s in below if addr < s.addr + s.size]
        pool = containing or below
        return max(pool, key=lambda s: s.addr) if pool else None

    def image_regions(self) -> list[Region]:
        return [r for r in self.regions if r.kind != "device"]

    def to_dict(self, with_symbols: bool = False) -> dict:
        return {
            "path": str(self.path),
            "entry": self.entry,
            "machine": self.machine,
            "recipe": self.recipe,
            "file_bytes": self.file_bytes,
            "loadable_bytes": self.loadable_bytes,
            "memory_bytes": self.memory_bytes,
            "components": {k: dict(v) for k, v in self.components.items()},
            "segments": list(self.segments),
            "regions": [r.to_dict(with_symbols) for r in self.regions],
            "warnings": list(self.warnings),
        }


def _perms(flags: int, write_flag: int, exec_flag: int, read: bool = True) -> str:
    return ("r" if read else "-") + ("w" if flags & write_flag else "-") + (
        "x" if flags & exec_flag else "-")


def split_section_name(name: str) -> tuple[str, str] | None:
    """'.heap.alloc_freelist' -> ('heap', 'alloc-freelist'); None if not a component section."""
    if not name.startswith("."):
        return None
    if name.count(".") == 3:  # a ring-3 domain's copy: '.text.libc_mini.user' (its tag last)
        name = name.rpartition(".")[0]
    kind, dot, comp = name[1:].partition(".")
    if not dot or kind not in REGION_KINDS or not comp or "." in comp:
        return None
    return kind, comp.replace("_", "-")


def report_path(image: Path) -> Path:
    """Where the build report of `image` lives: `<image>.json`."""
    return image.with_name(image.name + ".json")


def _read_report(image: Path, warnings: list[str]) -> dict | None:
    for candidate in (report_path(image), image.with_suffix(".json")):
        if candidate == image or not candidate.is_file():
            continue
        try:
            data = json.loads(candidate.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            warnings.append(_("{path}: build report unreadable ({error}); ignored").format(
                path=candidate, error=exc))
            return None
        if not isinstance(data, dict):
            warnings.append(_("{path}: build report is not a JSON object; ignored").format(
                path=candidate))
            return None
        data["_path"] = str(candidate)
        return data
    return None


def inspect_image(path: str | Path, machine: str | None = None) -> ImageInfo:
    """Sizes, segments and the address-space map of a built image."""
    path = Path(path)
    if not path.exists():
        raise WorkbenchError(_("image not found"), file=path,
                             hint=_("build one first: workbench build RECIPE"))
    if not path.is_file():
        raise WorkbenchError(_("not a file (expected a kernel ELF image)"), file=path)
    from elftools.common.exceptions import ELFError  # pyelftools: imported when an image is read

    warnings: list[str] = []
    report = _read_report(path, warnings)

    machine_name = machine
    if machine_name is None and report is not None and isinstance(report.get("machine"), str):
        machine_name = report["machine"]
        try:
            mach = get_machine(machine_name)
        except WorkbenchError as exc:
            raise WorkbenchError(exc.message, file=report["_path"], key="machine",
                                 hint=exc.hint, details=exc.details) from None
    else:
        mach = get_machine(machine_name)

    try:
        with path.open("rb") as f:
            info = _read_elf(f, path, mach)
    except ELFError as exc:
        raise WorkbenchError(_("not an ELF file ({error})").format(error=exc), file=path,
                             hint=_("inspect the .elf image the build wrote")) from None
    except OSError as exc:
        raise WorkbenchError(_("cannot read the image: {error}").format(error=exc.strerror or exc),
                             file=path) from None

    info.report = report
    info.warnings = warnings
    if report is not None:
        recipe = report.get("recipe")
        info.recipe = recipe if isinstance(recipe, str) else None
        comps = report.get("components")
        # Components that contributed no bytes have no sections; the report still lists them.
        if isinstance(comps, dict):
            for name in comps:
                info.components.setdefault(str(name), {k: 0 for k in (*SIZE_KEYS, "other")})
        elif isinstance(comps, list):
            for name in comps:
                if isinstance(name, str):
                    info.components.setdefault(name, {k: 0 for k in (*SIZE_KEYS, "other")})
    return info


def _read_elf(f, path: Path, mach: Machine) -> ImageInfo:
    from elftools.elf.constants import P_FLAGS, SH_FLAGS
    from elftools.elf.elffile import ELFFile

    elf = ELFFile(f)
    loads = [seg for seg in elf.iter_segments() if seg["p_type"] == "PT_LOAD"]
    segments = [
        {
            "type": seg["p_type"],
            "vaddr": seg["p_vaddr"],
            "paddr": seg["p_paddr"],
            "filesz": seg["p_filesz"],
            "memsz": seg["p_memsz"],
            "perms": _perms(seg["p_flags"], P_FLAGS.PF_W, P_FLAGS.PF_X,
                            bool(seg["p_flags"] & P_FLAGS.PF_R)),
        }
        for seg in elf.iter_segments()
        if seg["p_type"] in ("PT_LOAD", "PT_NOTE")
    ]

    def segment_perms(addr: int) -> str | None:
        for seg in loads:
            if seg["p_vaddr"] <= addr < seg["p_vaddr"] + seg["p_memsz"]:
                return _perms(seg["p_flags"], P_FLAGS.PF_W, P_FLAGS.PF_X,
                              bool(seg["p_flags"] & P_FLAGS.PF_R))
        return None

    components: dict[str, dict[str, int]] = {}
    regions: list[Region] = []
    by_index: dict[int, Region] = {}
    for index, sec in enumerate(elf.iter_sections()):
        flags = sec["sh_flags"]
        if not flags & SH_FLAGS.SHF_ALLOC:
            continue
        size = sec["sh_size"]
        split = split_section_name(sec.name)
        if split is not None:
            kind, owner = split
            sizes = components.setdefault(owner, {k: 0 for k in (*SIZE_KEYS, "other")})
            sizes[kind if kind in SIZE_KEYS else "other"] += size
            region_kind = REGION_KINDS[kind]
        else:
            owner = UNATTRIBUTED
            if sec["sh_type"] == "SHT_NOTE":
                region_kind = "note"
            elif sec["sh_type"] == "SHT_NOBITS":
                region_kind = "bss"
            elif flags & SH_FLAGS.SHF_EXECINSTR:
                region_kind = "code"
            elif flags & SH_FLAGS.SHF_WRITE:
                region_kind = "data"
            else:
                region_kind = "rodata"
        if size == 0:
            continue
        start = sec["sh_addr"]
        perms = segment_perms(start) or _perms(flags, SH_FLAGS.SHF_WRITE, SH_FLAGS.SHF_EXECINSTR)
        region = Region(start, start + size, owner, region_kind, perms, sec.name,
                        in_file=sec["sh_type"] != "SHT_NOBITS")
        regions.append(region)
        by_index[index] = region

    _attach_symbols(elf, regions, by_index)
    _mark_user_domain(elf, regions)

    for w in mach.device_windows:
        regions.append(Region(w.start, w.end, mach.name, w.kind, w.perms, w.name, in_file=False))
    regions.sort(key=lambda r: (r.start, r.end))

    return ImageInfo(
        path=path,
        entry=elf.header["e_entry"],
        loadable_bytes=sum(seg["p_filesz"] for seg in loads),
        memory_bytes=sum(seg["p_memsz"] for seg in loads),
        components=dict(sorted(components.items())),
        regions=regions,
        machine=mach.name,
        file_bytes=path.stat().st_size,
        segments=segments,
    )


def _mark_user_domain(elf: ELFFile, regions: list[Region]) -> None:
    """Regions between the linker script's __user_start and __user_end (monolithic), or
    between a domain's __dom_<tag>_start and __dom_<tag>_end (microkernel), are user pages."""
    symtab = elf.get_section_by_name(".symtab")
    if symtab is None:
        return
    bounds = {}
    for sym in symtab.iter_symbols():
        name = sym.name
        if name in ("__user_start", "__user_end"):
            bounds.setdefault("user", {})[name.rpartition("_")[2]] = sym["st_value"]
        elif name.startswith("__dom_") and name.endswith(("_start", "_end")):
            tag, _sep, edge = name[len("__dom_"):].rpartition("_")
            bounds.setdefault(tag, {})[edge] = sym["st_value"]
    for tag, edges in bounds.items():
        if "start" not in edges or "end" not in edges:
            continue
        for r in regions:
            if edges["start"] <= r.start and r.end <= edges["end"]:
                r.domain, r.space = "user", tag


def _attach_symbols(elf: ELFFile, regions: list[Region], by_index: dict[int, Region]) -> None:
    symtab = elf.get_section_by_name(".symtab")
    if symtab is None:
        return
    ordered = sorted(regions, key=lambda r: r.start)
    for sym in symtab.iter_symbols():
        kind = _SYMBOL_KINDS.get(sym["st_info"]["type"])
        if kind is None or not sym.name or sym.name.startswith((".", "$")):
            continue
        addr, shndx = sym["st_value"], sym["st_shndx"]
        region = by_index.get(shndx) if isinstance(shndx, int) else None
        if region is None or not (region.start <= addr <= region.end):
            region = next((r for r in ordered if r.start <= addr < r.end), None)
        if region is None:
            continue
        region.symbols.append(Symbol(sym.name, addr, sym["st_size"], kind))
    for r in regions:
        r.symbols.sort(key=lambda s: (s.addr, s.name))


def human_bytes(n: int | None) -> str:
    """Sizes as a learner reads them: 6.2 KiB, 1.0 MiB, 512 B."""
    if n is None:
        return "—"
    if n >= 1024 * 1024:
        return f"{n / 1048576:.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n} B"
