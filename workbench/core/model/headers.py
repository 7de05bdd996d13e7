"""Check an interface's machine-readable description against its C header.

The descriptions drive generated glue (system-call and IPC stubs) for the other layouts, so
they must say exactly what the header says. This reads function prototypes out of a header —
only the plain one-declaration-per-statement C that interface headers are written in — and
reports every difference.
"""

from __future__ import annotations

import re
from pathlib import Path

from workbench.core.model.catalogue import FunctionSpec, Interface
from workbench.i18n import _

_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_ATTR = re.compile(r"__attribute__\s*\(\(.*?\)\)|\b_Noreturn\b|\bextern\b")
_PROTO = re.compile(r"([A-Za-z_][\w\s\*]*?[\s\*])([A-Za-z_]\w*)\s*\(([^()]*)\)\s*;")


def normalise_type(t: str) -> str:
    t = re.sub(r"\s+", " ", t.strip())
    t = re.sub(r"\s*\*\s*", "*", t)
    return t


def header_prototypes(path: Path) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """name -> (return type, [(param name, param type)]) for each prototype in the header."""
    text = _COMMENT.sub(" ", Path(path).read_text())
    text = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    text = _ATTR.sub(" ", text)
    protos = {}
    for m in _PROTO.finditer(text):
        ret, name, args = m.group(1), m.group(2), m.group(3).strip()
        if ret.strip().startswith(("return", "typedef")) or "{" in ret:
            continue
        params = []
        if args and args != "void":
            for a in args.split(","):
                a = a.strip()
                if a == "...":
                    params.append(("", "..."))
                    continue
                pm = re.match(r"(.*?[\s\*])([A-Za-z_]\w*)$", a)
                params.append((pm.group(2), normalise_type(pm.group(1))) if pm else ("", normalise_type(a)))
        protos[name] = (normalise_type(ret.replace("static", "").replace("inline", "")), params)
    return protos


def mismatches(iface: Interface, include_dir: Path) -> list[str]:
    """Every difference between the description and the header; empty when they agree."""
    header = include_dir / iface.header
    if not header.is_file():
        return [_("{interface}: header {path} does not exist").format(interface=iface.name,
                                                                       path=header)]
    found = header_prototypes(header)
    problems = []
    for f in iface.functions:
        if f.name not in found:
            problems.append(_("{interface}: {function} is described but not declared in "
                              "{header}").format(interface=iface.name, function=f.name,
                                                 header=iface.header))
            continue
        ret, params = found[f.name]
        want = (normalise_type(f.returns), [(n, normalise_type(t)) for n, t in f.params])
        if (ret, params) != want:
            problems.append(_("{interface}: {function} is declared as {declared} but described "
                              "as {described}").format(
                interface=iface.name, function=f.name, declared=_show(f.name, ret, params),
                described=_show(f.name, *want)))
    return problems


def _show(name: str, ret: str, params: list[tuple[str, str]]) -> str:
    return f"{ret} {name}({', '.join((t + ' ' + n).strip() for n, t in params) or 'void'})"


__all__ = ["FunctionSpec", "header_prototypes", "mismatches", "normalise_type"]
