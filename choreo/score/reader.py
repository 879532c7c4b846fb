"""music21 streams to choreo's own frozen measure map: the border where music21 stops.

Everything music21 returns is ``Any`` here and is turned into plain numbers and strings
at once. music21 is imported inside the functions so that importing choreo stays fast.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from choreo.errors import ScoreError
from choreo.score import timeline
from choreo.score.abc_meter import AbcMeter, read_abc_meter
from choreo.score.abc_parts import AbcParts, label_signs
from choreo.score.abc_text import abc_for_music21
from choreo.score.fingerprint import bar_prints
from choreo.score.guard import MAX_METER_QUARTERS, AbsurdMeter, score_bytes
from choreo.score.repeats import RepeatSigns, has_repeats
from choreo.score.signs import read_repeat_signs
from choreo.score.xml_timing import ScoreTiming, read_timing
from choreo.timing import Measure, MeasureMap, ScoreMark

_ABC_TUNE = re.compile(rb"^X:\s*(\d+)", re.MULTILINE)
_DECLARED = re.compile(rb"encoding=[\'\"]([A-Za-z0-9._-]+)[\'\"]")
_DECLARED_TEXT = re.compile(r"encoding=[\'\"][A-Za-z0-9._-]+[\'\"]")


@dataclass(frozen=True)
class ReadScore:
    """A parsed score and what choreo had to choose while reading it."""

    stream: Any  # a music21 Score (or Part)
    notes: tuple[str, ...] = ()
    timing: ScoreTiming | None = None  # a MusicXML file's own timing, as MuseScore plays it
    abc_parts: AbcParts | None = None  # an ABC tune's parts, played in its header's order


def parse_score(path: Path, score_format: str) -> ReadScore:
    """Parse a vetted file with music21, never through its pickle cache."""
    from music21 import converter, stream

    notes: list[str] = []
    number = None
    if score_format == "abc":
        number, note = _first_abc_tune(path)
        if note:
            notes.append(note)
    timing = None
    abc_parts = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # music21 warns about every overfull measure
            if score_format == "musicxml":
                document = score_bytes(path)
                timing = read_timing(document)
                parsed: Any = _parse_musicxml(document)
            else:
                reader = converter.Converter()
                # parseFileNoPickle neither reads nor writes music21's shared pickle cache.
                if score_format == "abc":  # the text with what music21 misreads rewritten
                    abc = abc_for_music21(path)
                    abc_parts = abc.parts
                    with _abc_reading(path):
                        reader.parseData(abc.text, number=number, format="abc")
                else:
                    reader.parseFileNoPickle(path, number=number, format=score_format)
                parsed = reader.stream
    except ScoreError:
        raise
    except RecursionError:
        reason = "it nests too deeply"
        raise ScoreError(f"music21 cannot read this score: {reason}", where=path) from None
    except Exception as error:  # music21 and its parsers raise dozens of types
        reason = _one_line(error)
        raise ScoreError(f"music21 cannot read this score: {reason}", where=path) from None
    if isinstance(parsed, stream.Opus):
        scores = list(parsed.scores)
        if not scores:
            raise ScoreError("the file holds no score", where=path)
        notes.append(f"the file holds {len(scores)} scores; following the first")
        parsed = scores[0]
    if score_format == "abc":
        _count_from_one(parsed)
    return ReadScore(parsed, tuple(notes), timing, abc_parts)


@contextlib.contextmanager
def _abc_reading(path: Path) -> Iterator[None]:
    """music21's ABC reader as choreo needs it. It beams every part, which is notation only
    and quadratic in the tune's length (a 10 KB tune took minutes): skipped. It gives the
    overflow of an overfull bar a meter of its own, whose accents take minutes to lay out
    when the overflow is long (a missing bar line, ``F65536``): refused past the longest
    meter choreo accepts. It reads an additive meter's figures as one number (``(2+3)/8``
    as 23/8): choreo's reading of the ``M:`` field is used instead."""
    from music21 import abcFormat, meter, stream

    beam, best = stream.Stream.makeBeams, stream.Measure.bestTimeSignature
    metadata = abcFormat.ABCMetadata
    parameters, time_signature = (
        metadata.getTimeSignatureParameters,
        metadata.getTimeSignatureObject,
    )

    def meter_read(self: Any) -> AbcMeter | None:
        """choreo's reading of an ``M:`` field; None where music21's own is right."""
        text = str(self.data).strip()
        if not self.isMeter() or text in ("C", "C|") or text.casefold() == "none":
            return None
        return read_abc_meter(text)

    def meter_parameters(self: Any) -> Any:
        read = meter_read(self)
        if read is None:
            return parameters(self)
        return sum(read.groups), read.beat_type, "normal"

    def meter_object(self: Any) -> Any:
        read = meter_read(self)
        if read is None:
            return time_signature(self)
        return meter.TimeSignature(read.music21_name)

    def meter_for_overflow(self: Any) -> Any:
        if self.highestTime > MAX_METER_QUARTERS:
            raise AbsurdMeter(
                f"a bar runs {float(self.highestTime):g} quarter notes past its time signature "
                f"(more than {MAX_METER_QUARTERS}: a missing bar line or a very long note?); "
                f"refused",
                where=path,
            )
        return best(self)  # type: ignore[no-untyped-call]

    stream.Stream.makeBeams = _leave_unbeamed  # type: ignore[method-assign]
    stream.Measure.bestTimeSignature = meter_for_overflow  # type: ignore[method-assign]
    metadata.getTimeSignatureParameters = meter_parameters  # type: ignore[method-assign]
    metadata.getTimeSignatureObject = meter_object  # type: ignore[method-assign]
    try:
        yield
    finally:
        stream.Stream.makeBeams = beam  # type: ignore[method-assign]
        stream.Measure.bestTimeSignature = best  # type: ignore[method-assign]
        metadata.getTimeSignatureParameters = parameters  # type: ignore[method-assign]
        metadata.getTimeSignatureObject = time_signature  # type: ignore[method-assign]


