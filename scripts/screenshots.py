"""Screenshots of the workbench's six screens as SVG, for the README and the docs.

    python scripts/screenshots.py                      # every screen into assets/
    python scripts/screenshots.py --out DIR memory     # some screens into another folder

The app runs at 120×40 on the built-in `hello` recipe with a fresh home and workspace in a
fixed temporary folder (removed afterwards), English, no animations, no blinking cursor, so
two runs draw the same pictures except for what is measured (build and boot times). For Memory
and Run the image is built and booted first, as a learner would with `r`. The workbench's icon
(assets/icon.svg, the one `workbench serve` hands to browsers) is copied beside the pictures
when they go to another folder.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the app is driven as the tests drive it

from tests.pilot import wait_for  # noqa: E402
from tests.test_tui_snapshots import settle  # noqa: E402

ASSETS = REPO / "assets"
SIZE = (120, 40)
ROOT = Path(tempfile.gettempdir()) / "wb-screenshots"  # fixed: its path may be on screen
BOOT_TIMEOUT_S = 120.0


def screen_names() -> list[tuple[str, str]]:
    from workbench.tui.app import SCREENS

    return [(sid, title) for sid, title, _, _ in SCREENS]


async def boot(pilot) -> None:
    """Build and boot the recipe (`r`) and wait until the run has ended."""
    from workbench.tui.run.run_status import RunStatus

    app = pilot.app
    await pilot.press("r")
    await wait_for(pilot, lambda: app.pane("run") is not None, what="the Run screen")
    status = app.query_one(RunStatus)
    await wait_for(pilot, lambda: status.status not in ("idle", "building", "booting",
                                                         "running"),
                   timeout=BOOT_TIMEOUT_S, what="the boot")
    if status.status != "success":
        raise SystemExit(f"screenshots: the boot of hello ended with {status.status!r}")


async def shoot(out: Path, wanted: list[str]) -> list[Path]:
    from workbench.tui.app import WorkbenchApp

    names = dict(screen_names())
    app = WorkbenchApp("hello", build_root=ROOT / "build")
    written = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # screens that need the image go last, after one boot
        order = sorted(wanted, key=lambda s: s in ("memory", "run"))
        booted = False
        for sid in order:
            if sid in ("memory", "run") and not booted:
                await boot(pilot)
                booted = True
            app.query_one("#tabs").active = sid
            await settle(pilot)
            path = out / f"screen-{sid}.svg"
            path.write_text(app.export_screenshot(title=f"Unikernel Workbench — {names[sid]}"),
                            encoding="utf-8")
            written.append(path)
        if app.qemu_run is not None and app.qemu_run.running:
            await app.action_stop()
    return written


def prepare() -> None:
    """A fresh home and workspace in the fixed folder, English, nothing animated."""
    if ROOT.exists():
        shutil.rmtree(ROOT)
    (ROOT / "home").mkdir(parents=True)
    (ROOT / "workspace").mkdir()
    os.environ.update(WB_HOME=str(ROOT / "home"), WB_WORKSPACE=str(ROOT / "workspace"),
                      WB_LANG="en", TEXTUAL_ANIMATIONS="none")
    for var in ("WB_KERNELS", "WB_LESSONS"):
        os.environ.pop(var, None)
    os.chdir(ROOT)


def main(argv: list[str] | None = None) -> int:
    ids = [sid for sid, _ in screen_names()]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("screens", nargs="*", metavar="SCREEN",
                        help=f"screens to draw (default: all of {', '.join(ids)})")
    parser.add_argument("--out", type=Path, default=ASSETS, help="folder (default: assets/)")
    args = parser.parse_args(argv)
    for sid in args.screens:
        if sid not in ids:
            parser.error(f"no screen {sid!r} (screens: {', '.join(ids)})")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    prepare()
    try:
        written = asyncio.run(shoot(out, args.screens or ids))
    finally:
        os.chdir(REPO)
        shutil.rmtree(ROOT, ignore_errors=True)
    if out != ASSETS.resolve():  # assets/icon.svg is the icon itself
        shutil.copyfile(ASSETS / "icon.svg", out / "icon.svg")
    for path in written + [out / "icon.svg"]:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
