"""Finding the host programs the workbench drives: QEMU and Graphviz's `dot`.

A missing program is an everyday situation on a learner's laptop, not a bug: it is reported as
`ToolMissing` with the command that installs it, never as a traceback from `subprocess`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from workbench.core.model.errors import ToolMissing
from workbench.i18n import _

QEMU_BINARY = "qemu-system-x86_64"

_INSTALL = {
    "qemu": [
        "Debian/Ubuntu: sudo apt-get install qemu-system-x86",
        "Fedora: sudo dnf install qemu-system-x86",
        "macOS: brew install qemu",
    ],
    "dot": [
        "Debian/Ubuntu: sudo apt-get install graphviz",
        "Fedora: sudo dnf install graphviz",
        "macOS: brew install graphviz",
    ],
}


def _resolve(program: str, override_var: str, what: str, package: str) -> str:
    override = os.environ.get(override_var)
    if override:
        path = Path(override)
        # An explicit path must exist; a bare name is looked up on PATH like the default.
        if os.sep in override or path.is_absolute():
            if path.is_file() and os.access(path, os.X_OK):
                return str(path)
            raise ToolMissing(
                _("{what} not found at {path} (set by {variable})").format(
                    what=what, path=override, variable=override_var),
                key=override_var,
                details=[_("install it with one of:"), *_INSTALL[package]],
                hint=_("unset {variable} to use {program} from PATH").format(
                    variable=override_var, program=program),
            )
        program = override
    found = shutil.which(program)
    if found:
        return found
    raise ToolMissing(
        _("{what} ({program}) is not installed or not on PATH").format(what=what,
                                                                         program=program),
        details=[_("install it with one of:"), *_INSTALL[package]],
        hint=_("or set {variable} to the full path of the program").format(
            variable=override_var),
    )


def find_qemu() -> str:
    """Path of qemu-system-x86_64 (`WB_QEMU` overrides it)."""
    return _resolve(QEMU_BINARY, "WB_QEMU", "QEMU", "qemu")


def find_dot() -> str:
    """Path of Graphviz's dot (`WB_DOT` overrides it)."""
    return _resolve("dot", "WB_DOT", "Graphviz", "dot")
