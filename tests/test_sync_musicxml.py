"""MusicXML text editing: directions spliced in at their time, everything else untouched."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from choreo.errors import ChoreoError, ScoreError
from choreo.sync.musicxml import Direction, escape, insert_directions, remove_directions
from choreo.sync.xml_file import ScoreDocument, decode, package, read_document

# A piano part (two staves, so music21 makes two parts of it), two measures at 2
# divisions a quarter: staff 1 has a half-note chord, a grace note and a half note;
# staff 2 has four quarters after a backup. Comments and CDATA hold lookalike tags.
PIANO = """\
<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="4.0">
  <!-- <part id="X"><measure number="9"></measure></part> is only a comment -->
  <part-list>
    <score-part id="P1"><part-name>Piano</part-name></score-part>
  </part-list>
  <part id="P1">
    <measure number="1">
      <attributes>
        <divisions>2</divisions>
        <staves>2</staves>
      </attributes>
      <note><pitch><step>C</step><octave>4</octave></pitch><duration>4</duration><staff>1</staff></note>
      <note><chord/><pitch><step>E</step><octave>4</octave></pitch><duration>4</duration><staff>1</staff></note>
      <note><grace/><pitch><step>A</step><octave>4</octave></pitch><staff>1</staff></note>
      <note><pitch><step>G</step><octave>4</octave></pitch><duration>4</duration><staff>1</staff></note>
      <backup><duration>8</duration></backup>
      <note><pitch><step>C</step><octave>3</octave></pitch><duration>2</duration><staff>2</staff></note>
      <note><pitch><step>D</step><octave>3</octave></pitch><duration>2</duration><staff>2</staff></note>
      <note><pitch><step>E</step><octave>3</octave></pitch><duration>2</duration><staff>2</staff></note>
      <note><pitch><step>F</step><octave>3</octave></pitch><duration>2</duration><staff>2</staff></note>
    </measure>
    <measure number="2">
      <direction><direction-type><words><![CDATA[<measure> </note>]]></words></direction-type>
      </direction>
      <note><rest/><duration>8</duration><staff>1</staff></note>
    </measure>
  </part>
