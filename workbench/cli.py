"""The command line: a thin view over the core. `workbench` with no arguments opens the TUI.

Every command that a program may read has `--json`. A user error prints a short report (file,
key, line, what would be valid) and exits with status 2; it never prints a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .core.errors import WorkbenchError

EXIT_USER_ERROR = 2


def _catalogue(args):
    from .core.catalogue import load_catalogue

    ws = getattr(args, "workspace", None)
    return load_catalogue(workspace=Path(ws) if ws else None)


def _resolution(args):
    from .core.recipe import find_recipe, load_recipe
    from .core.resolve import resolve

    recipe = load_recipe(find_recipe(args.recipe))
    return resolve(recipe, _catalogue(args))


def _print_json(data) -> None:
    print(json.dumps(data, indent=2, default=str))


def _kib(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} B"


# ---------------------------------------------------------------- commands

def cmd_components(args) -> int:
    cat = _catalogue(args)
    comps = sorted(cat.components.values(), key=lambda c: (c.layer, c.name))
    if args.json:
        _print_json([{"name": c.name, "layer": c.layer, "summary": c.summary,
                      "provides": c.provides, "requires": c.requires,
                      "lines_of_code": c.lines_of_code(), "origin": c.origin} for c in comps])
        return 0
    w = max(len(c.name) for c in comps) if comps else 4
    print(f"{'COMPONENT':<{w}}  {'LAYER':<8}  {'PROVIDES':<14}  {'LOC':>5}  SUMMARY")
    for c in comps:
        print(f"{c.name:<{w}}  {c.layer:<8}  {','.join(c.provides) or '-':<14}  "
              f"{c.lines_of_code():>5}  {c.summary}")
    print(f"\n{len(comps)} components, {len(cat.interfaces)} interfaces "
          f"({', '.join(sorted(cat.interfaces))})")
    return 0


def cmd_show(args) -> int:
    cat = _catalogue(args)
    if args.name not in cat.components and args.name in cat.interfaces:
        i = cat.interfaces[args.name]
        if args.json:
            _print_json({"interface": i.name, "summary": i.summary, "default": i.default,
                         "providers": [c.name for c in cat.providers_of(i.name)],
                         "functions": [f.prototype() for f in i.functions]})
            return 0
        print(f"interface {i.name} — {i.summary}\n")
        print(f"header:    kernels/include/{i.header}")
        print(f"providers: {', '.join(c.name for c in cat.providers_of(i.name)) or 'none'}"
              + (f" (default {i.default})" if i.default else ""))
        print("functions:")
        for f in i.functions:
            print(f"  {f.prototype()}" + (f"   /* {f.doc} */" if f.doc else ""))
        if i.description:
            print("\n" + i.description.strip())
        return 0
    c = cat.component(args.name)
    if args.json:
        _print_json({"name": c.name, "layer": c.layer, "summary": c.summary,
                     "description": c.description, "provides": c.provides,
                     "requires": c.requires, "sources": c.sources,
                     "options": {k: vars(o) for k, o in c.options.items()},
                     "directory": str(c.directory), "lines_of_code": c.lines_of_code()})
        return 0
    print(f"{c.name} — {c.summary}")
    print(f"layer:    {c.layer}")
    print(f"provides: {', '.join(c.provides) or '-'}")
    print(f"requires: {', '.join(c.requires) or '-'}")
    print(f"sources:  {', '.join(c.sources)}  ({c.lines_of_code()} lines)  in {c.directory}")
    if c.options:
        print("options:")
        for o in c.options.values():
            print(f"  {o.name} ({o.valid_text()}, default {o.default!r}) — {o.doc}")
    if c.description:
        print("\n" + c.description.strip())
    return 0


def cmd_resolve(args) -> int:
    res = _resolution(args)
    if args.json:
        _print_json(res.to_dict())
        return 0
    print(f"recipe {res.recipe.name}: application {res.recipe.application}, layout "
          f"{res.recipe.layout}, machine {res.recipe.machine}")
    print(f"{len(res.components)} components, {res.lines_of_code()} lines of C and assembly\n")
    for c in res.components:
        inc = res.included[c.name]
        line = f"  {c.name:<20} [{c.layer}]"
        if args.explain:
            line += f"  {inc.reason}\n  {'':<20}  chain: {' → '.join(inc.chain)}"
        print(line)
    for w in res.warnings:
        print(f"warning: {w}")
    return 0


def _build(args, res=None):
    from .core.build import build

    res = res or _resolution(args)
    out = Path(args.out) if getattr(args, "out", None) else None

    def progress(kind, data):
        if not getattr(args, "json", False) and kind == "compile":
            print(f"  CC  {data['component']}: {Path(data['source']).name}", file=sys.stderr)
        elif not getattr(args, "json", False) and kind == "link":
            print(f"  LD  {data['image']}", file=sys.stderr)

    return build(res, out, args.toolchain, on_event=progress)


def cmd_build(args) -> int:
    result = _build(args)
    if args.json:
        _print_json(result.to_dict())
        return 0
    print(f"image: {result.image}  ({_kib(result.loadable_bytes)} loadable, "
          f"{_kib(result.memory_bytes)} in memory)  built in {result.seconds:.2f} s "
          f"({result.compiled} compiled, {result.cached} from cache)")
    print(f"\n{'COMPONENT':<20} {'TEXT':>7} {'RODATA':>7} {'DATA':>7} {'BSS':>8} {'DROPPED':>8}")
    for name, s in result.components.items():
        print(f"{name:<20} {s.get('text', 0):>7} {s.get('rodata', 0):>7} {s.get('data', 0):>7} "
              f"{s.get('bss', 0):>8} {result.dropped.get(name, 0):>8}")
    total_dropped = sum(result.dropped.values())
    print(f"\nthe linker dropped {total_dropped} bytes of code and data that nothing references")
    return 0


def cmd_inspect(args) -> int:
    from .core.inspect import inspect_image

    info = inspect_image(Path(args.image))
    if args.json:
        _print_json(info.to_dict())
        return 0
    print(f"{info.path}: entry {info.entry:#x}, {_kib(info.loadable_bytes)} loadable, "
          f"{_kib(info.memory_bytes)} in memory\n")
    print(f"{'START':>18} {'END':>18} {'SIZE':>10} {'PERM':4}  {'KIND':<11} OWNER")
    for r in info.regions:
        print(f"{r.start:#18x} {r.end:#18x} {_kib(r.end - r.start):>10} {r.perms:4}  "
              f"{r.kind:<11} {r.owner}")
        if args.symbols:
            for s in r.symbols:
                print(f"{'':>20}{s.addr:#x}  {s.size:>6}  {s.name}")
    return 0


def cmd_boot(args) -> int:
    from .core.run import boot_image_sync, parse_forward

    forwards = [parse_forward(f) for f in args.forward or []]
    target = Path(args.target)
    machine = args.machine
    network = False
    if target.suffix == ".elf":
        if not target.is_file():
            raise WorkbenchError("image not found", file=target,
                                 hint="build one with: workbench build RECIPE --out DIR")
        image = target
    else:
        res = _resolution(argparse.Namespace(recipe=args.target, workspace=args.workspace))
        result = _build(argparse.Namespace(out=args.out, toolchain=args.toolchain, json=args.json), res)
        image = result.image
        machine = machine or res.recipe.machine
        network = "netdev" in res.providers
    if not args.json:
        for f in forwards:
            print(f"forwarding {f.proto} 127.0.0.1:{f.host_port} -> guest port {f.guest_port}",
                  file=sys.stderr)

    def on_event(ev):
        if args.json:
            return
        if ev.kind == "console":
            sys.stdout.write(ev.text)
            sys.stdout.flush()

    result = boot_image_sync(image, machine=machine or "microvm", timeout=args.timeout,
                             forwards=forwards, network=network or bool(forwards),
                             on_event=on_event)
    if args.json:
        _print_json(result.to_dict())
    else:
        print(f"\n--- {result.status}"
              + (f"  first output {result.first_output_ms:.1f} ms" if result.first_output_ms else "")
              + (f"  ready {result.ready_ms:.1f} ms" if result.ready_ms else "")
              + f"  total {result.duration_ms:.1f} ms", file=sys.stderr)
        if result.panic:
            print("panic: " + ", ".join(f"{k}={v:#x}" if isinstance(v, int) and k != "vector"
                                        else f"{k}={v}" for k, v in result.panic.items()),
                  file=sys.stderr)
    return 0 if result.status == "success" else 1


def cmd_graph(args) -> int:
    from .core.graph import export

    res = _resolution(args)
    fmt = args.format or (Path(args.output).suffix.lstrip(".") or "dot")
    out = export(res, fmt, Path(args.output), highlight=args.why)
    print(f"wrote {out}")
    return 0


def cmd_tui(args) -> int:
    try:
        from .tui.app import run_app
    except ImportError:
        return cmd_components(argparse.Namespace(json=False, workspace=None))
    return run_app(recipe=getattr(args, "recipe", None))


# ---------------------------------------------------------------- parser

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="workbench",
        description="Assemble, inspect and boot unikernels. With no command, opens the workbench UI.",
    )
    p.add_argument("--workspace", help="a folder of your own components (overrides built-in ones)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("components", help="list the component catalogue")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_components)

    s = sub.add_parser("show", help="describe one component or interface")
    s.add_argument("name")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_show)

    s = sub.add_parser("resolve", help="resolve a recipe: which components, and why")
    s.add_argument("recipe", help="a recipe file, or the name of a built-in recipe")
    s.add_argument("--explain", action="store_true", help="say why each component is included")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_resolve)

    s = sub.add_parser("build", help="build a recipe into a bootable image")
    s.add_argument("recipe")
    s.add_argument("--out", help="output folder (default build/<recipe>)")
    s.add_argument("--toolchain", default="zig", help="zig (default) or gcc")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_build)

    s = sub.add_parser("inspect", help="the address-space map of an image")
    s.add_argument("image")
    s.add_argument("--symbols", action="store_true", help="list the symbols of each region")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_inspect)

    s = sub.add_parser("boot", help="boot a recipe (building it first) or an image in QEMU")
    s.add_argument("target", metavar="RECIPE_OR_IMAGE")
    s.add_argument("--timeout", type=float, default=10.0, help="seconds before the watchdog stops it")
    s.add_argument("--machine", choices=["microvm", "pc"], default=None)
    s.add_argument("--forward", action="append", metavar="PROTO:HOSTPORT:GUESTPORT",
                   help="forward 127.0.0.1:HOSTPORT to the guest (repeatable), e.g. udp:5353:53")
    s.add_argument("--out")
    s.add_argument("--toolchain", default="zig")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_boot)

    s = sub.add_parser("graph", help="export the dependency graph of a recipe")
    s.add_argument("recipe")
    s.add_argument("--format", choices=["dot", "svg", "png"])
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--why", metavar="COMPONENT", help="highlight why this component is included")
    s.set_defaults(fn=cmd_graph)

    s = sub.add_parser("tui", help="open the workbench UI")
    s.add_argument("recipe", nargs="?")
    s.set_defaults(fn=cmd_tui)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    fn = getattr(args, "fn", cmd_tui)
    try:
        return fn(args) or 0
    except WorkbenchError as e:
        if getattr(args, "json", False):
            _print_json(e.to_dict())
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
