"""One object of a build: which source of which component becomes which `.o`, with which flags.

The pipeline plans these; a layout reads them to check what each protection domain refers to.
Kept apart from the pipeline so that layouts can name the type without depending on the build.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class ObjectPlan:
    component: str
    source: Path
    obj: Path  # <out>/obj/<component>__<source>.o — the linker script matches on this name
    flags: list[str]
    key: str = ""  # the cache key: source, headers, flags, compiler, config
