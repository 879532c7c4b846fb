"""Write the demo's own scores into ``scores/`` with music21, so they can be regenerated.

    .venv/bin/python scripts/make_demo_scores.py [OUTDIR]

Three original pieces (CC0, written for the demo) set the film's mood — strings that
swell as blades slice, a ballet lament over dark undercurrents, a candle-lit waltz — and
one public-domain score is exported from music21's corpus. Each piece is written bar by
bar in a small note language (``"D5/1.5 E5/0.5 F5/1 A5/1"``: pitch or ``r``, a slash and a
duration in quarter notes; ``D4.F4.A4/2`` is a chord; a trailing ``>`` adds an accent,
``~`` starts a tie, ``^`` a fermata) so every bar can be checked for its length.

music21 keeps a pickle cache of parsed files in a shared temp folder; this script never
reads or writes it (``forceSource=True``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from music21 import (
    articulations,
    bar,
    chord,
    clef,
    converter,
    corpus,
    duration,
    dynamics,
    expressions,
    instrument,
    key,
    layout,
    metadata,
    meter,
    note,
    stream,
    tempo,
    tie,
)

ROOT = Path(__file__).resolve().parent.parent
COMPOSER = "choreo demo (original music, CC0)"

# --- the note language ----------------------------------------------------------------

_PITCH = r"[A-G](?:##?|--?)?\d"
_TOKEN = re.compile(rf"^(?P<pitches>r|{_PITCH}(?:\.{_PITCH})*)/(?P<dur>[\d./]+)(?P<marks>[>~^]*)$")


def _quarter_length(text: str) -> Fraction:
    return Fraction(text) if "/" in text else Fraction(text).limit_denominator(12)


def bar_notes(text: str) -> list[note.GeneralNote]:
    """One bar in the note language, as music21 notes, chords and rests."""
    out: list[note.GeneralNote] = []
    for token in text.split():
        match = _TOKEN.match(token)
        if match is None:
            raise ValueError(f"bad note token {token!r} in {text!r}")
        ql = _quarter_length(match["dur"])
        pitches = match["pitches"]
        element: note.GeneralNote
        if pitches == "r":
            element = note.Rest(quarterLength=ql)
        elif "." in pitches:
            element = chord.Chord(pitches.split("."), quarterLength=ql)
        else:
            element = note.Note(pitches, quarterLength=ql)
        marks = match["marks"]
        if ">" in marks:
            element.articulations.append(articulations.Accent())
        if "~" in marks:
            element.tie = tie.Tie("start")
        if "^" in marks:
            element.expressions.append(expressions.Fermata())
        out.append(element)
    return out


# --- pieces: sections of bars, several parts -------------------------------------------


@dataclass
class Section:
    """Bars sharing a meter; marks go on the section's first bar of the top part."""

    meter: str
    bars: dict[str, list[str]]  # part key -> one note-language string per bar
    rehearsal: str | None = None
    tempo: tempo.MetronomeMark | None = None
    key: key.Key | None = None
    dynamics: dict[str, str] = field(default_factory=dict)  # part key -> dynamic at the start
    # (part key, bar index in the section, beat offset, what) for anything else
    extras: list[tuple[str, int, float, object]] = field(default_factory=list)


@dataclass
class PartSpec:
    key: str  # the short name a section's bars are keyed by
    id: str  # the MusicXML part id
    name: str
    instrument: Callable[[], instrument.Instrument]
    clef: Callable[[], clef.Clef]
    staff: bool = False  # a PartStaff of a piano's grand staff