</score-partwise>
"""

HERE = Path("piano.musicxml")


def document(text: str = PIANO, codec: str = "utf-8") -> ScoreDocument:
    return ScoreDocument(HERE, text, codec)


def insert(text: str, directions: list[Direction], part: int = 0) -> str:
    return insert_directions(document(text), text, directions, part=part, parts=2, measures=2)


def at(
    beat_id: str, measure: int, quarters: float, cue: str | None = None, *, hit: bool = False
) -> Direction:
    return Direction(beat_id, measure, quarters, f"{beat_id} words", cue, hit)


def position_of(text: str, beat_id: str) -> int:
    return text.index(f'id="choreo-{beat_id}"')


def test_a_direction_goes_before_the_note_at_its_time() -> None:
    out = insert(PIANO, [at("b1", 0, 0.0), at("b2", 0, 2.0), at("b3", 1, 0.0)])
    assert position_of(out, "b1") < out.index("<step>C</step><octave>4")
    # At quarter 2, after the chord: before G's grace note, which belongs with G.
    chord_end = out.index("<step>E</step><octave>4")
    assert chord_end < position_of(out, "b2") < out.index("<grace/>")
    assert "<offset>" not in out
    # The comment's lookalike measure does not count; b3 is in measure 2, past the CDATA.
    assert out.index('<measure number="2">') < position_of(out, "b3")
    assert position_of(out, "b3") > out.index("]]></words>")


def test_a_chord_and_a_grace_note_are_never_split() -> None:
    out = insert(PIANO, [at(f"b{i}", 0, i / 2) for i in range(8)])
    assert not re.search(r"</direction>\s*<note><chord/>", out)
    assert not re.search(r"<grace/>.*</note>\s*<direction", out)


def test_a_time_between_notes_is_reached_by_the_other_voice_or_an_offset() -> None:
    out = insert(PIANO, [at("b1", 0, 1.0), at("b2", 0, 1.5), at("b3", 1, 2.5)])
    # Quarter 1 exists only in staff 2, after the backup.
    assert out.index("<backup>") < position_of(out, "b1") < out.index("<step>D</step>")
    # Quarter 1.5 is inside staff 2's D: the nearest earlier note and an offset of 1 division.
    block = out[position_of(out, "b2") : out.index("</direction>", position_of(out, "b2"))]
    assert "<offset>1</offset>" in block
    block = out[position_of(out, "b3") : out.index("</direction>", position_of(out, "b3"))]
    assert "<offset>5</offset>" in block


def test_the_second_staff_of_a_piano_is_music21s_second_part() -> None:
    out = insert(PIANO, [at("b1", 0, 0.0)], part=1)
    block = out[position_of(out, "b1") : out.index("</direction>", position_of(out, "b1"))]
    assert "<staff>2</staff>" in block


def test_a_cue_is_staff_text_below_and_a_hit_is_boxed() -> None:
    out = insert(PIANO, [at("b1", 0, 0.0, cue="lights up", hit=True), at("b2", 0, 2.0)])
    tree = ElementTree.fromstring(out.encode())
    (label,) = tree.findall(".//direction[@id='choreo-b1']")
    (cue,) = tree.findall(".//direction[@id='choreo.b1']")
    assert position_of(out, "b1") < out.index('id="choreo.b1"')
    assert label.get("placement") == "above" and cue.get("placement") == "below"
    words = label.find("direction-type/words")
    assert words is not None and words.get("enclosure") == "rectangle"
    assert words.get("font-weight") == "bold"
    assert cue.findtext("direction-type/words") == "lights up"
    assert cue.find("direction-type/words").get("font-style") == "italic"  # type: ignore[union-attr]
    # On a piano's upper staff the label stays on it; the cue goes below the lower staff.
    assert label.findtext("staff") == "1" and cue.findtext("staff") == "2"
    plain = tree.find(".//direction[@id='choreo-b2']/direction-type/words")
    assert plain is not None and plain.get("enclosure") is None
    assert "<rehearsal>" not in out
    assert remove_directions(out) == (PIANO, 3)


def test_new_lines_follow_the_files_own_indent_and_line_breaks() -> None:
    windows = PIANO.replace("\n", "\r\n").replace("  ", "\t")
    out = insert(windows, [at("b1", 0, 2.0)])
    added = _added_lines(windows, out)
    assert all(line.endswith("\r") or line == "" for line in added)
    assert added[0].startswith('\t\t\t<direction placement="above"')
    assert remove_directions(out) == (windows, 1)


def _added_lines(before: str, after: str) -> list[str]:
    old = set(before.split("\n"))
    return [line for line in after.split("\n") if line not in old]


def test_a_file_without_line_breaks_gets_none() -> None:
    compact = re.sub(r">\s+<", "><", PIANO)
    out = insert(compact, [at("b1", 0, 2.0), at("b2", 1, 0.0)])
    assert out.count("\n") == compact.count("\n")
    assert remove_directions(out) == (compact, 2)


def test_the_layout_must_match_what_music21_read() -> None:
    with pytest.raises(ScoreError, match="music21 read 3 parts"):
        insert_directions(document(), PIANO, [], part=0, parts=3, measures=2)
    with pytest.raises(ScoreError, match="2 <measure> elements where music21 read 5"):
        insert_directions(document(), PIANO, [], part=0, parts=2, measures=5)


def test_an_empty_measure_element_cannot_take_a_direction() -> None:
    text = PIANO.replace('<measure number="2">', '<measure number="3"/>\n    <measure number="2">')
    with pytest.raises(ChoreoError, match="empty <measure/>"):
        insert_directions(document(text), text, [at("b1", 1, 0.0)], part=0, parts=2, measures=3)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.floats(0, 3.99), st.booleans()),
        max_size=12,
    )
)
def test_removing_what_was_inserted_gives_back_every_byte(
    places: list[tuple[int, float, bool]],
) -> None:
    directions = [
        at(f"b{n}", measure, round(quarters, 3), "A" if mark else None)
        for n, (measure, quarters, mark) in enumerate(places)
    ]
    out = insert(PIANO, directions)
    tree = ElementTree.fromstring(out.encode())
    expected = len(directions) + sum(1 for d in directions if d.cue)
    words = tree.findall(".//direction/direction-type/words")
    assert len(words) == expected + 1  # and the score's
    assert remove_directions(out) == (PIANO, expected)


def test_only_choreos_directions_are_removed() -> None:
    text = PIANO.replace("<direction>", '<direction id="intro"><!-- id="choreo-x" -->', 1)
    assert remove_directions(text) == (text, 0)


# A file every hand-written tag scanner trips on: a DOCTYPE and a processing instruction,
# a comment holding a whole part with an old choreo direction in it, CDATA closing the
# measure, quoted ">" in attributes, and the divisions written as a character reference.
AWKWARD = """\
<?xml version="1.0" encoding="UTF-16"?>
<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN"
  "http://www.musicxml.org/dtds/partwise.dtd">
