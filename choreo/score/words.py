"""Jumps written only as words: "D.C. al Fine", "Menuetto da capo", "Fine", "To Coda".

music21 reads a jump from words only when the text is exactly one of its own phrases
("Da Capo", "D.S. al Fine"), so "D.C.\\nal Fine" or "Menuetto da capo." reach choreo as
plain text. Here the text is read the way a player reads it, where the meaning is plain:
a jump, optionally named after the section it returns to and optionally "senza replica"
(after a jump repeats are not taken again, which is choreo's convention anyway). Anything
else that speaks of a jump ("then the coda twice", "con replica") is unclear. A "Trio"
heading is read too: it is where a minuet's da capo ends.
"""

from __future__ import annotations

import re
from typing import Literal

from choreo.score.repeats import Jump, JumpEnd, JumpTarget

Marker = Literal["fine", "to coda", "coda", "segno", "trio"]
Meaning = Jump | Marker | Literal["unclear"]

# Any word of a jump at all: text with one of these and no plain meaning is unclear.
_SPEAKS_OF_JUMPS = re.compile(
    r"(\bd\.\s*[cs]\b|\bm\.\s*d\.\s*c\b|\bda\s*capo\b|\bdal\s*segno\b|\bfine\b|\bcoda\b|\bsegno\b)"
)
# The section a "da capo" names: it returns to the heading that names it, if any.
_SECTION = (
    r"(?P<section>(?:(?:il|la|lo|le|the)\s+)?"
    r"(?:menuetto|minuetto|menuett|menuet|minuet|men\.|min\.|scherzo|trio|minore|maggiore|marcia|"
    r"march|aria|polacca|polonaise|valse|walzer|waltz|gavotte|bourr[ée]e|allegro|presto))"
)
_CAPO = r"(?P<capo>(?P<menuetto>m\.\s*)?d\.\s*c\.?|da\s*capo)"  # M.D.C.: Menuetto D.C.
_SEGNO = r"(?P<segno>d\.\s*s\.?|dal\s*segno)"
_UNTIL = r"(?:\s+(?:al|sin'?\s*al|sino\s+al|fino\s+al|bis\s+zum|to\s+the)\s+(?P<until>fine|coda))?"
_WITHOUT_REPEATS = (
    r"(?:,?\s+(?:ma\s+|e\s+|but\s+)?(?:senza|without|ohne)\s+"
    r"(?:replica|repliche|replicarlo|repetizione|ripetizione|ripetizioni|ritornello|"
    r"ritornelli|repeats?|wiederholung(?:en)?))?"
)
_JUMP = re.compile(rf"(?:{_SECTION}\s+)?(?:{_CAPO}|{_SEGNO}){_UNTIL}{_WITHOUT_REPEATS}")
# "Il minore ma senza replica ed allora ancora una volta il trio, e dopo di nuovo da capo
# il minore senza replica" (Beethoven op. 59 no. 2 iii): the da capo, the trio once more,
# and the da capo again.
_TWICE = re.compile(
    rf"{_SECTION}\s+ma\s+senza\s+replica,?\s+(?:ed?\s+)?(?:allora\s+)?ancora\s+una\s+volta\s+"
    r"il\s+trio,?\s+e\s+dopo\s+di\s+nuovo\s+da\s*capo(?:\s+\w+)?(?:\s+\w+)?\s+senza\s+replica"
)
# A Trio heading ("Trio", "Trio I", "Trio. Allegretto"): where a minuet's da capo ends.
_TRIO = re.compile(r"trio\b(?!.*\b(d\.\s*c|capo)\b)")
_CLOSING_STOP = re.compile(r"(?<=\w\w)\.$")
_MARKERS: dict[str, Marker] = {
    "fine": "fine",
    "coda": "coda",
    "segno": "segno",
    "to coda": "to coda",
    "al coda": "to coda",
    "zur coda": "to coda",
}


def words_meaning(text: str) -> Meaning | None:
    """What a text says about the playing order: ``None`` when it says nothing of jumps."""
    plain = _plain(text)
    if _TRIO.match(plain):
        return "trio"
    if not _SPEAKS_OF_JUMPS.search(plain):
        return None
    if plain in _MARKERS:
        return _MARKERS[plain]
    label = _CLOSING_STOP.sub("", " ".join(text.split()))  # "Menuetto da capo", "D.C."
    twice = _TWICE.fullmatch(plain)
    if twice is not None:
        return Jump("capo", "section", label, twice["section"].split(" ")[-1], times=2)
    found = _JUMP.fullmatch(plain)
    if found is None:
        return "unclear"
    target: JumpTarget = "capo" if found["capo"] else "segno"
    until: JumpEnd = "section" if found["section"] or found["menuetto"] else "end"
    if found["until"]:
        until = "fine" if found["until"] == "fine" else "coda"
    section = "menuetto" if found["menuetto"] else (found["section"] or "").split(" ")[-1]
    return Jump(target, until, label, section)


def _plain(text: str) -> str:
    """Lower case, one space between words, no brackets or closing full stop."""
    text = " ".join(text.casefold().replace("(", " ").replace(")", " ").split())
    return text.strip(" .;:!")
