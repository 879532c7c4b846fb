"""ABC text as music21 should read it: what it misreads is rewritten or refused.

music21's ABC reader silently misreads several constructs of the ABC 2.1 standard (an
unknown letter becomes a C, ``x`` and ``Z2`` rests vanish, ``H`` eats its note, ``::``
loses the bars around it, tempo changes and ``Q:120`` go wrong), and every later bar and
second moves. This module reads the first tune's
text before music21 does. Where the standard's meaning has a spelling music21 reads right,
the text is rewritten to it (``x`` to ``z``, ``Z2`` to two whole-bar rests, ``+p+`` to
``!p!``, ``H`` to ``!fermata!``); where not, the file is refused on the line at fault.
Refusals name the user's line and column. A tune written in voices is handed to music21
with each voice's lines gathered under one ``V:`` line, as it reads voices only that way.
A tune without ``M:`` is in free meter (§3.1.6): bars without beats, refused. The parts a
header ``P:`` plays in order (:mod:`choreo.score.abc_parts`) are found here, each at the
written bar it starts, counted as music21 counts bars.
Pure text: no music21 here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from choreo.errors import ScoreError, printable
from choreo.score.abc_meter import read_abc_meter
from choreo.score.abc_parts import AbcParts, read_play_order

_NOTES = "ABCDEFGabcdefg"
# ABC 2.1 §4.14: the decorations every tune may use without a U: field. music21 reads all
# but H right; H (fermata) makes it drop the note that follows.
_PREDEFINED = ".~HLMOPSTuv"
_USER_SYMBOLS = re.compile(r"[H-Wh-w~]")  # §4.16: what a U: field may define
_FIELD_LINE = re.compile(r"([A-Za-z+]):")
_INLINE_FIELD = re.compile(r"\[([A-Za-z]):([^\]\n]*)\]")
_LENGTH = re.compile(r"(\d*)(/*)(\d*)")
_TUPLET = re.compile(r"\(\d+(?::\d*)?(?::\d*)?")
# The longest ``!…!`` music21 skips whole; past it the letters inside become notes.
_LONGEST_DECORATION = 19
_OLD_CHORD = re.compile(r"[\^_=A-Ga-g,'0-9/ ]+")  # ABC 1.6 wrote chords as +CEG+


@dataclass
class _Voice:
    """What a ``Z`` whole-bar rest needs: the meter (a bar in whole notes) and unit; and
    the bars so far, as music21 makes them: a bar is what lies between two bar lines, if
    it holds a note or rest."""

    bar: Fraction | None
    unit: Fraction
    notes: list[int] = field(default_factory=list)  # the notes and rests of each bar so far
    sounding: int = 0  # notes and rests since the last bar line

    @property
    def bars(self) -> int:
        return len(self.notes)


@dataclass(frozen=True)
class _Label:
    """A ``P:`` in the body: the part it starts, and where it is written."""

    name: str
    line: int
    col: int


@dataclass(frozen=True)
class AbcText:
    """ABC text as music21 should read it, and the parts its header plays in order."""

    text: str
    parts: AbcParts | None = None


@dataclass
class _Tune:
    voices: dict[str, _Voice] = field(default_factory=dict)
    voice: str = ""
    symbols: dict[str, str] = field(default_factory=dict)  # U: letter -> !decoration!
    order: list[str] = field(default_factory=list)  # voice names as first met
    sections: dict[str, list[str]] = field(default_factory=dict)  # voice name -> its lines
    qpm: float | None = None  # the header's tempo
    played: bool = False  # whether a line of music has come yet
    line: int = 0  # the line being read
    meterless: int | None = None  # the K: line of a tune with no M: yet
    unit_guessed: bool = False  # no L: and no M: in the header: the unit is taken as 1/8
    play: str = ""  # the header's P: field, as written
    play_line: int = 0
    waiting: list[_Label] = field(default_factory=list)  # labels before their first note
    starts: list[tuple[_Label, int]] = field(default_factory=list)  # labels at their bar
    inside: _Label | None = None  # the first label written inside a bar

    @property
    def current(self) -> _Voice:
        return self.voices[self.voice]


class _Refused(Exception):
    """A construct music21 would misread; the scan adds the line it is on, unless the
    construct is on an earlier line."""

    def __init__(
        self, message: str, col: int | None = None, *, line: int | None = None, hint: str = ""
    ) -> None:
        super().__init__(message)
        self.message, self.col, self.line, self.hint = message, col, line, hint


def abc_for_music21(path: Path) -> AbcText:
    """The text of an ABC file with its first tune as music21 reads it right; refuses
    (ScoreError on the line at fault) what music21 would misread and cannot be rewritten."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScoreError(
            f"the ABC file is not UTF-8 text (byte {error.start}); music21 reads only UTF-8",
            where=path,
            hint="save the file as UTF-8",
        ) from None
    return rewrite_abc(text, where=path)