def _count_from_one(score: Any) -> None:
    """music21 numbers a tune's first bar 0 when it is full, as it does a pickup: a full
    first bar is bar 1 (ABC writes no numbers; every player counts so)."""
    from music21 import stream

    parts = list(score.parts) if isinstance(score, stream.Score) else [score]
    for part in parts:
        bars = list(part.getElementsByClass(stream.Measure))
        if bars and bars[0].number == 0 and not bars[0].paddingLeft:
            for bar in bars:
                bar.number += 1


def _leave_unbeamed(self: Any, *, inPlace: bool = False, **_: Any) -> Any:
    return None if inPlace else self


def _parse_musicxml(document: bytes) -> Any:
    """music21's reading of the document choreo chose (an .mxl's rootfile, not whichever
    XML member comes first); parsed from memory, so no pickle cache is involved."""
    from music21.converter.subConverters import ConverterMusicXML

    declared = _DECLARED.search(document[:200])
    codec = declared.group(1).decode("ascii") if declared else "utf-8"
    if document.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    try:
        text = document.decode(codec)
    except (LookupError, UnicodeDecodeError):
        text = document.decode("utf-8", errors="replace")
    text = _DECLARED_TEXT.sub("encoding='UTF-8'", text.lstrip("\ufeff"), count=1)
    reader = ConverterMusicXML()
    reader.parseData(text)
    return reader.stream


def read_measure_map(
    read: ReadScore,
    *,
    part: int | str = 0,
    default_tempo: float = 120.0,
    source: str = "",
    where: str | Path | None = None,
) -> tuple[MeasureMap, tuple[RepeatSigns, ...]]:
    """The written measure map of one part, and the repeat signs on each of its measures."""
    try:
        return _read_measure_map(read, part, default_tempo, source, where)
    except ScoreError:
        raise
    except Exception as error:  # music21 can fail late, on a stream it built itself
        reason = _one_line(error)
        message = f"music21 cannot make sense of this score: {reason}"
        raise ScoreError(message, where=where) from None


def _read_measure_map(
    read: ReadScore, part: int | str, default_tempo: float, source: str, where: str | Path | None
) -> tuple[MeasureMap, tuple[RepeatSigns, ...]]:
    from music21 import stream

    score = read.stream
    parts: list[Any] = list(score.parts) if isinstance(score, stream.Score) else [score]
    if not parts:
        raise ScoreError("the score has no parts: no music found", where=where)
    names = tuple(part_name(p, i) for i, p in enumerate(parts))
    chosen = choose_part(parts, names, part, where=where)
    followed = parts[chosen]
    measures_m21: list[Any] = list(followed.getElementsByClass(stream.Measure))
    notes = read.notes
    if not measures_m21 and followed.notesAndRests:
        # Some ABC tunes come back from music21 without barlines: bar them by the meter.
        followed = followed.makeMeasures()
        parts[chosen] = followed
        measures_m21 = list(followed.getElementsByClass(stream.Measure))
        notes += ("the part has no measures of its own; barred by its time signature",)
    if not measures_m21:
        raise ScoreError(f"part {chosen} ({names[chosen]}) has no measures", where=where)
    index_of: dict[int, int] = {}
    for each in parts:  # a bar is the n-th <measure> of every part
        for index, m in enumerate(each.getElementsByClass(stream.Measure)):
            index_of[id(m)] = index
    measures, tempos, laid_out = timeline.lay_out(
        read.timing, parts, measures_m21, index_of, default_tempo
    )
    notes += laid_out
    marks = _marks(followed, measures, index_of)
    forward_at_end: frozenset[int] = frozenset()
    if read.timing is not None and chosen < len(read.timing.parts):
        forward_at_end = frozenset(read.timing.parts[chosen].forward_at_end)
    signs = read_repeat_signs(
        score,
        measures_m21,
        index_of,
        measures,
        lambda element: _place(element, measures, index_of),
        forward_at_end,
    )
    if read.abc_parts is not None:
        counts = [len(m.notesAndRests) for m in measures_m21]
        signs = label_signs(signs, read.abc_parts, counts, where=where)
    written = MeasureMap(
        measures=measures,
        tempos=tuple(tempos),
        parts=names,
        part=chosen,
        order="written",
        source=source,
        marks=marks,
        notes=notes,
        repeats=has_repeats(signs, [m.number for m in measures]),
        bars=bar_prints(parts, index_of, measures),
    )
    return written, signs


