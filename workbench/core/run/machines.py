"""The virtual machines an image can boot on, and what the hypervisor puts in their address space.

A unikernel has no drivers for hardware it was not built for: the machine is part of the
recipe. Each `Machine` here says how to ask QEMU for it (`qemu_args`) and which physical
address ranges and I/O ports belong to devices rather than to the image, so the address-space
map can show them next to the image's own regions.

The addresses were read from QEMU 7.2 itself (`info mtree -f` in the monitor) with exactly the
flags below, not copied from documentation.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.model.errors import WorkbenchError, did_you_mean, valid_list
from workbench.i18n import _


@dataclass(frozen=True)
class DeviceWindow:
    """A range of physical addresses that belongs to a device. `end` is exclusive."""

    name: str
    start: int
    end: int
    kind: str = "device"
    perms: str = "rw-"

    @property
    def size(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Machine:
    name: str
    summary: str
    # Only the machine-specific flags; the runner adds the console, telemetry, exit device,
    # QMP socket and network, which are the same on every machine.
    qemu_args: tuple[str, ...]
    device_windows: tuple[DeviceWindow, ...]
    # (name, first port, last port), both inclusive, as port ranges are usually written.
    io_ports: tuple[tuple[str, int, int], ...]
    has_virtio_mmio: bool
    # The QEMU device that puts a network card on this machine.
    net_device: str = "virtio-net-device"
    # virtio-mmio transports: base address, number of slots, bytes per slot. QEMU plugs the
    # first `-device virtio-*-device` into the *highest* slot, so a driver must probe them all.
    virtio_mmio_base: int = 0
    virtio_mmio_slots: int = 0
    virtio_mmio_stride: int = 0
    # RAM the runner gives the machine (QEMU's -m): the image, with its heap, stacks and
    # buffers, must end below it (checked at build)
    memory_mib: int = 128

    def virtio_mmio_addresses(self) -> list[int]:
        return [self.virtio_mmio_base + i * self.virtio_mmio_stride
                for i in range(self.virtio_mmio_slots)]

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "summary": self.summary,
            "qemu_args": list(self.qemu_args),
            "device_windows": [
                {"name": w.name, "start": w.start, "end": w.end, "kind": w.kind,
                 "perms": w.perms, "size": w.size}
                for w in self.device_windows
            ],
            "io_ports": [{"name": n, "first": a, "last": b} for n, a, b in self.io_ports],
            "has_virtio_mmio": self.has_virtio_mmio,
            "net_device": self.net_device,
            "memory_mib": self.memory_mib,
        }


# Ports every machine here has: the runner adds the debugcon and the exit device, the machine
# brings the UART and the PIT (clock-tsc calibrates the TSC against the PIT).
_COMMON_PORTS: tuple[tuple[str, int, int], ...] = (
    ("pit", 0x40, 0x43),
    ("debugcon", 0xE9, 0xE9),
    ("debug-exit", 0xF4, 0xF7),
    ("serial", 0x3F8, 0x3FF),
)

_LAPIC = DeviceWindow("lapic", 0xFEE0_0000, 0xFEE0_1000)
_IOAPIC = DeviceWindow("ioapic", 0xFEC0_0000, 0xFEC0_1000)
_RESET_VECTOR_ROM = DeviceWindow("bios-rom", 0xFFFF_0000, 0x1_0000_0000, perms="r-x")

_VIRTIO_MMIO_BASE = 0xFEB0_0000
_VIRTIO_MMIO_SLOTS = 8  # with acpi=off; QEMU gives 24 when ACPI is on
_VIRTIO_MMIO_STRIDE = 0x200

MICROVM = Machine(
    name="microvm",
    summary="QEMU microvm: no PCI, no firmware tables, virtio-mmio devices (like Firecracker)",
    qemu_args=(
        "-M",
        # Each option removes something the image never uses and QEMU would otherwise set up:
        # option ROMs (the PVH loader ROM is not needed, QEMU's qboot jumps straight in), the
        # RTC, and the ACPI tables. The 16550 UART and the PIT stay: console and clock need them.
        "microvm,x-option-roms=off,rtc=off,acpi=off,isa-serial=on,pit=on,pic=on",
    ),
    device_windows=(
        DeviceWindow("qboot-bios", 0x000F_0000, 0x0010_0000, perms="r-x"),
        DeviceWindow(
            "virtio-mmio",
            _VIRTIO_MMIO_BASE,
            _VIRTIO_MMIO_BASE + _VIRTIO_MMIO_SLOTS * _VIRTIO_MMIO_STRIDE,
        ),
        _IOAPIC,
        _LAPIC,
        _RESET_VECTOR_ROM,
    ),
    io_ports=_COMMON_PORTS + (("pic-master", 0x20, 0x21), ("pic-slave", 0xA0, 0xA1)),
    has_virtio_mmio=True,
    net_device="virtio-net-device",
    virtio_mmio_base=_VIRTIO_MMIO_BASE,
    virtio_mmio_slots=_VIRTIO_MMIO_SLOTS,
    virtio_mmio_stride=_VIRTIO_MMIO_STRIDE,
)

PC = Machine(
    name="pc",
    summary="QEMU pc (i440FX): the classic PC with SeaBIOS, PCI and legacy devices",
    qemu_args=("-M", "pc,hpet=off"),
    device_windows=(
        DeviceWindow("option-roms", 0x000C_0000, 0x000E_0000, perms="r--"),
        DeviceWindow("bios-shadow", 0x000E_0000, 0x0010_0000, perms="r-x"),
        _IOAPIC,
        _LAPIC,
        DeviceWindow("bios-rom", 0xFFFC_0000, 0x1_0000_0000, perms="r-x"),
    ),
    io_ports=_COMMON_PORTS + (
        ("pic-master", 0x20, 0x21),
        ("ps2-data", 0x60, 0x60),
        ("ps2-command", 0x64, 0x64),
        ("rtc", 0x70, 0x71),
        ("pic-slave", 0xA0, 0xA1),
        ("pci-config", 0xCF8, 0xCFF),
    ),
    has_virtio_mmio=False,
    net_device="virtio-net-pci",
)

MACHINES: dict[str, Machine] = {"microvm": MICROVM, "pc": PC}
DEFAULT_MACHINE = "microvm"


def get_machine(name: str | None) -> Machine:
    """The machine called `name` (the default one for None)."""
    if name is None:
        name = DEFAULT_MACHINE
    try:
        return MACHINES[name]
    except KeyError:
        raise WorkbenchError(
            _("unknown machine {name}").format(name=repr(name)),
            key="machine",
            hint=did_you_mean(str(name), MACHINES),
            details=[_("valid machines: {names}").format(names=valid_list(MACHINES))],
        ) from None
