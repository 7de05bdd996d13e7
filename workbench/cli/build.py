"""Images: `build`, `inspect` and `graph` (what was built, and why each part is there)."""

from __future__ import annotations

from pathlib import Path

from workbench.i18n import _

from .common import build_image, kib, note_learner_build, print_json, resolution_for


def cmd_build(args) -> int:
    result = build_image(args)
    note_learner_build(args, result)  # a lesson step may judge the learner's own build
    if args.json:
        print_json(result.to_dict())
        return 0
    print(_("recipe {recipe}: layout {layout}, machine {machine}, toolchain {toolchain}").format(
        recipe=result.recipe.name, layout=result.recipe.layout, machine=result.recipe.machine,
        toolchain=result.toolchain))
    print(_("image: {image}  ({loadable} loadable, {memory} in memory)  built in {seconds} s "
            "({compiled} compiled, {cached} from cache)").format(
        image=result.image, loadable=kib(result.loadable_bytes), memory=kib(result.memory_bytes),
        seconds=f"{result.seconds:.2f}", compiled=result.compiled, cached=result.cached))
    print(f"\n{'COMPONENT':<20} {'TEXT':>7} {'RODATA':>7} {'DATA':>7} {'BSS':>8} {'DROPPED':>8}")
    for name, s in result.components.items():
        print(f"{name:<20} {s.get('text', 0):>7} {s.get('rodata', 0):>7} {s.get('data', 0):>7} "
              f"{s.get('bss', 0):>8} {result.dropped.get(name, 0):>8}")
    total_dropped = sum(result.dropped.values())
    print("\n" + _("the linker dropped {count} bytes of code and data that nothing "
                   "references").format(count=total_dropped))
    return 0


def cmd_inspect(args) -> int:
    from workbench.core.inspect.image import inspect_image  # pyelftools: +21 ms on every command

    info = inspect_image(Path(args.image))
    if args.json:
        print_json(info.to_dict())
        return 0
    print(_("{path}: entry {entry}, {loadable} loadable, {memory} in memory").format(
        path=info.path, entry=f"{info.entry:#x}", loadable=kib(info.loadable_bytes),
        memory=kib(info.memory_bytes)) + "\n")
    print(f"{'START':>18} {'END':>18} {'SIZE':>10} {'PERM':4}  {'KIND':<11} OWNER")
    for r in info.regions:
        print(f"{r.start:#18x} {r.end:#18x} {kib(r.end - r.start):>10} {r.perms:4}  "
              f"{r.kind:<11} {r.owner}" + ("  " + _("(user)") if r.domain == "user" else ""))
        if args.symbols:
            for s in r.symbols:
                print(f"{'':>20}{s.addr:#x}  {s.size:>6}  {s.name}")
    return 0


def cmd_graph(args) -> int:
    from workbench.core.inspect.graph import export  # Graphviz, networkx: +70 ms on every command

    res = resolution_for(args)
    fmt = args.format or (Path(args.output).suffix.lstrip(".") or "dot")
    out = export(res, fmt, Path(args.output), highlight=args.why)
    print(_("wrote {path}").format(path=out))
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("build", help=_("build a recipe into a bootable image"))
    s.add_argument("recipe")
    s.add_argument("--out", help=_("output folder (default build/<recipe>)"))
    s.add_argument("--toolchain", default="zig", help=_("zig (default) or gcc"))
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_build)

    s = sub.add_parser("inspect", help=_("the address-space map of an image"))
    s.add_argument("image")
    s.add_argument("--symbols", action="store_true", help=_("list the symbols of each region"))
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_inspect)

    s = sub.add_parser("graph", help=_("export the dependency graph of a recipe"))
    s.add_argument("recipe")
    s.add_argument("--format", choices=["dot", "svg", "png"])
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--why", metavar="COMPONENT",
                   help=_("highlight why this component is included"))
    s.set_defaults(fn=cmd_graph)
