"""What exists in lessons/ (the lessons themselves are written elsewhere)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList
from textual.widgets.option_list import Option


def lessons_dir() -> Path:
    from ...core.catalogue import kernels_dir

    return kernels_dir().parent / "lessons"


class LessonsList(OptionList):
    DEFAULT_CSS = """
    LessonsList { height: 1fr; }
    """

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.clear_options()
        root = lessons_dir()
        entries = sorted(p for p in root.iterdir() if not p.name.startswith(".")) \
            if root.is_dir() else []
        if not entries:
            self.add_option(Option(f"No lessons yet (looked in {root}).", disabled=True))
            return
        for p in entries:
            title = p.name
            readme = p / "README.md" if p.is_dir() else p
            if readme.is_file() and readme.suffix == ".md":
                for line in readme.read_text(errors="replace").splitlines():
                    if line.startswith("#"):
                        title = f"{p.name} — {line.lstrip('# ').strip()}"
                        break
            self.add_option(Option(title, id=str(p)))
