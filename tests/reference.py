"""Shared by the differential tests: the real server they compare against, and the appliance.

Each test starts its reference server (NSD, nginx) as a child process with a configuration in a
temporary folder, listening on 127.0.0.1 only, and stops it whatever happens.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from workbench.core.builder.pipeline import build_recipe
from workbench.core.run.appliance import Appliance


def stop_process(proc: subprocess.Popen) -> None:
    """Ask the process to end, and make sure it has."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def with_appliance(recipe: Path, forwards: list[tuple[str, int]], reference, tmp_path_factory):
    """Build and boot recipe, yield the running appliance; stop it and the reference after."""
    try:
        built = build_recipe(recipe, tmp_path_factory.mktemp("appliance-build"))
        app = Appliance(built.image, forwards)
        try:
            app.start(ready_timeout=30)
            yield app
        finally:
            app.stop()
    finally:
        reference.stop()
