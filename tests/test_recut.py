"""Aligning a score's bars before and after a recut by their music (no score needed).

Each letter is one bar's music; bars are numbered from 1.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from choreo.model.recut import recut
from choreo.model.synced import BarPrints


def bars(music: str, first: int = 1) -> BarPrints:
    return BarPrints(bars=tuple((str(first + i), c * 8) for i, c in enumerate(music)))


def fates(old: str, new: str) -> list[tuple[str, int | None]]:
    found = recut(bars(old), bars(new))
    return [(found.fate(i).fate, found.fate(i).new) for i in range(len(old))]


def test_the_same_bars_are_no_recut() -> None:
    assert recut(bars("abcd"), bars("abcd")).lines == ()
    assert fates("abcd", "abcd") == [("kept", 0), ("kept", 1), ("kept", 2), ("kept", 3)]


def test_bars_inserted_are_named_after_the_bar_before_them() -> None:
    assert recut(bars("abcdef"), bars("abcxydef")).lines == ("2 bars inserted after bar 3",)
    assert recut(bars("abc"), bars("xabc")).lines == ("1 bar inserted at the start",)
    assert fates("abcdef", "abcxydef")[3:] == [("kept", 5), ("kept", 6), ("kept", 7)]


def test_bars_cut_are_named_by_their_old_numbers() -> None:
    assert recut(bars("abcdefgh"), bars("abgh")).lines == ("bars 3-6 cut",)
    assert fates("abcdefgh", "abgh")[1:3] == [("kept", 1), ("cut", None)]
    assert recut(bars("abcd", first=0), bars("abd", first=0)).lines == ("bar 2 cut",)


def test_changed_bars_keep_their_place_only_when_as_many() -> None:
    assert recut(bars("abcde"), bars("abxde")).lines == ("bar 3 changed",)
    assert fates("abcde", "abxde")[2] == ("changed", 2)
    assert recut(bars("abcde"), bars("abxyde")).lines == ("bar 3 replaced by bars 3-4",)
    assert fates("abcde", "abxyde")[2] == ("changed", None)
    both = recut(bars("abcdefgh"), bars("abxcdyfgh"))
    assert both.lines == ("1 bar inserted after bar 2", "bar 5 changed (now bar 6)")


def test_a_run_of_the_same_music_that_shrank_is_unsure_throughout() -> None:
    """xaaaab → xaaab: any of the four a's may be the one cut."""
    found = recut(bars("xaaaab"), bars("xaaab"))
    assert found.lines == (
        "bars 2-5 repeat the same music; the score has 1 bar fewer of it now, "
        "and which cannot be told from the music",
    )
    assert [found.fate(i).fate for i in range(6)] == ["kept"] + ["unsure"] * 4 + ["kept"]
    assert found.fate(5).new == 4


def test_a_run_of_the_same_music_that_grew_is_unsure_throughout() -> None:
    found = recut(bars("xaab"), bars("xaaab"))
    assert found.lines[0].startswith("bars 2-4 repeat the same music; the score has 1 bar more")
    assert [found.fate(i).fate for i in range(4)] == ["kept", "unsure", "unsure", "kept"]


def test_a_cut_of_a_phrase_that_repeats_is_unsure_throughout() -> None:
    """abcabd → abd: the cut was abc (bars 1-3), bca (2-4) or cab (3-5); only d is sure."""
    found = recut(bars("abcabd"), bars("abd"))
    assert found.lines[0].startswith("bars 1-5 repeat the same music; the score has 3 bars fewer")
    assert [found.fate(i).fate for i in range(6)] == ["unsure"] * 5 + ["kept"]
    assert found.fate(5).new == 2


@given(
    st.lists(st.sampled_from("abcde"), max_size=30),
    st.lists(st.sampled_from("abcdef"), max_size=30),
)
@settings(max_examples=300, deadline=None)
def test_every_bar_has_one_fate_and_kept_bars_keep_their_music_in_order(
    old: list[str], new: list[str]
) -> None:
    """For any two scores: each old bar kept is on a new bar with its music, kept bars stay
    in order, no new bar takes two, and the file form of the bars reads back."""
    before, after = bars("".join(old)), bars("".join(new))
    found = recut(before, after)
    assert sorted(found.fates) == list(range(len(old)))
    kept = [(i, f.new) for i, f in sorted(found.fates.items()) if f.fate == "kept"]
    assert all(j is not None and after.prints[j] == before.prints[i] for i, j in kept)
    targets = [j for _, j in kept]
    assert targets == sorted(set(targets))  # type: ignore[type-var]
    assert found.lines == () if old == new else found.lines
    assert BarPrints.parse(str(before)) == before
