"""What lessons and exercises share: where the teaching material lives, its text in each
language, the learner's workspace, and the time limits' scale for slow machines."""

from __future__ import annotations

import os
from pathlib import Path

from workbench.core.learn.progress import LANGUAGES, home_dir
from workbench.core.model.catalogue import shipped_dir
from workbench.core.model.errors import WorkbenchError
from workbench.core.model.manifest import Table


def lessons_dir() -> Path:
    """The lessons/ folder (WB_LESSONS overrides; see shipped_dir)."""
    env = os.environ.get("WB_LESSONS")
    if env:
        return Path(env)
    return shipped_dir("lessons")


def default_workspace() -> Path:
    """Where a learner's recipes and exercise work live: WB_WORKSPACE, else <home>/workspace."""
    env = os.environ.get("WB_WORKSPACE")
    return Path(env) if env else home_dir() / "workspace"


def timeout_scale() -> float:
    """Slow machines (or a class of thirty on one server) set WB_TIMEOUT_SCALE=3."""
    try:
        value = float(os.environ.get("WB_TIMEOUT_SCALE", "1") or 1)
    except ValueError:
        raise WorkbenchError(f"WB_TIMEOUT_SCALE={os.environ['WB_TIMEOUT_SCALE']!r} is not a number",
                             key="WB_TIMEOUT_SCALE", hint="a positive number, e.g. 2.5") from None
    if value <= 0:
        raise WorkbenchError("WB_TIMEOUT_SCALE must be positive", key="WB_TIMEOUT_SCALE",
                             hint="a positive number, e.g. 2.5")
    return value


def lang_table(t: Table, key: str, required: bool = True) -> dict[str, str]:
    """A text given per language (`title.en = "…"`, `title.ja = "…"`), or one text for English."""
    value = t.data.get(key)
    if value is None:
        if required:
            raise t.error(None, f"missing key '{key}'", hint=f'{key}.en = "..." and {key}.ja = "..."')
        return {}
    if isinstance(value, str):
        return {"en": value}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise t.error(key, f"'{key}' must be text per language", hint=f'{key}.en = "..."  {key}.ja = "..."')
    unknown = set(value) - set(LANGUAGES)
    if unknown:
        raise t.error(key, f"unknown language '{sorted(unknown)[0]}' in '{key}'",
                      hint="languages: " + ", ".join(LANGUAGES))
    return dict(value)
