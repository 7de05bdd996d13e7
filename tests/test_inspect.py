"""Inspection of built images: sizes per component, regions, symbols, device windows.

Images are real ELF files made by the workbench toolchain: a two-component image laid out the
way the build lays out every image (sections `.<kind>.<component>`), the floor kernel, and the
built-in recipes once they exist. Sizes are cross-checked against binutils' readelf where it is
installed, so the test does not only agree with itself.
"""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from workbench.core.inspect.image import (
    ImageInfo,
    inspect_image,
    report_path,
    split_section_name,
)
from workbench.core.model.errors import WorkbenchError
from workbench.core.run.machines import get_machine

from .conftest import tool

REPO = Path(__file__).resolve().parents[1]
RECIPES = REPO / "kernels" / "recipes"

# Two "components" in one image: alloc-freelist (code, rodata, data, bss, heap) and
# boot-pvh (entry code, PVH note, page tables, stack).
ALLOC_C = textwrap.dedent("""
    static char heap_area[8192] __attribute__((section(".heap"), aligned(4096)));
    static unsigned long used;
    unsigned long limit = 8192;
    const char alloc_name[] = "freelist";
    void *alloc_take(unsigned long n) {
        if (n == 0) return (void *)alloc_name;
        if (used + n > limit) return 0;
        void *p = heap_area + used;
        used += n;
        return p;
    }
""")

BOOT_S = textwrap.dedent("""
        .section .note.Xen, "a"
        .p2align 2
        .long 4, 4, 18
        .asciz "Xen"
        .long _start
        .section .pagetables, "aw", @nobits
        .p2align 12
    boot_pml4: .skip 4096
        .section .stack, "aw", @nobits
        .p2align 4
    stack_bottom: .skip 4096
    stack_top:
        .section .text.boot, "ax"
        .code32
        .globl _start
        .type _start, @function
    _start:
        mov $stack_top, %esp
        mov $boot_pml4, %eax
        call alloc_take
        mov $0x10, %al
        out %al, $0xf4
    1:  hlt
        jmp 1b
        .size _start, . - _start
""")

SCRIPT = textwrap.dedent("""
    ENTRY(_start)
    PHDRS { text PT_LOAD FLAGS(5); rodata PT_LOAD FLAGS(4); data PT_LOAD FLAGS(6); note PT_NOTE; }
    SECTIONS {
      . = 0x100000;
      .note.boot_pvh : { KEEP(*/boot_pvh__*.o(.note.Xen)) } :text :note
      .text.boot_pvh : { */boot_pvh__*.o(.text .text.*) } :text
      .text.alloc_freelist : { */alloc_freelist__*.o(.text .text.*) } :text
      . = ALIGN(4096);
      .rodata.alloc_freelist : { */alloc_freelist__*.o(.rodata .rodata.*) } :rodata
      . = ALIGN(4096);
      .data.alloc_freelist : { */alloc_freelist__*.o(.data .data.*) } :data
      .bss.alloc_freelist (NOLOAD) : { */alloc_freelist__*.o(.bss .bss.* COMMON) } :data
      .pagetables.boot_pvh (NOLOAD) : ALIGN(4096) { */boot_pvh__*.o(.pagetables) } :data
      .stack.boot_pvh (NOLOAD) : ALIGN(16) { */boot_pvh__*.o(.stack) } :data
      .heap.alloc_freelist (NOLOAD) : ALIGN(4096) { */alloc_freelist__*.o(.heap) } :data
      /DISCARD/ : { *(.comment) *(.note.GNU-stack) *(.eh_frame) }
    }
""")


@pytest.fixture(scope="module")
def two_components(tmp_path_factory) -> Path:
    from workbench.core.builder.toolchain import get_toolchain

    out = tmp_path_factory.mktemp("inspect")
    (out / "alloc.c").write_text(ALLOC_C)
    (out / "boot.S").write_text(BOOT_S)
    (out / "image.ld").write_text(SCRIPT)
    tc = get_toolchain("zig")
    objs = [out / "alloc_freelist__alloc.o", out / "boot_pvh__boot.o"]
    tc.compile(out / "alloc.c", objs[0], [])
    tc.compile(out / "boot.S", objs[1], [])
    image = out / "two.elf"
    tc.link(objs, out / "image.ld", image)
    return image