def rewrite_abc(text: str, *, where: str | Path | None = None) -> AbcText:
    """ABC text with its first tune as music21 reads it right, and the parts its header
    plays in order; or a ScoreError on the line at fault."""
    try:
        lines, parts = _rewrite(text.split("\n"))
    except _Refused as refused:
        raise ScoreError(
            refused.message,
            where=where,
            line=refused.line,
            col=refused.col,
            hint=refused.hint or None,
        ) from None
    return AbcText("\n".join(lines), parts)


def _rewrite(lines: list[str]) -> tuple[list[str], AbcParts | None]:
    """The file header and the first tune as music21 reads them right, the rest as is."""
    starts = [i for i, line in enumerate(lines) if line.startswith("X:")]
    first = starts[0] if starts else 0
    end = starts[1] if len(starts) > 1 else len(lines)
    header: dict[str, str] = {}
    for line in lines[:first]:  # the file header's fields hold for every tune
        found = _FIELD_LINE.match(line)
        if found and found.group(1) in "LMU":
            header.setdefault(found.group(1), line[2:])
    tune = _Tune()
    meter: Fraction | None = _meter(header.get("M", "")) if "M" in header else None
    unit: Fraction | None = _unit(header["L"]) if "L" in header else None
    head = lines[:first]
    tempos: list[int] = []  # where the header's Q: lines are in ``head``
    in_body = False
    blank_at: int | None = None
    for index in range(first, end):
        line = lines[index]
        tune.line = index + 1
        try:
            if not in_body:
                found = _FIELD_LINE.match(line)
                letter = found.group(1) if found else ""
                if letter == "M":
                    meter = _meter(line[2:])
                    header["M"] = line[2:]
                elif letter == "L":
                    unit = _unit(line[2:])
                elif letter == "U":
                    _define(tune, line[2:])
                elif letter == "V":  # declared here, placed where its music is
                    tune.order.append(_voice_name(line[2:]))
                    line = "%" + line
                elif letter == "P":
                    tune.play, tune.play_line = line[2:], index + 1
                elif letter == "K":
                    in_body = True
                    tune.voices[""] = _Voice(meter, unit or _default_unit(meter))
                    if "M" not in header:
                        tune.meterless = index + 1  # unless an M: comes before the first note
                        if unit is None:  # §3.1.7's unit without a meter; music21 has none
                            head.append("L:1/8")
                            tune.unit_guessed = True
                    for at in tempos:  # the header's unit, wherever the header sets it
                        head[at] = _tempo_field(head[at], tune.current.unit)
                        tune.qpm = _qpm(head[at][2:]) or tune.qpm
                elif letter == "Q":
                    tempos.append(len(head))
                head.append(line)
                continue
            if not line.strip() or line.startswith("%"):
                if not line.strip() and blank_at is None:
                    blank_at = index
                tune.sections.setdefault(tune.voice, []).append(line)
                continue
            found = _FIELD_LINE.match(line)
            if blank_at is not None and not found:
                raise _Refused(
                    f"line {blank_at + 1} is blank, which ends the tune in ABC, but music21 "
                    f"reads on and takes this line for notes; remove the blank line (or the "
                    f"text after it); refused"
                )
            if found and found.group(1) == "V":
                _switch_voice(tune, line[2:])
                continue
            if found and found.group(1) == "Q" and not tune.played:
                # a tempo before the first note is the tune's own: music21 reads it there
                head.insert(len(head) - 1, _tempo_field(line, tune.current.unit))
                tune.qpm = _qpm(head[-2][2:]) or tune.qpm
                continue
            if found:
                line = _body_field(tune, found.group(1), line[2:], line)
                if tune.current.sounding and not line.startswith("%"):
                    line = _inside_bar(found.group(1), line)
            else:
                tune.played = True
                inline = _INLINE_FIELD.match(line.lstrip())
                if inline and inline.group(1) == "V":  # [V:2] starting a line
                    _switch_voice(tune, inline.group(2))
                    line = line.lstrip()[inline.end() :]
                line = _music(tune, line)
            tune.sections.setdefault(tune.voice, []).append(line)
        except _Refused as refused:
            refused.line = refused.line or index + 1
            raise
    return head + _voice_blocks(tune) + lines[end:], _parts(tune)


