"""Time from space to the first sound in the editor: cold (the music read or synthesized,
and stretched for ½ speed) and warm (made already, the second space).

The real editor under Textual's pilot on a copy of the opera-house demo, playing to the
null sink on the real clock: the first sound is the sink taking its first block (the
count-in's first click). Once as shipped (the score synthesized by FluidSynth), once with
a 3-minute recording. Space pressed the moment the score is read also waits for its
notes (music21, in a child), which the editor reads then, ahead of any space.

Then a long corpus score, its parts timed apart: reading its notes, rendering it whole
(what the first play waited for before the score was rendered a piece at a time) and
rendering the piece where playing from its middle starts.

.venv/bin/python -m benchmarks play
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

from choreo.audio.player import NullSink
from choreo.tui.app import make_app
from choreo.tui.screens.editor import EditorScreen, EditorSettings
from tests.conftest import REPO

SCENE = "opera-house.yaml"
RECORDING_SECONDS = 180
LONG_SCORE = "corpus:mozart/k458/movement1"  # a quartet movement, 13 minutes performed


async def _first_sounds(scene: Path, *, notes_read: bool = False) -> list[tuple[str, float]]:
    sink = NullSink()
    settings = EditorSettings(cursor_blink=False, journal_seconds=3600, audio_output=lambda: sink)
    app = make_app(scene, folder=scene.parent, settings=settings)
    timings: list[tuple[str, float]] = []
    async with app.run_test(size=(120, 36)) as pilot:
        while not (isinstance(app.screen, EditorScreen) and app.screen.session.score_known):
            await pilot.pause(0.05)
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        score = editor.session.scene.score
        content = editor.session.measures.content_hash
        music = editor.playback._music
        while notes_read and not music.has_notes(scene.parent, score.file or "", content):
            await pilot.pause(0.05)
        for label, speed in (("cold", 1.0), ("warm", 1.0), ("cold ½", 0.5), ("warm ½", 0.5)):
            editor.playback.stop()
            await pilot.pause(0.05)
            started = time.perf_counter()
            editor.play_at(speed)
            # Playing once the sink is open (its count reset), sounding once it took a block.
            while editor.playback.playing is None or sink.sounding() == 0:
                if not editor.playback.preparing and editor.playback.playing is None:
                    raise RuntimeError(f"nothing played: {[n.message for n in app._notifications]}")
                await pilot.pause(0.002)
            timings.append((label, time.perf_counter() - started))
        editor.playback.stop()
    return timings


def _report(what: str, timings: list[tuple[str, float]]) -> None:
    said = ", ".join(f"{label} {seconds * 1000:.0f} ms" for label, seconds in timings)
    print(f"   {what}: space to first sound: {said}", flush=True)


def _long_score() -> None:
    from choreo.audio.music import RATE
    from choreo.audio.rendering import score_rendering
    from choreo.audio.synth import synthesize
    from choreo.score import load_measure_map
    from choreo.score.notes import load_score_notes

    measures = load_measure_map(LONG_SCORE, performed=True)
    started = time.perf_counter()
    notes = load_score_notes(LONG_SCORE)
    read = time.perf_counter() - started
    started = time.perf_counter()
    synthesize(measures, notes, rate=RATE)
    whole = time.perf_counter() - started
    pieces = score_rendering(measures, notes, rate=RATE)
    started = time.perf_counter()
    middle = pieces._piece_at(measures.duration_seconds / 2)
    pieces.make(middle, middle)
    piece = time.perf_counter() - started
    print(
        f"   {LONG_SCORE} ({measures.duration_seconds / 60:.0f} min): notes read {read:.1f} s, "
        f"rendered whole {whole:.1f} s, the piece playing from its middle {piece * 1000:.0f} ms",
        flush=True,
    )


def main() -> None:
    if shutil.which("fluidsynth") is None:
        print("   skipped: fluidsynth is not installed", flush=True)
        return
    import numpy as np
    import soundfile

    with tempfile.TemporaryDirectory(prefix="choreo-bench-play-") as folder:
        project = Path(folder)
        shutil.copytree(REPO / "scenes", project / "scenes")
        shutil.copytree(REPO / "scores", project / "scores")
        os.environ["CHOREO_STATE_DIR"] = str(project / "state")
        os.environ["CHOREO_CACHE_DIR"] = str(project / "cache")
        scene = project / "scenes" / SCENE
        _report(
            f"{SCENE}, the score synthesized, space as the score is read",
            asyncio.run(_first_sounds(scene)),
        )
        _report(
            f"{SCENE}, the score synthesized, space once its notes are read ahead",
            asyncio.run(_first_sounds(scene, notes_read=True)),
        )

        rate = 44100
        t = np.arange(RECORDING_SECONDS * rate, dtype=np.float32) / rate
        soundfile.write(project / "scores" / "take.flac", 0.2 * np.sin(2 * np.pi * 220 * t), rate)
        text = scene.read_text(encoding="utf-8")
        recorded = text.replace("  tempo: 96\n", "  tempo: 96\n  recording: ../scores/take.flac\n")
        scene.write_text(recorded, encoding="utf-8")
        _report(
            f"{SCENE}, a {RECORDING_SECONDS // 60}-minute FLAC recording",
            asyncio.run(_first_sounds(scene)),
        )
        _long_score()


if __name__ == "__main__":
    main()
