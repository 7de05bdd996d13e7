"""The archive format of an initramfs (`newc` cpio) and the host files that go into one.

Entries are sorted, owners are 0 and every time is the same: the same files always give the
same bytes.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from workbench.core.model.errors import WorkbenchError
from workbench.i18n import _


@dataclass(frozen=True)
class Entry:
    """One file of the archive: regular (data), symbolic link (target) or folder (is_dir)."""

    mode: int = 0o644
    data: bytes = b""
    target: str | None = None
    is_dir: bool = False


Files = dict[str, Entry]


# --------------------------------------------------------------------------- the cpio format

# Every file's modification time. Not 0: NSD reads a zone file only if its time differs from
# the 0 it starts with, so a zone stamped 1970-01-01 00:00:00 would silently not be served.
MTIME = 946684800  # 2000-01-01


def _header(ino: int, mode: int, size: int, name: bytes) -> bytes:
    fields = (ino, mode, 0, 0, 1, MTIME if ino else 0, size, 0, 0, 0, 0, len(name) + 1, 0)
    head = b"070701" + b"".join(b"%08X" % v for v in fields) + name + b"\0"
    return head + b"\0" * (-len(head) % 4)


def cpio_newc(files: Files) -> bytes:
    """The archive of `files` (path -> Entry), parents before children, byte for byte stable."""
    paths = set(files)
    for p in list(files):
        parts = p.strip("/").split("/")
        paths.update("/".join(parts[:i]) for i in range(1, len(parts)))
    out = bytearray()
    for ino, path in enumerate(sorted(p.strip("/") for p in paths), start=1):
        e = files.get(path) or files.get("/" + path) or Entry(0o755, is_dir=True)
        if e.is_dir:
            mode, body = 0o040000 | e.mode, b""
        elif e.target is not None:
            mode, body = 0o120777, e.target.encode()
        else:
            mode, body = 0o100000 | e.mode, e.data
        out += _header(ino, mode, len(body), path.encode()) + body
        out += b"\0" * (-len(body) % 4)
    out += _header(0, 0, 0, b"TRAILER!!!")
    return bytes(out)


# --------------------------------------------------------------------------- host files

def host_program(path: str, package: str) -> Path:
    """A program the guest takes from the host (installed by scripts/setup.sh)."""
    p = Path(path)
    if not p.is_file():
        raise WorkbenchError(_("{path} is missing: the Linux baseline takes it from the "
                               "host").format(path=path),
                             file=p, hint=_("install it: {command}").format(
                                 command=f"sudo apt-get install {package}"))
    return p


def with_libraries(program: Path, files: Files, at: str | None = None) -> None:
    """Add `program` and every shared library it loads (as `ldd` lists them) to `files`."""
    files[at or str(program)] = Entry(0o755, program.read_bytes())
    proc = subprocess.run(["ldd", str(program)], capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        m = re.search(r"(?:=>\s*)?(/\S+)\s+\(0x", line)
        if m:
            lib = Path(m.group(1))
            files[str(lib)] = Entry(0o755, lib.resolve().read_bytes())
