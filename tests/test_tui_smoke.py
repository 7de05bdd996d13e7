"""The real `workbench` command in a real terminal (tmux): it opens, draws, switches, quits."""

from __future__ import annotations

import subprocess
import uuid

import pytest

from .terminal import HAVE_TERMINAL, WORKBENCH, press_until, tmux, wait_screen

pytestmark = pytest.mark.skipif(not HAVE_TERMINAL,
                                reason="needs tmux and the installed workbench command")


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_workbench_opens_switches_screens_and_quits(tmp_path, size):
    session = f"wb-smoke-{uuid.uuid4().hex[:8]}"
    width, height = size
    tmux("new-session", "-d", "-s", session, "-x", str(width), "-y", str(height),
         "-c", str(tmp_path), f"{WORKBENCH}; echo WORKBENCH-EXITED-$?; sleep 30")
    try:
        screen = wait_screen(session, "Catalogue", "hello", "components")
        assert "1 Assemble" in screen and "6 Lessons" in screen
        press_until(session, "2", "why is this here?")
        screen = press_until(session, "4", "Microkernel")
        assert "Library OS" in screen
        tmux("send-keys", "-t", session, "C-q")
        screen = wait_screen(session, "WORKBENCH-EXITED-0")
        assert "Traceback" not in screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
