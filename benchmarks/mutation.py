"""Mutation score of the test suite on the modules whose mistakes would mislead a learner.

mutmut (from PyPI: `pip install mutmut`) changes one thing at a time in a module — a `<` into
`<=`, a constant, a `return` value, a dropped call — and runs the tests that reach the changed
function; a mutant the tests do not notice ("survived") is a mistake the suite would let
through. The score is the share of mutants killed (a test failed, or the run timed out) among
those checked; a mutant in code no test of the group reaches ("no tests") counts as survived.

    .venv/bin/python benchmarks/mutation.py                    # every module group below
    .venv/bin/python benchmarks/mutation.py grading --minutes 10
    .venv/bin/python benchmarks/mutation.py --survivors        # also list what survived

Slow, so not part of the test suite: each group runs in a copy of the checkout (mutmut writes
its `mutants/` there, never here), for at most `--minutes` of wall time; mutants not reached in
that time count as not tested, and the report says how many were tested. Only the fast tests
of each group run (`-m "not qemu"`): a test that boots QEMU for every mutant would take hours.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COPY = ["workbench", "tests", "kernels", "lessons", "pyproject.toml"]
GROUPS = {  # name -> (modules mutated, tests run)
    "resolution": (["workbench/core/model/resolve.py"],
                   ["tests/test_resolve.py", "tests/test_resolve_properties.py",
                    "tests/test_resolve_messages.py"]),
    "zone-compiler": (["workbench/core/builder/generators/zonefile.py",
                       "workbench/core/builder/generators/zonetables.py"],
                      ["tests/test_zonefile.py", "tests/test_zone_vs_dnspython.py",
                       "tests/test_zonefile_messages.py", "tests/test_zone_tables.py"]),
    "site-collector": (["workbench/core/builder/generators/site.py"],
                       ["tests/test_site.py"]),
    "grading": (["workbench/core/learn/grading.py", "workbench/core/learn/submission.py",
                 "workbench/core/learn/wirecheck.py"],
                ["tests/test_grading.py", "tests/test_grading_contracts.py",
                 "tests/test_grading_scoring.py", "tests/test_grading_words.py",
                 "tests/test_grading_build.py", "tests/test_grading_details.py"]),
}
KILLED = {"killed", "timeout"}
MISSED = {"survived", "no tests"}


def prepare(work: Path, modules: list[str], tests: list[str]) -> None:
    """A copy of the checkout with mutmut's configuration for one group."""
    for name in COPY:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, work / name, ignore=shutil.ignore_patterns(
                "__pycache__", ".grade", "mutants", "*.pyc"))
        else:
            shutil.copy2(src, work / name)
    lines = ["[mutmut]", "source_paths =", "    workbench/", "only_mutate ="]
    lines += [f"    {m}" for m in modules]
    lines += ["pytest_add_cli_args =", "    -m", "    not qemu", "    -p", "    no:randomly",
              "    -p", "    no:cacheprovider", "pytest_add_cli_args_test_selection ="]
    lines += [f"    {t}" for t in tests if (REPO / t.split("::")[0]).exists()]
    lines += ["also_copy =", "    kernels/", "    lessons/"]
    (work / "setup.cfg").write_text("\n".join(lines) + "\n")


def run_group(name: str, minutes: float, keep: bool) -> dict:
    modules, tests = GROUPS[name]
    work = Path(tempfile.mkdtemp(prefix="wb-mutation-"))
    t0 = time.monotonic()
    try:
        prepare(work, modules, tests)
        env = {**os.environ, "WB_HOME": str(work / "home"), "PYTHONDONTWRITEBYTECODE": "1"}
        mutmut = [sys.executable, "-m", "mutmut", "run", "--max-children", "2"]
        proc = subprocess.Popen(mutmut, cwd=work, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=minutes * 60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            _, err = proc.communicate()
        found = results(work)
        error = ""
        if proc.returncode not in (0, -15) and found["tested"] == 0:
            error = (err.strip().splitlines() or ["the unmutated tests fail: run them first"])[-1]
        return {"group": name, "modules": modules, **found, "minutes": round(
            (time.monotonic() - t0) / 60, 1), "finished": proc.returncode == 0, "error": error}
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def results(work: Path) -> dict:
    """Counts by status from mutmut's own results, and the names of the survivors."""
    proc = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=work,
                          capture_output=True, text=True)
    status: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        mutant, _, verdict = line.strip().rpartition(": ")
        if mutant:
            status[mutant] = verdict.strip()
    counts: dict[str, int] = {}
    for verdict in status.values():
        counts[verdict] = counts.get(verdict, 0) + 1
    killed = sum(n for v, n in counts.items() if v in KILLED)
    tested = killed + sum(n for v, n in counts.items() if v in MISSED)
    return {"mutants": len(status), "tested": tested, "killed": killed, "counts": counts,
            "score": round(100 * killed / tested, 1) if tested else None,
            "survivors": sorted(m for m, v in status.items() if v in MISSED)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("groups", nargs="*", choices=[[], *GROUPS], metavar="GROUP",
                    help="which: " + ", ".join(GROUPS) + " (default: all)")
    ap.add_argument("--minutes", type=float, default=8.0, help="wall time per group (8)")
    ap.add_argument("--survivors", action="store_true", help="list the mutants that survived")
    ap.add_argument("--keep", action="store_true", help="keep the working copies (their paths are printed)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if shutil.which("mutmut") is None and not (Path(sys.executable).parent / "mutmut").exists():
        print("mutmut is not installed: .venv/bin/python -m pip install mutmut", file=sys.stderr)
        return 2
    reports = [run_group(g, args.minutes, args.keep) for g in args.groups or GROUPS]
    if args.json:
        print(json.dumps(reports, indent=2))
        return 0
    print(f"{'group':<16}{'score':>8}{'killed':>8}{'tested':>8}{'mutants':>9}  minutes")
    for r in reports:
        score = f"{r['score']:.1f}%" if r["score"] is not None else "—"
        print(f"{r['group']:<16}{score:>8}{r['killed']:>8}{r['tested']:>8}{r['mutants']:>9}  "
              f"{r['minutes']}{'' if r['finished'] else ' (time limit)'}"
              + (f"  error: {r['error']}" if r["error"] else ""))
        if args.survivors:
            for m in r["survivors"]:
                print(f"    survived: {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
