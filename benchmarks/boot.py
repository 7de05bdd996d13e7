"""Boot-time benchmark: how long until an image is ready, against the floor QEMU itself sets.

    python benchmarks/boot.py [IMAGE.elf | RECIPE.toml] [-n 10] [--machine microvm] [--json]

Boots the image N times and, interleaved with it in the same run and with the same QEMU flags,
the "floor" kernel (`kernels/bench/floor.S`: a PVH note and one OUT to the exit device). The
floor is what starting QEMU, building the virtual machine and loading an ELF costs before any
kernel code runs, so

    ready / floor = how many "empty boots" this image's own start-up is worth.

Reports medians (one slow run on a shared machine does not move them) of
first_output_ms (QEMU spawned -> first console byte), ready_ms (-> telemetry record `ready`)
and total_ms (-> QEMU exited). Without an argument, builds and boots kernels/recipes/hello.toml.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.core.model.errors import WorkbenchError  # noqa: E402
from workbench.core.run.qemu import RunResult, boot_image_sync  # noqa: E402

FLOOR_SOURCE = ROOT / "kernels" / "bench" / "floor.S"
FLOOR_SCRIPT = ROOT / "kernels" / "bench" / "floor.ld"
DEFAULT_RECIPE = ROOT / "kernels" / "recipes" / "hello.toml"


def build_floor(out_dir: Path, toolchain: str = "zig") -> Path:
    """Assemble and link the floor kernel with the workbench's own toolchain."""
    from workbench.core.builder.toolchain import get_toolchain

    out_dir.mkdir(parents=True, exist_ok=True)
    obj, image = out_dir / "floor.o", out_dir / "floor.elf"
    tc = get_toolchain(toolchain)
    tc.compile(FLOOR_SOURCE, obj, [])
    tc.link([obj], FLOOR_SCRIPT, image)
    return image


def build_image(recipe: Path, out_dir: Path) -> tuple[Path, str | None]:
    from workbench.core.builder.pipeline import build_recipe

    result = build_recipe(recipe, out_dir / recipe.stem)
    return Path(result.image), getattr(result.recipe, "machine", None)


def machine_of(image: Path) -> str | None:
    from workbench.core.inspect.image import inspect_image

    return inspect_image(image).machine


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def summarise(runs: list[RunResult]) -> dict:
    return {
        "runs": len(runs),
        "statuses": sorted({r.status for r in runs}),
        "first_output_ms": median([r.first_output_ms for r in runs]),
        "ready_ms": median([r.ready_ms for r in runs]),
        "total_ms": median([r.duration_ms for r in runs]),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("target", nargs="?", help="an image (.elf) or a recipe (.toml) to build")
    ap.add_argument("-n", "--runs", type=int, default=10, help="boots of each kernel (10)")
    ap.add_argument("--machine", help="machine to boot on (default: the image's own)")
    ap.add_argument("--timeout", type=float, default=10.0, help="watchdog per boot, seconds")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    work = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    try:
        target = Path(args.target) if args.target else DEFAULT_RECIPE
        machine = args.machine
        if target.suffix == ".toml":
            image, recipe_machine = build_image(target, work)
            machine = machine or recipe_machine
        else:
            image = target
        machine = machine or machine_of(image)
        floor = build_floor(work / "floor")

        image_runs: list[RunResult] = []
        floor_runs: list[RunResult] = []
        started = time.perf_counter()
        for _ in range(args.runs):
            # Interleaved, so a noisy neighbour slows both series alike.
            image_runs.append(boot_image_sync(image, machine=machine, timeout=args.timeout))
            floor_runs.append(boot_image_sync(floor, machine=machine, timeout=args.timeout))
        wall = time.perf_counter() - started
    except WorkbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)

    img, flr = summarise(image_runs), summarise(floor_runs)
    floor_ms = flr["total_ms"]
    ratio = (img["ready_ms"] / floor_ms) if img["ready_ms"] and floor_ms else None
    result = {
        "image": str(image),
        "machine": machine,
        "runs": args.runs,
        "image_results": img,
        "floor_results": flr,
        "ready_over_floor": ratio,
        "total_over_floor": (img["total_ms"] / floor_ms) if floor_ms else None,
        "wall_seconds": round(wall, 3),
        "command": image_runs[0].command if image_runs else [],
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        def f(v):
            return "-" if v is None else f"{v:8.1f}"

        print(f"image   {image}  on {machine}, {args.runs} boots each (medians, ms)")
        print(f"{'':8}{'first out':>10}{'ready':>10}{'total':>10}  statuses")
        print(f"{'image':8}{f(img['first_output_ms']):>10}{f(img['ready_ms']):>10}"
              f"{f(img['total_ms']):>10}  {', '.join(img['statuses'])}")
        print(f"{'floor':8}{'':>10}{'':>10}{f(flr['total_ms']):>10}  {', '.join(flr['statuses'])}")
        if ratio is not None:
            print(f"ready / floor = {ratio:.2f}")
        else:
            print("ready / floor: the image never reported `ready`")
    bad = [r for r in image_runs + floor_runs if r.status in ("error", "timeout")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
