"""What every command shares: the recipe it names, its resolution and build, JSON output.

Every command's module is imported to build the parser, so what one command alone needs is
imported where it is used when it weighs on the others' start-up (figures: `workbench lessons`,
the lightest command, measured with and without the import).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from workbench.i18n import _

EXIT_USER_ERROR = 2


def catalogue_for(args):
    """The catalogue, with the components of `--workspace` when it is given."""
    from workbench.core.model.catalogue import load_catalogue  # +5 ms on every command

    ws = getattr(args, "workspace", None)
    return load_catalogue(workspace=Path(ws) if ws else None)


def resolution_for(args):
    """The resolution of the recipe `args.recipe` names (a file or a built-in recipe)."""
    # recipes (with the layout registry) +19 ms on every command, resolution (networkx) +62 ms
    from workbench.core.model.recipe import find_recipe, load_recipe
    from workbench.core.model.resolve import resolve

    recipe = load_recipe(find_recipe(args.recipe))
    return resolve(recipe, catalogue_for(args))


def print_json(data) -> None:
    print(json.dumps(data, indent=2, default=str))


def pad(text: str, width: int, align: str = "<") -> str:
    """`text` padded to `width` terminal cells (a Japanese character takes two), aligned
    left ("<") or right (">"): an f-string's width counts characters."""
    from rich.cells import cell_len

    room = " " * max(0, width - cell_len(text))
    return text + room if align == "<" else room + text


def kib(n: int) -> str:
    from workbench.core.inspect.image import human_bytes  # pyelftools: +21 ms on every command

    return human_bytes(n)


def build_image(args, res=None):
    """Build the recipe (or the resolution `res`), reporting each compile and link on stderr."""
    from workbench.core.builder.pipeline import build  # +101 ms on every command

    res = res or resolution_for(args)
    out = Path(args.out) if getattr(args, "out", None) else None

    def progress(kind, data):
        if not getattr(args, "json", False) and kind == "compile":
            print(f"  CC  {data['component']}: {Path(data['source']).name}", file=sys.stderr)
        elif not getattr(args, "json", False) and kind == "link":
            print(f"  LD  {data['image']}", file=sys.stderr)
        elif kind == "wait":
            print(f"  {data['message']}", file=sys.stderr)  # made in the language: core/builder

    return build(res, out, args.toolchain, on_event=progress)


def note_learner_build(args, result) -> None:
    """Record the learner's own build in their workspace, for lesson steps about it
    (workbench/core/learn/lastrun.py); a workspace that cannot be written is only mentioned."""
    from workbench.core.learn.lastrun import record_build

    ws = getattr(args, "workspace", None)
    problem = record_build(Path(ws) if ws else None, result)
    if problem:
        print(_("note: {note}").format(note=problem), file=sys.stderr)


def note_learner_run(args, recipe, run) -> None:
    """Record the learner's own run of `recipe`, like note_learner_build."""
    from workbench.core.learn.lastrun import record_run

    ws = getattr(args, "workspace", None)
    problem = record_run(Path(ws) if ws else None, recipe, run)
    if problem:
        print(_("note: {note}").format(note=problem), file=sys.stderr)
