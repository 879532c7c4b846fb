"""With a recording, every second is the recording's: the tempo map stretched between
sync points, unstretched before the first and after the last; exports follow."""

from __future__ import annotations

import io
import json
from pathlib import Path

import mido
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from choreo.model import Position
from choreo.model.recording import SyncPoint
from choreo.recording_time import SyncPointError, follow_recording
from choreo.score import load_measure_map
from choreo.timing import steady_grid
from tests.run_cli import assert_one_line_error, choreo
from tests.score_fixtures import repeat_score


def _point(at: str, seconds: float, pass_number: int | None = None) -> SyncPoint:
    return SyncPoint(at=Position.parse(at), seconds=seconds, pass_number=pass_number)


def test_between_points_stretched_outside_unstretched() -> None:
    grid = steady_grid(120, 8)  # a 4/4 bar lasts 2 s
    timed = follow_recording(grid, [_point("2:1", 3.0), _point("4:1", 9.0), _point("5:3", 10.0)])
    starts = [m.start_seconds for m in timed.measures]
    # Bar 1 before the first point: 2 s, unstretched; bars 2-3 take 6 s (♩ = 80); bar 4 and
    # half of 5 take 1 s (♩ = 360); after 5:3 the score's own 120 again.
    assert starts == pytest.approx([1.0, 3.0, 6.0, 9.0, 9.0 + 4 / 6, 11.0, 13.0, 15.0])
    assert [m.tempo_qpm for m in timed.measures] == pytest.approx(
        [120, 80, 80, 360, 360, 120, 120, 120]
    )
    assert timed.seconds_at(timed.offset_of(Position.parse("5:3"))) == pytest.approx(10.0)
    assert timed.origin_seconds == pytest.approx(1.0)
    assert timed.duration_seconds == pytest.approx(16.0)


def test_one_point_shifts_the_score_and_none_leaves_it() -> None:
    grid = steady_grid(90, 4)
    assert follow_recording(grid, []) is grid
    shifted = follow_recording(grid, [_point("3:1", 20.0)])
    plain = [m.start_seconds for m in grid.measures]
    moved = [m.start_seconds for m in shifted.measures]
    assert [b - a for a, b in zip(plain, moved, strict=True)] == pytest.approx(
        [20.0 - plain[2]] * 4
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 32), st.sampled_from([1.0, 2.0, 2.5, 4.0])),
        min_size=1,
        max_size=8,
        unique=True,
    ),
    st.lists(st.floats(0.05, 30.0), min_size=8, max_size=8),
)
def test_every_point_sounds_at_its_second(
    places: list[tuple[int, float]], gaps: list[float]
) -> None:
    grid = steady_grid(100, 32)
    places.sort()
    seconds, points = 0.5, []
    for (bar, beat), gap in zip(places, gaps, strict=False):
        seconds += gap
        points.append(_point(f"{bar}:{beat:g}", seconds))
    timed = follow_recording(grid, points)
    for point in points:
        offset = timed.offset_of(point.at)
        assert timed.seconds_at(offset) == pytest.approx(point.seconds, abs=1e-6)
        assert timed.offset_at_seconds(point.seconds) == pytest.approx(offset, abs=1e-6)
    # Unstretched before the first point and after the last.
    first, last = timed.offset_of(points[0].at), timed.offset_of(points[-1].at)
    assert timed.seconds_at(first) - timed.seconds_at(0) == pytest.approx(grid.seconds_at(first))
    end = grid.end_offset
    assert timed.seconds_at(end) - timed.seconds_at(last) == pytest.approx(
        grid.seconds_at(end) - grid.seconds_at(last)
    )
    starts = [m.start_seconds for m in timed.measures]
    assert starts == sorted(starts)


