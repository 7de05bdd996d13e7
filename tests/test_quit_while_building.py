"""Quitting while a screen is being built in the background: the app waits for it, then quits.

Textual mounts nothing once the app is exiting. With a fresh home, `workbench` quit a moment
after switching screens left the Lessons screen (built in the background then) without its
tabs, and printed a traceback on the way out — in about half the tries on a busy machine.
"""

from __future__ import annotations

import subprocess
import uuid

import pytest

from .terminal import WORKBENCH, press_until, terminal, tmux, wait_screen

pytestmark = pytest.mark.usefixtures(terminal.__name__)


def test_quitting_while_the_screens_are_built_in_the_background(tmp_path):
    for attempt in range(5):
        home = tmp_path / f"home{attempt}"
        home.mkdir()
        session = f"wb-quit-{uuid.uuid4().hex[:8]}"
        tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50", "-c", str(tmp_path),
             f"HOME={home} {WORKBENCH}; echo WORKBENCH-EXITED-$?; sleep 30")
        try:
            wait_screen(session, "Catalogue", "hello", "components")
            press_until(session, "2", "why is this here?")
            press_until(session, "4", "Microkernel")
            tmux("send-keys", "-t", session, "C-q")
            screen = wait_screen(session, "WORKBENCH-EXITED-")
            assert "WORKBENCH-EXITED-0" in screen and "Traceback" not in screen, screen
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