def build_score(
    title: str,
    parts: Sequence[PartSpec],
    sections: Sequence[Section],
    *,
    first_number: int = 1,
    pickup: dict[str, str] | None = None,
    pickup_meter: str = "4/4",
    pickup_tempo: tempo.MetronomeMark | None = None,
    pickup_key: key.Key | None = None,
    grand_staff: str | None = None,
) -> stream.Score:
    """Assemble a score, checking that every bar is exactly as long as its meter asks."""
    score = stream.Score()
    score.metadata = metadata.Metadata()
    score.metadata.title = title
    score.metadata.composer = COMPOSER
    score.metadata.copyright = "CC0 1.0: original music written for the choreo demo"
    built: list[stream.Part] = []
    for index, spec in enumerate(parts):
        part: stream.Part = stream.PartStaff() if spec.staff else stream.Part()
        part.id = spec.id
        part.partName = spec.name
        inst = spec.instrument()
        inst.partName = spec.name
        # fixed ids, or music21 draws random ones and every regeneration differs
        inst.partId = spec.id
        inst.instrumentId = f"{spec.id}-I1"
        part.insert(0, inst)
        top = index == 0
        number = first_number
        first = True
        if pickup is not None:
            m = stream.Measure(number=0)
            # implicit="yes": not counted, so MuseScore numbers it 0 as choreo does
            m.showNumber = stream.enums.ShowNumber.NEVER
            m.insert(0, spec.clef())
            m.insert(0, pickup_key or sections[0].key)
            m.insert(0, meter.TimeSignature(pickup_meter))
            if top and pickup_tempo is not None:
                m.insert(0, pickup_tempo)
            for element in bar_notes(pickup[spec.key]):
                m.append(element)
            bar_length = meter.TimeSignature(pickup_meter).barDuration.quarterLength
            # an anacrusis: the bar is short, the missing time sits before its notes
            m.paddingLeft = bar_length - m.highestTime
            part.append(m)
            number = 1
            first = False
        for section in sections:
            ts = meter.TimeSignature(section.meter)
            for i, text in enumerate(section.bars[spec.key]):
                m = stream.Measure(number=number)
                if first:
                    m.insert(0, spec.clef())
                if i == 0:
                    if section.key is not None:
                        m.insert(0, section.key)
                    if first or section.meter != _previous_meter(
                        sections, section, pickup_meter, pickup is not None
                    ):
                        m.insert(0, time_signature(section.meter))
                    if top and section.rehearsal:
                        m.insert(0, above(expressions.RehearsalMark(section.rehearsal)))
                    if top and section.tempo is not None:
                        m.insert(0, section.tempo)
                    if spec.key in section.dynamics:
                        m.insert(0, dynamics.Dynamic(section.dynamics[spec.key]))
                for element in bar_notes(text):
                    m.append(element)
                if m.highestTime != ts.barDuration.quarterLength:
                    raise ValueError(
                        f"{title}: {spec.name} bar {number} lasts {m.highestTime} quarters, "
                        f"{section.meter} needs {ts.barDuration.quarterLength}"
                    )
                for part_id, bar_index, offset, what in section.extras:
                    if part_id == spec.key and bar_index == i:
                        m.insert(offset, what)
                part.append(m)
                number += 1
                first = False
        part.getElementsByClass(stream.Measure).last().rightBarline = bar.Barline("final")
        built.append(part)
        score.insert(0, part)
    if grand_staff is not None:
        group = layout.StaffGroup(
            [p for p, s in zip(built, parts, strict=True) if s.staff],
            name=grand_staff,
            abbreviation="Pno.",
            symbol="brace",
        )
        group.barTogether = True
        score.insert(0, group)
    return score


def _previous_meter(
    sections: Sequence[Section], section: Section, pickup_meter: str, has_pickup: bool
) -> str | None:
    index = list(sections).index(section)
    if index == 0:
        return pickup_meter if has_pickup else None
    return sections[index - 1].meter


def mm(number: float, text: str, referent: float = 1.0) -> tempo.MetronomeMark:
    mark = tempo.MetronomeMark(text=text, number=number, referent=duration.Duration(referent))
    mark.placement = "above"
    return mark


def above(element: expressions.TextExpression | expressions.RehearsalMark) -> object:
    """Marks read by the whole band sit above the staff, as engravers place them."""
    element.placement = "above"
    return element


def rests(meter_text: str, count: int) -> list[str]:
    ql = meter.TimeSignature(meter_text).barDuration.quarterLength
    return [f"r/{ql:g}"] * count


# --- accompaniment patterns ---------------------------------------------------------------


def quarters(tones: Sequence[str], beats: int) -> str:
    """Inner strings walking the chord in quarter notes."""
    return " ".join(f"{tones[i % len(tones)]}/1" for i in range(beats))


def waltz_left_hand(bass: str, chord_tones: str) -> str:
    """Oom-pah-pah: the bass on one, the chord on two and three."""
    return f"{bass}/1 {chord_tones}/1 {chord_tones}/1"


def tarantella_bass(root: str, fifth: str) -> str:
    return f"{root}/0.5 {root}/0.5 {root}/0.5 {fifth}/0.5 {fifth}/0.5 {fifth}/0.5"


