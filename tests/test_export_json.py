"""The JSON beat sheet: DESIGN.md's shape, times equal to the placement's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from choreo.export import export_scenes
from choreo.model import Scene
from choreo.placement import PlacedBeat, UnplacedBeat, place_beats
from choreo.store import SceneFile, read_scene
from tests.measure_maps import score_with_meter_and_tempo_changes
from tests.scene_texts import write_scene

SCENE = """\
schema: 1
id: opera-house
title: The grand stage
score:
  fps: 29.97
  start: "00:59:58;00"
cast:
  - id: eve
    name: Eve
  - id: guard1
    name: Guard 1
beats:
  - id: b01
    at: "0:4"        # the pickup
    ballet: preparation
    performers: [eve]
  - id: b02
    at: "1:1"
    length: 6
    ballet: grand jeté
    combat: flying kick
    performers: [eve, guard1]
    safety: crash mat
  - id: b03
    at: "5:2"        # 6/8: the second dotted quarter
    ballet: fouetté
    combat: knife slash
    performers: [guard1]
  - id: b04
    at: "9:2.5"
    combat: block
    performers: [guard1]
  - id: b05
    at: "40:1"       # past the end of the score
    performers: [eve]
"""
EXTRA_KEYS = {
    "number", "start_seconds", "end_seconds", "seconds", "length_beats", "timecode",
    "end_timecode", "counts", "risk", "problem", "hazards", "weapons", "unknown_moves",
    "safety_page", "performed_by", "holds", "holds_after", "changes_hands", "part",
}  # fmt: skip


MEASURES = score_with_meter_and_tempo_changes()


@pytest.fixture
def scene_file(tmp_path: Path) -> SceneFile:
    return read_scene(write_scene(tmp_path, SCENE, name="opera-house.yaml"))


def exported(scene_files: list[SceneFile], **options: Any) -> Any:
    data = export_scenes(scene_files, format="json", measures=lambda _: MEASURES, **options)
    return json.loads(data.decode("utf-8"))


@pytest.mark.parametrize("speed", [1.0, 0.75, 0.5, 0.25])
def test_times_equal_the_placement_on_the_same_measure_map(
    scene_file: SceneFile, speed: float
) -> None:
    document = exported([scene_file], speed=speed)
    placed = place_beats(scene_file.scene, MEASURES, speed=speed)
    assert document["speed"] == speed
    assert [b["id"] for b in document["beats"]] == ["b01", "b02", "b03", "b04", "b05"]
    for beat, spot in zip(document["beats"], placed, strict=True):
        if isinstance(spot, UnplacedBeat):
            assert (beat["start_seconds"], beat["problem"]) == (None, spot.problem)
            continue
        assert beat["start_seconds"] == spot.start_seconds
        assert beat["end_seconds"] == spot.end_seconds
        assert beat["timecode"] == str(spot.timecode)
        assert beat["counts"] == str(spot.counts)
    starts = [b["start_seconds"] for b in document["beats"][:4]]
    # The pickup at 0; bar 1 one quarter in at 96; 5:2 a dotted quarter after bar 5 (17
    # quarters in) at 72; 9:2.5 a quarter and a half after bar 9 (12 more at 72) at 140.
    bar_5, bar_9 = 17 * 60 / 96, 17 * 60 / 96 + 12 * 60 / 72
    at_full = [0.0, 60 / 96, bar_5 + 1.5 * 60 / 72, bar_9 + 1.5 * 60 / 140]
    assert starts == pytest.approx([s / speed for s in at_full])
    first, last = placed[0], placed[3]
    assert isinstance(first, PlacedBeat) and isinstance(last, PlacedBeat)
    assert document["duration_seconds"] == pytest.approx(last.end_seconds - first.start_seconds)


def test_beats_outside_the_score_have_null_times(scene_file: SceneFile) -> None:
    beat = exported([scene_file])["beats"][4]
    assert beat["id"] == "b05"
    assert (beat["start_seconds"], beat["timecode"], beat["counts"]) == (None, None, None)
    assert beat["problem"] == "measure 40 is not in the score"


def test_strings_for_timecode_and_counts(scene_file: SceneFile) -> None:
    beats = exported([scene_file])["beats"]
    assert beats[0]["counts"] == "0·8"  # the pickup is counted before phrase 1
    assert beats[1]["counts"] == "1·1"
    assert beats[0]["timecode"] == "00:59:58;00"  # drop-frame at 29.97
    assert beats[2]["at"] == "5:2"


def test_the_scene_validates_as_the_scene_it_came_from(scene_file: SceneFile) -> None:
    document = exported([scene_file])
    for key in ("speed", "duration_seconds"):
        document.pop(key)
    document["beats"] = [
        {k: v for k, v in beat.items() if k not in EXTRA_KEYS} for beat in document["beats"]
    ]
    assert Scene.model_validate(document) == scene_file.scene


def test_several_scenes_and_a_cue_sheet(scene_file: SceneFile) -> None:
    document = exported([scene_file, scene_file], performer="guard1", speed=0.5)
    assert set(document) == {"scenes", "speed", "duration_seconds", "performer"}
    assert document["performer"] == "guard1"
    assert len(document["scenes"]) == 2
    for scene in document["scenes"]:
        assert [b["id"] for b in scene["beats"]] == ["b02", "b03", "b04"]
        assert scene["speed"] == 0.5
