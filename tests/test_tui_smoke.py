"""The real `workbench` command in a real terminal (tmux): it opens, draws, switches, quits."""

from __future__ import annotations

import subprocess
import uuid

import pytest

from .terminal import WORKBENCH, press_until, terminal, tmux, wait_screen

pytestmark = pytest.mark.usefixtures(terminal.__name__)


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


def test_screen_keys_type_into_a_field_until_escape(tmp_path):
    """The focus rules with the real command: in the greeting field `6` and `c` are text and
    the footer says how to get out; after Escape the same keys switch screens again."""
    session = f"wb-focus-{uuid.uuid4().hex[:8]}"
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", "-c", str(tmp_path),
         f"{WORKBENCH}; echo WORKBENCH-EXITED-$?; sleep 30")
    try:
        wait_screen(session, "Catalogue", "greeting")
        screen = ""
        for _ in range(12):  # Tab through the screen until the greeting field has the focus
            tmux("send-keys", "-t", session, "Tab")
            try:
                screen = wait_screen(session, "editing greeting", timeout=1.0)
                break
            except AssertionError:
                continue
        assert "Enter keeps, Esc leaves" in screen
        tmux("send-keys", "-t", session, "End", "6", "c")
        screen = wait_screen(session, "unikernel!6c")
        assert "1 Assemble" in screen and "Catalogue" in screen  # still on Assemble
        tmux("send-keys", "-t", session, "Escape")
        screen = wait_screen(session, "b Build")
        assert "editing greeting" not in screen
        press_until(session, "2", "why is this here?")
        tmux("send-keys", "-t", session, "C-q")
        screen = wait_screen(session, "WORKBENCH-EXITED-0")
        assert "Traceback" not in screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
