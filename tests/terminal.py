"""Drive the real `workbench` command in a real terminal (tmux), as a person would:
start it, press keys, read the screen."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORKBENCH = REPO / ".venv" / "bin" / "workbench"
HAVE_TERMINAL = shutil.which("tmux") is not None and WORKBENCH.exists()


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def wait_screen(session: str, *texts: str, timeout: float = 20.0) -> str:
    """Wait until every one of `texts` is on the screen at once (the app draws its frame
    before the first resolution fills the panes, so one text alone is not enough)."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if all(text in screen for text in texts):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{texts!r} never all appeared; last screen:\n{screen}")


def press_until(session: str, key: str, text: str, timeout: float = 20.0) -> str:
    """Press `key` and wait for `text`; press again every 4 s (a key sent while the app is
    still starting can arrive before the UI listens)."""
    deadline = time.monotonic() + timeout
    while True:
        tmux("send-keys", "-t", session, key)
        try:
            return wait_screen(session, text,
                               timeout=min(4.0, max(0.1, deadline - time.monotonic())))
        except AssertionError:
            if time.monotonic() >= deadline:
                raise