def ostinato_5_4(root: str, last_note_accent: bool = False) -> str:
    """The corridor's 3+2 heartbeat: root, root, fifth, root, minor sixth, fifth | root,
    root, tritone, fifth."""
    from music21 import pitch

    steps = ["P1", "P1", "P5", "P1", "m6", "P5", "P1", "P1", "A4", "P5"]
    tokens = [f"{pitch.Pitch(root).transpose(step).nameWithOctave}/0.5" for step in steps]
    tokens[0] += ">"
    tokens[6] += ">"
    if last_note_accent:
        tokens[-1] += ">"
    return " ".join(tokens)


def time_signature(text: str) -> meter.TimeSignature:
    """A meter; 5/4 is beamed 3+2, the way the corridor's heartbeat is felt."""
    ts = meter.TimeSignature(text)
    if text == "5/4":
        ts.beamSequence = meter.MeterSequence("3/4+2/4")
    return ts


# --- the opera house: lament, valse macabre, tarantella (D minor, string trio) -----------


def opera_house() -> stream.Score:
    d_minor = key.Key("d")
    # (violin, viola tones, cello) per bar
    lament = [
        ("D5/1.5 E5/0.5 F5/1 A5/1", ["F4", "A4"], "D3/4"),
        ("G5/1.5 F5/0.5 E5/1 C5/1", ["E4", "G4"], "C3/4"),
        ("D5/1.5 C5/0.5 B-4/1 D5/1", ["F4", "D4"], "B-2/4"),
        ("E5/1.5 D5/0.5 C#5/2", ["E4", "C#4"], "A2/4"),
        ("B-5/1.5 A5/0.5 G5/1 D5/1", ["D4", "B-3"], "G2/4"),
        ("A5/1.5 G5/0.5 F5/1 D5/1", ["A4", "D4"], "F2/4"),
        ("G5/1 F5/1 E5/1 D5/0.5 E5/0.5", ["G4", "B-3"], "E2/4"),
        ("C#5/3 A4/1", ["E4", "C#4"], "A2/2 A2/2"),
        ("D5/1.5 E5/0.5 F5/1 A5/1", ["F4", "A4"], "D3/2 C3/2"),
        ("D6/1.5 C6/0.5 B-5/1 A5/1", ["F4", "D4"], "B-2/2 F3/2"),
        ("G5/1.5 F5/0.5 E5/1 D5/1", ["B-4", "G4"], "G2/2 E3/2"),
        ("C#5/1 E5/1 G5/1 B-5/1", ["E4", "G4"], "A2/4"),
        ("A5/1.5 F5/0.5 D5/1 F5/1", ["F4", "A4"], "D3/2 F3/2"),
        ("B-5/1 A5/1 G#5/1 A5/1", ["D4", "F4"], "G#2/4"),
        ("F5/1 E5/1 D5/1 C#5/1", ["F4", "E4", "D4", "C#4"], "A2/2 A2/2"),
        ("D5/2 r/2", ["D4", "A3"], "D2/0.5 E2/0.5 F2/0.5 G2/0.5 A2/0.5 B-2/0.5 C#3/0.5 D3/0.5"),
    ]
    valse = [
        ("A4/1 D5/1 F5/1", "F4.A4", "D3"),
        ("A5/2 G5/0.5 F5/0.5", "F4.A4", "D3"),
        ("E5/1 C#5/1 E5/1", "E4.G4", "A2"),
        ("G5/2 F5/0.5 E5/0.5", "C#4.G4", "A2"),
        ("F5/1 E5/1 D5/1", "C#4.E4", "A2"),
        ("F5/1 A5/1 D6/1", "F4.A4", "D3"),
        ("D6/2 C6/0.5 B-5/0.5", "G4.B-4", "G2"),
        ("A5/1 F5/1 D5/1", "F4.A4", "D3"),
        ("F5/1 B-5/1 D6/1", "F4.B-4", "B-2"),
        ("B-5/1 G5/1 E5/1", "G4.B-4", "C#3"),
        ("C#5/1 E5/1 G5/1", "E4.G4", "A2"),
        ("A5/1 C#6/1 E6/1>", "C#4.E4", "A2"),
    ]
    valse_bars = {
        "vn": [v for v, _, _ in valse],
        "va": [f"r/1 {c}/1 {c}/1" for _, c, _ in valse],
        "vc": [f"{b}/1> r/2" for _, _, b in valse],
    }
    tarantella = [
        ("D5/0.5 F5/0.5 A5/0.5 D6/1> A5/0.5", "F4.A4", ("D3", "A2")),
        ("B-5/0.5 A5/0.5 G5/0.5 F5/1 E5/0.5", "F4.A4", ("D3", "A2")),
        ("D5/0.5 G5/0.5 B-5/0.5 D6/1> B-5/0.5", "G4.B-4", ("G2", "D3")),
        ("A5/0.5 G5/0.5 F5/0.5 E5/1 C#5/0.5", "E4.G4", ("A2", "E3")),
        ("D5/0.5 F5/0.5 A5/0.5 D6/1> A5/0.5", "F4.A4", ("D3", "A2")),
        ("B-5/0.5 A5/0.5 G5/0.5 F5/1 D5/0.5", "F4.A4", ("D3", "A2")),
        ("F5/0.5 B-5/0.5 D6/0.5 F6/1> D6/0.5", "F4.B-4", ("B-2", "F3")),
        ("C#6/1.5> A5/1.5", "E4.G4", ("A2", "E3")),
        ("D6/0.5 A5/0.5 F5/0.5 D5/1 F5/0.5", "F4.A4", ("D3", "A2")),
        ("G5/0.5 B-5/0.5 D6/0.5 G6/1> D6/0.5", "G4.B-4", ("G2", "D3")),
        ("E6/0.5 B-5/0.5 G5/0.5 E5/1 G5/0.5", "G4.B-4", ("E3", "B-2")),
        ("A5/0.5 C#6/0.5 E6/0.5 G6/1> E6/0.5", "E4.G4", ("A2", "E3")),
        ("F6/1.5> D6/1.5", "F4.A4", ("D3", "A2")),
        ("D6/0.5 B-5/0.5 G5/0.5 D6/0.5 B-5/0.5 G5/0.5", "G4.B-4", ("G2", "D3")),
        ("C#6/0.5 A5/0.5 E5/0.5 C#6/0.5 A5/0.5 E5/0.5", "E4.G4", ("A2", "E3")),
        ("D6/1.5> A5/1.5", "F4.A4", ("D3", "A2")),
        ("D5/0.5 F5/0.5 A5/0.5 D6/0.5 F6/0.5 A6/0.5", "F4.A4", ("D3", "A2")),
        ("G6/0.5 E6/0.5 C#6/0.5 A5/0.5 G5/0.5 E5/0.5", "E4.G4", ("A2", "E3")),
        ("D6/3>", "F4.A4", ("D3", "A2")),
        ("D4.A4.F5/1.5> r/1.5", None, None),
    ]
    tarantella_bars: dict[str, list[str]] = {"vn": [], "va": [], "vc": []}
    for violin, inner, bass in tarantella:
        tarantella_bars["vn"].append(violin)
        if inner is None or bass is None:
            tarantella_bars["va"].append("D4.A4/1.5> r/1.5")
            tarantella_bars["vc"].append("D2.D3/1.5> r/1.5")
        else:
            tarantella_bars["va"].append(f"{inner}/1.5 {inner}/1.5")
            tarantella_bars["vc"].append(tarantella_bass(*bass))
    sections = [
        Section(
            "4/4",
            {
                "vn": [v for v, _, _ in lament],
                "va": [quarters(t, 4) for _, t, _ in lament],
                "vc": [c for _, _, c in lament],
            },
            rehearsal="A",
            dynamics={"va": "p", "vc": "p"},
            extras=[
                ("vn", 8, 0.0, dynamics.Dynamic("mp")),
                ("vn", 8, 0.0, expressions.TextExpression("cresc.")),
                ("vn", 12, 0.0, dynamics.Dynamic("mf")),
            ],
        ),
        Section(
            "3/4",
            valse_bars,
            rehearsal="B",
            tempo=mm(132, "Valse macabre"),
            dynamics={"vn": "f", "va": "mf", "vc": "f"},
        ),
        Section(
            "6/8",
            tarantella_bars,
            rehearsal="C",
            tempo=mm(96, "Tarantella furiosa", referent=1.5),
            dynamics={"vn": "f", "va": "f", "vc": "f"},
            extras=[
                ("vn", 12, 0.0, dynamics.Dynamic("ff")),
                ("va", 12, 0.0, dynamics.Dynamic("ff")),
                ("vc", 12, 0.0, dynamics.Dynamic("ff")),
            ],
        ),
    ]
    parts = [
        PartSpec("vn", "P1", "Violin", instrument.Violin, clef.TrebleClef),
        PartSpec("va", "P2", "Viola", instrument.Viola, clef.AltoClef),
        PartSpec("vc", "P3", "Violoncello", instrument.Violoncello, clef.BassClef),
    ]
    score = build_score(
        "The Abandoned Opera House",
        parts,
        sections,
        pickup={"vn": "A4/1", "va": "r/1", "vc": "r/1"},
        pickup_tempo=mm(96, "Lento lamentoso"),
        pickup_key=d_minor,
    )
    # the pickup carries the first dynamic of the melody
    score.parts[0].measure(0).insert(0, dynamics.Dynamic("p"))
    return score


