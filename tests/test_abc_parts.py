"""ABC parts and meters as the standard means them: a header ``P:ABA`` plays the body's
parts in that order (music21 plays them as written), and a tune without ``M:`` is in free
meter. Each case is a real file read through the real CLI (``choreo score``), or a real
tune of music21's corpus; bars and seconds are worked out by hand from Q: and M:."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from choreo.errors import RepeatsError
from choreo.score.abc_parts import read_play_order
from choreo.score.repeats import Jump, RepeatSigns, performed_order
from tests.run_cli import assert_one_line_error, choreo

HEAD = "X:1\nT:t\nM:4/4\nL:1/4\nQ:1/4=60\n"  # a bar is 4 s


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tune.abc"
    path.write_text(text, encoding="utf-8")
    return path


def _score(path: Path, *options: str) -> dict:  # type: ignore[type-arg]
    result = choreo("score", path, "--format", "json", *options)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _played(read: dict) -> list[tuple[str, int]]:  # type: ignore[type-arg]
    return [(m["number"], m["pass"]) for m in read["measures"]]


ABA = HEAD + "P:ABA\nK:C\nP:A\n|:C D E F|G A B c:|\nP:B\nc B A G|F E D C|]\n"


def test_the_header_plays_the_parts_in_its_order(tmp_path: Path) -> None:
    path = _write(tmp_path, ABA)
    played = _score(path, "--performed")
    # A with its repeat, B, then A again with its repeat: each pass a new pass of its bars
    assert _played(played) == [
        ("1", 1), ("2", 1), ("1", 2), ("2", 2),
        ("3", 1), ("4", 1),
        ("1", 3), ("2", 3), ("1", 4), ("2", 4),
    ]  # fmt: skip
    assert [m["start_seconds"] for m in played["measures"]] == [4.0 * i for i in range(10)]
    assert played["duration_seconds"] == 40.0
    written = _score(path)  # the text's bars, as written
    assert [m["number"] for m in written["measures"]] == ["1", "2", "3", "4"]
    assert written["duration_seconds"] == 16.0


def test_a_tune_with_a_play_order_is_a_performed_scene(tmp_path: Path) -> None:
    path = _write(tmp_path, ABA)
    assert "--performed plays them" in choreo("score", path).stdout
    scene = tmp_path / "fight.yaml"
    result = choreo("new", scene, "--title", "Fight", "--score", path)
    assert result.returncode == 0, result.stderr
    assert "order: performed" in scene.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("order", "bars"),
    [
        ("A2B", ["1", "1", "2"]),
        ("(AB)2C", ["1", "2", "1", "2", "3"]),
        ("A.B.A", ["1", "2", "1"]),
        ("C B A", ["3", "2", "1"]),
        ("AC", ["1", "3"]),  # part B is never played
    ],
)
def test_repeat_counts_brackets_and_dots(tmp_path: Path, order: str, bars: list[str]) -> None:
    body = "P:A\nC D E F|\nP:B\nG A B c|\nP:C\nc B A G|\n"
    read = _score(_write(tmp_path, f"{HEAD}P:{order}\nK:C\n{body}"), "--performed")
    assert [m["number"] for m in read["measures"]] == bars
    assert read["duration_seconds"] == 4.0 * len(bars)


def test_inline_parts_and_a_pickup_of_their_own(tmp_path: Path) -> None:
    # As Aird's airs in music21's corpus write it: an upbeat part O, then A and B.
    text = f"{HEAD}P:OABA\nK:C\n[P:O]\\\nG\\\n[P:A]\\\n|C D E F|G A B c:|\n[P:B]c4|C4|]\n"
    read = _score(_write(tmp_path, text), "--performed")
    a = [("1", 1), ("2", 1), ("1", 2), ("2", 2)]
    again = [("1", 3), ("2", 3), ("1", 4), ("2", 4)]
    assert _played(read) == [("0", 1), *a, ("3", 1), ("4", 1), *again]
    assert read["duration_seconds"] == 1.0 + 10 * 4.0


def test_bars_music21_makes_apart_from_the_text_are_refused(tmp_path: Path) -> None:
    # With one plain bar line music21 makes no bars of its own; choreo bars the notes by
    # the meter, so the parts' bars are not the text's: G | C D E F | G A B c.
    text = f"{HEAD}P:OABA\nK:C\n[P:O]\\\nG\\\n[P:A]\\\n|C D E F:|\n[P:B]G A B c|]\n"
    assert_one_line_error(
        choreo("score", _write(tmp_path, text), "--performed"),
        "tune.abc:6: the play order P:OABA needs the bars each part starts at",
        "its bar 1 holds 4 notes and rests, the text's 1",
    )


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "P:AB\nK:C\nP:A\nC D E F|\nP:B\nG A B c|\n",  # the parts once each, in order
        HEAD + "P:A\nK:C\nP:A\nC D E F|G A B c|\n",  # one part
        HEAD + "P: Modern Version.\nK:C\nC D E F|G A B c|\n",  # a title: no parts to order
        HEAD + "K:C\nP:Verse\nC D E F|\nP:Chorus\nG A B c|\n",  # parts without an order
        # the parts once each, in order, after an intro and one inside a bar: as written
        HEAD + "P:AB\nK:C\nC D E F|\nP:A\nG A\nP:B\nB c|\n",
    ],
)
def test_parts_played_as_written_change_nothing(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, text)
    read = _score(path, "--performed")
    assert _played(read) == [("1", 1), ("2", 1)]
    assert "repeats" not in choreo("score", path).stdout


def test_a_part_written_inside_a_line_no_longer_splits_its_bar(tmp_path: Path) -> None:
    # music21 ends a bar at any field line before a note: C D | E F was read as two bars
    read = _score(_write(tmp_path, HEAD + "K:C\nC D\nP:Verse\nE F|G A B c|\n"))
    assert [m["quarter_length"] for m in read["measures"]] == [4, 4]


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (HEAD + "P:ABC\nK:C\nP:A\nC D E F|\nP:B\nG A B c|\n", ":6:1:", "part C, which is never"),
        (HEAD + "P:BA\nK:C\nP:A\nC D E F|G A\nP:B\nB c|\n", ":10:1:", "starts inside a bar"),
        (HEAD + "P:BA\nK:C\nC D E F|\nP:A\nC D E F|\nP:B\nB c B c|\n", ":9:1:", "1 bar(s) come"),
        (HEAD + "P:B-A\nK:C\nP:A\nC D E F|\nP:B\nG A B c|\n", ":6:1:", "not a play order"),
        (HEAD + "P:BA\nK:C\nP:A\nC D E F|\nP:B\nG A B c|\nP:A\nc4|\n", ":12:1:", "starts twice"),
        (HEAD + "P:BA\nK:C\nP:A\nC D E F|\nP:Bridge\nG A B c|\n", ":10:1:", "no part name"),
        (HEAD + "P:BA\nK:C\nP:A\nC D E F|\nP:B\n", ":6:1:", "part B, which has no music"),
        (HEAD + "P:BA\nK:C\nC D E F|[P:A]G A B c|[P:B]c4|\n", ":8:9:", "1 bar(s) come"),
        (
            HEAD + "P:BA\nV:1\nV:2\nK:C\nV:1\nP:A\nC4|\nP:B\nD4|\nV:2\nE4|F4|\n",
            ":6:1:",
            "tune of 2 voices",
        ),
        # music21 makes two bars of the overfull A2B2c2d2 where the text writes one: which
        # bars are part B's is then unclear
        (HEAD + "P:BA\nK:C\nP:A\nC D E F|A2B2c2d2|\nP:B\nG A B c|\n", ":6:", "4 bars, the text"),
    ],
)
def test_a_play_order_choreo_cannot_follow_exactly_is_refused_on_its_line(
    tmp_path: Path, text: str, where: str, words: str
) -> None:
    path = _write(tmp_path, text)
    assert_one_line_error(choreo("score", path, "--performed"), f"tune.abc{where}", words)


def _corpus_tune(book: str, number: str) -> str:
    """One tune of a book in music21's corpus, after its file's header, as a file of its own
    holds it (choreo reads the first tune of a file)."""
    from music21 import corpus

    text = Path(str(corpus.getWork(book))).read_text(encoding="utf-8")
    first = re.search(r"^X:", text, re.MULTILINE)
    assert first is not None
    header = text[: first.start()]
    found = re.search(rf"^X:{number}\n.*?(?=^X:|\Z)", text, re.MULTILINE | re.DOTALL)
    assert found is not None
    return header + found.group()


def test_a_corpus_air_with_a_da_capo_is_played_aba(tmp_path: Path) -> None:
    # Aird's "Lady Charlote's Delight" (1778): P:ABA, 6/8 at Q:3/8=108, so a bar is
    # 2 x 60/108 s. A and B are 8 bars each with a repeat: A A B B A A, 48 bars.
    path = _write(tmp_path, _corpus_tune("airdsAirs/book1.abc", "0103"))
    bar = 2 * 60 / 108
    written = _score(path)
    assert [m["number"] for m in written["measures"]] == [str(n) for n in range(1, 17)]
    assert written["duration_seconds"] == pytest.approx(16 * bar)
    played = _score(path, "--performed")
    a = [str(n) for n in range(1, 9)]
    b = [str(n) for n in range(9, 17)]
    assert [m["number"] for m in played["measures"]] == a + a + b + b + a + a
    assert [m["pass"] for m in played["measures"]] == [1] * 8 + [2] * 8 + [1] * 8 + [2] * 8 + [
        3
    ] * 8 + [4] * 8
    starts = [m["start_seconds"] for m in played["measures"]]
    assert starts == pytest.approx([i * bar for i in range(48)])
    assert played["duration_seconds"] == pytest.approx(48 * bar)


def test_a_corpus_air_with_an_upbeat_part(tmp_path: Path) -> None:
    # Aird's "Wilkes's Release", P:OABA: the upbeat O (bar 0), A (bars 1-8) with its
    # repeat, B (its own upbeat bar, then 8 bars), A again with its repeat: 42 bars.
    path = _write(tmp_path, _corpus_tune("airdsAirs/book2.abc", "0345"))
    played = _score(path, "--performed")
    a = [str(n) for n in range(1, 9)]
    b = [m["number"] for m in _score(path)["measures"]][9:]
    assert len(b) == 9
    assert [m["number"] for m in played["measures"]] == ["0", *a, *a, *b, *a, *a]


def test_a_tune_without_a_meter_is_refused_at_its_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "X:1\nT:free\nL:1/8\nK:C\nCDEF GABc|\n")
    assert_one_line_error(
        choreo("score", path), "tune.abc:4: the tune has no M: meter", "free meter", "M:4/4"
    )


def test_a_meter_in_the_body_before_the_first_note_is_the_tunes(tmp_path: Path) -> None:
    read = _score(_write(tmp_path, "X:1\nT:t\nK:C\nM:3/4\nCDE FGA|\n"))
    assert [m["quarter_length"] for m in read["measures"]] == [3]  # L:1/8 either way
    read = _score(_write(tmp_path, "X:1\nT:t\nL:1/8\nK:C\n[M:2/4]CDEF|\n"))
    assert [m["quarter_length"] for m in read["measures"]] == [2]
    # Under 2/4 the unit would be 1/16 had the header said M:2/4, 1/8 as it says none.
    assert_one_line_error(
        choreo("score", _write(tmp_path, "X:1\nT:t\nK:C\nM:2/4\nCDEF|\n")),
        "tune.abc:4:1: the tune's meter M:2/4 comes after K:",
        "L:1/16",
    )


def test_play_order_text() -> None:
    assert read_play_order("ABA % Aird uses a da capo") == ("A", "B", "A")
    assert read_play_order("((AB)3.(CD)3)2") == tuple("ABABABCDCDCD" * 2)
    for text in ("Modern Version.", "", "2A", "(AB", "A0", "A)B"):
        with pytest.raises(ValueError):
            read_play_order(text)


def test_parts_with_a_jump_or_a_repeat_across_them_are_not_expanded() -> None:
    order = ("A", "B")
    across = [
        RepeatSigns(start_repeat=True, part="A", play_order=order),
        RepeatSigns(part="B", end_repeat=True),
    ]
    with pytest.raises(RepeatsError, match="a repeat across parts"):
        performed_order(across, ["1", "2"])
    jump = Jump("capo", "end", "D.C.")
    jumping = [RepeatSigns(part="A", play_order=order), RepeatSigns(part="B", jump=jump)]
    with pytest.raises(RepeatsError, match=r"jumps \(D\.C\.\)"):
        performed_order(jumping, ["1", "2"])


def test_a_scene_on_a_tune_with_a_play_order_places_beats_on_the_pass_played(
    tmp_path: Path,
) -> None:
    # The da capo A of P:ABA is passes 3 and 4 of bars 1-2: 24 s and 32 s in (bars of 4 s).
    _write(tmp_path, ABA)
    scene = tmp_path / "fight.yaml"
    scene.write_text(
        "schema: 1\nid: fight\ntitle: Fight\nscore:\n  file: tune.abc\n  order: performed\n"
        "cast:\n  - {id: eve, name: Eve}\nbeats:\n"
        '  - {id: b1, at: "3:1", combat: dodge, performers: [eve]}\n'
        '  - {id: b2, at: "1:1", pass: 3, combat: dodge, performers: [eve]}\n'
        '  - {id: b3, at: "1:3", pass: 4, combat: dodge, performers: [eve]}\n',
        encoding="utf-8",
    )
    result = choreo("export", scene, "--format", "json")
    assert result.returncode == 0, result.stderr
    beats = json.loads(result.stdout)["beats"]
    assert [beat["start_seconds"] for beat in beats] == [16.0, 24.0, 34.0]
