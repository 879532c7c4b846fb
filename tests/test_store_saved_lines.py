"""A scene file returned by a save points at the lines of the file as written."""

from __future__ import annotations

from pathlib import Path

from choreo.model import Beat, Position
from choreo.store import read_scene, save_scene
from tests.scene_texts import write_scene


def line_of(text: str, beat_id: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.endswith(f"id: {beat_id}"))


def test_after_a_save_a_beat_is_found_on_its_new_line(tmp_path: Path) -> None:
    loaded = read_scene(write_scene(tmp_path))
    scene = loaded.scene.model_copy(deep=True)
    first = Beat(id="b00", at=Position.parse("1:1"), ballet="plie", notes="one\ntwo\nthree")
    scene.beats.insert(0, first)  # every later beat moves down
    saved = save_scene(loaded, scene)
    text = saved.path.read_text(encoding="utf-8")
    assert saved.text == text
    for beat in scene.beats:
        assert saved.beat_line(beat.id) == line_of(text, beat.id)
    assert loaded.beat_line("b03") != saved.beat_line("b03")
    # The tree read back from the new text is the one the next save merges into.
    scene.beats.pop(0)
    again = save_scene(saved, scene)
    assert again.beat_line("b03") == line_of(again.path.read_text(encoding="utf-8"), "b03")
