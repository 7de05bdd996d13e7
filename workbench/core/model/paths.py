"""Paths a user names, checked before anything is read or written.

A recipe's name becomes a file name, a manifest names source files, a zone file or a site folder
is read into an image, `graph -o` names where to write. Each of them may be hostile or absurd
(`../../x`, `/dev/zero`, a FIFO, a symlink to `/etc/shadow`, a folder): these helpers refuse such
paths with a `WorkbenchError` that says what was found and what would be valid, and never block
(a FIFO is opened without waiting for a writer, then refused).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from workbench.core.model.errors import WorkbenchError
from workbench.i18n import N_, _

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
SAFE_NAME_RULE = N_("one file name: 1–64 letters, digits, '.', '_' or '-', starting with a "
                    "letter or digit (no '/', no spaces)")  # shown through _()


def kind_of(mode: int) -> str:
    """What a file is, in words: 'a regular file', 'a folder', 'a FIFO (named pipe)', …
    (English, which callers compare; shown through _())."""
    if stat.S_ISREG(mode):
        return N_("a regular file")
    if stat.S_ISDIR(mode):
        return N_("a folder")
    if stat.S_ISFIFO(mode):
        return N_("a FIFO (named pipe)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return N_("a device")
    if stat.S_ISSOCK(mode):
        return N_("a socket")
    return N_("not a regular file")


def is_inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every symlink followed, stays inside `root` (also resolved)."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


def figure(n: int) -> str:
    """A size in a message, exact and readable: '1,073,741,824 bytes (1024.0 MiB)'."""
    return _("{count} bytes").format(count=f"{n:,}") + (
        f" ({n / (1 << 20):.1f} MiB)" if n >= 1 << 20 else "")


def read_regular(path: Path, limit: int, what: str, key: str | None = None,
                 file=None, line: int | None = None, why: str | None = None) -> bytes:
    """The bytes of `path`, which must be a regular file of at most `limit` bytes.

    A FIFO, a device (`/dev/zero`) or a folder is refused without reading from it; so is a
    file over the limit, before it is read (`why` says where the limit comes from)."""
    where = dict(file=file if file is not None else path, key=key, line=line)
    what = _(what) if file is None else f"{_(what)} {path}"  # the path is named once
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as e:
        raise WorkbenchError(_("the {what} cannot be read: {error}").format(
            what=what, error=e.strerror), **where) from None
    st = os.fstat(fd)  # before fdopen, which refuses a folder with its own exception
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise WorkbenchError(_("the {what} is {kind}, not a regular file").format(
                                 what=what, kind=_(kind_of(st.st_mode))),
                             hint=_("name a regular file of at most {size}").format(
                                 size=figure(limit)), **where)
    with os.fdopen(fd, "rb") as f:
        if st.st_size > limit:
            raise WorkbenchError(_("the {what} is {size}; the limit is {limit}").format(
                                     what=what, size=figure(st.st_size), limit=figure(limit)),
                                 hint=why, **where)
        data = f.read(limit + 1)
    if len(data) > limit:
        raise WorkbenchError(_("the {what} grew past the limit of {limit} while it was "
                               "read").format(what=what, limit=figure(limit)), **where)
    return data


def check_output_file(path: Path, key: str | None = None) -> Path:
    """`path` if a file may be written there: nothing there yet, or a regular file."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return path
    except OSError as e:
        raise WorkbenchError(_("cannot write {path}: {error}").format(path=path, error=e.strerror),
                             file=path, key=key) from None
    if stat.S_ISDIR(mode):
        raise WorkbenchError(_("{path} is a folder; name a file to write").format(path=path),
                             file=path, key=key,
                             hint=_("for example {path}").format(path=path / "graph.svg"))
    if not stat.S_ISREG(mode):
        raise WorkbenchError(_("{path} is {kind}, not a regular file; name a regular file to "
                               "write").format(path=path, kind=_(kind_of(mode))),
                             file=path, key=key)
    return path


def write_output(path: Path, data: str | bytes, key: str | None = None) -> Path:
    """Write `data` to the user-named file `path`; a WorkbenchError says why when it cannot."""
    path = check_output_file(path, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    except OSError as e:
        raise WorkbenchError(_("cannot write {path}: {error}").format(path=path, error=e.strerror),
                             file=path, key=key) from None
    return path