def _voice_blocks(tune: _Tune) -> list[str]:
    """Each voice's music in one block under one ``V:`` line. music21 makes a part of every
    ``V:`` line whose name starts with a digit (and none of the others), so a voice written
    in turns (V:1, V:2, V:1, V:2) became four parts and ``V:S``, ``V:A`` one part."""
    named = [name for name in tune.order if name in tune.sections]
    loose = tune.sections.pop("", [])
    if not named:
        return loose
    tune.sections[named[0]] = loose + tune.sections[named[0]]  # music before any V:
    blocks: list[str] = []
    for number, name in enumerate(named, start=1):
        blocks += [f"V:{number}", *tune.sections[name]]
    return blocks


def _define(tune: _Tune, value: str) -> None:
    """``U:p = !pianissimo!``: the letter stands for that decoration (§4.16)."""
    symbol, _, meaning = value.partition("=")
    symbol, meaning = symbol.strip(), meaning.strip()
    if len(symbol) != 1 or not _USER_SYMBOLS.fullmatch(symbol):
        return  # not a symbol ABC lets a tune define; its uses are refused as unknown
    if len(meaning) > 2 and meaning[0] == meaning[-1] and meaning[0] in "!+":
        tune.symbols[symbol] = f"!{meaning[1:-1]}!"
    else:
        tune.symbols[symbol] = ""  # an empty or odd meaning: the symbol is dropped


def _body_field(tune: _Tune, letter: str, value: str, line: str) -> str:
    if letter == "M":
        _set_meter(tune, value, 1)
    elif letter == "P":
        # music21 ignores a part, but ends the bar at it: it is choreo's to read
        tune.waiting.append(_Label(_part_name(value), tune.line, 1))
        return "%" + line
    elif letter == "L":
        tune.current.unit = _unit(value) or tune.current.unit
        tune.unit_guessed = False
    elif letter == "U":
        _define(tune, value)
    elif letter == "Q":
        _tempo_change(tune, value, 1)
        return _tempo_field(line, tune.current.unit)
    elif letter == "m":
        raise _Refused("ABC macros (m:) are not expanded by music21; refused", 1)
    elif letter == "+" or (letter.islower() and letter != "w"):
        # music21 reads these lines as notes: ``+:`` continues a text field, ``s:`` holds
        # symbols, ``r:`` a remark; none of them has a duration.
        return "%" + line
    return line


def _set_meter(tune: _Tune, value: str, col: int) -> None:
    """A meter in the body. The tune's first, before its first note, is its meter; with no
    L: either, the unit is unclear under a meter shorter than 3/4 (§3.1.7 takes it from the
    header's meter: 1/8 without one, 1/16 under this one)."""
    bar = _meter(value)
    if tune.meterless is not None and tune.unit_guessed and bar is not None and bar < 0.75:
        raise _Refused(
            f"the tune's meter M:{printable(value.split('%')[0].strip())} comes after K: "
            f"and no L: says the unit note: 1/8 (no meter in the header) or 1/16 (the "
            f"meter's own default) is unclear; refused",
            col,
            hint="add L:1/8 or L:1/16 to the header",
        )
    tune.current.bar = bar
    tune.meterless = None


def _voice_name(value: str) -> str:
    words = value.split("%")[0].split()
    return words[0] if words else ""


