"""Keep the workbench's message catalogues in step with the code (Babel).

    .venv/bin/python scripts/i18n.py

extracts every `_()`, `ngettext()` and `N_()` string of workbench/ (babel.cfg: the core, the
command line and the interface), updates workbench/locale/<lang>/LC_MESSAGES/workbench.po
(new messages arrive with an empty translation, removed ones are dropped) and compiles the .mo files the workbench reads. Translate
the empty `msgstr ""` entries of the .po, then run it again to compile. tests/test_i18n.py fails
while a message is untranslated or a .mo is older than its .po.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "workbench" / "locale"
DOMAIN = "workbench"
LANGUAGES = ("ja",)


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        pot = str(Path(tmp) / f"{DOMAIN}.pot")
        # from the repository's root, so the catalogue names files as workbench/…, the same
        # on every machine (an absolute path changed every location line of another checkout)
        os.chdir(ROOT)
        pybabel("extract", "-F", "babel.cfg", "-o", pot, "--add-location=file",
                "--sort-by-file", "--project=Unikernel Workbench", "--no-wrap", ".")
        for lang in LANGUAGES:
            po = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
            if po.exists():
                pybabel("update", "-i", pot, "-o", str(po), "-l", lang, "--no-wrap",
                        "--ignore-obsolete", "--no-fuzzy-matching")
            else:
                po.parent.mkdir(parents=True, exist_ok=True)
                pybabel("init", "-i", pot, "-o", str(po), "-l", lang, "--no-wrap")
    pybabel("compile", "-d", str(LOCALE), "-D", DOMAIN, "--statistics")
    return 0


if __name__ == "__main__":
    sys.exit(main())