<?editor <measure number="0"> in an instruction ?>
<score-partwise version="4.0">
  <!-- <part id="P9"><measure><direction id="choreo-old"></direction></measure></part> -->
  <part-list>
    <score-part id="P1"><part-name>Fl&#xFC;te &lt;solo&gt;</part-name></score-part>
  </part-list>
  <part id="P1">
    <measure number="1" text="a > b" implicit='no'>
      <attributes><divisions>&#52;</divisions></attributes>
      <direction placement='above' id="x>y"><direction-type><words><![CDATA[</measure></part>
<measure>]]></words></direction-type></direction>
      <note><pitch><step>C</step><octave>4</octave></pitch><duration>4</duration></note>
      <note><pitch><step>D</step><octave>4</octave></pitch><duration>4</duration></note>
    </measure>
    <measure number="2"><note><rest/><duration>8</duration></note></measure>
  </part>
</score-partwise>
"""


def test_an_awkward_file_is_read_by_a_real_parser_and_kept_byte_for_byte() -> None:
    data = AWKWARD.encode("utf-16")
    text, codec, bom = decode(data, HERE)
    source = ScoreDocument(HERE, text, codec, bom)
    directions = [at("b1", 0, 1.0, "A"), at("b2", 1, 0.0)]
    out = insert_directions(source, text, directions, part=0, parts=1, measures=2)
    # Four divisions a quarter (&#52;): quarter 1 is the D, not the end of the bar.
    assert out.index("<step>C</step>") < out.index('id="choreo.b1"') < out.index("<step>D</step>")
    assert "<offset>" not in out
    assert out.index('<measure number="2">') < position_of(out, "b2")
    again = read_document(HERE, source.encode(out))
    assert remove_directions(again.text) == (AWKWARD, 3)  # the comment's lookalike stays
    assert source.encode(remove_directions(again.text)[0]) == data
    tree = ElementTree.fromstring(source.encode(out))
    assert [d.get("id") for d in tree.iter("direction")] == [
        "x>y",
        "choreo-b1",
        "choreo.b1",
        "choreo-b2",
    ]


@pytest.mark.parametrize(
    ("doctype", "words"),
    [
        ('<!DOCTYPE score-partwise [<!ENTITY a "x">]>', "inline DTD"),
        ('<!DOCTYPE score-partwise SYSTEM "file:///etc/passwd">', None),
    ],
    ids=["inline-dtd", "system-dtd"],
)
def test_the_splicer_refuses_what_the_score_guard_refuses(doctype: str, words: str | None) -> None:
    text = PIANO.replace("<score-partwise", doctype + "\n<score-partwise", 1)
    if words is None:  # an external DTD is named, never fetched: nothing to refuse
        assert remove_directions(text + "<!-- choreo -->") == (text + "<!-- choreo -->", 0)
        return
    with pytest.raises(ScoreError, match=words):
        insert(text, [at("b1", 0, 0.0)])


def test_a_file_that_is_not_xml_is_refused_with_its_line() -> None:
    end = PIANO.index("    </measure>\n")
    broken = PIANO[:end] + "    </measur>" + PIANO[end + len("    </measure>") :]
    with pytest.raises(ScoreError, match="not well-formed") as caught:
        insert(broken, [at("b1", 0, 0.0)])
    assert caught.value.line == PIANO[:end].count("\n") + 1


# -- encodings and files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        PIANO.encode("utf-8"),
        b"\xef\xbb\xbf" + PIANO.encode("utf-8"),
        PIANO.replace("UTF-8", "UTF-16").encode("utf-16"),
        b"\xfe\xff" + PIANO.replace("UTF-8", "UTF-16").encode("utf-16-be"),
        PIANO.replace("UTF-8", "ISO-8859-1").replace("Piano", "Pian\xf6").encode("latin-1"),
        PIANO.replace("Piano", "Pia\xffno").encode("latin-1"),  # a stray byte in UTF-8
    ],
    ids=["utf8", "utf8-bom", "utf16le", "utf16be", "latin1", "stray-byte"],
)
def test_every_byte_outside_the_directions_survives(data: bytes) -> None:
    text, codec, bom = decode(data, HERE)
    source = ScoreDocument(HERE, text, codec, bom)
    out = insert_directions(source, text, [at("b1", 0, 2.0, "Ωmega")], part=0, parts=2, measures=2)
    assert source.encode(text) == data
    written = source.encode(out)
    again = read_document(HERE, written)
    assert again.codec == codec
    assert remove_directions(again.text)[0] == text
    assert source.encode(remove_directions(again.text)[0]) == data
    if codec in ("iso8859-1", "latin-1") and "ISO" in text:
        assert b"&#937;mega" in written  # Ω cannot be said in Latin-1: a reference


def test_broken_utf16_is_refused() -> None:
    with pytest.raises(ScoreError, match="not valid utf-16"):
        decode(b"\xff\xfe<\x00\x00\xd8", HERE)


def test_package_writes_an_mxl_that_names_its_score(tmp_path: Path) -> None:
    import zipfile

    data = package(document(), PIANO, tmp_path / "copy.mxl")
    target = tmp_path / "copy.mxl"
    target.write_bytes(data)
    with zipfile.ZipFile(target) as archive:
        assert archive.read("copy.musicxml").decode() == PIANO
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    reread = read_document(target, data)
    assert reread.text == PIANO and reread.member == "copy.musicxml"


def test_escape_keeps_text_as_text() -> None:
    assert escape("kick & <turn>\x07") == "kick &amp; &lt;turn&gt;"


def test_a_copy_synced_before_labels_loses_its_old_ids_and_rehearsal_marks() -> None:
    """Earlier syncs wrote ``b07 ...`` words and rehearsal marks (cues, counts) with the
    same ids: syncing again takes them all away."""
    measure = '    <measure number="2">\n'
    old = (
        '      <direction placement="above" id="choreo.b9">\n'
        "        <direction-type>\n          <rehearsal>3·1</rehearsal>\n"
        "        </direction-type>\n      </direction>\n"
        '      <direction placement="above" id="choreo-b9">\n'
        "        <direction-type>\n          <words>b9 plié</words>\n"
        "        </direction-type>\n      </direction>\n"
    )
    synced_before = PIANO.replace(measure, measure + old)
    assert remove_directions(synced_before) == (PIANO, 2)
    out = insert(remove_directions(synced_before)[0], [at("b9", 1, 0.0)])
    assert "<rehearsal>" not in out and "b9 plié" not in out


def test_the_systems_a_score_breaks_itself_are_found() -> None:
    """Lascia ch'io pianga breaks 10 systems itself (2 of them onto a new page), printed
    in each of its parts; a <print> without a break (a page number) is not one."""
    from choreo.sync.musicxml import system_starts
    from choreo.sync.xml_layout import layout
    from tests.conftest import SCORES

    text = (SCORES / "lascia-chio-pianga.musicxml").read_text(encoding="utf-8")
    starts = system_starts(layout(text))
    measures = re.findall(r"<measure\b[^>]*>(.*?)</measure>", text.split("</part>")[0], re.S)
    expected = {i for i, body in enumerate(measures) if re.search(r'<print new-\w+="yes"', body)}
    assert starts == expected and len(starts) == 10
    assert (
        system_starts(
            layout(
                PIANO.replace(
                    '<measure number="2">', '<measure number="2"><print page-number="2"/>'
                )
            )
        )
        == set()
    )
