"""Every figure of the README, regenerated: runs each benchmark command the README names.

The commands are read from README.md itself (every `` `.venv/bin/python benchmarks/…` ``,
`` `workbench baseline …` `` and `` `workbench boot ipc-bench` `` quoted in its "Benchmarks"
section; a command with RECIPE in it runs once for each image in the first column of the table
that follows it), so a figure in the README and the command that produces it cannot drift
apart.

    .venv/bin/python benchmarks/figures.py            # run them all, one after the other
    .venv/bin/python benchmarks/figures.py --list     # only say which commands
    .venv/bin/python benchmarks/figures.py build net  # only those whose script name matches

The output of each command is printed under its name; copy the figures into the README.
Slow: the network and Linux comparisons take minutes each. Run on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMMAND = re.compile(r"`((?:\.venv/bin/python benchmarks/|workbench baseline |workbench boot ipc-bench)[^`]*)`")
ROW = re.compile(r"^\| ([\w-]+) \|", re.M)


def readme_commands(readme: Path = REPO / "README.md") -> list[str]:
    """The benchmark commands quoted in the README's Benchmarks section, in order, once each."""
    text = readme.read_text()
    start = text.find("\n## Benchmarks")
    end = text.find("\n## ", start + 1)
    section = text[start:end if end > 0 else None] if start >= 0 else ""
    seen: list[str] = []
    for m in COMMAND.finditer(section):
        cmd = " ".join(m.group(1).split())
        if "benchmarks/figures.py" in cmd:
            continue
        table = section[m.end():].split("\n\n|", 1)[-1].split("\n\n", 1)[0]
        names = [n for n in ROW.findall("|" + table) if not set(n) <= {"-"}][1:]  # no header
        for one in ([cmd.replace("RECIPE", n) for n in names] if "RECIPE" in cmd else [cmd]):
            if one not in seen:
                seen.append(one)
    return seen


def run(cmd: str) -> int:
    argv = shlex.split(cmd)
    if argv[0] == "workbench":
        argv = [str(Path(sys.executable).parent / "workbench"), *argv[1:]]
    else:
        argv[0] = sys.executable
    print(f"\n=== {cmd}", flush=True)
    return subprocess.run(argv, cwd=REPO).returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("only", nargs="*", help="run only commands containing one of these words")
    ap.add_argument("--list", action="store_true", help="print the commands, run nothing")
    args = ap.parse_args(argv)
    commands = [c for c in readme_commands() if not args.only or any(w in c for w in args.only)]
    if args.list:
        print("\n".join(commands))
        return 0
    failed = [c for c in commands if run(c) != 0]
    for c in failed:
        print(f"failed: {c}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