@pytest.fixture(scope="module")
def floor(tmp_path_factory) -> Path:
    from workbench.core.builder.toolchain import get_toolchain

    out = tmp_path_factory.mktemp("floor")
    tc = get_toolchain("zig")
    tc.compile(REPO / "kernels/bench/floor.S", out / "floor.o", [])
    tc.link([out / "floor.o"], REPO / "kernels/bench/floor.ld", out / "floor.elf")
    return out / "floor.elf"


def _readelf_loads(image: Path) -> tuple[int, int, int]:
    """(entry, sum filesz, sum memsz) according to binutils' readelf."""
    text = subprocess.run(["readelf", "-lhW", str(image)], capture_output=True, text=True,
                          check=True).stdout
    entry = int(re.search(r"Entry point address:\s+(0x[0-9a-f]+)", text).group(1), 16)
    filesz = memsz = 0
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0] == "LOAD":
            filesz += int(parts[4], 16)
            memsz += int(parts[5], 16)
    return entry, filesz, memsz


def test_section_names_give_kind_and_component():
    assert split_section_name(".heap.alloc_freelist") == ("heap", "alloc-freelist")
    assert split_section_name(".text.boot_pvh") == ("text", "boot-pvh")
    assert split_section_name(".pagetables.boot_pvh") == ("pagetables", "boot-pvh")
    assert split_section_name(".text") is None
    # a ring-3 domain's copy carries the domain's tag last
    assert split_section_name(".text.libc_mini.user") == ("text", "libc-mini")
    assert split_section_name(".text.serial_16550.srv_serial_16550") == ("text", "serial-16550")
    assert split_section_name(".text.a.b.c") is None
    assert split_section_name(".init_array.x") is None


def test_components_and_sizes(two_components):
    info = inspect_image(two_components)
    assert set(info.components) == {"alloc-freelist", "boot-pvh"}
    alloc, boot = info.components["alloc-freelist"], info.components["boot-pvh"]
    assert set(alloc) == {"text", "rodata", "data", "bss", "other"}
    assert alloc["text"] > 0 and alloc["rodata"] >= len("freelist") + 1
    assert alloc["data"] == 8 and alloc["bss"] == 8
    assert alloc["other"] == 8192  # the heap
    assert boot["other"] == 4096 + 4096 + 20  # page tables, stack, PVH note
    assert boot["data"] == boot["bss"] == 0


def test_totals_agree_with_readelf(two_components, floor):
    tool("readelf")
    for image in (two_components, floor):
        info = inspect_image(image)
        assert (info.entry, info.loadable_bytes, info.memory_bytes) == _readelf_loads(image)
        assert info.memory_bytes >= info.loadable_bytes


def test_regions_have_kinds_owners_perms_and_symbols(two_components):
    info = inspect_image(two_components)
    by_name = {r.name: r for r in info.regions}
    expect = {
        ".text.boot_pvh": ("boot-pvh", "code", "r-x"),
        ".text.alloc_freelist": ("alloc-freelist", "code", "r-x"),
        ".rodata.alloc_freelist": ("alloc-freelist", "rodata", "r--"),
        ".data.alloc_freelist": ("alloc-freelist", "data", "rw-"),
        ".bss.alloc_freelist": ("alloc-freelist", "bss", "rw-"),
        ".pagetables.boot_pvh": ("boot-pvh", "page-tables", "rw-"),
        ".stack.boot_pvh": ("boot-pvh", "stack", "rw-"),
        ".heap.alloc_freelist": ("alloc-freelist", "heap", "rw-"),
        ".note.boot_pvh": ("boot-pvh", "note", "r-x"),
    }
    for name, (owner, kind, perms) in expect.items():
        r = by_name[name]
        assert (r.owner, r.kind, r.perms) == (owner, kind, perms), name
    assert by_name[".heap.alloc_freelist"].start % 4096 == 0
    assert by_name[".heap.alloc_freelist"].size == 8192

    def names(section):
        return {s.name: s for s in by_name[section].symbols}

    assert names(".text.boot_pvh")["_start"].kind == "function"
    assert names(".text.boot_pvh")["_start"].addr == info.entry
    assert names(".text.alloc_freelist")["alloc_take"].kind == "function"
    assert names(".heap.alloc_freelist")["heap_area"].size == 8192
    assert "stack_top" in names(".stack.boot_pvh") or "stack_bottom" in names(".stack.boot_pvh")
    assert info.symbol_at(info.entry + 1).name == "_start"
    assert info.region_at(info.entry).name == ".text.boot_pvh"

    # image regions never overlap each other
    image_regions = sorted(info.image_regions(), key=lambda r: r.start)
    for a, b in zip(image_regions, image_regions[1:], strict=False):
        assert a.end <= b.start, (a.name, b.name)


