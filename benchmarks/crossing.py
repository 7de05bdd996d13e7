"""Crossing benchmark: what one call across an interface costs in each of the three layouts.

    python benchmarks/crossing.py [-n 5] [--calls 10000] [--toolchain zig] [--json]

Builds the application `crossing-bench` three times from the same sources — `layout = "libos"`
(the call is a plain function call), `layout = "monolithic"` (the same call is a system call
through the generated stub, the kernel's entry path and the dispatcher table) and
`layout = "microkernel"` (a message to the clock server in its own address space, and the
reply, through the kernel) — and boots each N times, interleaved so a noisy neighbour slows
all alike. Inside the guest the
application times `calls` calls of `clock_tsc_hz()` with the TSC, several rounds per boot, and
reports `bench name=crossing ... cycles_per_call=C loop_cycles=L` on telemetry.

Reports medians over every round of every boot (the first round of each boot is a warm-up and
left out): cycles per call in each layout, the empty loop's cycles (the floor, measured in the
same run), and the ratios to libos. The building, booting and reading of telemetry
is `workbench.core.run.measure.measure_crossing`, which the Compare screen and `workbench compare`
call with one boot per layout. Under QEMU's software emulation (TCG) the TSC is
virtual: the cycles are the emulated machine's, comparable with each other, not with hardware.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.core.model.errors import WorkbenchError  # noqa: E402
from workbench.core.run.measure import MEASURED_LAYOUTS, measure_crossing  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--runs", type=int, default=5, help="boots of each layout (5)")
    ap.add_argument("--calls", type=int, default=10000, help="calls per round (10000)")
    ap.add_argument("--rounds", type=int, default=7, help="rounds per boot (7; the first is warm-up)")
    ap.add_argument("--toolchain", default="zig", choices=("zig", "gcc"))
    ap.add_argument("--timeout", type=float, default=30.0, help="watchdog per boot, seconds")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    if args.runs < 1 or args.rounds < 2:
        ap.error("--runs must be at least 1 and --rounds at least 2")

    # The same function the Compare screen and `workbench compare` use, with more boots.
    work = Path(tempfile.mkdtemp(prefix="wb-crossing-"))
    try:
        cost = measure_crossing(work, runs=args.runs, calls=args.calls, rounds=args.rounds,
                                toolchain=args.toolchain, timeout=args.timeout)
    except WorkbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)

    result = cost.to_dict()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"crossings: {args.calls} per round, {args.runs} boots per layout, toolchain "
          f"{args.toolchain} (medians, TSC cycles)")
    print(f"{'layout':<13}{'application':<16}{'per crossing':>13}{'floor':>8}{'samples':>9}"
          f"{'loadable':>10}")
    for layout in MEASURED_LAYOUTS:
        s = result["layouts"][layout]
        print(f"{layout:<13}{s['application']:<16}{s['cycles_per_call']:>13g}"
              f"{s['loop_cycles']:>8g}{s['samples']:>9}{s['loadable_bytes']:>10}")
    print("(floor: the same loop calling nothing)")
    if result["monolithic_over_libos"]:
        print(f"\nmonolithic / libos: {result['monolithic_over_libos']:.1f}x  "
              f"(a system call costs about {result['crossing_cycles']} cycles more than a call)")
    if result["microkernel_over_libos"]:
        print(f"microkernel / libos: {result['microkernel_over_libos']:.0f}x  "
              f"(a message to the clock server and its reply: two traps and two switches of "
              f"address space)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
