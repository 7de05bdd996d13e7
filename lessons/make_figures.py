"""Regenerate every figure the lessons use:  python lessons/make_figures.py

Figures are generated, never drawn by hand, so they always match the components: the
dependency graphs come from `workbench graph` on the real recipes, the design overview from
a DOT file kept beside its SVG. Recipes that do not exist yet are skipped with a message.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KERNELS = HERE.parent / "kernels"

# (recipe, output, extra arguments)
GRAPHS = [
    ("hello", "02-hello-unikernel/assets/hello-graph.svg", []),
    ("selftest", "04-interfaces-and-providers/assets/selftest-graph.svg", []),
    ("selftest", "05-specialisation/assets/selftest-why-libc.svg", ["--why", "libc-mini"]),
    ("dns", "09-dns-appliance/assets/dns-graph.svg", []),
    ("httpd", "10-web-server/assets/httpd-graph.svg", []),
    ("hello-monolithic", "11-trusted-computing-base/assets/hello-monolithic-domains.svg", []),
    ("hello-microkernel", "13-microkernel/assets/hello-microkernel-domains.svg", []),
]


def main() -> int:
    for dot in sorted(HERE.glob("*/assets/*.dot")):
        subprocess.run(["dot", "-Tsvg", str(dot), "-o", str(dot.with_suffix(".svg"))], check=True)
        print(f"wrote {dot.with_suffix('.svg').relative_to(HERE)}")
    for recipe, out, extra in GRAPHS:
        if not (KERNELS / "recipes" / f"{recipe}.toml").exists():
            print(f"skipped {out}: recipe '{recipe}' does not exist yet")
            continue
        target = HERE / out
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "workbench", "graph", recipe, "-o", str(target), *extra],
                       check=True, cwd=HERE.parent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
