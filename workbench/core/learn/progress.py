"""A learner's progress: lessons, quiz answers, exercise scores and the chosen language.

One JSON file per user, in the platform's user data folder (`WB_HOME` overrides it, which is
what the tests and a shared classroom machine use). Two promises:

- a write never leaves a half-written file: the new text goes to a temporary file in the same
  folder, is flushed to disk, and replaces the old one in one `os.replace`;
- a damaged file (not JSON, or not the shape we wrote, down to the type of every value) is never
  overwritten silently: it is moved aside as `progress.json.damaged-<timestamp>`, the learner is
  told where it went, and the workbench starts from an empty record.

Several programs may keep the record at once — the TUI, the command line, a browser session,
a second TUI — each with its own copy in memory. So a save never writes an older copy over
newer progress: under a lock on the folder, it reads the file again and merges (`merge_records`):
passed steps and answers from both, the best score, every attempt counted once, the language
the saving program changed (else the one on disk), and a lesson reset by the saving program
stays reset. `reload()` brings what others recorded into a program's copy without writing.

Something that is not a regular file in its place (a FIFO, a device, a folder) is never read —
reading a FIFO would wait forever — and never replaced. A read-only file or folder is respected:
the learner's work goes on, and saving says that progress could not be saved, and why.
"""

from __future__ import annotations

import copy
import json
import os
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from platformdirs import user_data_dir

from workbench.core.model.errors import WorkbenchError
from workbench.core.model.files import atomic_write_text
from workbench.core.model.paths import kind_of
from workbench.core.model.texts import LANGUAGES
from workbench.i18n import _

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
    # what the file held when this copy was last read or written: what this program changed
    # since is what it has to add to the file's newer content (see merge_records)
    base: dict = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------ loading and saving

    @classmethod
    def load(cls, path: Path | None = None) -> Progress:
        path = Path(path) if path else progress_path()
        kind = _file_kind(path)
        if kind is None:
            return cls(path)
        if kind != "a regular file":
            p = cls(path)
            p.unsavable = _("{path} is {kind}, not a regular file; remove it or set WB_HOME to "
                            "another folder").format(path=path, kind=_(kind))
            p.notice = _("the progress file was not read: {why}. Progress will not be "
                         "saved.").format(why=p.unsavable)
            return p
        data, problem = _read_record(path)
        if problem:
            return cls._damaged(path, problem)
        p = cls(path)
        p._take(data)
        return p

    def _take(self, data: dict) -> None:
        """Hold `data` (a whole record as read from the file) as this copy and its base."""
        self.lang = data.get("lang")
        self.lessons = copy.deepcopy(data.get("lessons", {}))
        self.exercises = copy.deepcopy(data.get("exercises", {}))
        self.base = copy.deepcopy(self.to_dict())

    @classmethod
    def _damaged(cls, path: Path, problem: str) -> Progress:
        p = cls(path)
        try:
            aside = _move_aside(path)
        except OSError as e:
            p.unsavable = _("the damaged file {path} could not be moved aside ({error})").format(
                path=path, error=e.strerror)
            p.notice = _("the progress file {path} is damaged ({problem}) and was left in place; "
                         "{why}. Progress will not be saved.").format(path=path, problem=problem,
                                                                      why=p.unsavable)
            return p
        p.notice = _("the progress file {path} was damaged ({problem}); it was moved to {aside} "
                     "and a new one was started. Nothing else was changed.").format(
            path=path, problem=problem, aside=aside)
        return p

    def to_dict(self) -> dict:
        return {"version": VERSION, "lang": self.lang, "lessons": self.lessons,
                "exercises": self.exercises}

    def reload(self) -> bool:
        """Take in what other programs recorded since this copy was read, keeping this copy's
        unsaved changes. True when something changed. A file that cannot be read now is left
        alone (the next save says why)."""
        if self.unsavable or _file_kind(self.path) != "a regular file":
            return False
        data, problem = _read_record(self.path)
        if problem:
            return False
        before = self.to_dict()
        merged = merge_records(data, before, self.base)
        self._take(data)  # the base is now the file; unsaved changes stay changes against it
        self._hold(merged)
        return merged != before

    def save(self) -> None:
        """Merge this copy into the file and write it (see the module's docstring); a
        WorkbenchError says why when it cannot be written."""
        why = self.unsavable or _read_only(self.path)
        if why is None:
            try:
                with _folder_locked(self.path.parent):
                    self._merge_file()
                    atomic_write_text(self.path,
                                      json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
                                      + "\n")
                self.base = copy.deepcopy(self.to_dict())
                return
            except OSError as e:
                why = f"{e.filename or self.path}: {e.strerror}"
        raise ProgressNotSaved(_("progress could not be saved: {why}").format(why=why),
                               file=self.path,
                               hint=_("your work is unchanged; make the file and its folder "
                                      "writable (or set WB_HOME to another folder) and try "
                                      "again"))

    def _merge_file(self) -> None:
        """Merge what the file holds now into this copy (under the save's lock). A file
        damaged since it was read is moved aside first, and the notice says where."""
        if _file_kind(self.path) != "a regular file":
            return
        data, problem = _read_record(self.path)
        if problem:
            aside = _move_aside(self.path)
            self.notice = _("the progress file {path} was damaged ({problem}); it was moved to "
                            "{aside} and this program's record was saved in its place.").format(
                path=self.path, problem=problem, aside=aside)
            return
        self._hold(merge_records(data, self.to_dict(), self.base))

    def _hold(self, record: dict) -> None:
        self.lang, self.lessons, self.exercises = (record["lang"], record["lessons"],
                                                   record["exercises"])

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