def _switch_voice(tune: _Tune, value: str) -> None:
    name = _voice_name(value)
    if name not in tune.order:
        tune.order.append(name)
    if name not in tune.voices:
        base = tune.voices[""]
        tune.voices[name] = _Voice(base.bar, base.unit)
    tune.voice = name


def _music(tune: _Tune, line: str) -> str:
    """One line of the tune body, rewritten where music21 would misread it."""
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c == "%":
            out.append(line[i:])
            break
        if c == '"':
            j = line.find('"', i + 1)
            j = n - 1 if j < 0 else j
            out.append(line[i : j + 1])
            i = j + 1
        elif c in "!+":
            i = _decoration(line, i, out)
        elif c == "[":
            i = _bracket(tune, line, i, out)
        elif c in "|:":
            i = _bar(tune, line, i, out)
        elif c == "(":
            found = _TUPLET.match(line, i)
            j = found.end() if found else i + 1
            out.append(line[i:j])
            i = j
        elif c == "&":
            raise _Refused(
                "`&` (a voice overlay) is read by music21 as more notes in the bar, "
                "not as a second voice over it; refused",
                i + 1,
            )
        elif c in _NOTES or c in "^_=":
            i = _note(tune, line, i, out)
        elif c in "zx":
            _sound(tune)
            out.append("z")  # §4.5: x is a rest that is not printed; same length
            i = _length(line, i + 1, out)
        elif c in "ZX":
            i = _bar_rests(tune, line, i, out)
        elif c == "y":  # §4.5 spacer: no duration; music21 takes y2 for a note
            out.append("y")
            i += 1
            while i < n and (line[i].isdigit() or line[i] == "/"):
                i += 1
        elif c in tune.symbols:
            out.append(tune.symbols[c])
            i += 1
        elif c == "H":
            out.append("!fermata!")
            i += 1
        elif c in "kK":
            # music21's own accents (O'Neill's tunes use k), read right only where they
            # start a token: after a decoration letter it takes them for a note.
            out.append(" " + c)
            i += 1
        elif c.isalpha() and c not in _PREDEFINED:
            raise _Refused(
                f"`{printable(c)}` is not an ABC note, rest or decoration (music21 would "
                f"read it as a C and shift every later bar); refused",
                i + 1,
            )
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _decoration(line: str, i: int, out: list[str]) -> int:
    """``!trill!`` or ABC 2.0's ``+trill+``. A lone ``!`` is ABC 2.0's line break."""
    mark = line[i]
    j = line.find(mark, i + 1)
    if j < 0:
        if mark == "+":
            raise _Refused("a `+` that opens no `+…+` decoration; refused", i + 1)
        out.append(mark)
        return i + 1
    name = line[i + 1 : j]
    if mark == "+" and _OLD_CHORD.fullmatch(name):
        raise _Refused(
            f"`+{printable(name)}+` is an ABC 1.6 chord, which music21 does not read; "
            f"write it as [{printable(name)}]; refused",
            i + 1,
        )
    if j - i > _LONGEST_DECORATION:
        out.append(" " * (j - i + 1))  # no duration; music21 would read its letters as notes
    else:
        out.append(f"!{name}!")
    return j + 1


