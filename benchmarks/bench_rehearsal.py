"""Rehearsal-track render time: the opera-house demo at half speed, whole and by stage
(the score synthesized, the music stretched, the clicks and calls spoken and mixed).

.venv/bin/python -m benchmarks rehearsal
"""

from __future__ import annotations

import shutil
import time

from choreo.audio.music import at_speed, full_speed_music
from choreo.audio.rehearsal import rehearsal_track
from choreo.export.sheet import build_sheets
from choreo.scene_score import measures_of
from choreo.store import read_scene
from tests.conftest import REPO

SCENE = REPO / "scenes" / "opera-house.yaml"
SPEED = 0.5


def main() -> None:
    if shutil.which("espeak-ng") is None or shutil.which("fluidsynth") is None:
        print("   skipped: espeak-ng or fluidsynth is not installed", flush=True)
        return
    scene_file = read_scene(SCENE)
    started = time.perf_counter()
    sheet = build_sheets([scene_file], speed=SPEED, measures=measures_of)[0]
    music = full_speed_music(scene_file, sheet.measures)
    assert music is not None
    synthesized = time.perf_counter()
    slow = at_speed(music, SPEED)
    stretched = time.perf_counter()
    data = rehearsal_track(sheet, slow).wav()
    done = time.perf_counter()
    track = len(data) / 2 / slow.rate
    print(
        f"   {SCENE.name} at {SPEED:g}×: {len(sheet.placed)} calls, music {music.seconds:.1f} s, "
        f"track {track:.1f} s",
        flush=True,
    )
    print(
        f"   render {done - started:.1f} s = synthesize {synthesized - started:.1f} s + "
        f"stretch {stretched - synthesized:.1f} s + clicks, calls and mix "
        f"{done - stretched:.1f} s; {(done - started) / track:.2f} s per second of track",
        flush=True,
    )


if __name__ == "__main__":
    main()