# --- the corridor: a 3+2 heartbeat in 5/4 (C minor, string quartet) -----------------------


def corridor() -> stream.Score:
    c_minor = key.Key("c")
    five = "5/4"
    a_violin = [
        *rests(five, 4),
        "r/3 G5/1 A-5/1",
        "G5/3 F#5/1 G5/1",
        "r/3 E-5/1 F5/1",
        "G5/2 A-5/1 B4/2",
        "C5/5",
        "r/3 C6/1 B5/1",
        "B-5/2 A-5/1 G5/1 F#5/1",
        "G5/5",
    ]
    a_inner = [  # (violin II, viola): long held tones over the heartbeat
        ("G4", "E-4"),
        ("G4", "E-4"),
        ("A-4", "F4"),
        ("G4", "E-4"),
        ("G4", "E-4"),
        ("F#4", "D4"),
        ("G4", "E-4"),
        ("F4", "D4"),
        ("G4", "E-4"),
        ("A-4", "E-4"),
        ("A-4", "F4"),
        ("G4", "D4"),
    ]
    b_violin = [
        "C6/1.5> G5/0.5 E-5/1 D5/1 C5/1",
        "D-5/1.5 C5/0.5 B4/1 C5/2",
        "E-5/1.5 D5/0.5 C5/1 G5/2",
        "A-5/3> G5/1 F#5/1",
        "G5/1.5> A-5/0.5 G5/1 F5/1 E-5/1",
        "D5/1.5 E-5/0.5 F5/1 A-5/2",
        "G5/1 C6/1 E-6/1 D6/1 C6/1",
        "B5/3> G5/2",
        "C6/1.5> D-6/0.5 C6/1 B-5/1 A-5/1",
        "G5/1.5 A-5/0.5 G5/1 F5/1 E-5/1",
        "D5/1 F5/1 A-5/1 B5/1 D6/1",
        "G6/5>",
    ]
    b_inner = [
        ("E-5", "G4", "C3"),
        ("F5", "A-4", "D-3"),
        ("E-5", "G4", "C3"),
        ("E-5", "C5", "A-2"),
        ("E-5", "G4", "C3"),
        ("C5", "A-4", "F2"),
        ("E-5", "G4", "C3"),
        ("D5", "B4", "G2"),
        ("E-5", "C5", "A-2"),
        ("E-5", "G4", "C3"),
        ("B4", "F4", "G2"),
        ("D5", "B4", "G2"),
    ]
    c_violin = [
        "C6/0.5> r/0.5 C6/0.5> r/0.5 C6/1 E-6/1 D6/1",
        "D-6/2> C6/1 B5/2",
        "C6/0.5> r/0.5 C6/0.5> r/0.5 E-6/1 G6/1 F6/1",
        "E-6/1> D6/1 C6/1 B5/1 A-5/1",
        "G5/1 A-5/1 B5/1 D6/1 F6/1",
        "E-6/3> D6/2",
        "C6/0.5 G5/0.5 E-5/0.5 C5/0.5 G4/0.5 E-4/0.5 C4/0.5 G4/0.5 C5/1",
        "C4.G4.E-5/1> r/2 r/2",
    ]
    c_inner = [
        ("E-5", "G4", "C3"),
        ("F5", "A-4", "D-3"),
        ("E-5", "G4", "C3"),
        ("C5", "A-4", "A-2"),
        ("F5", "B4", "G2"),
        ("E-5", "G4", "G2"),
    ]
    sections = [
        Section(
            five,
            {
                "v1": a_violin,
                "v2": [f"{v2}/5" for v2, _ in a_inner],
                "va": [f"{va}/5" for _, va in a_inner],
                "vc": [ostinato_5_4("C3") for _ in a_inner],
            },
            rehearsal="A",
            tempo=mm(112, "Inquieto"),
            key=c_minor,
            dynamics={"v2": "pp", "va": "pp", "vc": "p"},
            extras=[("v1", 4, 3.0, dynamics.Dynamic("mp"))],
        ),
        Section(
            five,
            {
                "v1": b_violin,
                "v2": [quarters([v2], 5) for v2, _, _ in b_inner],
                "va": [quarters([va], 5) for _, va, _ in b_inner],
                "vc": [ostinato_5_4(root) for _, _, root in b_inner],
            },
            rehearsal="B",
            tempo=mm(144, "Più mosso, feroce"),
            dynamics={"v1": "f", "v2": "mf", "va": "mf", "vc": "f"},
        ),
        Section(
            five,
            {
                "v1": c_violin,
                "v2": [quarters([v2], 5) for v2, _, _ in c_inner] + ["E-5/5", "G4.E-5/1> r/2 r/2"],
                "va": [quarters([va], 5) for _, va, _ in c_inner] + ["G4/5", "C4.G4/1> r/2 r/2"],
                "vc": [ostinato_5_4(root, last_note_accent=True) for _, _, root in c_inner]
                + [ostinato_5_4("C3"), "C2.G2/1> r/2 r/2"],
            },
            rehearsal="C",
            dynamics={"v1": "ff", "v2": "ff", "va": "ff", "vc": "ff"},
            extras=[("v1", 7, 0.0, dynamics.Dynamic("fff"))],
        ),
    ]
    parts = [
        PartSpec("v1", "P1", "Violin I", instrument.Violin, clef.TrebleClef),
        PartSpec("v2", "P2", "Violin II", instrument.Violin, clef.TrebleClef),
        PartSpec("va", "P3", "Viola", instrument.Viola, clef.AltoClef),
        PartSpec("vc", "P4", "Violoncello", instrument.Violoncello, clef.BassClef),
    ]
    return build_score("The Corridor", parts, sections)


