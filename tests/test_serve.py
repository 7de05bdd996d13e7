"""`workbench serve`: the UI served to browsers for a classroom (the page, and a clean stop)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

from workbench.core.appliance import free_port

from .conftest import REPO


def test_serve_answers_with_the_app_page_and_stops_cleanly():
    port = free_port("tcp")
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--port", str(port)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True,
                            # a terminal's SIGINT, even where the suite runs as a background job
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        page = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and page is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    page = r.read().decode()
            except OSError:
                time.sleep(0.2)
        assert page is not None, "the server never answered"
        assert "Unikernel Workbench" in page and "textual" in page.lower()
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
