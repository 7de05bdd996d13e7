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
        tmux("send-keys", "-t", session, "2")
        wait_screen(session, "why is this here?")
        tmux("send-keys", "-t", session, "4")
        screen = wait_screen(session, "Microkernel")
        assert "Library OS" in screen
        tmux("send-keys", "-t", session, "C-q")
        screen = wait_screen(session, "WORKBENCH-EXITED-0")
        assert "Traceback" not in screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