# --- the studio: a candle-lit waltz for the rehearsal piano (A minor / A major) -----------


def studio_waltz() -> stream.Score:
    # (right hand, left-hand bass, left-hand chord) per bar
    a = [
        ("A4/1 C5/1 E5/1", "A2", "C4.E4"),
        ("A5/2 G#5/1", "E2", "B3.E4"),
        ("A5/1 F5/1 D5/1", "D2", "F3.A3"),
        ("E5/2 D5/1", "E2", "G#3.B3"),
        ("C5/1 E5/1 A5/1", "A2", "C4.E4"),
        ("C6/2 B5/0.5 A5/0.5", "F2", "A3.C4"),
        ("G#5/1 F5/1 D5/1", "B1", "D4.F4"),
        ("E5/3", "E2", "G#3.D4"),
    ]
    b = [
        ("A4/1 C5/1 E5/1", "A2", "C4.E4"),
        ("A5/2 B5/1", "A2", "C4.E4"),
        ("C6/1 B5/1 A5/1", "D2", "F3.A3"),
        ("B5/1.5 A5/0.5 G5/1", "G2", "F3.B3"),
        ("G5/1 E5/1 C5/1", "C3", "E3.G3"),
        ("A5/2 F5/1", "F2", "A3.C4"),
        ("D5/1 B4/1 G#4/1", "E2", "G#3.D4"),
        ("A4/2 E5/1", "A2", "C4.E4"),
    ]
    c = [
        ("E5/1.5 F#5/0.5 E5/1", "A2", "C#4.E4"),
        ("C#6/2 B5/1", "A2", "C#4.E4"),
        ("A5/1 F#5/1 D5/1", "D2", "F#3.A3"),
        ("B5/2 G#5/0.5 E5/0.5", "E2", "G#3.D4"),
        ("E5/1.5 F#5/0.5 E5/1", "A2", "C#4.E4"),
        ("A5/1 C#6/1 F#6/1", "F#2", "A3.C#4"),
        ("E6/1 D6/1 B5/1", "E2", "G#3.D4"),
        ("A5/2 E5/1", "A2", "C#4.E4"),
    ]
    d = [
        ("A4/1 C5/1 E5/1", "A2", "C4.E4"),
        ("A5/2 G#5/1", "E2", "B3.E4"),
        ("A5/1 F5/1 D5/1", "D2", "F3.A3"),
        ("G#4/1 B4/1 D5/1", "E2", "G#3.D4"),
        ("C5/1 E5/1 A5/1", "A2", "C4.E4"),
        ("A5/2 F5/1", "F2", "A3.C4"),
        ("E5/1 D5/1 G#4/1", "E2", "G#3.D4"),
        ("A4.C5.E5/3^", "A1", None),
    ]

    def hands(bars: list[tuple[str, str, str | None]]) -> dict[str, list[str]]:
        return {
            "rh": [rh for rh, _, _ in bars],
            "lh": [
                waltz_left_hand(bass, tones) if tones else f"{bass}.E2.A2/3^"
                for _, bass, tones in bars
            ],
        }

    sections = [
        Section(
            "3/4",
            hands(a),
            rehearsal="A",
            tempo=mm(84, "Tempo di valse"),
            key=key.Key("a"),
            dynamics={"rh": "p", "lh": "pp"},
        ),
        Section("3/4", hands(b), rehearsal="B", dynamics={"rh": "mp"}),
        Section(
            "3/4",
            hands(c),
            rehearsal="C",
            key=key.Key("A"),
            dynamics={"rh": "mf", "lh": "p"},
            extras=[("rh", 0, 0.0, above(expressions.TextExpression("dolce, come un ricordo")))],
        ),
        Section(
            "3/4",
            hands(d),
            rehearsal="D",
            tempo=mm(72, "Poco meno mosso"),
            key=key.Key("a"),
            dynamics={"rh": "p", "lh": "pp"},
            extras=[
                ("rh", 3, 0.0, above(expressions.TextExpression("rit."))),
                ("rh", 4, 0.0, mm(58, "Lento")),
                ("rh", 6, 0.0, dynamics.Dynamic("pp")),
            ],
        ),
    ]
    parts = [
        PartSpec("rh", "P1", "Piano", instrument.Piano, clef.TrebleClef, staff=True),
        PartSpec("lh", "P1-LH", "Piano", instrument.Piano, clef.BassClef, staff=True),
    ]
    return build_score("Candle-lit Studio Waltz", parts, sections, grand_staff="Piano")


