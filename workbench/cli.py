"""The command line: a thin view over the core. `workbench` with no arguments opens the TUI.

Every command that a program may read has `--json`. A user error prints a short report (file,
key, line, what would be valid) and exits with status 2; it never prints a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
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
    from .core.inspect import human_bytes

    return human_bytes(n)


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
            print(f"  {o.name} ({o.valid_text()}, default {o.default_text()}) — {o.doc}")
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
    print(f"recipe {result.recipe.name}: layout {result.recipe.layout}, "
          f"machine {result.recipe.machine}, toolchain {result.toolchain}")
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
              f"{r.kind:<11} {r.owner}{'  (user)' if r.domain == 'user' else ''}")
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
        if not args.json:
            print(f"recipe {res.recipe.name}: layout {res.recipe.layout}, image {image}",
                  file=sys.stderr)
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


def cmd_compare(args) -> int:
    from .core.layouts import LAYOUT_ORDER, model_layouts
    from .core.measure import human_bytes, measure_layouts

    res = _resolution(args)
    out = Path(args.out) if args.out else Path.cwd() / "build" / f"{res.recipe.name}-layouts"

    def progress(what: str, done: int, total: int) -> None:
        if what != "done":
            print(f"  [{done + 1}/{total}] {what}", file=sys.stderr)

    comp = measure_layouts(res.recipe, out, res.catalogue, args.toolchain, args.timeout,
                           on_progress=None if args.json else progress)
    models = model_layouts(res, None, comp.measured())
    if args.json:
        data = comp.to_dict()
        data["models"] = {m.layout: m.to_dict() for m in models}
        _print_json(data)
        return 0

    def cell(name: str, fn) -> str:
        m = comp.layouts.get(name)
        if m is None or not m.buildable:
            return "—"
        value = fn(m)
        return "—" if value is None else value

    def status(m) -> str:
        if m.boot_error:
            return "did not boot"
        if m.status == "stopped" and m.ready_ms is not None:
            return "ready, stopped"  # an appliance serves until it is stopped
        return m.status or "—"

    def buildable(name: str) -> str:
        m = comp.layouts.get(name)
        return "yes" if m is not None and m.buildable else "no"

    def cycles(name: str):
        return comp.crossing.cycles_per_call(name) if comp.crossing else None

    rows = [
        ("protection domains", {m.layout: str(len(m.domains)) for m in models}),
        ("privileged components", {m.layout: str(len(m.tcb_components)) for m in models}),
        ("traps on a request", {m.layout: str(m.counts["trap"]) for m in models}),
        ("IPC on a request", {m.layout: str(m.counts["ipc"]) for m in models}),
        ("TCB lines of code", {m.layout: f"{m.tcb_lines:,}" for m in models}),
        (None, {}),
        ("buildable", {n: buildable(n) for n in LAYOUT_ORDER}),
        ("run status", {n: cell(n, status) for n in LAYOUT_ORDER}),
        ("image (loadable)", {n: cell(n, lambda m: human_bytes(m.loadable_bytes))
                              for n in LAYOUT_ORDER}),
        ("privileged bytes", {n: cell(n, lambda m: human_bytes(m.privileged_bytes))
                              for n in LAYOUT_ORDER}),
        ("user-mode bytes", {n: cell(n, lambda m: human_bytes(m.user_bytes))
                             for n in LAYOUT_ORDER}),
        ("boot to ready", {n: cell(n, lambda m: m.ready_ms is not None
                                   and f"{m.ready_ms:.1f} ms" or None) for n in LAYOUT_ORDER}),
        ("cycles per crossing", {n: f"{cycles(n):g}" if cycles(n) is not None else "—"
                                 for n in LAYOUT_ORDER}),
    ]
    titles = {"monolithic": "monolithic", "microkernel": "microkernel", "libos": "library OS"}
    print(f"recipe {res.recipe.name}: the same components in three layouts "
          f"(toolchain {comp.toolchain})\n")
    print(f"{'':<24}" + "".join(f"{titles[n]:>18}" for n in LAYOUT_ORDER))
    print("modelled (from the resolution)")
    for label, values in rows:
        if label is None:
            print("measured (built and booted in QEMU)")
            continue
        print(f"  {label:<22}" + "".join(f"{values.get(n, ''):>18}" for n in LAYOUT_ORDER))
    notes = []
    for n in LAYOUT_ORDER:
        m = comp.layouts.get(n)
        if m is not None and not m.buildable:
            notes.append(f"{titles[n]}: not buildable: {m.reason}")
        elif m is not None and m.boot_error:
            notes.append(f"{titles[n]}: did not boot: {m.boot_error}")
    if comp.crossing is not None and comp.crossing.ratio:
        notes.append(f"cycles per crossing: one call of clock_tsc_hz() in crossing-bench, built "
                     f"in each layout (TSC cycles, median of "
                     f"{len(comp.crossing.samples['libos'])} rounds): a system call costs "
                     f"{comp.crossing.ratio:.1f}x a plain call")
        ipc = comp.crossing.ratio_to_libos("microkernel")
        if ipc:
            notes.append(f"in the microkernel the same call is a message to the clock server "
                         f"and its reply: {ipc:.0f}x a plain call")
    elif comp.crossing_error:
        notes.append(f"cycles per crossing not measured: {comp.crossing_error}")
    notes.append("privileged bytes: code and initialised data the image loads into ring 0")
    print()
    for note in notes:
        print(textwrap.fill(note, 80, subsequent_indent="  ", break_on_hyphens=False))
    return 0


def cmd_graph(args) -> int:
    from .core.graph import export

    res = _resolution(args)
    fmt = args.format or (Path(args.output).suffix.lstrip(".") or "dot")
    out = export(res, fmt, Path(args.output), highlight=args.why)
    print(f"wrote {out}")
    return 0


def cmd_tui(args) -> int:
    from .tui.app import run_app

    ws = getattr(args, "workspace", None)
    return run_app(recipe=getattr(args, "recipe", None), workspace=Path(ws) if ws else None)


def cmd_serve(args) -> int:
    from .tui.serve import serve

    print(f"serving the workbench at http://{args.host}:{args.port}/  (Ctrl-C to stop)",
          file=sys.stderr)
    return serve(args.host, args.port, args.recipe)


# ---------------------------------------------------------------- lessons and exercises

def _lesson_lang(args, progress) -> str:
    from .core.progress import LANGUAGES, current_language

    lang = getattr(args, "lang", None)
    if lang and lang not in LANGUAGES:
        raise WorkbenchError(f"unknown language '{lang}'", key="--lang",
                             hint="valid: " + ", ".join(LANGUAGES))
    return lang or current_language(progress)


def _progress():
    from .core.progress import Progress

    p = Progress.load()
    if p.notice:
        print(f"warning: {p.notice}", file=sys.stderr)
    return p


def _lesson_workspace(args) -> Path:
    from .core.grading import default_workspace

    ws = getattr(args, "workspace", None)
    return Path(ws) if ws else default_workspace()


def cmd_lessons(args) -> int:
    from .core.lessons import lesson_status, load_lessons

    progress = _progress()
    lang = _lesson_lang(args, progress)
    lessons = load_lessons()
    rows = []
    for les in lessons:
        done, total = lesson_status(les, progress)
        rows.append({"name": les.name, "title": les.title_in(lang), "done": done, "steps": total})
    if args.json:
        _print_json(rows)
        return 0
    w = max((len(r["name"]) for r in rows), default=4)
    print(("作業フォルダ: " if lang == "ja" else "your workspace: ") + str(_lesson_workspace(args)))
    for r in rows:
        mark = "done" if r["done"] == r["steps"] else f"{r['done']}/{r['steps']}"
        print(f"{r['name']:<{w}}  {mark:>5}  {r['title']}")
    return 0


def cmd_lesson_show(args) -> int:
    from .core.lessons import describe, find_lesson, render_lesson

    progress = _progress()
    lang = _lesson_lang(args, progress)
    les = find_lesson(args.name)
    if args.json:
        data = describe(les, lang)
        data["text"] = les.text(lang)
        data["done"] = progress.done_steps(les.name)
        _print_json(data)
        return 0
    sys.stdout.write(render_lesson(les, lang, progress, width=args.width))
    return 0


def cmd_lesson_check(args) -> int:
    from .core.lessons import check_step, find_lesson

    progress = _progress()
    lang = _lesson_lang(args, progress)
    les = find_lesson(args.name)
    step, result = check_step(les, progress, step_id=args.step, answer=args.answer,
                              workspace=_lesson_workspace(args), lang=lang,
                              toolchain=args.toolchain)
    nxt = les.current_step(progress)
    if args.json:
        _print_json({"lesson": les.name, "step": step.id if step else None, **result.to_dict(),
                     "hint": step.hint_in(lang) if step and not result.passed else None,
                     "next": nxt.id if nxt else None})
        return 0 if result.status != "fail" else 1
    if step is None:
        print(result.message)
        return 0
    word = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP"}[result.status]
    print(f"{word}  {step.title_in(lang)}  ({step.id})")
    print(f"      {result.message}")
    for d in result.details:
        print(f"      {d}")
    if result.status == "fail" and step.hint_in(lang):
        print(("      ヒント: " if lang == "ja" else "      hint: ") + step.hint_in(lang))
    if result.status != "fail":
        if nxt is None:
            print("このレッスンは完了です。" if lang == "ja" else "This lesson is complete.")
        else:
            print(("次: " if lang == "ja" else "next: ") + nxt.title_in(lang)
                  + (f"  [{nxt.screen}]" if nxt.screen else ""))
    return 0 if result.status != "fail" else 1


def cmd_lesson_lang(args) -> int:
    from .core.progress import LANGUAGES

    progress = _progress()
    if args.language not in LANGUAGES:
        raise WorkbenchError(f"unknown language '{args.language}'", key="language",
                             hint="valid: " + ", ".join(LANGUAGES))
    progress.lang = args.language
    progress.save()
    print(f"lesson language: {args.language}")
    return 0


def cmd_lesson_reset(args) -> int:
    from .core.lessons import find_lesson

    progress = _progress()
    les = find_lesson(args.name)
    progress.reset_lesson(les.name)
    progress.save()
    print(f"progress of {les.name} cleared")
    return 0


def cmd_lesson_hash(args) -> int:
    from .core.lessons import answer_hash, find_lesson

    les = find_lesson(args.name)
    les.step(args.step)
    print(answer_hash(les.name, args.step, args.answer))
    return 0


def cmd_exercise_list(args) -> int:
    from .core.grading import list_exercises

    progress = _progress()
    lang = _lesson_lang(args, progress)
    exercises = list_exercises()
    if args.json:
        _print_json([{"name": e.name, "component": e.component, "difficulty": e.difficulty,
                      "title": e.title_in(lang), "points": e.total,
                      "best": progress.exercises.get(e.name, {}).get("best")} for e in exercises])
        return 0
    w = max((len(e.name) for e in exercises), default=4)
    for e in exercises:
        best = progress.exercises.get(e.name, {}).get("best")
        score = f"{best}/{e.total}" if best is not None else f"-/{e.total}"
        print(f"{e.name:<{w}}  {'*' * e.difficulty:<4}  {score:>5}  {e.component:<16} {e.title_in(lang)}")
    return 0


def _exercise_workspace(args) -> Path:
    from .core.grading import default_workspace

    return Path(args.workspace) if getattr(args, "workspace", None) else default_workspace()


def cmd_exercise_start(args) -> int:
    from .core.grading import find_exercise, start_exercise

    ex = find_exercise(args.name)
    folder, copied = start_exercise(ex, _exercise_workspace(args))
    if not copied:
        print(f"{folder} already exists: your work there was left untouched")
    else:
        print(f"copied the starter of '{ex.name}' to {folder}")
    print("edit: " + ", ".join(str(folder / f) for f in ex.files))
    where = f" --workspace {args.workspace}" if getattr(args, "workspace", None) else ""
    print(f"then: workbench grade {ex.name}{where}")
    return 0


def cmd_grade(args) -> int:
    from .core.grading import find_exercise, format_report, grade

    progress = _progress()
    lang = _lesson_lang(args, progress)
    ex = find_exercise(args.name)
    ws = _exercise_workspace(args)
    say = None if args.json else (lambda text: print(f"  {text}", file=sys.stderr))
    report = grade(ex, ws, out_dir=Path(args.out) if args.out else None,
                   toolchain=args.toolchain, lang=lang, on_progress=say)
    if report.graded == "workspace":
        progress.record_grade(ex.name, report.score, report.total)
        progress.save()
    if args.json:
        _print_json(report.to_dict())
    else:
        print(format_report(report))
    return 0 if report.full_marks else 1


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

    s = sub.add_parser("compare", help="build and boot a recipe in every buildable layout; "
                                       "compare sizes, ready time and the cost of a crossing")
    s.add_argument("recipe")
    s.add_argument("--out", help="output folder (default build/<recipe>-layouts)")
    s.add_argument("--toolchain", default="zig", help="zig (default) or gcc")
    s.add_argument("--timeout", type=float, default=30.0, help="watchdog per boot, seconds")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_compare)

    s = sub.add_parser("graph", help="export the dependency graph of a recipe")
    s.add_argument("recipe")
    s.add_argument("--format", choices=["dot", "svg", "png"])
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--why", metavar="COMPONENT", help="highlight why this component is included")
    s.set_defaults(fn=cmd_graph)

    s = sub.add_parser("tui", help="open the workbench UI")
    s.add_argument("recipe", nargs="?")
    s.set_defaults(fn=cmd_tui)

    s = sub.add_parser("serve", help="serve the workbench UI to web browsers (for classrooms)")
    s.add_argument("recipe", nargs="?")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(fn=cmd_serve)
    s = sub.add_parser("lessons", help="list the lessons and your progress")
    s.add_argument("--lang", help="en or ja (default: WB_LANG, your setting, or the locale)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_lessons)

    s = sub.add_parser("lesson", help="read a lesson and check its steps")
    lsub = s.add_subparsers(dest="lesson_command", metavar="ACTION", required=True)
    t = lsub.add_parser("show", help="print a lesson at 80 columns with its steps")
    t.add_argument("name", help="folder name, slug or number, e.g. 02 or hello-unikernel")
    t.add_argument("--lang")
    t.add_argument("--width", type=int, default=80)
    t.add_argument("--json", action="store_true")
    t.set_defaults(fn=cmd_lesson_show)
    t = lsub.add_parser("check", help="check the current step; a hint follows a failure")
    t.add_argument("name")
    t.add_argument("--step", help="check this step instead of the current one")
    t.add_argument("--answer", help="your answer to a quiz step")
    t.add_argument("--workspace", default=argparse.SUPPRESS,
                   help="folder with your recipes and components "
                        "(default: WB_WORKSPACE, else the workspace in your data folder)")
    t.add_argument("--toolchain", default="zig")
    t.add_argument("--lang")
    t.add_argument("--json", action="store_true")
    t.set_defaults(fn=cmd_lesson_check)
    t = lsub.add_parser("lang", help="choose the language of lessons (en or ja)")
    t.add_argument("language")
    t.set_defaults(fn=cmd_lesson_lang)
    t = lsub.add_parser("reset", help="forget the progress of one lesson")
    t.add_argument("name")
    t.set_defaults(fn=cmd_lesson_reset)
    t = lsub.add_parser("hash", help="the stored form of a quiz answer (for lesson authors)")
    t.add_argument("name")
    t.add_argument("step")
    t.add_argument("answer")
    t.set_defaults(fn=cmd_lesson_hash)

    s = sub.add_parser("exercise", help="list and start graded exercises")
    esub = s.add_subparsers(dest="exercise_command", metavar="ACTION", required=True)
    t = esub.add_parser("list", help="one exercise a line, its name first")
    t.add_argument("--lang")
    t.add_argument("--json", action="store_true")
    t.set_defaults(fn=cmd_exercise_list)
    t = esub.add_parser("start", help="copy an exercise's starter into your workspace")
    t.add_argument("name")
    t.add_argument("--workspace", default=argparse.SUPPRESS,
                   help="default: the workspace folder in your workbench data folder")
    t.set_defaults(fn=cmd_exercise_start)

    s = sub.add_parser("grade", help="build and boot the tests of an exercise; score it")
    s.add_argument("name")
    s.add_argument("--workspace", default=argparse.SUPPRESS,
                   help="where your copy is (no copy there: the reference is graded)")
    s.add_argument("--out", help="folder for transcripts and grade.json")
    s.add_argument("--toolchain", default="zig")
    s.add_argument("--lang")
    s.add_argument("--json", action="store_true", help="the report as JSON, e.g. for an LMS")
    s.set_defaults(fn=cmd_grade)

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
