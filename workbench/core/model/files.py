"""Writing files: a learner's safely, the build's only when they change.

Recipes, progress and exercise work are things a learner wrote or earned: they are written
atomically, so a crash or a full disk mid-write leaves the old file or the new one, never half.
Generated build files are rewritten only when their content changes, so their modification
times (and everything keyed on them) stay put across a rebuild with nothing to do.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_text(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step; a crash leaves either the old or the new file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: str | bytes) -> None:
    """Write `data` (text or bytes) to `path` unless the file already holds exactly that."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = data.encode() if isinstance(data, str) else data
    if not path.exists() or path.read_bytes() != new:
        path.write_bytes(new)
