"""One family of errors a user can act on; the CLI turns each into one line and exit 2."""

from __future__ import annotations

import unicodedata
from pathlib import Path


class ChoreoError(Exception):
    """Bad input or an action that cannot complete, said in the user's terms.

    `where` is the file, `line`/`col` are 1-based when known, `hint` says what to do.
    """

    def __init__(
        self,
        message: str,
        *,
        where: str | Path | None = None,
        line: int | None = None,
        col: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.where = str(where) if where is not None else None
        self.line = line
        self.col = col
        self.hint = hint

    @property
    def location(self) -> str:
        parts = [self.where or ""]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class SceneError(ChoreoError):
    """A scene file that cannot be read or does not follow the format."""


class ScoreError(ChoreoError):
    """A score file that cannot be read as music, or is refused as unsafe."""


class RepeatsError(ScoreError):
    """The score's repeats or jumps do not give one playing order; its written order is fine."""


class RecordingError(ChoreoError):
    """A recording that cannot be read as audio, or is refused (silent, far too long)."""


class SaveError(ChoreoError):
    """A save that could not complete; the file on disk is unchanged."""


class ConflictError(SaveError):
    """The file changed on disk since it was loaded; saving would overwrite that change."""


def printable(text: str) -> str:
    """``text`` safe for one terminal line: control and format characters (newlines,
    escape sequences, bidi overrides) shown as ``\\n``, ``\\x1b``, ``\\u202e``, so a name
    in a file can neither split nor forge an error line nor reach the terminal raw."""
    return "".join(
        char if unicodedata.category(char) not in _UNPRINTABLE else _escaped(char) for char in text
    )


# Control, format, line and paragraph separators, surrogates, unassigned.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"})


def _escaped(char: str) -> str:
    if char == "\n":
        return "\\n"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
