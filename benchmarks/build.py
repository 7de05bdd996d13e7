"""Build benchmark: cold and warm build time and loadable bytes of each built-in recipe.

Medians over several runs. The baseline, measured in the same run, is the toolchain compiling
one empty C file: a cold build cannot be faster than its compiler starting up.

    .venv/bin/python benchmarks/build.py [--runs 5] [--toolchain zig] [--json] [recipe ...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.core.builder.pipeline import build  # noqa: E402
from workbench.core.builder.toolchain import get_toolchain  # noqa: E402
from workbench.core.model.catalogue import load_catalogue  # noqa: E402
from workbench.core.model.recipe import load_recipe, recipes_dir  # noqa: E402
from workbench.core.model.resolve import resolve  # noqa: E402


def empty_compile(tc, tmp: Path) -> float:
    src = tmp / "empty.c"
    src.write_text("int wb_empty;\n")
    t0 = time.perf_counter()
    tc.compile(src, tmp / "empty.o", [])
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("recipes", nargs="*")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--toolchain", default="zig")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    names = args.recipes or ["hello", "selftest", "fault", "hang"]
    cat = load_catalogue()
    tc = get_toolchain(args.toolchain)
    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        empty_compile(tc, tmp)  # warm the compiler's own caches once
        floor = statistics.median(empty_compile(tc, tmp) for _ in range(args.runs))
        for name in names:
            res = resolve(load_recipe(recipes_dir() / f"{name}.toml"), cat)
            cold, warm = [], []
            for i in range(args.runs):
                os.environ["WB_CACHE"] = str(tmp / f"cache-{name}-{i}")
                out = tmp / f"out-{name}-{i}"
                t0 = time.perf_counter()
                result = build(res, out, args.toolchain)
                cold.append(time.perf_counter() - t0)
                for _ in range(2):
                    t0 = time.perf_counter()
                    again = build(res, out, args.toolchain)
                    warm.append(time.perf_counter() - t0)
                    assert again.compiled == 0 and not again.linked
            rows.append({
                "recipe": name,
                "cold_s": statistics.median(cold),
                "warm_s": statistics.median(warm),
                "loadable_bytes": result.loadable_bytes,
                "objects": result.compiled,
                "cold_over_empty_compile": statistics.median(cold) / floor,
            })
    if args.json:
        print(json.dumps({"toolchain": args.toolchain, "runs": args.runs,
                          "empty_compile_s": floor, "recipes": rows}, indent=2))
        return 0
    print(f"toolchain {args.toolchain}, {args.runs} runs, medians; "
          f"baseline: one empty compile = {floor * 1000:.0f} ms")
    print(f"{'recipe':<10} {'objects':>7} {'cold':>9} {'warm':>9} {'cold/empty':>10} {'loadable':>10}")
    for r in rows:
        print(f"{r['recipe']:<10} {r['objects']:>7} {r['cold_s'] * 1000:>7.0f}ms {r['warm_s'] * 1000:>7.1f}ms "
              f"{r['cold_over_empty_compile']:>9.1f}x {r['loadable_bytes']:>9} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
