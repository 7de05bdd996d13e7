"""scripts/screenshots.py draws a screen as SVG, titled with the screen's name, and puts the
workbench's icon beside it (the same file `workbench serve` hands to browsers)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_script_draws_one_screen(tmp_path):
    out = tmp_path / "assets"
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "screenshots.py"),
                           "--out", str(out), "assemble"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    svg = (out / "screen-assemble.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "Unikernel&#160;Workbench&#160;—&#160;Assemble" in svg  # the title, spaces kept
    assert 'viewBox="0 0 ' in svg
    assert sorted(p.name for p in out.iterdir()) == ["icon.svg", "screen-assemble.svg"]
    assert (out / "icon.svg").read_bytes() == (REPO / "assets" / "icon.svg").read_bytes()


def test_unknown_screen_is_refused(tmp_path):
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "screenshots.py"),
                           "--out", str(tmp_path), "nowhere"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "no screen 'nowhere'" in done.stderr
    assert not list(tmp_path.iterdir())


def test_committed_icon_is_the_served_one():
    from workbench.tui.serve import ICON
    assert ICON == REPO / "assets" / "icon.svg" and ICON.is_file()
