"""The real `workbench` command in a real terminal (tmux): it opens, draws, switches, quits."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
WORKBENCH = REPO / ".venv" / "bin" / "workbench"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None or not WORKBENCH.exists(),
                                reason="needs tmux and the installed workbench command")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def capture(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def press_until(session: str, key: str, text: str, timeout: float = 20.0) -> str:
    """Press `key` and wait for `text`; press again every 5 s (a key sent while the app is
    still starting can arrive before the UI listens)."""
    deadline = time.monotonic() + timeout
    while True:
        tmux("send-keys", "-t", session, key)
        try:
            return wait_screen(session, text, min(5.0, max(0.1, deadline - time.monotonic())))
        except AssertionError:
            if time.monotonic() >= deadline:
                raise


def wait_screen(session: str, text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture(session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; last screen:\n{screen}")


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_workbench_opens_switches_screens_and_quits(tmp_path, size):
    session = f"wb-smoke-{uuid.uuid4().hex[:8]}"
    width, height = size
    tmux("new-session", "-d", "-s", session, "-x", str(width), "-y", str(height),
         "-c", str(tmp_path), f"{WORKBENCH}; echo WORKBENCH-EXITED-$?; sleep 30")
    try:
        screen = wait_screen(session, "Catalogue")
        assert "1 Assemble" in screen and "6 Lessons" in screen
        assert "hello" in screen and "components" in screen
        press_until(session, "2", "why is this here?")
        screen = press_until(session, "4", "Microkernel")
        assert "Library OS" in screen
        tmux("send-keys", "-t", session, "C-q")
        screen = wait_screen(session, "WORKBENCH-EXITED-0")
        assert "Traceback" not in screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
