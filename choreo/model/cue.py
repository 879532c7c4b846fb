"""What starts a beat: a person's words, or a mark the score prints (what ``--pull`` writes).

In the file a cue is always text. ``rehearsal A`` and ``text "dolce"`` name a rehearsal
mark and a staff text of the score; read, they become a :class:`MarkCue`, so sync
knows the score prints that mark already without parsing the cue again.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

CUE_LENGTH = 2000
REHEARSAL = "rehearsal "
TEXT = "text "
# A rehearsal mark is one word ("rehearsal hall door bangs" is a person's cue); a staff
# text is quoted.
_SCORE_MARK = re.compile(rf'^(?:{REHEARSAL}(\S+)|{TEXT}"(.*)")$', re.DOTALL)


class MarkCue(BaseModel):
    """A cue naming a mark the score prints: its kind and its text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["rehearsal", "words"]
    text: str

    def __str__(self) -> str:
        if self.kind == "rehearsal":
            return REHEARSAL + self.text
        return f'{TEXT}"{self.text}"'

    @classmethod
    def parse(cls, cue: str) -> MarkCue | None:
        """The mark a cue names, or ``None`` for a person's own words."""
        match = _SCORE_MARK.match(cue)
        if match is None:
            return None
        rehearsal, words = match.groups()
        if rehearsal is not None:
            return cls(kind="rehearsal", text=rehearsal)
        return cls(kind="words", text=words) if words else None


def cue_for(kind: Literal["rehearsal", "words"], text: str) -> MarkCue | str:
    """The cue for a mark of the score, as the file will read it back: a mark whose text
    the one-word form cannot hold (``rehearsal Coda 2``) stays words."""
    written = str(MarkCue(kind=kind, text=text))
    return MarkCue.parse(written) or written


def _to_cue(value: Any) -> Any:
    if isinstance(value, str | MarkCue) and len(str(value)) > CUE_LENGTH:
        raise ValueError(f"a cue is at most {CUE_LENGTH} characters")
    if isinstance(value, str):
        return MarkCue.parse(value) or value
    return value


Cue = Annotated[
    MarkCue | str,
    BeforeValidator(_to_cue),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "maxLength": CUE_LENGTH}),
]
