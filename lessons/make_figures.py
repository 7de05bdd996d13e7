"""Regenerate every figure the lessons use:  python lessons/make_figures.py

Figures are generated, never drawn by hand, so they always match the components: the
dependency graphs come from `workbench graph` on the real recipes, the design overview from
a DOT file kept beside its SVG. Recipes that do not exist yet are skipped with a message.

Each figure is made twice from the same DOT source: an SVG for the browser and the docs, and a
PNG beside it for the terminal, which shows pictures as pixels (the Lessons screen draws the
PNG with the terminal's graphics protocol, or with coloured half-cells where it has none).
`planned()` lists every file this script makes; a test checks that it covers every figure a
lesson names.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KERNELS = HERE.parent / "kernels"
FORMATS = ("svg", "png")  # the browser's and the terminal's
PNG_DPI = 96  # Graphviz's own default: labels stay legible at full screen in half-cells

# (recipe, output without its suffix, extra arguments)
GRAPHS = [
    ("hello", "02-hello-unikernel/assets/hello-graph", []),
    ("selftest", "04-interfaces-and-providers/assets/selftest-graph", []),
    ("selftest", "05-specialisation/assets/selftest-why-libc", ["--why", "libc-mini"]),
    ("dns", "09-dns-appliance/assets/dns-graph", []),
    ("httpd", "10-web-server/assets/httpd-graph", []),
    ("hello-monolithic", "11-trusted-computing-base/assets/hello-monolithic-domains", []),
    ("hello-microkernel", "13-microkernel/assets/hello-microkernel-domains", []),
]


def dot_sources() -> list[Path]:
    """Figures drawn from a DOT file kept in the lesson's assets/ folder."""
    return sorted(HERE.glob("*/assets/*.dot"))


def planned() -> list[str]:
    """Every file this script writes, relative to lessons/ ("02-hello-unikernel/assets/x.png")."""
    stems = [str(dot.relative_to(HERE).with_suffix("")) for dot in dot_sources()]
    stems += [out for _, out, _ in GRAPHS]
    return sorted(f"{stem}.{fmt}" for stem in stems for fmt in FORMATS)


def main() -> int:
    for dot in dot_sources():
        for fmt in FORMATS:
            out = dot.with_suffix(f".{fmt}")
            dpi = [f"-Gdpi={PNG_DPI}"] if fmt == "png" else []
            subprocess.run(["dot", f"-T{fmt}", *dpi, str(dot), "-o", str(out)], check=True)
            print(f"wrote {out.relative_to(HERE)}")
    for recipe, out, extra in GRAPHS:
        if not (KERNELS / "recipes" / f"{recipe}.toml").exists():
            print(f"skipped {out}: recipe '{recipe}' does not exist yet")
            continue
        for fmt in FORMATS:
            target = HERE / f"{out}.{fmt}"
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, "-m", "workbench", "graph", recipe, "-o", str(target),
                            *extra], check=True, cwd=HERE.parent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
