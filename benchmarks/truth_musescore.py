"""MuseScore's playback as the oracle: every bar's start in ms, in playing order.

``mscore3 -o x.mpos score`` writes the score's measures as ``<element id=...>`` and its
playback as ``<event elid=... position=ms>``, one event per bar played (repeats, endings
and jumps taken). Each ``.mpos`` is cached by the score's content hash, so a re-run of
the audit only asks MuseScore about new or changed files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

CACHE = Path(tempfile.gettempdir()) / "choreo-truth-mpos"
MSCORE = "mscore3"


class OracleError(Exception):
    """MuseScore could not say: it is missing, cannot open the file, or took too long."""


def musescore_available() -> bool:
    return shutil.which(MSCORE) is not None


def musescore_bar_ms(score: Path, timeout: float) -> list[tuple[int, int]]:
    """Each played bar as MuseScore plays the score: its written place (0 for the first
    bar printed) and its start in ms."""
    digest = hashlib.sha256(score.read_bytes()).hexdigest()
    cached = CACHE / f"{digest}.mpos"
    if not cached.is_file():
        _run_musescore(score, cached, timeout)
    return _bar_ms(cached)


def _run_musescore(score: Path, target: Path, timeout: float) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="choreo-truth-") as folder:
        written = Path(folder) / "bars.mpos"
        environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        try:
            subprocess.run(
                [MSCORE, "-o", str(written), str(score)],
                env=environment,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise OracleError(f"MuseScore took over {timeout:.0f} s") from None
        if not written.is_file() or written.stat().st_size == 0:
            raise OracleError("MuseScore cannot open it")
        os.replace(written, target)


def _bar_ms(mpos: Path) -> list[tuple[int, int]]:
    try:
        root = ElementTree.parse(mpos).getroot()
    except ElementTree.ParseError as error:
        raise OracleError(f"MuseScore wrote an unreadable .mpos: {error}") from None
    events = [
        (int(event.get("elid", "")), int(event.get("position", ""))) for event in root.iter("event")
    ]
    if not events:
        raise OracleError("MuseScore played no bars")
    return events
