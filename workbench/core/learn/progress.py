"""A learner's progress: lessons, quiz answers, exercise scores and the chosen language.

One JSON file per user, in the platform's user data folder (`WB_HOME` overrides it, which is
what the tests and a shared classroom machine use). Two promises:

- a write never leaves a half-written file: the new text goes to a temporary file in the same
  folder, is flushed to disk, and replaces the old one in one `os.replace`;
- a damaged file (not JSON, or not the shape we wrote) is never overwritten silently: it is
  moved aside as `progress.json.damaged-<timestamp>`, the learner is told where it went, and the
  workbench starts from an empty record.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.model.files import atomic_write_text

FILE_NAME = "progress.json"
VERSION = 1
LANGUAGES = ("en", "ja")


def home_dir() -> Path:
    """Where the workbench keeps a learner's files (`WB_HOME` overrides the platform default)."""
    env = os.environ.get("WB_HOME")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("unikernel-workbench"))


def progress_path() -> Path:
    return home_dir() / FILE_NAME


@dataclass
class Progress:
    """The whole progress record. Load with `Progress.load()`, change, then `save()`."""

    path: Path
    lang: str | None = None
    lessons: dict[str, dict[str, Any]] = field(default_factory=dict)
    exercises: dict[str, dict[str, Any]] = field(default_factory=dict)
    notice: str | None = None  # set when a damaged file was moved aside while loading

    # ------------------------------------------------------------------ loading and saving

    @classmethod
    def load(cls, path: Path | None = None) -> Progress:
        path = Path(path) if path else progress_path()
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            problem = _shape_problem(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            problem = f"it is not valid JSON ({e})"
        except OSError as e:
            problem = f"it cannot be read ({e.strerror})"
        if problem:
            aside = _move_aside(path)
            p = cls(path)
            p.notice = (f"the progress file {path} was damaged ({problem}); it was moved to "
                        f"{aside} and a new one was started. Nothing else was changed.")
            return p
        return cls(path, lang=data.get("lang"), lessons=data.get("lessons", {}),
                   exercises=data.get("exercises", {}))

    def to_dict(self) -> dict:
        return {"version": VERSION, "lang": self.lang, "lessons": self.lessons,
                "exercises": self.exercises}

    def save(self) -> None:
        atomic_write_text(self.path, json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n")

    # ------------------------------------------------------------------ lessons

    def lesson(self, name: str) -> dict[str, Any]:
        return self.lessons.setdefault(name, {"done": [], "answers": {}})

    def done_steps(self, name: str) -> list[str]:
        return list(self.lessons.get(name, {}).get("done", []))

    def mark_done(self, name: str, step: str) -> None:
        rec = self.lesson(name)
        if step not in rec["done"]:
            rec["done"].append(step)
        rec["updated"] = _now()

    def reset_lesson(self, name: str) -> None:
        self.lessons.pop(name, None)

    def set_answer(self, name: str, step: str, answer: str) -> None:
        self.lesson(name).setdefault("answers", {})[step] = answer

    def answer(self, name: str, step: str) -> str | None:
        return self.lessons.get(name, {}).get("answers", {}).get(step)

    # ------------------------------------------------------------------ exercises

    def record_grade(self, exercise: str, score: int, total: int) -> None:
        rec = self.exercises.setdefault(exercise, {"best": 0, "total": total, "attempts": 0})
        rec["attempts"] = rec.get("attempts", 0) + 1
        rec["last"] = score
        rec["total"] = total
        rec["best"] = max(rec.get("best", 0), score)
        rec["updated"] = _now()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _shape_problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "the top level is not an object"
    if data.get("version", VERSION) != VERSION:
        return f"unknown version {data.get('version')!r}"
    if data.get("lang") not in (None, *LANGUAGES):
        return f"unknown language {data.get('lang')!r}"
    for key in ("lessons", "exercises"):
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            return f"'{key}' is not an object of objects"
    for name, rec in data.get("lessons", {}).items():
        if not isinstance(rec.get("done", []), list) or not isinstance(rec.get("answers", {}), dict):
            return f"the record of lesson '{name}' is malformed"
    return None


def _move_aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
        n += 1
    os.replace(path, aside)
    return aside


def current_language(progress: Progress | None = None) -> str:
    """The language for lesson text: WB_LANG, else the saved setting, else the locale."""
    env = os.environ.get("WB_LANG", "").strip().lower()
    if env[:2] in LANGUAGES:
        return env[:2]
    if progress is not None and progress.lang in LANGUAGES:
        return progress.lang
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"
