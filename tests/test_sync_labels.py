"""The labels a synced score shows: the sheet's number and moves, cut to the room."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from choreo.sync.labels import CHAR_QUARTERS, GAP_QUARTERS, LONGEST, cue, fit, label


def test_a_label_with_room_says_the_number_and_every_move() -> None:
    texts = [
        label(1, ["jeté", "flying kick"], hit=True, pass_number=None, at=0.0),
        label(2, ["relevé"], hit=False, pass_number=2, at=40.0),
    ]
    assert fit(texts) == ["1 HIT jeté / flying kick", "2 (pass 2) relevé"]


def test_a_crowded_label_keeps_the_fights_move_then_whole_words_then_its_number() -> None:
    def crowded(moves: list[str], room_chars: int, fight: str | None = None) -> str:
        first = label(7, moves, fight=fight or (moves[-1] if moves else None), at=0.0)
        # The next text overlaps this one, so this one may reach to the one after that.
        close = label(8, [], hit=False, pass_number=None, at=0.1)
        room = room_chars * CHAR_QUARTERS + GAP_QUARTERS
        after = label(9, [], hit=False, pass_number=None, at=room)
        return fit([first, close, after])[0]

    assert crowded(["tombé", "wall slam"], 20) == "7 tombé / wall slam"
    assert crowded(["tombé", "wall slam"], 12) == "7 wall slam"
    assert crowded(["fouetté en tournant", "roundhouse kick"], 13) == "7 roundhouse…"
    assert crowded(["fouetté en tournant", "roundhouse kick"], 12) == "7"
    assert crowded(["fouetté", "roundhouse"], 6) == "7"
    assert crowded([], 0) == "7"
    # Where everyone's actions are the moves, the short form is the combat action.
    moves = ["développé", "push kick", "head snap"]
    assert crowded(moves, 12, fight="push kick") == "7 push kick"


def test_a_label_stops_where_the_score_starts_a_new_system() -> None:
    texts = [label(3, ["arabesque", "pistol aim"], fight="pistol aim", at=10.0)]
    assert fit(texts) == ["3 arabesque / pistol aim"]
    assert fit(texts, [4.0, 10.0 + 12 * CHAR_QUARTERS]) == ["3 pistol aim"]


def test_a_cue_keeps_a_few_words_even_when_crowded() -> None:
    texts = [
        cue("House lights out; follow spot snaps on", 0.0),
        cue("Doors", 0.5),
        cue("Bang", 1.0),
    ]
    assert fit(texts)[0] == "House lights…"


@given(st.lists(st.floats(0, 200), min_size=1, max_size=30), st.booleans())
def test_no_text_is_ever_set_over_two_others(starts: list[float], hits: bool) -> None:
    """As MuseScore sets them: a text goes above every earlier one it overlaps. With room
    for at least the beat number, none lands in a third row."""
    starts = sorted(starts)
    texts = [
        label(n, ["pirouette", "knife slash"], hit=hits, pass_number=None, at=at)
        for n, at in enumerate(starts, start=1)
    ]
    shown = fit(texts)
    assert all(len(text) <= LONGEST for text in shown)
    rows: list[tuple[float, float, int]] = []
    for text, words in zip(texts, shown, strict=True):
        end = text.at + text.width(words)
        under = [row for start, stop, row in rows if start < end and text.at < stop]
        row = 1 + max(under, default=0)
        head_only = words == text.head
        assert row <= 2 or head_only, (words, row)
        rows.append((text.at, end, row))
