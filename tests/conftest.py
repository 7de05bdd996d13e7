"""Shared fixtures: the built-in catalogue, a private object cache, and the QEMU leak check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
KERNELS = Path(os.environ.get("WB_KERNELS", REPO / "kernels"))
RECIPES = KERNELS / "recipes"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Tests never share compiled objects with a learner's cache (nor with other test runs)."""
    if "WB_CACHE" not in os.environ:
        os.environ["WB_CACHE"] = str(tmp_path_factory.mktemp("objcache"))
    # nor read or write a learner's progress and workspace (tests that need them set their own)
    os.environ["WB_HOME"] = str(tmp_path_factory.mktemp("home"))
    os.environ.pop("WB_WORKSPACE", None)
    os.environ.pop("WB_LANG", None)
    yield


@pytest.fixture(autouse=True)
def _interface_in_english_again():
    """An app started in Japanese leaves the interface's language set for the process: the
    next test, whatever it draws, starts in English again."""
    yield
    i18n = sys.modules.get("workbench.i18n")
    if i18n is not None and i18n.language() != "en":
        tui = sys.modules.get("workbench.tui.i18n")
        (tui or i18n).use_language("en")


@pytest.fixture(scope="session")
def catalogue():
    from workbench.core.model.catalogue import load_catalogue

    return load_catalogue()


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("builds")


@pytest.fixture(scope="session")
def built(build_dir, catalogue):
    """Build a built-in recipe once per session: built("hello") -> BuildResult."""
    from workbench.core.builder.pipeline import build
    from workbench.core.model.recipe import load_recipe
    from workbench.core.model.resolve import resolve

    done = {}

    def get(name: str, toolchain: str = "zig"):
        key = (name, toolchain)
        if toolchain == "gcc":  # the set-up installs gcc and binutils for the tests
            tool("gcc"), tool("ld")
        if key not in done:
            res = resolve(load_recipe(RECIPES / f"{name}.toml"), catalogue)
            done[key] = build(res, build_dir / f"{name}-{toolchain}", toolchain)
        return done[key]

    return get


def run_cli(*args: str, env: dict | None = None, timeout: float = 120, cwd=None):
    """Run the real `workbench` command in a subprocess."""
    e = os.environ.copy()
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True,
                          text=True, env=e, timeout=timeout, cwd=cwd or REPO)


def process_pids(mentioning: str = "", program: str | None = None) -> list[int]:
    """Processes on this machine (read from /proc: no extra dependency) whose command line
    mentions `mentioning`, and whose program (argv[0]) ends with `program` when one is given."""
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit() and int(d.name) != os.getpid():
            try:
                argv = (d / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if (program is None or argv[0].endswith(program.encode())) and \
                    mentioning.encode() in b" ".join(argv):
                pids.append(int(d.name))
    return pids


def qemu_pids(mentioning: str | None = None) -> list[int]:
    """QEMU processes, optionally only those whose command line mentions a path (other
    programs may run QEMU at the same time)."""
    return process_pids(mentioning or "", "qemu-system-x86_64")


def my_qemus() -> list[int]:
    """QEMU processes whose parent is this test process (others may run on a shared machine)."""
    mine = []
    for pid in qemu_pids():
        try:
            stat = open(f"/proc/{pid}/stat").read()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
            mine.append(pid)
    return mine


def workspace_app(ws: Path, name: str, source: str, requires: tuple[str, ...] = ("console", "telemetry"),
                  summary: str = "a test application", options: str = "") -> Path:
    """Write a one-file application component `name` (C `source`) into the learner workspace
    `ws`, where it joins the catalogue; `options` is extra manifest TOML. Returns its folder."""
    folder = ws / name
    folder.mkdir(parents=True, exist_ok=True)
    needs = ", ".join(f'"{r}"' for r in requires)
    (folder / "component.toml").write_text(
        f'name = "{name}"\nsummary = "{summary}"\nlayer = "app"\nprovides = ["app"]\n'
        f'requires = [{needs}]\nsources = ["{name}.c"]\ndescription = "test"\n{options}')
    (folder / f"{name}.c").write_text(source)
    return folder


def have(program: str) -> bool:
    return shutil.which(program) is not None


# Programs scripts/setup.sh installs: always (SETUP_TOOLS), and for `./workbench.sh test`
# where apt-get is (TEST_TOOLS). Program -> the package that has it.
SETUP_TOOLS = {"qemu-system-x86_64": "qemu-system-x86", "dot": "graphviz", "dig": "dnsutils",
               "curl": "curl", "tmux": "tmux"}
TEST_TOOLS = {"gcc": "gcc", "ld": "binutils", "objdump": "binutils", "readelf": "binutils",
              "nsd": "nsd", "nginx": "nginx-light", "cpio": "cpio"}


def tool(program: str) -> str:
    """The path of a program the set-up installs. A test that needs it fails when it is
    missing (a skip would hide a broken set-up), except where the set-up cannot install it:
    the test tools come from apt-get, so without apt-get their tests skip, saying so."""
    found = shutil.which(program)
    if found is None and Path("/usr/sbin", program).exists():  # nsd, nginx: not on a user's PATH
        found = str(Path("/usr/sbin", program))
    if found:
        return found
    package = SETUP_TOOLS.get(program) or TEST_TOOLS.get(program, program)
    if program in TEST_TOOLS and shutil.which("apt-get") is None:
        pytest.skip(f"{program} ({package}) is installed by scripts/setup.sh only where apt-get is")
    pytest.fail(f"{program} is missing: `./workbench.sh test` installs it (package {package})",
                pytrace=False)


def appliance_fixture(recipe: str, forwards: list[tuple[str, int]], tmp_path_factory):
    """Build a network appliance, boot it with port forwards, yield it, always stop it.

    For module fixtures: `yield from appliance_fixture("dns", [("udp", 53)], tmp_path_factory)`.
    """
    from workbench.core.builder.pipeline import build_recipe
    from workbench.core.run.appliance import Appliance

    built = build_recipe(recipe, tmp_path_factory.mktemp(f"{recipe}-build"))
    app = Appliance(built.image, forwards)
    app.start(ready_timeout=30)
    try:
        yield app
    finally:
        result = app.stop()
        assert result is None or result.status == "stopped", result and result.status


def learner_builds_and_boots(recipe_path: Path, ws: Path, out: Path):
    """What `workbench boot` does for a learner: build, boot, and record both in `ws`."""
    from workbench.core.builder.pipeline import build
    from workbench.core.learn.lastrun import record_build, record_run
    from workbench.core.model.catalogue import load_catalogue
    from workbench.core.model.recipe import load_recipe
    from workbench.core.model.resolve import resolve
    from workbench.core.run.qemu import boot_image_sync

    res = resolve(load_recipe(recipe_path), load_catalogue())
    result = build(res, out / res.recipe.name)
    assert record_build(ws, result) is None
    run = boot_image_sync(result.image, machine=res.recipe.machine, timeout=30)
    assert record_run(ws, res.recipe, run) is None
    return run
