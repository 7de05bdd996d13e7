"""The workbench's language: every sentence a learner reads goes through `_()`.

English is the source language; the Japanese catalogue is `workbench/locale/ja/LC_MESSAGES/
workbench.po`, one catalogue for the core, the command line and the interface (managed with
Babel: `scripts/i18n.py` extracts, updates and compiles it, see docs/teachers.md). The compiled
`.mo` is committed beside it, so an editable install and a wheel read it with no build step;
tests/test_i18n.py checks it matches the `.po`.

The language is the lessons' language (`current_language`: WB_LANG, the saved setting, the
locale), chosen when the app or the command line starts (`use_language`). Messages are marked
where they are made: `_("… {name} …").format(name=…)`, never `_(f"…")`, so the catalogue holds
the sentence with its blanks. A string defined at import time is marked with `N_()` and
translated where it is shown, so a later change of language still reaches it.

This module imports nothing of the workbench: the core, the command line and the interface all
use it (the interface's own additions, key bindings and line breaking, are workbench/tui/i18n.py).
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

DOMAIN = "workbench"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def _(message: str) -> str:
    """`message` (English) in the workbench's language."""
    return _translation.gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for `n`, in the workbench's language."""
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks `message` for the catalogue where it is defined; `_()` translates it when shown."""
    return message


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def in_language(lang: str):
    """`_` for `lang`, whatever the workbench's language: the Lessons screen's own words follow
    the language its lesson is shown in (L switches it on the spot)."""
    return _catalogue(lang).gettext


def language() -> str:
    """The workbench's language: "en" or "ja"."""
    return _language


def use_language(lang: str) -> None:
    """Speak `lang` from now on (a language with no catalogue speaks English). The interface
    calls workbench.tui.i18n.use_language, which also translates Textual's key bindings."""
    global _translation, _language
    _translation = _catalogue(lang)
    _language = lang if isinstance(_translation, gettext.GNUTranslations) else "en"
