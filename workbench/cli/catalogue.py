"""The catalogue and resolution: `components`, `show`, `resolve`."""

from __future__ import annotations

from workbench.i18n import _, language

from .common import catalogue_for, print_json, resolution_for


def cmd_components(args) -> int:
    cat = catalogue_for(args)
    comps = sorted(cat.components.values(), key=lambda c: (c.layer, c.name))
    if args.json:
        print_json([{"name": c.name, "layer": c.layer, "summary": c.summary,
                      "provides": c.provides, "requires": c.requires,
                      "lines_of_code": c.lines_of_code(), "origin": c.origin} for c in comps])
        return 0
    w = max(len(c.name) for c in comps) if comps else 4
    print(f"{'COMPONENT':<{w}}  {'LAYER':<8}  {'PROVIDES':<14}  {'LOC':>5}  SUMMARY")
    for c in comps:
        print(f"{c.name:<{w}}  {c.layer:<8}  {','.join(c.provides) or '-':<14}  "
              f"{c.lines_of_code():>5}  {c.text('summary', language())}")
    print("\n" + _("{components} components, {interfaces} interfaces ({names})").format(
        components=len(comps), interfaces=len(cat.interfaces),
        names=", ".join(sorted(cat.interfaces))))
    return 0


def cmd_show(args) -> int:
    cat = catalogue_for(args)
    if args.name not in cat.components and args.name in cat.interfaces:
        i = cat.interfaces[args.name]
        if args.json:
            print_json({"interface": i.name, "summary": i.summary, "default": i.default,
                         "providers": [c.name for c in cat.providers_of(i.name)],
                         "functions": [f.prototype() for f in i.functions]})
            return 0
        print(_("interface {name} — {summary}").format(
            name=i.name, summary=i.text("summary", language())) + "\n")
        print(_("header:    {path}").format(path=f"kernels/include/{i.header}"))
        print(_("providers: {names}").format(
            names=", ".join(c.name for c in cat.providers_of(i.name)) or _("none"))
              + (" " + _("(default {name})").format(name=i.default) if i.default else ""))
        print(_("functions:"))
        for f in i.functions:
            print(f"  {f.prototype()}" + (f"   /* {f.text('doc', language())} */" if f.doc else ""))
        if i.description:
            print("\n" + i.text("description", language()).strip())
        return 0
    c = cat.component(args.name)
    if args.json:
        print_json({"name": c.name, "layer": c.layer, "summary": c.summary,
                     "description": c.description, "provides": c.provides,
                     "requires": c.requires, "sources": c.sources,
                     "options": {k: vars(o) for k, o in c.options.items()},
                     "directory": str(c.directory), "lines_of_code": c.lines_of_code()})
        return 0
    print(f"{c.name} — {c.text('summary', language())}")
    print(_("layer:    {layer}").format(layer=c.layer))
    print(_("provides: {names}").format(names=", ".join(c.provides) or "-"))
    print(_("requires: {names}").format(names=", ".join(c.requires) or "-"))
    print(_("sources:  {files}  ({lines} lines)  in {folder}").format(
        files=", ".join(c.sources), lines=c.lines_of_code(), folder=c.directory))
    if c.options:
        print(_("options:"))
        for o in c.options.values():
            print("  " + _("{name} ({valid}, default {default}) — {doc}").format(
                name=o.name, valid=o.valid_text(), default=o.default_text(),
                doc=o.text("doc", language())))
    if c.description:
        print("\n" + c.text("description", language()).strip())
    return 0


def cmd_resolve(args) -> int:
    res = resolution_for(args)
    if args.json:
        print_json(res.to_dict())
        return 0
    print(_("recipe {recipe}: application {application}, layout {layout}, machine "
            "{machine}").format(recipe=res.recipe.name, application=res.recipe.application,
                                layout=res.recipe.layout, machine=res.recipe.machine))
    print(_("{count} components, {lines} lines of C and assembly").format(
        count=len(res.components), lines=res.lines_of_code()) + "\n")
    for c in res.components:
        inc = res.included[c.name]
        line = f"  {c.name:<20} [{c.layer}]"
        if args.explain:
            line += f"  {inc.said()}\n  {'':<20}  " + _("chain: {chain}").format(
                chain=" → ".join(inc.chain))
        print(line)
    for w in res.warnings:
        print(_("warning: {warning}").format(warning=w))
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("components", help=_("list the component catalogue"))
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_components)

    s = sub.add_parser("show", help=_("describe one component or interface"))
    s.add_argument("name")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_show)

    s = sub.add_parser("resolve", help=_("resolve a recipe: which components, and why"))
    s.add_argument("recipe", help=_("a recipe file, or the name of a built-in recipe"))
    s.add_argument("--explain", action="store_true",
                   help=_("say why each component is included"))
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_resolve)