def _bracket(tune: _Tune, line: str, i: int, out: list[str]) -> int:
    """An inline field ``[M:3/4]``, a bar ``[|``, an ending ``[1`` or a chord ``[CEG]2``."""
    found = _INLINE_FIELD.match(line, i)
    if found:
        letter, value = found.groups()
        if letter == "L":
            raise _Refused(
                "an inline `[L:…]` is ignored by music21, which reads the notes after it "
                "with the old unit length; write it as an L: line of its own; refused",
                i + 1,
            )
        if letter == "M":
            _set_meter(tune, value, i + 1)
        elif letter == "P":
            tune.waiting.append(_Label(_part_name(value), tune.line, i + 1))
        elif letter == "V":
            raise _Refused(
                "a voice change inside a line: music21 does not see it; start the line "
                "with it; refused",
                i + 1,
            )
        elif letter == "U":
            _define(tune, value)
        if letter == "Q":
            _tempo_change(tune, value, i + 1)
            tempo = _tempo(value, tune.current.unit)
            out.append(" " * (found.end() - i) if tempo is None else f"[Q:{tempo}]")
        elif letter.islower() or letter == "P":
            # a remark: music21 would make a bar of it; a part is choreo's to read
            out.append(" " * (found.end() - i))
        else:
            out.append(found.group())
        return found.end()
    following = line[i + 1 : i + 2]
    if following == "|" or following.isdigit():
        return _bar(tune, line, i, out)
    j = line.find("]", i + 1)
    if j < 0:
        raise _Refused("a chord `[` that is never closed; refused", i + 1)
    _sound(tune)
    out.append("[")
    k = i + 1
    while k < j:
        c = line[k]
        if c in _NOTES or c in "^_=":
            k = _note(tune, line, k, out, end=j)
        elif c in "!+":
            k = _decoration(line, k, out)
        elif c == '"':
            close = line.find('"', k + 1)
            close = j if close < 0 else close
            out.append(line[k : close + 1])
            k = close + 1
        elif c in " -.~()" or c in _PREDEFINED:
            out.append(c)
            k += 1
        else:
            raise _Refused(
                f"`{printable(c)}` inside the chord `{printable(line[i : j + 1])}` is no "
                f"note; refused",
                k + 1,
            )
    out.append("]")
    return _length(line, j + 1, out)


def _bar(tune: _Tune, line: str, i: int, out: list[str]) -> int:
    """A bar line and any ending numbers after it. ``::`` (end one repeat, start the next)
    becomes ``:|:``: music21 loses the bars around a bare ``::``."""
    _close_bar(tune.current)
    j = i
    while j < len(line) and (
        line[j] in "|:" or (line[j] == "]" and j > i) or (line[j] == "[" and j == i)
    ):
        j += 1
    token = line[i:j]
    out.append(token.replace("::", ":|:") if "|" not in token else token)
    while j < len(line) and (line[j].isdigit() or (line[j] in ",-" and j > i)):
        if line[j] in ",-" and not line[j + 1 : j + 2].isdigit():
            break
        out.append(line[j])
        j += 1
    return j


def _note(tune: _Tune, line: str, i: int, out: list[str], end: int | None = None) -> int:
    """Accidentals, a note letter, octave marks and a length."""
    stop = len(line) if end is None else end
    j = i
    while j < stop and line[j] in "^_=":
        j += 1
    if j >= stop or line[j] not in _NOTES:
        out.append(line[i:j])  # an accidental on nothing: music21's own problem
        return j
    if end is None:  # a chord's notes are one chord
        _sound(tune)
    j += 1
    while j < stop and line[j] in ",'":
        j += 1
    out.append(line[i:j])
    return _length(line, j, out)


def _length(line: str, i: int, out: list[str]) -> int:
    """A length as written. ``3//`` (3/4) is written ``3/4``: music21 reads it as 3/2.
    A length of 0 is refused: music21 keeps a zero-length note in the bar's count."""
    found = _LENGTH.match(line, i)
    assert found is not None  # the pattern matches the empty string
    numerator, slashes, denominator = found.groups()
    if (numerator and int(numerator) == 0) or (denominator and int(denominator) == 0):
        raise _Refused(f"a note length of `{found.group()}` is no length; refused", i + 1)
    if numerator and len(slashes) > 1 and not denominator:
        out.append(f"{numerator}/{2 ** len(slashes)}")
    else:
        out.append(found.group())
    return found.end()


def _bar_rests(tune: _Tune, line: str, i: int, out: list[str]) -> int:
    """``Z4`` (or the unprinted ``X4``): four bars of rest (§4.5), written as four whole-bar
    rests, since music21 gives ``Z`` no bars at all."""
    found = re.compile(r"\d*").match(line, i + 1)
    assert found is not None
    count = int(found.group()) if found.group() else 1
    voice = tune.current
    if voice.bar is None:
        raise _Refused(
            f"`{printable(line[i : found.end()])}` rests a number of bars, but the tune has "
            f"no meter to say how long a bar is; refused",
            i + 1,
        )
    if count == 0:
        raise _Refused("`Z0` rests no bars at all; refused", i + 1)
    units = voice.bar / voice.unit
    rest = "z" + (
        str(units.numerator) if units.denominator == 1 else f"{units.numerator}/{units.denominator}"
    )
    out.append("|".join([rest] * count))
    for bar in range(count):
        if bar:
            _close_bar(voice)
        _sound(tune)
    return found.end()


