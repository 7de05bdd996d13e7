"""The machine descriptions agree with the QEMU that boots them.

Device windows and I/O ports are compared with QEMU's own memory map (`info mtree -f`), read
from a paused run of the floor kernel, so a QEMU upgrade that moves a device fails here.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from workbench.core.model.errors import WorkbenchError
from workbench.core.run.machines import MACHINES, get_machine
from workbench.core.run.qemu import QemuRun

REPO = Path(__file__).resolve().parents[1]


def test_default_machine_is_microvm():
    assert get_machine(None).name == "microvm"
    assert set(MACHINES) == {"microvm", "pc"}
    assert get_machine("pc").net_device == "virtio-net-pci"
    assert get_machine("microvm").net_device == "virtio-net-device"


def test_unknown_machine_lists_the_valid_ones():
    with pytest.raises(WorkbenchError) as info:
        get_machine("microvn")
    text = str(info.value)
    assert "microvn" in text and "microvm, pc" in text and "did you mean microvm?" in text


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_windows_and_ports_are_well_formed(name):
    m = get_machine(name)
    windows = sorted(m.device_windows, key=lambda w: w.start)
    for w in windows:
        assert w.start < w.end <= 1 << 32
        assert re.fullmatch(r"[r-][w-][x-]", w.perms)
    for a, b in zip(windows, windows[1:], strict=False):
        assert a.end <= b.start, f"{a.name} overlaps {b.name}"
    ports = {n: (lo, hi) for n, lo, hi in m.io_ports}
    assert ports["serial"][0] == 0x3F8
    assert ports["debugcon"] == (0xE9, 0xE9)
    assert ports["debug-exit"][0] == 0xF4
    assert ports["pit"][0] == 0x40
    assert m.to_dict()["name"] == name


def test_virtio_mmio_slots_only_on_microvm():
    micro = get_machine("microvm")
    assert micro.has_virtio_mmio
    slots = micro.virtio_mmio_addresses()
    assert slots[0] == 0xFEB00000 and len(slots) == micro.virtio_mmio_slots
    window = next(w for w in micro.device_windows if w.name == "virtio-mmio")
    assert window.start == slots[0] and window.end == slots[-1] + micro.virtio_mmio_stride
    assert not get_machine("pc").has_virtio_mmio


@pytest.fixture(scope="module")
def floor_image(tmp_path_factory):
    from workbench.core.builder.toolchain import get_toolchain

    out = tmp_path_factory.mktemp("floor")
    tc = get_toolchain("zig")
    tc.compile(REPO / "kernels/bench/floor.S", out / "floor.o", [])
    tc.link([out / "floor.o"], REPO / "kernels/bench/floor.ld", out / "floor.elf")
    return out / "floor.elf"


_ENTRY = re.compile(r"^[ \t]+([0-9a-f]+)-([0-9a-f]+) \(prio -?\d+, ([a-z/-]+)\): (\S+)", re.M)


def _flatviews(mtree: str) -> dict[str, list[tuple[int, int, str, str]]]:
    """`info mtree -f` as {address space: [(first, last, type, name)]}."""
    views: dict[str, list] = {}
    for block in mtree.split("FlatView #")[1:]:
        spaces = re.findall(r'AS "([^"]+)"', block)
        entries = [(int(a, 16), int(b, 16), t, n) for a, b, t, n in _ENTRY.findall(block)]
        for space in spaces:
            views[space] = entries
    return views


def _covered(entries, first: int, last: int) -> bool:
    """Every address of [first, last] is in a device entry (not RAM, not the generic io)."""
    addr = first
    for lo, hi, kind, name in sorted(entries):
        if kind == "ram" or name == "io":
            continue
        if lo <= addr <= hi:
            addr = hi + 1
            if addr > last:
                return True
    return False


@pytest.mark.qemu
@pytest.mark.parametrize("name", sorted(MACHINES))
def test_machine_matches_qemu_memory_map(floor_image, name):
    async def read_map() -> str:
        async with QemuRun(floor_image, machine=name, start_paused=True, timeout=30) as run:
            text = await run.hmp("info mtree -f")
            await run.stop()
            return text

    views = _flatviews(asyncio.run(read_map()))
    machine = get_machine(name)
    for w in machine.device_windows:
        if w.kind == "device" and w.perms.startswith("rw"):
            assert _covered(views["memory"], w.start, w.end - 1), w.name
        else:  # firmware ROMs: present at the address, whatever QEMU calls them
            assert any(lo <= w.start and w.end - 1 <= hi for lo, hi, _, _ in views["memory"]), \
                w.name
    for port, first, last in machine.io_ports:
        assert _covered(views["I/O"], first, last), port