@pytest.mark.parametrize("machine", ["microvm", "pc"])
def test_device_windows_of_the_machine_are_regions(floor, machine):
    info = inspect_image(floor, machine=machine)
    assert info.machine == machine
    devices = {r.name: r for r in info.regions if r.kind == "device"}
    expected = {w.name for w in get_machine(machine).device_windows}
    assert set(devices) == expected
    assert devices["lapic"].start == 0xFEE00000 and devices["lapic"].owner == machine
    assert ("virtio-mmio" in devices) == (machine == "microvm")
    starts = [r.start for r in info.regions]
    assert starts == sorted(starts)


def test_machine_comes_from_the_build_report(floor, tmp_path):
    image = tmp_path / "floor.elf"
    image.write_bytes(floor.read_bytes())
    report_path(image).write_text(json.dumps(
        {"machine": "pc", "recipe": "floor", "components": {"floor": {}, "libc-mini": {}}}))
    info = inspect_image(image)
    assert info.machine == "pc" and info.recipe == "floor"
    # a component that contributed no bytes still appears, with zero sizes
    assert info.components["libc-mini"] == {"text": 0, "rodata": 0, "data": 0, "bss": 0,
                                            "other": 0}
    assert inspect_image(image, machine="microvm").machine == "microvm"  # explicit wins


def test_bad_machine_in_report_names_the_report(floor, tmp_path):
    image = tmp_path / "floor.elf"
    image.write_bytes(floor.read_bytes())
    report_path(image).write_text(json.dumps({"machine": "vax"}))
    with pytest.raises(WorkbenchError) as info:
        inspect_image(image)
    assert str(report_path(image)) in str(info.value)
    assert "microvm" in str(info.value)


def test_damaged_report_is_a_warning_not_a_crash(floor, tmp_path):
    image = tmp_path / "floor.elf"
    image.write_bytes(floor.read_bytes())
    report_path(image).write_text("{ not json")
    info = inspect_image(image)
    assert info.machine == "microvm"
    assert info.warnings and "unreadable" in info.warnings[0]


def test_to_dict_is_json_ready(two_components):
    info = inspect_image(two_components)
    data = json.loads(json.dumps(info.to_dict()))
    assert data["entry"] == info.entry
    region = data["regions"][0]
    assert {"start", "end", "owner", "kind", "perms", "name", "size"} <= set(region)
    assert all(r["size"] == r["end"] - r["start"] for r in data["regions"])
    with_symbols = info.to_dict(with_symbols=True)
    assert any(s["name"] == "_start" for r in with_symbols["regions"] for s in r["symbols"])


@pytest.mark.parametrize("content,what", [(None, "image not found"),
                                          (b"plain text", "not an ELF file")])
def test_bad_path_names_the_file(tmp_path, content, what):
    path = tmp_path / "kernel.elf"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(WorkbenchError) as info:
        inspect_image(path)
    assert str(path) in str(info.value) and what in str(info.value)


def test_a_directory_is_not_an_image(tmp_path):
    with pytest.raises(WorkbenchError) as info:
        inspect_image(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_built_hello_is_fully_attributed(tmp_path):
    recipe = RECIPES / "hello.toml"
    from workbench.core.builder.pipeline import build_recipe

    result = build_recipe(recipe, tmp_path / "hello")
    info: ImageInfo = inspect_image(result.image)
    assert info.machine == result.recipe.machine
    assert "boot-pvh" in info.components and "hello" in info.components
    # every loaded byte belongs to a component section
    unattributed = [r for r in info.image_regions() if r.owner == "(unattributed)"]
    assert unattributed == []
    assert info.loadable_bytes == result.loadable_bytes
    assert info.memory_bytes == result.memory_bytes