# --------------------------------------------------------------------------- merging

def merge_records(disk: dict, mine: dict, base: dict) -> dict:
    """One record from the file's newer content (`disk`), this program's copy (`mine`) and
    what the file held when this copy was read (`base`): nothing earned on either side is
    lost. Steps passed and answers given on either side are kept (a step really passed on
    one side is no longer marked skipped); an exercise keeps the best score, the attempts of
    both, the last grade given and every workspace. The language is this copy's when it
    changed it, else the file's. A lesson this copy reset stays reset; one reset in the file
    is not brought back unless this copy recorded something in it since."""
    base_lessons, base_exercises = base.get("lessons", {}), base.get("exercises", {})
    lessons: dict[str, dict] = {}
    for name in _names(disk.get("lessons", {}), mine.get("lessons", {})):
        ours, theirs = mine.get("lessons", {}).get(name), disk.get("lessons", {}).get(name)
        if _dropped(name, ours, theirs, base_lessons):
            continue
        lessons[name] = _merge_lesson(theirs or {}, ours or {})
    exercises: dict[str, dict] = {}
    for name in _names(disk.get("exercises", {}), mine.get("exercises", {})):
        ours, theirs = mine.get("exercises", {}).get(name), disk.get("exercises", {}).get(name)
        if _dropped(name, ours, theirs, base_exercises):
            continue
        exercises[name] = _merge_exercise(theirs or {}, ours or {}, base_exercises.get(name, {}))
    lang = mine.get("lang") if mine.get("lang") != base.get("lang") else disk.get("lang")
    return {"version": VERSION, "lang": lang, "lessons": lessons, "exercises": exercises}


def _names(*records: dict) -> list[str]:
    return list(dict.fromkeys(name for rec in records for name in rec))


def _dropped(name: str, ours: dict | None, theirs: dict | None, base: dict) -> bool:
    """Whether an entry is left out: removed here since the base (reset by this program), or
    removed in the file while this copy still holds it unchanged."""
    if name not in base:
        return False
    return ours is None or (theirs is None and ours == base[name])


def _union(*lists: list) -> list:
    return list(dict.fromkeys(x for items in lists for x in items))


def _later(a: dict, b: dict) -> dict:
    """The one of two records updated last (`b` on a tie)."""
    return a if str(a.get("updated", "")) > str(b.get("updated", "")) else b


def _merge_lesson(theirs: dict, ours: dict) -> dict:
    rec = {**theirs, **ours}
    rec["done"] = _union(theirs.get("done", []), ours.get("done", []))
    rec["answers"] = {**theirs.get("answers", {}), **ours.get("answers", {})}
    sides = (theirs, ours)
    skipped = [s for s in _union(theirs.get("skipped", []), ours.get("skipped", []))
               if all(s in side.get("skipped", []) for side in sides
                      if s in side.get("done", []))]
    if skipped or "skipped" in rec:
        rec["skipped"] = skipped
    if "updated" in theirs or "updated" in ours:
        rec["updated"] = _later(theirs, ours).get("updated")
    return rec


