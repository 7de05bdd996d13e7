"""A learner's progress: lessons, quiz answers, exercise scores and the chosen language.

One JSON file per user, in the platform's user data folder (`WB_HOME` overrides it, which is
what the tests and a shared classroom machine use). Two promises:

- a write never leaves a half-written file: the new text goes to a temporary file in the same
  folder, is flushed to disk, and replaces the old one in one `os.replace`;
- a damaged file (not JSON, or not the shape we wrote, down to the type of every value) is never
  overwritten silently: it is moved aside as `progress.json.damaged-<timestamp>`, the learner is
  told where it went, and the workbench starts from an empty record.

Something that is not a regular file in its place (a FIFO, a device, a folder) is never read —
reading a FIFO would wait forever — and never replaced. A read-only file or folder is respected:
the learner's work goes on, and saving says that progress could not be saved, and why.
"""

from __future__ import annotations

import json
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from workbench.core.model.errors import WorkbenchError
from workbench.core.model.files import atomic_write_text
from workbench.core.model.paths import kind_of
from workbench.core.model.texts import LANGUAGES

FILE_NAME = "progress.json"
VERSION = 1


class ProgressNotSaved(WorkbenchError, OSError):
    """The progress record could not be written (read-only, not a regular file, disk full)."""


def home_dir() -> Path:
    """Where the workbench keeps a learner's files (`WB_HOME` overrides the platform default)."""
    env = os.environ.get("WB_HOME")
    if env:
        return Path(env)
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
    unsavable: str | None = None  # why this record cannot be written back, when it cannot

    # ------------------------------------------------------------------ loading and saving

    @classmethod
    def load(cls, path: Path | None = None) -> Progress:
        path = Path(path) if path else progress_path()
        kind = _file_kind(path)
        if kind is None:
            return cls(path)
        if kind != "a regular file":
            p = cls(path)
            p.unsavable = (f"{path} is {kind}, not a regular file; remove it or set WB_HOME "
                           f"to another folder")
            p.notice = f"the progress file was not read: {p.unsavable}. Progress will not be saved."
            return p
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            problem = _shape_problem(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            problem = f"it is not valid JSON ({e})"
        except OSError as e:
            problem = f"it cannot be read ({e.strerror})"
        if problem:
            return cls._damaged(path, problem)
        return cls(path, lang=data.get("lang"), lessons=data.get("lessons", {}),
                   exercises=data.get("exercises", {}))

    @classmethod
    def _damaged(cls, path: Path, problem: str) -> Progress:
        p = cls(path)
        try:
            aside = _move_aside(path)
        except OSError as e:
            p.unsavable = f"the damaged file {path} could not be moved aside ({e.strerror})"
            p.notice = (f"the progress file {path} is damaged ({problem}) and was left in place; "
                        f"{p.unsavable}. Progress will not be saved.")
            return p
        p.notice = (f"the progress file {path} was damaged ({problem}); it was moved to "
                    f"{aside} and a new one was started. Nothing else was changed.")
        return p

    def to_dict(self) -> dict:
        return {"version": VERSION, "lang": self.lang, "lessons": self.lessons,
                "exercises": self.exercises}

    def save(self) -> None:
        """Write the record; a WorkbenchError says why when it cannot be written."""
        why = self.unsavable or _read_only(self.path)
        if why is None:
            try:
                atomic_write_text(self.path,
                                  json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n")
                return
            except OSError as e:
                why = f"{e.filename or self.path}: {e.strerror}"
        raise ProgressNotSaved(f"progress could not be saved: {why}", file=self.path,
                             hint="your work is unchanged; make the file and its folder "
                                  "writable (or set WB_HOME to another folder) and try again")

    def try_save(self) -> str | None:
        """`save()`, returning the reason as text instead of raising when it cannot be saved."""
        try:
            self.save()
        except WorkbenchError as e:
            return str(e)
        return None

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


def _file_kind(path: Path) -> str | None:
    """None when nothing is there, else what is there ('a regular file', 'a FIFO …')."""
    try:
        return kind_of(os.stat(path).st_mode)
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"unreadable ({e.strerror})"


def _read_only(path: Path) -> str | None:
    """Why `path` must not be written, when its owner made it (or its folder) read-only."""
    for target, what in ((path, "the progress file"), (path.parent, "its folder")):
        try:
            mode = os.stat(target).st_mode
        except OSError:
            continue
        if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            return f"{what} {target} is read-only"
    return None


_INT = (int,)
_EXERCISE_FIELDS = {"best": _INT, "last": _INT, "total": _INT, "attempts": _INT, "updated": (str,)}


def _field_problem(where: str, key: str, value: Any, types: tuple) -> str | None:
    if isinstance(value, bool) or not isinstance(value, types):
        want = "a whole number" if types is _INT else "text"
        return f"{where}: '{key}' is {json.dumps(value)}, expected {want}"
    return None


def _lesson_problem(name: str, rec: dict) -> str | None:
    where = f"lesson '{name}'"
    done, answers = rec.get("done", []), rec.get("answers", {})
    if not isinstance(done, list) or not all(isinstance(s, str) for s in done):
        return f"{where}: 'done' is {json.dumps(done)}, expected a list of step names"
    if not isinstance(answers, dict) or not all(isinstance(a, str) for a in answers.values()):
        return f"{where}: 'answers' is {json.dumps(answers)}, expected an object of texts"
    if "updated" in rec:
        return _field_problem(where, "updated", rec["updated"], (str,))
    return None


def _exercise_problem(name: str, rec: dict) -> str | None:
    for key, types in _EXERCISE_FIELDS.items():
        if key in rec:
            problem = _field_problem(f"exercise '{name}'", key, rec[key], types)
            if problem:
                return problem
    places = rec.get("workspaces", [])
    if not isinstance(places, list) or not all(isinstance(w, str) for w in places):
        return (f"exercise '{name}': 'workspaces' is {json.dumps(places)}, expected a list of "
                "folders")
    return None


def _shape_problem(data: Any) -> str | None:
    """What is wrong with a parsed progress file, down to the type of each value, or None."""
    if not isinstance(data, dict):
        return "the top level is not an object"
    if data.get("version", VERSION) != VERSION:
        return f"unknown version {data.get('version')!r}"
    if data.get("lang") not in (None, *LANGUAGES):
        return f"unknown language {data.get('lang')!r}"
    for key, check in (("lessons", _lesson_problem), ("exercises", _exercise_problem)):
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            return f"'{key}' is not an object of objects"
        for name, rec in value.items():
            problem = check(name, rec)
            if problem:
                return problem
    return None


def _saved_language() -> str | None:
    """The language saved in the progress file, read without loading (or repairing) the record;
    a FIFO or a device there is not read (it could block the start of every command)."""
    path = progress_path()
    if _file_kind(path) != "a regular file":
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("lang") if isinstance(data, dict) else None


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
    """The language for lessons and the interface: WB_LANG, else the saved setting (of
    `progress`, or read from the progress file when none is given), else the locale."""
    env = os.environ.get("WB_LANG", "").strip().lower()
    if env[:2] in LANGUAGES:
        return env[:2]
    saved = progress.lang if progress is not None else _saved_language()
    if saved in LANGUAGES:
        return saved
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"
