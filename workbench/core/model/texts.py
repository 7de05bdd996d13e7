"""Text a learner reads, given in each language the workbench speaks.

A manifest gives such a text either once, in English (`summary = "…"`, as every manifest
written before translations did), or per language (`summary.en = "…"` and `summary.ja = "…"`),
the convention of lessons, exercises, components, interfaces and option docs alike. Where a
language has no text of its own, the English one is shown.
"""

from __future__ import annotations

from workbench.core.model.errors import WorkbenchError
from workbench.core.model.manifest import Table, find_line
from workbench.i18n import _

LANGUAGES = ("en", "ja")


def lang_table(t: Table, key: str, required: bool = True) -> dict[str, str]:
    """The text `key` of `t` per language (`title.en = "…"`, `title.ja = "…"`), or one text for
    English; {} when it is absent and not required."""
    value = t.data.get(key)
    if value is None:
        if required:
            raise t.error(None, _("missing key '{key}'").format(key=key),
                          hint=f'{key}.en = "..." and {key}.ja = "..."')
        return {}
    if isinstance(value, str):
        return {"en": value}
    forms = f'{key} = "..."  or  {key}.en = "..."  {key}.ja = "..."'
    if not isinstance(value, dict):
        raise t.error(key, _("'{key}' must be a string or a text per language, not {value}").format(
            key=key, value=repr(value)), hint=forms)
    for lang, text in value.items():
        if lang not in LANGUAGES:
            raise _lang_error(t, key, lang, _("unknown language '{lang}' in '{key}'").format(
                lang=lang, key=key), hint=_("languages: {languages}").format(
                languages=", ".join(LANGUAGES)) + f' — {key}.en = "..."  {key}.ja = "..."')
        if not isinstance(text, str):
            raise _lang_error(t, key, lang, _("'{key}' must be a string, not {value}").format(
                key=f"{key}.{lang}", value=repr(text)), hint=forms)
    return dict(value)


def _lang_error(t: Table, key: str, lang: str, message: str, hint: str) -> WorkbenchError:
    """An error about the `lang` text of `key`, at its own line: `key.lang = …`, else the line
    of `key = { … }` or of a `[key]` table's `lang = …`."""
    section = t.key_name(key)
    line = (find_line(t.text, t.section, f"{key}.{lang}", t.index)
            or find_line(t.text, t.section, key, t.index)
            or find_line(t.text, section, lang) or t.line)
    return WorkbenchError(message, file=t.path, key=f"{section}.{lang}", line=line, hint=hint)


def text_in(texts: dict[str, str], lang: str, default: str = "") -> str:
    """The text for `lang`; the English one where `lang` has none (then any there is)."""
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), default)


class Translated:
    """A model object whose shown texts (summary, description, an option's doc) may be given per
    language: `texts[key]` holds them; the plain attribute `key` holds the English one, which is
    what a C header's comment and the JSON output use."""

    texts: dict[str, dict[str, str]]

    def text(self, key: str, lang: str) -> str:
        """The text `key` (e.g. "summary") in `lang`, English where `lang` has none."""
        return text_in(self.texts.get(key) or {"en": getattr(self, key)}, lang)
