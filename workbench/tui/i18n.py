"""The interface's language: every string a learner reads goes through `_()`.

The catalogue and `_`, `N_`, `ngettext`, `in_language`, `language` are workbench/i18n.py's,
shared with the core and the command line; this module re-exports them and adds what is the
interface's own: Textual's key bindings translated, and Japanese broken between phrases.

The language is the lessons' language (`current_language`: WB_LANG, the saved setting, the
locale), chosen when the app starts (`use_language`). So that a change of language reaches
strings defined at import time, those are marked with `N_()` and translated when shown —
key bindings' descriptions in particular: Textual reads a class's BINDINGS once, when the class
is created, and `use_language` translates the bindings every widget class will copy.
"""

from __future__ import annotations

from dataclasses import replace

from workbench import i18n as _core
from workbench.i18n import DOMAIN, LOCALE_DIR, N_, _, in_language, language, ngettext

__all__ = ["DOMAIN", "LOCALE_DIR", "N_", "_", "in_language", "language", "ngettext",
           "use_language", "reason"]


def use_language(lang: str) -> None:
    """Show the interface in `lang` from now on (a language with no catalogue shows English):
    the catalogue (workbench/i18n.py), Textual's key bindings and Japanese line breaking."""
    _core.use_language(lang)
    _translate_bindings()
    _break_japanese_between_phrases()


def _break_japanese_between_phrases() -> None:
    """Make Textual (and Rich) wrap Japanese between phrases, by the rules of kinsoku.

    Both break lines at spaces only (Rich's `divide_line`), so a Japanese sentence, which has
    none, was folded at the last cell wherever that fell: inside a word, before a `。`, and
    "Linux や BSD" stood alone on a line before the rest of its sentence. Text with a wide
    character is broken by the lesson renderer's `break_offsets` instead; other text as before.
    """
    import rich.text
    import textual.content
    from rich._wrap import divide_line as spaces_only

    from workbench.core.learn.textrender import break_offsets, has_wide

    def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
        return break_offsets(text, width) if has_wide(text) else spaces_only(text, width, fold)

    textual.content.divide_line = rich.text.divide_line = divide_line


def _translate_bindings() -> None:
    """Rebuild every widget class's merged bindings with translated descriptions, and have
    each class made later (screens are imported when first built) translated as it is made.

    Textual merges a class's BINDINGS (and its bases') into `_merged_bindings` when the class
    is created, and each widget copies that map when it is made; the descriptions written in
    BINDINGS stay the English source, so this can run again for another language.
    """
    from textual.dom import DOMNode

    pending = list(DOMNode.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        _translate_class(cls)
    if not getattr(DOMNode, "_wb_translates_new_classes", False):
        made = DOMNode.__dict__["__init_subclass__"].__func__

        def __init_subclass__(cls, **kwargs) -> None:
            made(cls, **kwargs)
            _translate_class(cls)

        DOMNode.__init_subclass__ = classmethod(__init_subclass__)
        DOMNode._wb_translates_new_classes = True


def _translate_class(cls) -> None:
    from textual.binding import BindingsMap

    def translated(binding):
        group = binding.group and replace(binding.group, description=_(binding.group.description))
        return replace(binding, description=_(binding.description),
                       tooltip=_(binding.tooltip), group=group)

    merged = cls._merge_bindings()
    cls._merged_bindings = BindingsMap.from_keys(
        {key: [translated(b) for b in bindings] for key, bindings in merged.key_to_bindings.items()})


def reason(inclusion) -> str:
    """Why a component is in the image (the core's `Inclusion`), in the interface's language."""
    return inclusion.said()


# Textual's own words that the workbench shows: its palette's prompt and system commands.
TEXTUAL_WORDS = (
    N_("Search for commands…"),
    N_("Theme"), N_("Change the current theme"),
    N_("Quit"), N_("Quit the application as soon as possible"),
    N_("Keys"), N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"), N_("Minimize the widget and restore to normal size"),
    N_("Maximize"), N_("Maximize the focused widget"),
    N_("Screenshot"), N_("Save an SVG 'screenshot' of the current screen"),
)
