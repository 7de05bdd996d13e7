"""Choosing a Pygments lexer for the files of a component (C, assembly, TOML, linker scripts)."""

from __future__ import annotations

from pathlib import Path

from pygments.lexer import RegexLexer, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text


class LinkerScriptLexer(RegexLexer):
    """GNU ld / lld linker scripts: enough to colour sections, commands and addresses."""

    name = "Linker script"
    aliases = ["ld", "lds"]
    filenames = ["*.ld", "*.lds"]
    tokens = {
        "root": [
            (r"\s+", Text),
            (r"/\*", Comment.Multiline, "comment"),
            (words(("ENTRY", "SECTIONS", "MEMORY", "PHDRS", "KEEP", "ALIGN", "OUTPUT_FORMAT",
                    "OUTPUT_ARCH", "PROVIDE", "SIZEOF", "ADDR", "LOADADDR", "AT", "FILL",
                    "ASSERT", "DISCARD", "NOLOAD", "SORT", "INCLUDE"), suffix=r"\b"), Keyword),
            (r"\.[A-Za-z_][\w.]*", Name.Label),
            (r"0[xX][0-9a-fA-F]+|\d+[KM]?", Number),
            (r'"[^"]*"', String),
            (r"[A-Za-z_][\w]*", Name),
            (r"[{}();:,]", Punctuation),
            (r"[=+\-*/<>|&!~?]", Operator),
            (r".", Text),
        ],
        "comment": [
            (r"[^*]+", Comment.Multiline),
            (r"\*/", Comment.Multiline, "#pop"),
            (r"\*", Comment.Multiline),
        ],
    }


LEXER_BY_SUFFIX = {
    ".c": "c", ".h": "c", ".S": "gas", ".s": "gas", ".toml": "toml", ".md": "markdown",
    ".py": "python", ".json": "json",
}


def lexer_for(path: Path):
    """A lexer name or instance that `rich.syntax.Syntax` accepts."""
    path = Path(path)
    if path.suffix in (".ld", ".lds"):
        return LinkerScriptLexer()
    return LEXER_BY_SUFFIX.get(path.suffix, "text")
