"""The sync record's tempo map, bars and anchors: models in the program, strings in the file."""

from __future__ import annotations

import shutil
from pathlib import Path

from choreo.model import Anchor, Position, SyncRecord, TempoChange, TempoSummary
from choreo.model.synced import TEMPO_SUMMARY_LIMIT, BarPrints
from choreo.store import merged_text, new_scene_text, parse_scene, render_scene
from tests.run_cli import choreo
from tests.scene_texts import write_scene

SCORES = Path(__file__).resolve().parent.parent / "scores"

SYNCED_SCENE = """\
schema: 1
id: synced
title: Synced
score:
  file: ../scores/small.musicxml
  synced:
    hash: 0123456789abcdef
    measures: 11
    duration_seconds: 23.125
    tempos: 96@0:4 132@7:2.5 +3 more
    bars: 0=0a0a0a0a 1b1b1b1b 2c2c2c2c 2a=3d3d3d3d 3d3d3d3d
    beat_seconds:
      b01: 0.0
    anchors:
      b01: 2:3 = A+1:3
      b02: 12a:1.5 = Coda 2+0:1.5
      b03: not an anchor
      b04: 0:1
beats:
  - id: b01
    at: "2:3"
"""


def test_the_record_reads_its_strings_as_models() -> None:
    record = parse_scene(SYNCED_SCENE.encode(), Path("s.yaml")).scene.score.synced
    assert record is not None
    assert record.tempos == TempoSummary(
        changes=(
            TempoChange(qpm=96, measure="0", beat=4),
            TempoChange(qpm=132, measure="7", beat=2.5),
        ),
        more=3,
    )
    assert record.anchors == {
        "b01": Anchor(at=Position.parse("2:3"), mark="A", bars=1, beat=3),
        "b02": Anchor(at=Position.parse("12a:1.5"), mark="Coda 2", bars=0, beat=1.5),
        "b04": Anchor(at=Position.parse("0:1")),  # no mark before it: its place alone
    }  # b03 cannot be read: rebase leaves that beat where it is
    # Bars counted on from the one before need no number; 2a does, and 3 counts on from it.
    assert record.bars.numbers == ("0", "1", "2", "2a", "3")
    assert record.bars.prints[3] == record.bars.prints[4] == "3d3d3d3d"


def test_the_record_writes_them_back_as_the_same_strings() -> None:
    loaded = parse_scene(SYNCED_SCENE.encode(), Path("s.yaml"))
    readable = SYNCED_SCENE.replace("      b03: not an anchor\n", "")
    assert render_scene(loaded, loaded.scene) == SYNCED_SCENE  # an unchanged save
    assert merged_text(loaded, loaded.scene) == readable  # what the scene knows is kept
    edited = loaded.scene.model_copy(deep=True)
    edited.title = "Synced again"
    assert merged_text(loaded, edited) == readable.replace("Synced\n", "Synced again\n")
    fresh = new_scene_text(loaded.scene)
    assert "    tempos: 96@0:4 132@7:2.5 +3 more\n" in fresh
    assert "      b02: 12a:1.5 = Coda 2+0:1.5\n" in fresh
    assert parse_scene(fresh.encode(), Path("s.yaml")).scene == loaded.scene


def test_an_unreadable_tempo_map_is_not_recorded() -> None:
    text = SYNCED_SCENE.replace("96@0:4 132@7:2.5 +3 more", "fast then slow")
    record = parse_scene(text.encode(), Path("s.yaml")).scene.score.synced
    assert record is not None and not record.tempos and str(record.tempos) == ""


def test_a_long_tempo_map_is_cut_to_fit_the_record() -> None:
    changes = [TempoChange(qpm=60 + n, measure=str(n), beat=1) for n in range(200)]
    summary = TempoSummary.of(changes)
    text = str(summary)
    assert len(text) <= TEMPO_SUMMARY_LIMIT and text.endswith(f" +{summary.more} more")
    assert summary.changes == tuple(changes[: len(changes) - summary.more])
    assert TempoSummary.parse(text) == summary
    record = SyncRecord(hash="0" * 16, measures=1, duration_seconds=1, tempos=text)
    assert record.tempos == summary


COMMENTED_SCENE = """\
schema: 1
id: commented
title: Commented
score:
  file: ../scores/corridor.musicxml
  tempo: 96   # the director's count
# The cast: who fights
cast:
  - id: eve
    name: Eve
beats:
  - id: b01
    at: "1:1"
    ballet: plié
    performers: [eve]
  # the second phrase
  - id: b02
    at: "2:1"
    ballet: plié
"""


def test_sync_leaves_each_comment_above_its_key(tmp_path: Path) -> None:
    """The record goes after `tempo`; the comment that introduces `cast` stays above it,
    and tempo's own end-of-line comment stays on its line."""
    (tmp_path / "scores").mkdir()
    shutil.copyfile(SCORES / "corridor.musicxml", tmp_path / "scores" / "corridor.musicxml")
    scene = write_scene(tmp_path / "scenes", COMMENTED_SCENE, "commented.yaml")
    assert choreo("sync", scene, cwd=tmp_path).returncode == 0
    text = scene.read_text(encoding="utf-8")
    assert "  tempo: 96   # the director's count\n  synced:\n" in text
    assert "      b02: 2:1 = A+1:1\n# The cast: who fights\ncast:\n" in text
    assert "    performers: [eve]\n  # the second phrase\n  - id: b02\n" in text
    body = text.replace(text[text.index("  synced:\n") : text.index("# The cast")], "")
    assert body == COMMENTED_SCENE


def test_bar_prints_say_a_number_only_where_it_does_not_count_on() -> None:
    bars = BarPrints(
        bars=(("1", "00000001"), ("2", "00000002"), ("8a", "00000003"), ("9", "4" * 8))
    )
    assert str(bars) == "00000001 00000002 8a=00000003 44444444"
    assert BarPrints.parse(str(bars)) == bars
    assert str(BarPrints(bars=(("5", "0" * 8),))) == "5=00000000"  # a first bar other than 1
    assert bars.span(1, 3) == "bars 2-8a" and bars.span(0, 1) == "bar 1"


def test_unreadable_bars_are_not_recorded() -> None:
    """A mangled fingerprint: check and rebase act as for a sync from before fingerprints."""
    for mangled in ("0=0a0a0a0a 1B1B1B1B", "0=0a0a 1b1b1b1b", "12"):
        text = SYNCED_SCENE.replace("0=0a0a0a0a 1b1b1b1b", mangled)
        record = parse_scene(text.encode(), Path("s.yaml")).scene.score.synced
        assert record is not None and not record.bars, mangled


def test_a_long_score_s_bars_survive_a_save() -> None:
    """op. 132's 1,124 bars are a 10 KB line, past the YAML writer's width: read back whole."""
    loaded = parse_scene(SYNCED_SCENE.encode(), Path("s.yaml"))
    record = loaded.scene.score.synced
    assert record is not None
    many = BarPrints(bars=tuple((str(n), f"{n * 2654435761 % 2**32:08x}") for n in range(1, 1125)))
    scene = loaded.scene.model_copy(
        update={
            "score": loaded.scene.score.model_copy(
                update={"synced": record.model_copy(update={"bars": many})}
            )
        }
    )
    for text in (new_scene_text(scene), merged_text(loaded, scene)):
        assert parse_scene(text.encode(), Path("s.yaml")).scene.score.synced.bars == many  # type: ignore[union-attr]
