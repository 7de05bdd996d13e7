"""Reading TOML files a learner may have written, with errors that point at the mistake.

Every file the workbench reads (component manifests, interface descriptions, recipes) goes
through `read_toml`, and every table in it through `Table`, so every message has the same shape:
file, key, line when it can be found, what is wrong and what would be valid.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from workbench.core.model.errors import WorkbenchError, did_you_mean, valid_list
from workbench.i18n import N_, _

_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_toml(path: Path, what: str) -> tuple[dict, str]:
    """Parse a TOML file; return (data, text). A missing or malformed file is a WorkbenchError.
    `what` names the file for the learner (marked with `N_()` where it is written)."""
    path = Path(path)
    what = _(what)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WorkbenchError(_("{what} not found").format(what=what), file=path) from None
    except IsADirectoryError:
        raise WorkbenchError(_("{what} is a folder, expected a .toml file").format(what=what),
                             file=path) from None
    except UnicodeDecodeError as e:
        raise WorkbenchError(_("{what} is not UTF-8 text ({reason})").format(
            what=what, reason=e.reason), file=path) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        line = None
        m = _TOML_LINE.search(msg)
        if m:
            line = int(m.group(1))
            msg = _TOML_LINE.sub("", msg).strip()
        raise WorkbenchError(
            _("malformed TOML: {error}").format(error=msg),
            file=path,
            line=line,
            hint=_("see https://toml.io for the syntax; strings need quotes, tables [like.this]"),
        ) from None


def find_line(text: str, section: str | None, key: str | None, index: int = 0) -> int | None:
    """Best-effort line number of `key` inside `[section]` (tomllib keeps no positions); for an
    array of tables, inside its `index`-th `[[section]]`."""
    lines = text.splitlines()
    in_section = section is None
    seen = 0
    header = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")
    for no, raw in enumerate(lines, start=1):
        m = header.match(raw)
        if m:
            name = m.group(1).replace('"', "").replace(" ", "")
            in_section = section is not None and name == section.replace('"', "")
            if in_section:
                seen += 1
                in_section = seen == index + 1
            if in_section and key is None:
                return no
            continue
        if in_section and key is not None:
            k = raw.split("=", 1)[0].strip().strip('"')
            if "=" in raw and k == key:
                return no
    return None


def find_item_line(text: str, start: int | None, key: str, item: int) -> int | None:
    """Line of the `item`-th inline table of the array `key = [ {...}, {...} ]` written at or
    after line `start` (1-based), e.g. one query of a check; None when it cannot be found."""
    if start is None:
        return None
    lines = text.splitlines(keepends=True)
    at = next((i for i in range(start - 1, len(lines))
               if lines[i].split("=", 1)[0].strip().strip('"') == key and "=" in lines[i]), None)
    if at is None:
        return None
    rest = "".join(lines[at:])
    depth, count, quote, i = 0, 0, "", rest.index("=") + 1
    while i < len(rest):
        ch = rest[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            while i < len(rest) and rest[i] != "\n":
                i += 1
        elif ch in "[{":
            if ch == "{" and depth == 1:
                if count == item:
                    return at + 1 + rest.count("\n", 0, i)
                count += 1
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return None
        i += 1
    return None


class Table:
    """A TOML table being validated: typed getters that raise errors naming file, key, line."""

    def __init__(self, data: dict, path: Path, text: str, section: str | None = None,
                 index: int = 0, line: int | None = None):
        self.data = data
        self.path = path
        self.text = text
        self.section = section
        self.index = index  # which [[section]] of an array of tables
        self.line = line  # where an inline table ({ ... }) starts: its keys have no line of their own

    def key_name(self, key: str) -> str:
        return f"{self.section}.{key}" if self.section else key

    def error(self, key: str | None, message: str, hint: str | None = None) -> WorkbenchError:
        return WorkbenchError(
            message,
            file=self.path,
            key=self.key_name(key) if key else self.section,
            line=find_line(self.text, self.section, key, self.index) or self.line,
            hint=hint,
        )

    def check_keys(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                near = did_you_mean(key, allowed)
                raise self.error(
                    key,
                    _("unknown key '{key}'").format(key=key),
                    hint=(near + " " if near else "")
                    + _("valid keys: {keys}").format(keys=valid_list(allowed)),
                )

    def get(self, key: str, kind: type | tuple, default: Any = ..., what: str = "") -> Any:
        if key not in self.data:
            if default is ...:
                raise self.error(None, _("missing key '{key}' ({what})").format(key=key, what=_(what))
                                 if what else _("missing key '{key}'").format(key=key))
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            ok = False
        else:
            ok = isinstance(value, kinds)
        if not ok:
            names = _(" or ").join(_type_word(k) for k in kinds)
            raise self.error(key, _("'{key}' must be {kinds}, not {kind} {value}").format(
                key=key, kinds=names, kind=_type_word(type(value)), value=repr(value)))
        return value

    def get_str_list(self, key: str) -> list[str]:
        value = self.get(key, list, [])
        for item in value:
            if not isinstance(item, str):
                raise self.error(key, _("'{key}' must be a list of strings, found {item}").format(
                    key=key, item=repr(item)))
        return list(value)

    def sub(self, key: str) -> Table:
        value = self.get(key, dict, {})
        return Table(value, self.path, self.text, self.key_name(key))


def _type_word(t: type) -> str:
    word = {
        str: N_("a string"),
        int: N_("an integer"),
        bool: N_("true or false"),
        float: N_("a number"),
        list: N_("a list"),
        dict: N_("a table"),
    }.get(t)
    return _(word) if word else t.__name__


def toml_value(v: Any) -> str:
    """`v` written as TOML: true/false, a number, or a quoted string."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return str(v)
    escaped = str(v).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
