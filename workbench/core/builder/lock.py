"""Builds at once: two terminals, or the browser sessions of `workbench serve`, which all build
into `build/` under the server's working folder.

Two rules keep every build correct and the shared object cache consistent:

- one build at a time per output folder: a build holds an exclusive lock on `<out>/.lock`
  (`flock`, released by the kernel when the process ends, however it ends), and a second build
  of the same folder waits for it, then finds the work done;
- files shared between folders (the object cache) are written under a name private to the
  writing process and thread, then renamed into place in one step: a reader sees the whole
  object or none.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.core.model.errors import WorkbenchError
from workbench.core.model.paths import kind_of
from workbench.i18n import _

LOCK_NAME = ".lock"


def private_name(path: Path, suffix: str = ".tmp") -> Path:
    """A temporary name beside `path` that no other process or thread will use."""
    return path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}{suffix}")


@contextmanager
def output_lock(out: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the build lock of the folder `out` for the duration of the block."""
    if out.exists() and not out.is_dir():
        raise WorkbenchError(_("{path} is {kind}, not a folder").format(
                                 path=out, kind=_(kind_of(out.stat().st_mode))),
                             file=out, key="--out", hint=_("name a folder for the build's files"))
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait(_("another build is writing {path}; waiting for it to finish").format(
                    path=out))
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
