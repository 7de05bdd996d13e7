"""Installable the Python way: the wheel carries the kernels and the lessons as package data.

The wheel is built from this checkout (by the Gradescope autograder's packer, which is tested
on the way), installed into a fresh virtual environment outside the checkout, and run from
there: it lists the lessons, builds hello and boots it in QEMU. The workbench's dependencies
are not what is under test, and the suite does not download: the fresh environment sees
them through a path file naming this environment's site-packages (which holds no
`workbench` package of its own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, qemu_pids

pytestmark = [pytest.mark.slow, pytest.mark.qemu]


def _build_wheel(tmp_path: Path) -> Path:
    import hatchling  # noqa: F401  (the test extra the set-up installs has it: never a skip)
    out = tmp_path / "bump-autograder.zip"
    r = subprocess.run([REPO / "classroom" / "gradescope" / "make_autograder.sh", "bump", out],
                       env={**os.environ, "PYTHON": sys.executable}, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        wheel = next(n for n in names if n.endswith(".whl"))
        assert sorted(names) == sorted(["setup.sh", "run_autograder", "exercise", wheel])
        assert z.read("exercise").decode().strip() == "bump"
        z.extract(wheel, tmp_path / "dist")
    return tmp_path / "dist" / wheel


def _fresh_venv(where: Path, wheel: Path) -> Path:
    venv.create(where, with_pip=False)
    py = where / "bin" / "python"
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q",
                        "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    site = Path(subprocess.check_output([py, "-c", "import sysconfig; "
                                         "print(sysconfig.get_paths()['purelib'])"], text=True)
                .strip())
    (site / "zz_workbench_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return where / "bin"


def test_wheel_installed_outside_the_checkout_builds_and_boots_hello(tmp_path):
    wheel = _build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    for shipped in ("workbench/_data/kernels/recipes/hello.toml",
                    "workbench/_data/kernels/include/console.h",
                    "workbench/_data/lessons/exercises/bump/exercise.toml",
                    "workbench/_data/assets/icon.svg",
                    "workbench/tui/workbench.tcss",
                    "workbench/locale/ja/LC_MESSAGES/workbench.mo"):
        assert shipped in names, f"{shipped} is not in the wheel"
    # the icon is one file (assets/icon.svg), not a copy in the package
    assert not [n for n in names if n.endswith(".svg") and n.startswith("workbench/tui/")]
    assert any(n.startswith("workbench/_data/lessons/") and n.endswith(".svg") for n in names), \
        "the lessons' figures are in the wheel"

    bin_dir = _fresh_venv(tmp_path / "venv", wheel)
    run_dir = tmp_path / "elsewhere"
    run_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("WB_KERNELS", "WB_LESSONS")}
    env.update(WB_HOME=str(tmp_path / "home"), PYTHONPATH="")

    def run(*args: str, timeout: float = 300):
        return subprocess.run([bin_dir / "workbench", *args], cwd=run_dir, env=env,
                              capture_output=True, text=True, timeout=timeout)

    where = subprocess.run([bin_dir / "python", "-c",
                            "from workbench.core.model.catalogue import kernels_dir\n"
                            "from workbench.core.learn.material import lessons_dir\n"
                            "from workbench.jupyter import ICON\n"
                            "from workbench.tui.serve import ICON as FAVICON\n"
                            "print(kernels_dir()); print(lessons_dir()); print(ICON); "
                            "print(FAVICON)"],
                           cwd=run_dir, env=env, capture_output=True, text=True, check=True)
    found = where.stdout.split()
    assert len(found) == 4, where.stdout
    for line in found:
        assert Path(line).is_relative_to(tmp_path / "venv"), where.stdout
    # the launcher's icon and the favicon: the project's icon, from the package data
    assert found[2] == found[3] and Path(found[2]).read_bytes() == \
        (REPO / "assets" / "icon.svg").read_bytes()

    # the interface's Japanese, from the installed catalogue
    ja = subprocess.run([bin_dir / "python", "-c",
                         "from workbench.tui import i18n\n"
                         "i18n.use_language('ja'); print(i18n.LOCALE_DIR, i18n._('Build'))"],
                        cwd=run_dir, env=env, capture_output=True, text=True, check=True)
    locale_dir, build = ja.stdout.split()
    assert Path(locale_dir).is_relative_to(tmp_path / "venv") and build == "ビルド", ja.stdout

    r = run("lessons", "--json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) >= 13
    r = run("exercise", "list")
    assert r.returncode == 0 and "bump" in r.stdout, r.stderr

    r = run("boot", "hello", "--timeout", "30", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert data["status"] == "success" and "Hello" in data["console"]
    assert (run_dir / "build" / "hello").is_dir()  # built where it was run, not in the venv
    assert qemu_pids(mentioning=str(tmp_path)) == []
