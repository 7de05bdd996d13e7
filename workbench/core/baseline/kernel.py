"""The Linux kernel of the baseline: Debian's cloud kernel, unpacked into the workbench's cache.

`linux-image-cloud-amd64` is a small kernel Debian builds for virtual machines. It is fetched
with `apt-get download` (no root needed, nothing installed) and unpacked with `dpkg-deb -x`
into `<cache>/linux/<package>/` — installing a kernel package would touch the host's boot
loader, which a workbench has no business doing. The package name is a metapackage; the real
kernel package is its dependency, read from the metapackage with `dpkg-deb -f`.

The cloud kernel builds its virtio drivers as modules, so the initramfs carries the few it
needs (`NET_MODULES`), loaded in the order their `depends=` fields give.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from elftools.elf.elffile import ELFFile

from workbench.core.model.errors import WorkbenchError
from workbench.i18n import N_, _

KERNEL_PACKAGE = "linux-image-cloud-amd64"
# What the guest needs to reach QEMU's network card: the virtio-mmio transport (microvm) or
# virtio-pci (pc), and the virtio network driver (with what they depend on: `module_order`).
NET_MODULES = ("virtio_mmio", "virtio_pci", "virtio_net")
OWN_FILES_HINT = N_("or use your own: --kernel FILE --initrd FILE")  # shown through _()


@dataclass(frozen=True)
class LinuxKernel:
    """An unpacked kernel: the bootable image and the folder of its modules (None if unknown)."""

    vmlinuz: Path
    modules: Path | None
    package: str

    @property
    def version(self) -> str:
        return self.vmlinuz.name.removeprefix("vmlinuz-")


def linux_cache() -> Path:
    """Where kernels and initramfs images are kept (`WB_LINUX_CACHE` overrides it)."""
    env = os.environ.get("WB_LINUX_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("unikernel-workbench")) / "linux"


def _unpacked(root: Path) -> LinuxKernel | None:
    kernels = sorted(root.glob("*/boot/vmlinuz-*"))
    if not kernels:
        return None
    vmlinuz = kernels[-1]
    modules = vmlinuz.parents[1] / "lib" / "modules" / vmlinuz.name.removeprefix("vmlinuz-")
    return LinuxKernel(vmlinuz, modules if modules.is_dir() else None, vmlinuz.parents[1].name)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise WorkbenchError(
            _("the Linux baseline's kernel cannot be fetched here: {program} is not "
              "available").format(program=name),
            key="--os linux",
            details=[_("the workbench fetches Debian's {package} with apt-get download and "
                       "unpacks it with dpkg-deb (Debian and Ubuntu only)").format(
                package=KERNEL_PACKAGE)],
            hint=_(OWN_FILES_HINT))
    return found


def _run(cmd: list[str], cwd: Path) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise WorkbenchError(
            _("{command} failed (exit status {status})").format(
                command=f"{' '.join(cmd[:2])} {cmd[-1]}", status=proc.returncode),
            key="--os linux", details=(proc.stderr or proc.stdout).strip().splitlines()[-4:],
            hint=_("check that apt can reach its sources (apt-get update); {hint}").format(
                hint=_(OWN_FILES_HINT)))
    return proc.stdout


def _download(package: str, into: Path) -> Path:
    _run([_tool("apt-get"), "download", "-q", package], into)
    debs = sorted(into.glob(f"{package}_*.deb"))
    if not debs:
        raise WorkbenchError(_("{command} left no package file").format(
                                 command=f"apt-get download {package}"),
                             key="--os linux", hint=_(OWN_FILES_HINT))
    return debs[-1]


def fetch_kernel(on_progress=None) -> LinuxKernel:
    """The cached kernel, fetched and unpacked first if there is none."""
    cache = linux_cache()
    found = _unpacked(cache)
    if found is not None:
        return found
    _tool("apt-get")  # the first thing missing on a machine without apt
    dpkg = _tool("dpkg-deb")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=".fetch-") as tmp:
        work = Path(tmp)
        if on_progress:
            on_progress(f"apt-get download {KERNEL_PACKAGE}")
        meta = _download(KERNEL_PACKAGE, work)
        depends = _run([dpkg, "-f", str(meta), "Depends"], work)
        real = re.match(r"\s*(linux-image-[^\s,(|]+)", depends)
        if real is None:
            raise WorkbenchError(_("{package} names no kernel package in Depends").format(
                                     package=KERNEL_PACKAGE),
                                 key="--os linux", details=[depends.strip()], hint=_(OWN_FILES_HINT))
        if on_progress:
            on_progress(f"apt-get download {real.group(1)}")
        deb = _download(real.group(1), work)
        unpacked = work / real.group(1)
        _run([dpkg, "-x", str(deb), str(unpacked)], work)
        target = cache / real.group(1)
        if not target.exists():
            unpacked.rename(target)  # atomic: a half-unpacked kernel is never found
    found = _unpacked(cache)
    if found is None:
        raise WorkbenchError(_("the unpacked {package} has no boot/vmlinuz-*").format(
                                 package=KERNEL_PACKAGE),
                             file=cache, hint=_(OWN_FILES_HINT))
    return found


def _module_index(modules: Path) -> dict[str, Path]:
    return {p.name.removesuffix(".ko"): p for p in modules.rglob("*.ko")}


def _depends(ko: Path) -> list[str]:
    """The `depends=` field of a module's .modinfo section (what must be loaded first)."""
    with ko.open("rb") as f:
        section = ELFFile(f).get_section_by_name(".modinfo")
        data = section.data() if section is not None else b""
    for field in data.split(b"\0"):
        if field.startswith(b"depends="):
            return [d for d in field[8:].decode().split(",") if d]
    return []


def module_order(modules: Path | None, wanted=NET_MODULES) -> list[Path]:
    """The module files to load for `wanted`, each after the modules it depends on.

    A module the kernel does not have as a file is assumed built in and skipped."""
    if modules is None:
        return []
    index = _module_index(modules)
    order: list[Path] = []

    def visit(name: str) -> None:
        ko = index.get(name) or index.get(name.replace("_", "-"))
        if ko is None or ko in order:
            return
        for dep in _depends(ko):
            visit(dep)
        order.append(ko)

    for name in wanted:
        visit(name)
    return order