def _sound(tune: _Tune) -> None:
    """A note or rest: the bar it is in, as music21 counts bars, and the parts that start
    with it. A tune needs a meter by its first note."""
    if tune.meterless is not None:
        raise _Refused(
            "the tune has no M: meter, which ABC reads as free meter: its bars have no "
            "beats to place a beat by (music21 would call it 4/4); refused",
            line=tune.meterless,
            hint="add the tune's meter, such as M:4/4 or M:6/8, before the K: line",
        )
    voice = tune.current
    for label in tune.waiting:
        if voice.sounding and tune.inside is None:
            tune.inside = label
        tune.starts.append((label, voice.bars))
    tune.waiting.clear()
    voice.sounding += 1


def _close_bar(voice: _Voice) -> None:
    """A bar line: music21 makes a bar of what came since the last one, if that holds a
    note or rest."""
    if voice.sounding:
        voice.notes.append(voice.sounding)
    voice.sounding = 0


def _inside_bar(letter: str, line: str) -> str:
    """A field line after notes with no bar line since: music21 ends the bar at it (C D,
    w: la la, E F was two bars of two). Text (lyrics, notes, a restated tempo) has no
    duration and is left out; a key, meter or unit cannot be, and is refused."""
    if letter in "KLM":
        raise _Refused(
            f"a {letter}: line inside a bar (after notes, with no bar line since): music21 "
            f"ends the bar there and every later bar moves; put it after a bar line; refused",
            1,
        )
    return "%" + line


def _part_name(value: str) -> str:
    return value.split("%")[0].strip()


def _parts(tune: _Tune) -> AbcParts | None:
    """The header's play order and where its parts start; None where the tune is played
    as written (no header P:, no parts in the body, or the parts once each in order)."""
    labels = tune.starts + [(label, -1) for label in tune.waiting]  # -1: no music follows
    if not tune.play or not labels:
        return None  # without parts in the body, a header P: has nothing to order
    shown = printable(tune.play.split("%")[0].strip())
    try:
        order = read_play_order(tune.play)
    except ValueError:
        raise _Refused(
            f"P:{shown} is not a play order choreo reads, but the tune's body starts parts "
            f"(P:{printable(labels[0][0].name)}); refused",
            1,
            line=tune.play_line,
            hint="write the order as part letters with repeat counts: P:ABA, P:A2B, P:(AB)2C",
        ) from None
    if order == tuple(label.name for label, _ in labels):
        return None  # the parts once each, as written
    sounding = [name for name, voice in tune.voices.items() if voice.bars or voice.sounding]
    if len(sounding) > 1:
        raise _Refused(
            f"the play order P:{shown} in a tune of {len(sounding)} voices: choreo follows "
            f"parts in one voice only; refused",
            1,
            line=tune.play_line,
        )
    voice = tune.voices[sounding[0]] if sounding else tune.current
    _close_bar(voice)  # the end of the tune ends its last bar
    bars = voice.bars
    seen: dict[str, _Label] = {}
    for label, _ in labels:
        if not re.fullmatch(r"[A-Z]", label.name):
            raise _Refused(
                f"P:{printable(label.name)} is no part name (one letter A-Z), but the header "
                f"plays parts in the order P:{shown}; refused",
                label.col,
                line=label.line,
            )
        if label.name in seen:
            raise _Refused(
                f"part {label.name} starts twice (line {seen[label.name].line} and here), so "
                f"the order P:{shown} does not say which is played; refused",
                label.col,
                line=label.line,
            )
        seen[label.name] = label
    ends = [bar for _, bar in tune.starts[1:]] + [bars]
    lengths = {label.name: end - bar for (label, bar), end in zip(tune.starts, ends, strict=True)}
    for name in order:
        if lengths.get(name, 0) <= 0:
            found = "has no music" if name in seen else f"is never started by a P:{name}"
            raise _Refused(
                f"the order P:{shown} plays part {name}, which {found}; refused",
                1,
                line=tune.play_line,
            )
    first, at = tune.starts[0]
    if at > 0:
        raise _Refused(
            f"{at} bar(s) come before the first part (P:{first.name}), and the order "
            f"P:{shown} does not say when they are played; refused",
            first.col,
            line=first.line,
            hint="start the tune with a part of its own (P:O) and name it in the order",
        )
    if tune.inside is not None:
        raise _Refused(
            f"the part P:{tune.inside.name} starts inside a bar, so its bars cannot be "
            f"played in the order P:{shown}; refused",
            tune.inside.col,
            line=tune.inside.line,
            hint="start the part after a bar line",
        )
    starts = tuple((label.name, bar) for label, bar in tune.starts)
    return AbcParts(order, starts, tuple(voice.notes), tune.play_line)