def _merge_exercise(theirs: dict, ours: dict, base: dict) -> dict:
    rec = {**theirs, **ours}
    last = _later(theirs, ours)
    for key in ("last", "total", "updated"):
        if key in last:
            rec[key] = last[key]
    if "best" in theirs or "best" in ours:
        rec["best"] = max(theirs.get("best", 0), ours.get("best", 0))
    if "attempts" in theirs or "attempts" in ours:
        new_here = max(0, ours.get("attempts", 0) - base.get("attempts", 0))
        rec["attempts"] = theirs.get("attempts", 0) + new_here if theirs else ours["attempts"]
    if "workspaces" in theirs or "workspaces" in ours:
        rec["workspaces"] = _union(theirs.get("workspaces", []), ours.get("workspaces", []))[-20:]
    return rec


@contextmanager
def _folder_locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (flock on the folder itself, so no lock file is
    left beside the record) while a save reads, merges and replaces the file. Where locks
    are not available the save goes on unlocked."""
    try:
        import fcntl
    except ImportError:  # not on this platform
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:  # a file system without locks (some network ones): save unlocked
            pass
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _read_record(path: Path) -> tuple[dict, str | None]:
    """The parsed record in the regular file `path`, or what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        problem = _shape_problem(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        problem = _("it is not valid JSON ({error})").format(error=e)
    except OSError as e:
        problem = _("it cannot be read ({error})").format(error=e.strerror)
    return (data if not problem else {}), problem


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
    for target, what in ((path, _("the progress file")), (path.parent, _("its folder"))):
        try:
            mode = os.stat(target).st_mode
        except OSError:
            continue
        if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            return _("{what} {path} is read-only").format(what=what, path=target)
    return None


_INT = (int,)
_EXERCISE_FIELDS = {"best": _INT, "last": _INT, "total": _INT, "attempts": _INT, "updated": (str,)}


def _field_problem(where: str, key: str, value: Any, types: tuple) -> str | None:
    if isinstance(value, bool) or not isinstance(value, types):
        want = _("a whole number") if types is _INT else _("text")
        return _("{where}: '{key}' is {value}, expected {want}").format(
            where=where, key=key, value=json.dumps(value), want=want)
    return None


def _lesson_problem(name: str, rec: dict) -> str | None:
    where = _("lesson '{name}'").format(name=name)
    done, answers = rec.get("done", []), rec.get("answers", {})
    if not isinstance(done, list) or not all(isinstance(s, str) for s in done):
        return _("{where}: '{key}' is {value}, expected {want}").format(
            where=where, key="done", value=json.dumps(done), want=_("a list of step names"))
    if not isinstance(answers, dict) or not all(isinstance(a, str) for a in answers.values()):
        return _("{where}: '{key}' is {value}, expected {want}").format(
            where=where, key="answers", value=json.dumps(answers), want=_("an object of texts"))
    if "updated" in rec:
        return _field_problem(where, "updated", rec["updated"], (str,))
    return None


def _exercise_problem(name: str, rec: dict) -> str | None:
    for key, types in _EXERCISE_FIELDS.items():
        if key in rec:
            problem = _field_problem(_("exercise '{name}'").format(name=name), key, rec[key],
                                     types)
            if problem:
                return problem
    places = rec.get("workspaces", [])
    if not isinstance(places, list) or not all(isinstance(w, str) for w in places):
        return _("{where}: '{key}' is {value}, expected {want}").format(
            where=_("exercise '{name}'").format(name=name), key="workspaces",
            value=json.dumps(places), want=_("a list of folders"))
    return None


def _shape_problem(data: Any) -> str | None:
    """What is wrong with a parsed progress file, down to the type of each value, or None."""
    if not isinstance(data, dict):
        return _("the top level is not an object")
    if data.get("version", VERSION) != VERSION:
        return _("unknown version {version}").format(version=repr(data.get("version")))
    if data.get("lang") not in (None, *LANGUAGES):
        return _("unknown language {lang}").format(lang=repr(data.get("lang")))
    for key, check in (("lessons", _lesson_problem), ("exercises", _exercise_problem)):
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            return _("'{key}' is not an object of objects").format(key=key)
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
