"""The Linux baseline's root file system: a reproducible initramfs built around the recipe's data.

What goes in is the least a conventional Linux guest needs to offer the recipe's service:

- busybox (Debian's `busybox-static`) as init and shell, with links for the applets used;
- `port`, a tiny static program (`kernels/linux/port.c`) that writes telemetry to port 0xe9
  and the exit status to port 0xf4, as the unikernels do;
- the virtio modules the cloud kernel needs to reach QEMU's network card;
- the service: for `dns`, NSD with every shared library it loads, serving the recipe's very
  zone file; for `httpd`, nginx (nginx-light) with its libraries, serving the recipe's site
  folder (generated files made the same way the build makes them); for `hello`, the init
  script itself prints the greeting and ends the machine with status success.

The archive is a `newc` cpio written here, entries sorted, owners 0 and one fixed time, compressed
with gzip's header time set to 0: the same inputs give the same bytes, so the file is cached
under the hash of its content.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
from pathlib import Path

from workbench.core.baseline import services
from workbench.core.baseline.cpio import Entry, Files, cpio_newc, host_program
from workbench.core.baseline.kernel import LinuxKernel, linux_cache, module_order
from workbench.core.builder.lock import private_name
from workbench.core.builder.toolchain import get_toolchain
from workbench.core.model.catalogue import kernels_dir
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.resolve import Resolution
from workbench.i18n import _

BUSYBOX_APPLETS = ("sh", "mount", "insmod", "ip", "sleep", "grep", "cat", "mkdir", "poweroff",
                   "echo", "ls")
PORT_SOURCE = "linux/port.c"


def port_helper() -> bytes:
    """`port`, compiled once per source version with zig's clang (gcc if zig is missing)."""
    source = kernels_dir() / PORT_SOURCE
    text = source.read_bytes()
    out = linux_cache() / "tools" / f"port-{hashlib.sha256(text).hexdigest()[:16]}"
    if out.is_file():
        return out.read_bytes()
    out.parent.mkdir(parents=True, exist_ok=True)
    flags = ["-nostdlib", "-static", "-O2", "-ffreestanding", "-fno-stack-protector", "-s",
             "-Wl,--build-id=none"]
    try:
        zig = get_toolchain("zig").cc[0]
        cc = [zig, "cc", "-target", "x86_64-linux-none"]
    except WorkbenchError:
        cc = [shutil.which("gcc") or "gcc"]
    tmp = private_name(out)
    proc = subprocess.run([*cc, *flags, "-o", str(tmp), str(source)], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise WorkbenchError(_("compiling the guest's port helper failed"), file=source,
                             details=proc.stderr.strip().splitlines()[-6:])
    tmp.replace(out)
    return out.read_bytes()


def base_files(kernel: LinuxKernel | None) -> tuple[Files, list[str]]:
    """busybox, its links, the port helper and the network modules; the modules' load order."""
    busybox = host_program("/bin/busybox", "busybox-static")
    files: Files = {"bin/busybox": Entry(0o755, busybox.read_bytes()),
                    "bin/port": Entry(0o755, port_helper())}
    for applet in BUSYBOX_APPLETS:
        files[f"bin/{applet}"] = Entry(target="busybox")
    for d in ("proc", "sys", "dev", "tmp", "run", "etc", "root"):
        files[d] = Entry(0o755, is_dir=True)
    files["etc/passwd"] = Entry(data=b"root:x:0:0:root:/root:/bin/sh\n"
                                     b"nobody:x:65534:65534::/:/bin/sh\n")
    files["etc/group"] = Entry(data=b"root:x:0:\nnogroup:x:65534:\n")
    modules = []
    for ko in module_order(kernel.modules if kernel else None):
        files[f"lib/modules/{ko.name}"] = Entry(data=ko.read_bytes())
        modules.append(f"/lib/modules/{ko.name}")
    return files, modules


# --------------------------------------------------------------------------- the archive

def initramfs_files(res: Resolution, kernel: LinuxKernel | None) -> Files:
    """Every file of the guest for the recipe `res` (an application the baseline knows)."""
    files, modules = base_files(kernel)
    service = services.service_for(res)
    files.update(service.files)
    files["init"] = Entry(0o755, services.init_script(modules, service).encode())
    return files


def build_initramfs(res: Resolution, kernel: LinuxKernel | None) -> Path:
    """The compressed initramfs for `res`, in the cache under the hash of its content."""
    archive = cpio_newc(initramfs_files(res, kernel))
    digest = hashlib.sha256(archive).hexdigest()[:16]
    out = linux_cache() / "initramfs" / f"{res.recipe.application}-{digest}.cpio.gz"
    if not out.is_file():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = private_name(out)
        tmp.write_bytes(gzip.compress(archive, compresslevel=9, mtime=0))
        tmp.replace(out)  # atomic: two workbenches building the same archive both succeed
    return out
