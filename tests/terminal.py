"""Drive the real `workbench` command in a real terminal (tmux), as a person would:
start it, press keys, read the screen."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import tool

REPO = Path(__file__).resolve().parents[1]
# The command of the environment running the tests (a venv anywhere, or an installed
# package), else the one on PATH: not only a `.venv` in the checkout.
WORKBENCH = Path(sys.executable).parent / "workbench"
if not WORKBENCH.exists() and shutil.which("workbench"):
    WORKBENCH = Path(shutil.which("workbench"))


@pytest.fixture()
def terminal() -> Path:
    """tmux (the set-up installs it) and the workbench command: both required."""
    tool("tmux")
    assert WORKBENCH.exists(), f"no workbench command beside {sys.executable} or on PATH: pip install -e ."
    return WORKBENCH


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
