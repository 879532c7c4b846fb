"""MuseScore as the oracle for seconds, and small MusicXML scores written for the tests.

``mscore3 -o x.mpos score`` lists every bar MuseScore plays, in playing order, with its
start in milliseconds. Tests that need it are skipped only where MuseScore is absent.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree

from choreo.score.guard import score_bytes

MUSESCORE = shutil.which("mscore3")
needs_musescore = pytest.mark.skipif(
    MUSESCORE is None, reason="MuseScore 3 (mscore3) is not installed"
)

_REPEATS = (
    re.compile(r"<repeat\b[^>]*/>"),
    re.compile(r"<ending\b[^>]*/>|<ending\b[^>]*>.*?</ending>", re.S),
    re.compile(r'\s(?:dacapo|dalsegno|segno|coda|tocoda|fine)="[^"]*"'),
)
_DECLARED = re.compile(r"""encoding=["'][^"']*["']""")


def bar_starts_ms(score: Path) -> list[int]:
    """MuseScore's start of every bar it plays, in ms (a multi-bar rest is one entry)."""
    return [int(event.get("position")) for event in _played(score)]


def played_bars(score: Path) -> list[tuple[int, float]]:
    """(written bar index, start in seconds) of every bar MuseScore plays, in order."""
    return [(int(event.get("elid")), int(event.get("position")) / 1000) for event in _played(score)]


def musescore(source: Path, target: Path) -> Path:
    """``target`` written by MuseScore from ``source`` (its suffix says what: .pdf, .png,
    .mpos, .mscx, .musicxml), offscreen and with a home of its own."""
    assert MUSESCORE is not None
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(target.parent))
    subprocess.run(
        [MUSESCORE, "-o", str(target), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
        env=environment,
    )
    return target


def _played(score: Path) -> list[Any]:
    """The ``<event>`` of every bar in MuseScore's playing order, from its ``.mpos``."""
    target = musescore(score, score.with_name(score.name + ".mpos"))
    return list(ElementTree.parse(target).getroot().iter("event"))


def uncounted_bars(score: Path) -> list[bool]:
    """Which bars MuseScore leaves out of its count ("exclude from measure count"), read
    from the score as MuseScore saves it (``<irregular>`` in its .mscx)."""
    target = musescore(score, score.with_name(score.name + ".mscx"))
    staff = ElementTree.parse(target).getroot().find("Score/Staff")
    return [measure.findtext("irregular") == "1" for measure in staff.iter("Measure")]


def written_order_copy(score: Path, target: Path) -> Path:
    """The score's MusicXML without repeat signs, endings and jumps, so that MuseScore
    plays it in written order (an .mxl's rootfile, any declared encoding, as UTF-8)."""
    data = score_bytes(score)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        text = data.decode("utf-8")
    text = _DECLARED.sub('encoding="UTF-8"', text.lstrip("\ufeff"), count=1)
    for pattern in _REPEATS:
        text = pattern.sub("", text)
    target.write_text(text, encoding="utf-8")
    return target


def assert_starts_match(seconds: list[float], musescore_ms: list[int]) -> None:
    """choreo's bar starts equal MuseScore's within 1 ms; MuseScore lists a multi-bar rest
    once, so its starts must be choreo's in order, the first and the last included."""
    ours = [round(s * 1000, 3) for s in seconds]
    if len(ours) == len(musescore_ms):
        for index, (mine, theirs) in enumerate(zip(ours, musescore_ms, strict=True)):
            assert abs(mine - theirs) <= 1.0, f"bar index {index}: {mine} ms, MuseScore {theirs}"
        return
    assert musescore_ms[0] == pytest.approx(ours[0], abs=1.0)
    remaining = iter(ours)
    for theirs in musescore_ms:
        assert any(abs(mine - theirs) <= 1.0 for mine in remaining), f"MuseScore {theirs} ms"


# -- small scores written for the tests ------------------------------------------------

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 3.1 Partwise//EN" '
    '"http://www.musicxml.org/dtds/partwise.dtd">\n'
)
FOUR_FOUR = (
    "<attributes><divisions>1</divisions><time><beats>4</beats><beat-type>4</beat-type>"
    "</time><clef><sign>G</sign><line>2</line></clef></attributes>"
)
WHOLE = "<note><pitch><step>C</step><octave>5</octave></pitch><duration>4</duration><type>whole</type></note>"  # noqa: E501


def note(quarters: int, kind: str = "quarter") -> str:
    return (
        f"<note><pitch><step>C</step><octave>5</octave></pitch><duration>{quarters}</duration>"
        f"<type>{kind}</type></note>"
    )


def metronome(qpm: float, *, sound: bool = True, offset: str = "", words: str = "") -> str:
    """A tempo direction: a metronome mark (or words), maybe with ``<sound tempo>``."""
    if words:
        kind = f"<words>{words}</words>"
    else:
        kind = (
            f"<metronome><beat-unit>quarter</beat-unit><per-minute>{qpm:g}</per-minute></metronome>"
        )
    tail = f'<sound tempo="{qpm:g}"/>' if sound else ""
    return f'<direction placement="above"><direction-type>{kind}</direction-type>{offset}{tail}</direction>'  # noqa: E501


def score_text(*parts: list[tuple[str, str]]) -> str:
    """MusicXML of parts given as bars: (the <measure> tag's attributes, its content)."""
    names = "".join(
        f'<score-part id="P{i}"><part-name>Part {i}</part-name></score-part>'
        for i in range(1, len(parts) + 1)
    )
    body = "".join(
        f'<part id="P{i}">'
        + "".join(f"<measure {attributes}>{content}</measure>" for attributes, content in bars)
        + "</part>"
        for i, bars in enumerate(parts, start=1)
    )
    return f'{_HEAD}<score-partwise version="3.1"><part-list>{names}</part-list>{body}</score-partwise>\n'  # noqa: E501


def write_score(path: Path, *parts: list[tuple[str, str]]) -> Path:
    path.write_text(score_text(*parts), encoding="utf-8")
    return path