def choose_part(
    parts: list[Any], names: tuple[str, ...], part: int | str, *, where: str | Path | None
) -> int:
    """A part by index, or by name or id (case-insensitive; the first of equal names)."""
    listed = ", ".join(f"{i} {name}" for i, name in enumerate(names))
    if isinstance(part, int) and not isinstance(part, bool):
        if 0 <= part < len(parts):
            return part
        raise ScoreError(f"the score has no part {part}; its parts are: {listed}", where=where)
    wanted = str(part).strip().casefold()
    for index, (candidate, name) in enumerate(zip(parts, names, strict=True)):
        ident = candidate.id if isinstance(candidate.id, str) else ""
        if wanted in (name.casefold(), ident.casefold()):
            return index
    if wanted.isdecimal() and int(wanted) < len(parts):
        return int(wanted)
    raise ScoreError(f"the score has no part '{part}'; its parts are: {listed}", where=where)


# -- marks ----------------------------------------------------------------------------


def _marks(
    part: Any, measures: tuple[Measure, ...], index_of: dict[int, int]
) -> tuple[ScoreMark, ...]:
    """Rehearsal letters and staff text of the followed part, where sync can anchor beats."""
    from music21 import expressions

    found: list[tuple[float, int, ScoreMark]] = []
    kinds = (expressions.RehearsalMark, expressions.TextExpression)
    for sequence, element in enumerate(part.recurse().getElementsByClass(kinds)):
        text = _visible_text(getattr(element, "content", None))
        placed = _place(element, measures, index_of)
        if not text or placed is None:
            continue
        measure, within = placed
        beat = measure.first_beat + within / measure.beat_length
        rehearsal = isinstance(element, expressions.RehearsalMark)
        mark = ScoreMark(
            text, measure.number, round(beat, 6), "rehearsal" if rehearsal else "words"
        )
        found.append((measure.offset + within, sequence, mark))
    found.sort(key=lambda item: (item[0], item[1]))
    return tuple(mark for _, _, mark in found)


def _visible_text(content: Any) -> str:
    """Text a reader sees: SMuFL glyphs in the private use area are symbols, not words."""
    if content is None:
        return ""
    text = " ".join(str(content).split())
    if all(0xE000 <= ord(c) <= 0xF8FF or c.isspace() for c in text):
        return ""
    return text


def _place(
    element: Any, measures: tuple[Measure, ...], index_of: dict[int, int]
) -> tuple[Measure, float] | None:
    """The written measure holding an element and its quarter offset within it."""
    placed = timeline.place(element, index_of)
    if placed is None:
        return None
    measure = measures[placed[0]]
    return measure, min(float(placed[1]), measure.quarter_length)


def _first_abc_tune(path: Path) -> tuple[int | None, str]:
    """An ABC file may hold a whole book of tunes; choreo follows the first."""
    with path.open("rb") as handle:
        numbers = _ABC_TUNE.findall(handle.read())
    if len(numbers) <= 1:
        return None, ""
    first = int(numbers[0])
    return first, f"the ABC file holds {len(numbers)} tunes; following the first (X:{first})"


def part_name(part: Any, index: int) -> str:
    """A part as the user knows it: its name, else its id, else "Part N" (MIDI too)."""
    name = part.partName
    if isinstance(name, str) and name.strip():
        return name.strip()
    if isinstance(part.id, str) and part.id.strip():
        return part.id.strip()
    return f"Part {index + 1}"


def _one_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    text = lines[0].strip() if lines else ""
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__
