"""The command line: a thin view over the core. `workbench` with no arguments opens the TUI.

Every command that a program may read has `--json`. A user error prints a short report (file,
key, line, what would be valid) and exits with status 2; it never prints a traceback.

The command line speaks the learner's language (`current_language`: WB_LANG, the saved
setting, the locale), chosen before the parser is built, so its help is translated too.
"""

from __future__ import annotations

import argparse
import sys

from workbench.core.learn.progress import current_language
from workbench.core.model.errors import WorkbenchError
from workbench.i18n import N_, _, ngettext, use_language

from .common import EXIT_USER_ERROR, print_json


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="workbench",
        description=_("Assemble, inspect and boot unikernels. With no command, opens the "
                      "workbench UI."),
    )
    p.add_argument("--workspace",
                   help=_("a folder of your own components (overrides built-in ones)"))
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    from . import baseline, build, catalogue, compare, learn, run, ui  # each with what it uses

    for module in (catalogue, build, run, compare, baseline, ui, learn):
        module.add_commands(sub)
    return p


# argparse's own words (its `_` is gettext's, which has no catalogue of ours): usage, headings,
# errors. `_speak_argparse` gives argparse the workbench's `_`.
ARGPARSE_WORDS = (
    N_("usage: "), N_("positional arguments"), N_("options"),
    N_("show this help message and exit"), N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"), N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"), N_("expected one argument"),
    N_("invalid %(type)s value: %(value)r"), N_("ambiguous option: %(option)s could match %(matches)s"),
)


def _speak_argparse() -> None:
    """argparse in the workbench's language, its help wrapped by terminal cells and between
    Japanese phrases (it wraps at spaces, counting characters)."""
    argparse._ = _
    argparse.ngettext = ngettext
    plain = argparse.HelpFormatter

    def split_lines(self, text, width, _plain=plain._split_lines):
        from workbench.core.learn.textrender import has_wide, wrap_text

        if not has_wide(text):
            return _plain(self, text, width)
        return wrap_text(" ".join(text.split()), width)

    def fill_text(self, text, width, indent, _plain=plain._fill_text):
        from workbench.core.learn.textrender import has_wide, wrap_text

        if not has_wide(text):
            return _plain(self, text, width, indent)
        return "\n".join(wrap_text(" ".join(text.split()), width, indent, indent))

    if not getattr(plain, "_wb_wide", False):
        plain._split_lines, plain._fill_text, plain._wb_wide = split_lines, fill_text, True


def main(argv: list[str] | None = None) -> int:
    use_language(current_language())
    _speak_argparse()
    argv = sys.argv[1:] if argv is None else list(argv)
    # `workbench` alone opens the UI at once: no parser of every command, and none of the
    # modules the commands use imported before the learner's first frame.
    args = build_parser().parse_args(argv) if argv else argparse.Namespace()
    fn = getattr(args, "fn", None)
    if fn is None:
        from .ui import cmd_tui

        fn = cmd_tui
    try:
        return fn(args) or 0
    except WorkbenchError as e:
        if getattr(args, "json", False):
            print_json(e.to_dict())
        print(_("error: {error}").format(error=e), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("\n" + _("interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:  # the file system said no: a full disk, a permission, a file gone
        where = f"{e.filename}: " if e.filename else ""
        print(_("error: {error}").format(error=f"{where}{e.strerror or e}"), file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
