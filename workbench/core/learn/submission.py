"""Finding a learner's submission in a workspace, and saying where it is not.

A submission of exercise X is the folder `<workspace>/<component>/` with the component's
manifest and every file the exercise has the learner write. Anything else is no submission:
grading then scores nothing instead of quietly grading the built-in reference, and the
message names the path it looked for and the nearest thing it did find (a file of the right
name in another folder, a folder of a similar name), so the learner can move it.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from workbench.i18n import _

SCAN_LIMIT = 5000  # entries looked at while searching for the nearest file


@dataclass
class Submission:
    found: bool
    looked_for: Path            # the folder (found) or the first missing path (not found)
    nearest: Path | None = None  # the closest thing in the workspace, when not found

    def message(self) -> str:
        if self.found:
            return _("graded {path}").format(path=self.looked_for)
        if self.nearest is not None:
            return _("no submission found at {path}; nearest file found: {nearest}").format(
                path=self.looked_for, nearest=self.nearest)
        return _("no submission found at {path}; nothing of this exercise is in the "
                 "workspace").format(path=self.looked_for)

    def to_dict(self) -> dict:
        return {"found": self.found, "looked_for": str(self.looked_for),
                "nearest": str(self.nearest) if self.nearest else None}


def find_submission(workspace: Path, component: str, files: list[str]) -> Submission:
    """The learner's copy of `component` in `workspace`, or what is missing and what is near."""
    workspace = Path(workspace)
    folder = workspace / component
    wanted = [folder / "component.toml", *(folder / f for f in files)]
    missing = next((p for p in wanted if not p.is_file()), None)
    if missing is None:
        return Submission(True, folder)
    return Submission(False, missing, _nearest(workspace, folder, files, component))


def _nearest(workspace: Path, folder: Path, files: list[str], component: str) -> Path | None:
    """The entry of the workspace most like the submission: one of the exercise's files in
    another place (the closest path wins), else a component folder named like this one."""
    if not workspace.is_dir():
        return None
    names = {Path(f).name: folder / f for f in files}
    found: list[tuple[Path, Path]] = []  # (what is there, where it should be)
    folders: list[Path] = []
    for path in _walk(workspace):
        if path.is_file() and path.name in names and path != names[path.name]:
            found.append((path, names[path.name]))
        elif path.is_dir() and (path / "component.toml").is_file() and path != folder:
            folders.append(path)
    if found:
        return max(found, key=lambda pw: _likeness(pw[0], pw[1], workspace))[0]
    like = [d for d in folders if _ratio(d.name, component) >= 0.75]
    return max(like, key=lambda d: _ratio(d.name, component)) if like else None


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _likeness(path: Path, want: Path, root: Path) -> tuple[float, int]:
    text = path.relative_to(root).as_posix()
    return _ratio(text, want.relative_to(root).as_posix()), -len(text)


def _walk(root: Path):
    """Files and folders under root, hidden ones (.grade, editor litter) left out, bounded."""
    seen = 0
    for here, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in [*dirs, *sorted(n for n in names if not n.startswith("."))]:
            seen += 1
            if seen > SCAN_LIMIT:
                return
            yield Path(here) / name