def test_points_the_score_cannot_follow_are_refused(tmp_path: Path) -> None:
    grid = steady_grid(120, 8)
    with pytest.raises(SyncPointError, match=r"sync point 2 \(9:1 at 5 s\): measure 9 is not"):
        follow_recording(grid, [_point("1:1", 1.0), _point("9:1", 5.0)])
    with pytest.raises(SyncPointError, match=r"4/4.*has no beat 5"):
        follow_recording(grid, [_point("2:5", 1.0)])
    performed = load_measure_map(str(repeat_score(tmp_path / "r.musicxml")), performed=True)
    # Bar 1's second pass comes after bar 3's first: listed the other way round it is refused.
    ok = follow_recording(performed, [_point("3:1", 4.0), _point("1:1", 6.0, 2)])
    assert ok.seconds_at(ok.offset_of(Position.parse("1:1"), 2)) == pytest.approx(6.0)
    with pytest.raises(SyncPointError, match=r"comes before sync point 1 .* performed order"):
        follow_recording(performed, [_point("1:1", 4.0, 2), _point("3:1", 6.0)])


SCENE = """\
id: roof
title: Rooftop
score:
  tempo: 120
  start: "01:00:00:00"
  recording: roof.wav
  sync:
    - {{at: "2:1", seconds: 3.0}}
    - {{at: "4:1", seconds: {later}}}
beats:
  - {{id: b01, at: "1:1", combat: jab}}
  - {{id: b02, at: "3:1", combat: cross}}
  - {{id: b03, at: "6:1", combat: hook}}
"""


def _scene(tmp_path: Path, later: str = "9.0") -> Path:
    path = tmp_path / "roof.yaml"
    path.write_text(SCENE.format(later=later), encoding="utf-8")
    return path


def test_exports_follow_the_recording(tmp_path: Path) -> None:
    scene = _scene(tmp_path)
    result = choreo("export", scene, "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    beats = json.loads(result.stdout)["beats"]
    # b01 at 1:1: 2 s before 2:1 (unstretched); b02 halfway between the points; b03 two
    # bars after 4:1 at the score's own tempo.
    assert [b["start_seconds"] for b in beats] == pytest.approx([1.0, 6.0, 13.0])
    markdown = choreo("export", scene, "--format", "md", cwd=tmp_path).stdout
    assert "01:00:06:00" in markdown and "01:00:13:00" in markdown
    # No count-in here, so the file's time is the recording's (a count-in moves it back).
    midi = choreo(
        "export",
        scene,
        "--format",
        "midi",
        "--count-in",
        "0",
        "-o",
        tmp_path / "c.mid",
        cwd=tmp_path,
    )
    assert midi.returncode == 0, midi.stderr
    song = mido.MidiFile(file=io.BytesIO((tmp_path / "c.mid").read_bytes()))
    offsets = [m for m in mido.merge_tracks(song.tracks) if m.type == "smpte_offset"]
    # The first bar starts one second into the recording (at 24 fps: frame 0 of second 1).
    assert [(m.hours, m.minutes, m.seconds, m.frames) for m in offsets] == [(1, 0, 1, 0)]
    seconds, markers = 0.0, {}
    for message in song:  # mido plays the tempo map: seconds from the first bar
        seconds += message.time
        if message.type == "marker":
            markers[message.text.split()[0]] = seconds
    assert [markers[b] + 1.0 for b in ("b01", "b02", "b03")] == pytest.approx([1.0, 6.0, 13.0])


def test_a_point_outside_the_score_is_one_line_and_nothing_written(tmp_path: Path) -> None:
    scene = _scene(tmp_path).read_text(encoding="utf-8").replace('"4:1"', '"4:5"')
    path = tmp_path / "roof.yaml"
    path.write_text(scene, encoding="utf-8")
    result = choreo("export", path, "--format", "json", "-o", tmp_path / "out.json", cwd=tmp_path)
    assert_one_line_error(result, "roof.yaml", "score.sync: sync point 2 (4:5 at 9 s)", "no beat 5")
    assert not (tmp_path / "out.json").exists()
