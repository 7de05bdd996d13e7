"""The learner's own last build and last run, so a lesson step can judge what they did.

`workbench build`, `workbench boot` and the UI's build (b) and boot (r) write one small JSON file
in the learner's workspace, `.workbench-last.json`:

    {"build": {"recipe": "hello", "recipe_path": "...", "recipe_mtime_ns": ..., "image": "...",
               "loadable_bytes": ..., "memory_bytes": ..., "dropped": {...}, "at": "..."},
     "run":   {"recipe": "hello", ..., "status": "success", "console": "...",
               "telemetry": ["ready app=hello", ...], "ready_ms": ..., "duration_ms": ...}}

Only the last of each is kept. A lesson step with `by_learner = true` reads it (see lessons.py);
the lesson checks' own builds and boots are never recorded, so a check cannot pass on its own
copy. Writing is atomic; a file that cannot be written or read is the same as no record: the
learner is told to build or boot again, never shown a traceback.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.learn.material import default_workspace
from workbench.core.model.files import atomic_write_text
from workbench.i18n import _

FILE_NAME = ".workbench-last.json"
CONSOLE_LIMIT = 64 * 1024  # the console's last characters kept: enough for any lesson's check


@dataclass(frozen=True)
class TelemetryLine:
    raw: str


@dataclass
class RecordedBuild:
    """A build as recorded: what a lesson's build check reads."""

    recipe: str
    recipe_path: str | None
    recipe_mtime_ns: int | None
    image: str
    loadable_bytes: int | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    at: str = ""


@dataclass
class RecordedRun:
    """A run as recorded: the parts a lesson's expectation reads (`Expectation.mismatches`)."""

    recipe: str
    recipe_path: str | None
    recipe_mtime_ns: int | None
    status: str
    console: str
    telemetry: list[TelemetryLine] = field(default_factory=list)
    ready_ms: float | None = None
    duration_ms: float = 0.0
    at: str = ""


def record_path(workspace: Path | None = None) -> Path:
    return Path(workspace or default_workspace()) / FILE_NAME


def _mtime_ns(path: Path | str | None) -> int | None:
    try:
        return Path(path).stat().st_mtime_ns if path else None
    except OSError:
        return None


def _recipe_fields(recipe) -> dict[str, Any]:
    path = str(Path(recipe.path).resolve()) if recipe.path else None
    return {"recipe": recipe.name, "recipe_path": path, "recipe_mtime_ns": _mtime_ns(path),
            "at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def _update(workspace: Path | None, key: str, entry: dict) -> str | None:
    """Replace one entry of the record; the reason as text when it could not be written."""
    path = record_path(workspace)
    data = _read(path)
    data[key] = entry
    try:
        atomic_write_text(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    except OSError as e:
        return _("could not record it in {path}: {error}").format(path=path, error=e.strerror)
    return None


def record_build(workspace: Path | None, result) -> str | None:
    """Note a learner's successful build (a BuildResult)."""
    return _update(workspace, "build", {
        **_recipe_fields(result.recipe), "image": str(result.image),
        "loadable_bytes": result.loadable_bytes, "memory_bytes": result.memory_bytes,
        "dropped": dict(result.dropped)})


def record_run(workspace: Path | None, recipe, run) -> str | None:
    """Note a learner's finished run (a RunResult) of `recipe`."""
    return _update(workspace, "run", {
        **_recipe_fields(recipe), "image": run.image, "status": run.status,
        "console": run.console[-CONSOLE_LIMIT:],
        "telemetry": [r.raw for r in run.telemetry], "ready_ms": run.ready_ms,
        "duration_ms": run.duration_ms})


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def last_build(workspace: Path | None = None) -> RecordedBuild | None:
    entry = _read(record_path(workspace)).get("build")
    try:
        return RecordedBuild(
            str(entry["recipe"]), entry.get("recipe_path"), entry.get("recipe_mtime_ns"),
            str(entry.get("image", "")), entry.get("loadable_bytes"),
            {str(k): int(v) for k, v in (entry.get("dropped") or {}).items()}, entry.get("at", ""))
    except (TypeError, KeyError, ValueError, AttributeError):
        return None


def last_run(workspace: Path | None = None) -> RecordedRun | None:
    entry = _read(record_path(workspace)).get("run")
    try:
        return RecordedRun(
            str(entry["recipe"]), entry.get("recipe_path"), entry.get("recipe_mtime_ns"),
            str(entry["status"]), str(entry.get("console", "")),
            [TelemetryLine(str(t)) for t in entry.get("telemetry", [])],
            entry.get("ready_ms"), float(entry.get("duration_ms") or 0.0), entry.get("at", ""))
    except (TypeError, KeyError, ValueError, AttributeError):
        return None


def changed_since(entry_path: str | None, entry_mtime_ns: int | None) -> bool:
    """Whether the recipe file was written after the recorded build or run was made of it."""
    return entry_path is not None and _mtime_ns(entry_path) != entry_mtime_ns