def _tempo_change(tune: _Tune, value: str, col: int) -> None:
    """music21 reads only the header's tempo: a change in the body is lost, and with it
    every later second. Restating the header's tempo changes nothing and passes."""
    tempo = _tempo(value, tune.current.unit)
    qpm = _qpm(tempo) if tempo is not None else None
    if qpm is not None and qpm != tune.qpm:
        shown = printable(value.split("%")[0].strip())[:40]
        raise _Refused(
            f"the tempo change Q:{shown} is ignored by music21, which would time every later "
            f"bar at the tune's first tempo; refused",
            col,
        )


def _qpm(tempo: str) -> float | None:
    """Quarter notes a minute of a tempo as :func:`_tempo` writes it (``1/8 3/8=40``)."""
    found = re.search(r"((?:\d+/\d+\s*)+)=(\d+(?:\.\d+)?)", tempo)
    if not found:
        return None
    beat = sum(Fraction(b) for b in found.group(1).split())
    return float(beat * 4) * float(found.group(2))


def _tempo_field(line: str, unit: Fraction) -> str:
    tempo = _tempo(line[2:], unit)
    return "%" + line if tempo is None else f"Q:{tempo}"


def _tempo(value: str, unit: Fraction) -> str | None:
    """A tempo music21 reads right (§3.1.8), or None for one with no number, which leaves
    choreo's default tempo in force (music21 made 132 of "Allegro").

    music21 reads the old ``Q:120`` and ``Q:C2=120`` (unit notes a minute) as quarters, and
    ``1/4 =120`` as 450: rewritten as ``Q:1/8=120``, ``Q:1/4=120`` (at L:1/8), ``1/4=120``."""
    text = value.split("%")[0]
    words = re.findall(r'"[^"]*"', text)
    rest = re.sub(r"\s*=\s*", "=", re.sub(r'"[^"]*"', " ", text)).strip()
    if not rest:
        return None
    old = re.fullmatch(r"(?:C(\d*)(/*)(\d*)=)?(\d+(?:\.\d+)?)", rest)
    if old:
        numerator, slashes, denominator, count = old.groups()
        beat = unit * int(numerator or 1)
        if slashes:
            beat /= int(denominator) if denominator else 2 ** len(slashes)
        rest = f"{beat.numerator}/{beat.denominator}={count}"
    return " ".join([*words, rest])


def _meter(value: str) -> Fraction | None:
    """A bar's length in whole notes, as :func:`read_abc_meter` reads the field: ``6/8``,
    ``C`` (4/4), ``C|`` (2/2), ``(2+3)/8``; None for ``none`` or what has no figures."""
    try:
        meter = read_abc_meter(value.split("%")[0])
    except ValueError:
        return None
    return Fraction(sum(meter.groups), meter.beat_type) if meter.beat_type else None


def _unit(value: str) -> Fraction | None:
    text = value.split("%")[0].strip()
    found = re.fullmatch(r"(\d+)/(\d+)", text)
    if not found or int(found.group(2)) == 0:
        return None if not text.isdigit() else Fraction(int(text))
    return Fraction(int(found.group(1)), int(found.group(2)))


def _default_unit(meter: Fraction | None) -> Fraction:
    """§3.1.7: 1/16 under a meter shorter than 3/4, else 1/8 (also without a meter)."""
    return Fraction(1, 16) if meter is not None and meter < Fraction(3, 4) else Fraction(1, 8)
