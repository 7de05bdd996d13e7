"""Grading a class: `workbench grade --all` over a folder of learners' workspaces.

    python benchmarks/grade_class.py [-n 50] [--exercise bump] [--jobs 1 2] [--json]

Makes N workspaces (every other one the finished exercise, the rest the untouched starter,
so both full builds and failing runs are timed), then grades the folder with each --jobs
value in turn, the same folder each time, with a warm object cache (a first grading warms it
and is not counted). Reports the wall time of each and its ratio to --jobs 1, and checks
that the CSV has one row per learner.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def workbench(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def make_class(folder: Path, n: int, exercise: str, env: dict) -> None:
    component = json.loads(workbench("exercise", "list", "--json", env=env).stdout)
    component = next(e["component"] for e in component if e["name"] == exercise)
    for i in range(1, n + 1):
        ws = folder / f"learner{i:03d}"
        if i % 2 == 0:
            ws.mkdir(parents=True)
            shutil.copytree(ROOT / "kernels" / "lib" / component, ws / component)
        else:
            r = workbench("exercise", "start", exercise, "--workspace", str(ws), env=env)
            if r.returncode != 0:
                raise SystemExit(r.stderr)


def grade_all(folder: Path, exercise: str, jobs: int, env: dict) -> float:
    start = time.monotonic()
    r = workbench("grade", "--all", str(folder), exercise, "--jobs", str(jobs), env=env)
    took = time.monotonic() - start
    if r.returncode != 0:
        raise SystemExit(r.stderr)
    rows = list(csv.reader(io.StringIO(r.stdout)))
    learners = [p for p in folder.iterdir() if p.is_dir()]
    assert len(rows) == len(learners) + 1, "one row per learner"
    return took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=50, help="learners (default 50)")
    ap.add_argument("--exercise", default="bump")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="wb-grade-class-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "WB_HOME": str(tmp / "home")}
        env.setdefault("WB_CACHE", str(tmp / "cache"))
        make_class(tmp / "class", args.n, args.exercise, env)
        grade_all(tmp / "class", args.exercise, max(args.jobs), env)  # warms the object cache
        times = {jobs: grade_all(tmp / "class", args.exercise, jobs, env) for jobs in args.jobs}
    base = times[args.jobs[0]]
    result = {"learners": args.n, "exercise": args.exercise, "cpus": os.cpu_count(),
              "seconds": {str(j): round(t, 2) for j, t in times.items()},
              "ratio_to_first": {str(j): round(t / base, 2) for j, t in times.items()}}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for j, t in times.items():
            print(f"--jobs {j}: {t:6.1f} s for {args.n} workspaces "
                  f"({t / args.n:.2f} s each, x{t / base:.2f} of --jobs {args.jobs[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
