"""Scene text as typst markup: the PDF's :class:`~choreo.export.markdown_text.Ink`.

Whatever a note says (``#set``, ``$x$``, ``*``, ``_``, ``@ref``, ``<label>``, ``]``,
``//``, a backslash), it stays literal text on one line: every ASCII punctuation mark is
escaped with a backslash, which typst reads as that very character. Letters, digits,
accents and emoji pass through as they are (typst takes UTF-8 source).
"""

from __future__ import annotations

import string

from choreo.export.markdown_text import RIGHT_ALIGNED, Ink
from choreo.export.sheet import LINE_BREAKS

# A backslash before a space or a line end is a line break in typst: whitespace is never
# escaped, and line breaks become spaces first.
_ESCAPES: dict[int, str] = {ord(char): "\\" + char for char in string.punctuation}
_ESCAPES |= LINE_BREAKS
# A typst string literal: only the backslash and the quote are special.
_STRING_ESCAPES: dict[int, str] = {ord("\\"): "\\\\", ord('"'): '\\"'} | LINE_BREAKS


def escape(text: str) -> str:
    """Scene text as literal typst markup on one line."""
    return text.translate(_ESCAPES).strip()


def string_literal(text: str) -> str:
    """Scene text as a typst string, for code such as the intensity chart's labels."""
    return '"' + text.translate(_STRING_ESCAPES).strip() + '"'


def table(header: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    """A typst table whose header repeats on every page; ``rows`` are markup already."""
    align = ", ".join("right" if name in RIGHT_ALIGNED else "left" for name in header)
    lines = [
        "#sheet-table(",
        f"  columns: {len(header)},",
        f"  align: ({align},),",
        "  table.header(" + ", ".join(f"[{escape(name)}]" for name in header) + "),",
    ]
    lines += ["  " + ", ".join(f"[{cell}]" for cell in row) + "," for row in rows]
    return [*lines, ")"]


TYPST = Ink(
    escape,
    lambda text: f"#strong[{text}]",
    lambda text: f"#raw({string_literal(text)})",
    table,
)