# --- a public-domain score from music21's corpus ------------------------------------------

CORPUS_WORK = "handel/rinaldo/Lascia_chio_pianga"


def lascia_chio_pianga() -> stream.Score:
    """Handel, "Lascia ch'io pianga" (Rinaldo, 1711): recitative in 4/4, aria in 3/4."""
    path = corpus.getWork(CORPUS_WORK)
    score = converter.parse(path, forceSource=True)
    score.metadata.title = "Lascia ch'io pianga (Rinaldo, HWV 7)"
    score.metadata.movementName = score.metadata.title  # the corpus file names it by file
    score.metadata.composer = "George Frideric Handel"
    for number, inst in enumerate(score.recurse().getElementsByClass(instrument.Instrument), 1):
        inst.instrumentId = f"I{number}"  # fixed, so regenerating changes nothing
    return score


# --- writing --------------------------------------------------------------------------------

PIECES: dict[str, Callable[[], stream.Score]] = {
    "opera-house.musicxml": opera_house,
    "corridor.musicxml": corridor,
    "studio-waltz.musicxml": studio_waltz,
    "lascia-chio-pianga.musicxml": lascia_chio_pianga,
}

_DATE = re.compile(r"\s*<encoding-date>[^<]*</encoding-date>")
# music21 writes a tempo's words as their own direction without a placement; MuseScore then
# may drop them below the staff, under the melody
_TEMPO_WORDS = re.compile(r'<direction>(\s*<direction-type>\s*<words default-y="45")')


def write(score: stream.Score, path: Path) -> None:
    """Write MusicXML without the encoding date, so regenerating changes nothing."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    score.write("musicxml", fp=tmp)
    text = _DATE.sub("", tmp.read_text(encoding="utf-8"))
    text = _TEMPO_WORDS.sub(r'<direction placement="above">\1', text)
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else ROOT / "scores"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, make in PIECES.items():
        path = out_dir / name
        write(make(), path)
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
