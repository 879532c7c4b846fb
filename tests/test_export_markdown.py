"""The Markdown beat sheet, read back with a real GFM parser (markdown-it-py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from choreo.export import export_scenes
from choreo.export.markdown import heading_slug
from choreo.export.sheet import one_line
from choreo.model import Beat, CastMember, Scene, ScoreRef
from choreo.placement import PlacedBeat, place_beats
from choreo.scene_score import measures_of
from choreo.store import SceneFile, read_scene
from choreo.timing import MeasureMap, TempoMark, build_measures, steady_grid
from tests.scene_texts import in_memory

SCENE = """\
schema: 1
id: opera-house
title: The grand stage of the abandoned opera house
location: Prague, abandoned opera house, grand stage
palette: rage
score:
  tempo: 96
  fps: 25
cast:
  - id: eve
    name: Eve
    double: Stunt double A
    props: [knife, pistol]
  - id: guard1
    name: Guard 1
  - id: guard2
    name: Guard 2
beats:
  - id: b01
    at: "5:1"
    length: 4
    ballet: grand jeté
    combat: flying kick
    performers: [eve, guard1]
    intensity: 4
    hit: true
    camera: wide, dolly left
    safety: crash mat downstage left
    notes: She clears the orchestra pit.
  - id: b02
    at: "6:1"
    ballet: fouetté
    combat: knife slash
    attacker: eve
    partner: guard2
    weapon: knife
    intensity: 5
  - id: b03
    at: "7:3"
    ballet: plié
    combat: block
    performers: [guard1, guard2]
    intensity: 2
  - id: b04
    at: "8:1"
    ballet: tour en l'air
    combat: spinning back kick
    performers: [eve]
    intensity: 5
"""

HOSTILE = [
    "pipe | in | the | middle",
    "line one\nline two\r\nline three",
    "<script>alert('x')</script>",
    "`rm -rf /` and ```fenced```",
    "[click me](javascript:alert(1))",
    "=cmd|' /C calc'!A0",
    "ends in a backslash \\",
    "back\\|slash pipe",
    "**bold** _under_ *star* ~~strike~~",
    "![image](http://example.com/x.png)",
    "<http://example.com> &amp; &lt;b&gt; &#60;",
    "# heading\n- list\n> quote",
    "tab\there and unicode\u2028line\u2029separators",
]

PARSER = MarkdownIt("gfm-like")


def write_scene(tmp_path: Path, text: str = SCENE, name: str = "opera-house.yaml") -> SceneFile:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_scene(path)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


def inline_text(token: Token) -> str:
    """What a reader sees in an inline token: its text, with link and code text too."""
    return "".join(
        child.content for child in token.children or [] if child.type in {"text", "code_inline"}
    )


def tables(tokens: list[Token]) -> list[Table]:
    found: list[Table] = []
    row: list[str] | None = None
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            found.append(Table([]))
        elif token.type == "tr_open":
            row = []
        elif token.type in {"th_open", "td_open"}:
            assert row is not None
            row.append(inline_text(tokens[index + 1]))
        elif token.type == "tr_close":
            assert row is not None
            if found[-1].header:
                found[-1].rows.append(row)
            else:
                found[-1].header = row
    return found


def beat_table(tokens: list[Token]) -> Table:
    (table,) = [t for t in tables(tokens) if t.header[:3] == ["#", "id", "bar:beat"]]
    return table


def all_tokens(tokens: list[Token]) -> list[Token]:
    flat = []
    for token in tokens:
        flat.append(token)
        flat.extend(token.children or [])
    return flat


def markdown(scene_files: list[SceneFile], **options: object) -> str:
    options.setdefault("measures", measures_of)
    return export_scenes(scene_files, format="md", **options).decode("utf-8")  # type: ignore[arg-type]


# -- the beat table -------------------------------------------------------------------


def test_one_row_per_beat_with_the_placed_times(tmp_path: Path) -> None:
    scene_file = write_scene(tmp_path)
    tokens = PARSER.parse(markdown([scene_file]))
    table = beat_table(tokens)
    assert table.header == [
        "#", "id", "bar:beat", "counts", "timecode", "secs", "ballet", "combat", "performers",
        "weapon", "intensity", "hit", "safety",
    ]  # fmt: skip
    placed = place_beats(scene_file.scene, steady_grid(96, 24))
    assert len(table.rows) == len(placed) == 4
    for number, (row, spot) in enumerate(zip(table.rows, placed, strict=True), start=1):
        assert isinstance(spot, PlacedBeat)
        beat = spot.beat
        assert row == [
            str(number),
            beat.id,
            str(beat.at),
            str(spot.counts),
            str(spot.timecode),
            f"{spot.seconds:.2f}",
            beat.ballet,
            beat.combat,
            ", ".join(beat.everyone()),  # attacker and partner count as performers
            beat.weapon or "",
            str(beat.intensity),
            "yes" if beat.hit else "",
            beat.safety or "",
        ]
    # At 96 quarters a minute a beat is 0.625 s; b01 (measure 5) starts 16 beats in.
    assert table.rows[0][4] == "01:00:10:00"
    assert table.rows[0][5] == "2.50"
    assert table.rows[1][8] == "eve, guard2"  # b02 names only an attacker and a partner


def test_scene_facts_cast_and_safety_summary(tmp_path: Path) -> None:
    text = markdown([write_scene(tmp_path)])
    assert text.startswith("# Beat sheet: The grand stage of the abandoned opera house\n")
    assert "- **Location:** Prague, abandoned opera house, grand stage" in text
    assert "- **Palette:** rage" in text
    assert "- **Tempo:** ♩ = 96" in text
    assert "- **Timecode:** 01:00:10:00 – " in text
    assert "Speed" not in text  # full speed goes without saying
    cast = next(t for t in tables(PARSER.parse(text)) if t.header[0] == "id")
    assert cast.rows[0] == ["eve", "Eve", "Stunt double A", "knife, pistol"]
    safety = text.split("## Safety")[1].split("##")[0]
    # flying kick and spinning back kick are risk 4; the knife slash a blade; the block 1.
    assert "- **b01** (5:1, 01:00:10:00) grand jeté / flying kick: risk 4\n" in safety
    assert "  - Safety: crash mat downstage left" in safety
    assert "- **b02** (6:1, 01:00:12:12) fouetté / knife slash: blade, risk 3\n" in safety
    b04 = safety.split("**b04**")[1]
    assert "spinning back kick: risk 4" in b04 and "  - Safety: **MISSING**" in b04
    assert "b03" not in safety


def test_notes_are_listed_under_the_table_not_in_it(tmp_path: Path) -> None:
    text = markdown([write_scene(tmp_path)])
    notes = text.split("## Beat notes")[1].split("## Armourer")[0]
    assert "- **b01** (5:1) grand jeté / flying kick" in notes
    assert "  - Notes: She clears the orchestra pit." in notes
    assert "  - Camera: wide, dolly left" in notes
    assert "  - Action: eve attacks guard2, weapon knife" in notes
    assert "b03" not in notes  # nothing to say about it


def test_intensity_sparkline_and_chart(tmp_path: Path) -> None:
    text = markdown([write_scene(tmp_path)])
    assert "   1 ▇█▃█\n" in text
    assert "```mermaid\nxychart-beta\n" in text
    assert '    x-axis ["b01", "b02", "b03", "b04"]' in text
    assert "    bar [4, 5, 2, 5]" in text


def test_beats_outside_the_score_still_get_a_row(tmp_path: Path) -> None:
    eight_bars = steady_grid(96, 8)
    moved = SCENE.replace('at: "8:1"', 'at: "12:1"')
    text = markdown([write_scene(tmp_path, moved)], measures=lambda _: eight_bars)
    table = beat_table(PARSER.parse(text))
    assert [row[1] for row in table.rows] == ["b01", "b02", "b03", "b04"]
    assert table.rows[3][2:6] == ["12:1", "—", "outside score", "—"]
    assert "  - Not placed: measure 12 is not in the score" in text
    assert "- **Beats:** 4 (1 outside the score)" in text
    assert "(12:1, outside score) tour en l'air / spinning back kick: risk 4" in text


# -- hostile text ---------------------------------------------------------------------


def hostile_scene(text: str) -> Scene:
    return Scene(
        id="hostile",
        title=text,
        location=text,
        cast=[CastMember(id="eve", name=text, double=text, props=[text])],
        beats=[
            Beat(id="b01", at="1:1", ballet=text, combat="flying kick", performers=["eve"]),
            Beat(
                id="b02",
                at="2:1",
                ballet="plié",
                combat=text,
                performers=["eve"],
                notes=text,
                camera=text,
                safety=text,
                cue=text,
                target=text,
                weapon=text,
            ),
        ],
    )


def assert_nothing_got_in(tokens: list[Token]) -> None:
    for token in all_tokens(tokens):
        assert token.type not in {"html_inline", "html_block", "code_inline", "image"}, token
        assert token.type not in {"em_open", "s_open"}, token
        if token.type == "link_open":
            href = str(token.attrGet("href"))
            assert href.startswith(("#", "http://", "https://")), href
        if token.type == "fence":
            assert token.info in {"text", "mermaid"}, token


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_cannot_break_the_table_or_inject(text: str) -> None:
    document = markdown([in_memory(hostile_scene(text))])
    tokens = PARSER.parse(document)
    table = beat_table(tokens)
    seen = one_line(text)
    assert len(table.rows) == 2
    assert all(len(row) == len(table.header) for row in table.rows)
    assert table.rows[0][6] == seen  # ballet
    assert table.rows[1][7] == seen  # combat
    assert table.rows[1][9:] == [seen, "3", "", seen]  # weapon, intensity, hit, safety
    assert_nothing_got_in(tokens)
    assert "<" not in document  # no tag can even start, whatever a renderer allows
    html = PARSER.render(document)
    assert "<script" not in html and "javascript:" not in html.replace(seen, "")
    lines = {inline_text(t) for t in tokens if t.type == "inline"}
    for label in ("Notes", "Camera", "Cue"):
        assert f"{label}: {seen}" in lines
    assert f"Action: target {seen}, weapon {seen}" in lines
    assert f"Beat sheet: {seen}" in lines
    cast = next(t for t in tables(tokens) if t.header[0] == "id")
    assert cast.rows == [["eve", seen, seen, seen]]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_any_text_stays_in_its_cell(text: str) -> None:
    document = markdown([in_memory(hostile_scene(text))])
    tokens = PARSER.parse(document)
    table = beat_table(tokens)
    assert len(table.rows) == 2
    assert table.rows[0][6] == one_line(text)
    assert table.rows[1][7] == one_line(text)
    assert_nothing_got_in(tokens)


# -- several scenes, cue sheets, speed -------------------------------------------------


def test_several_scenes_make_one_document_with_contents(tmp_path: Path) -> None:
    first = write_scene(tmp_path)
    second = write_scene(
        tmp_path,
        SCENE.replace("id: opera-house", "id: rooftop").replace(
            "title: The grand stage of the abandoned opera house", "title: Rooftop, Act II [night]"
        ),
        "rooftop.yaml",
    )
    document = markdown([first, second])
    tokens = PARSER.parse(document)
    assert document.startswith("# Beat sheets\n")
    headings = [
        inline_text(tokens[i + 1])
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2"
    ]
    assert headings == [
        "Contents",
        "Scene 1: The grand stage of the abandoned opera house",
        "Scene 2: Rooftop, Act II [night]",
    ]
    links = [str(t.attrGet("href")) for t in all_tokens(tokens) if t.type == "link_open"]
    assert links == [
        "#scene-1-the-grand-stage-of-the-abandoned-opera-house",
        "#scene-2-rooftop-act-ii-night",
    ]
    assert links == ["#" + heading_slug(h) for h in headings[1:]]
    assert document.index("Scene 1: The grand") < document.index("Scene 2: Rooftop")
    assert len([t for t in tables(tokens) if t.header[:2] == ["#", "id"]]) == 2


def test_cue_sheet_for_one_performer(tmp_path: Path) -> None:
    document = markdown([write_scene(tmp_path)], performer="guard2")
    tokens = PARSER.parse(document)
    assert document.startswith("# Cue sheet for Guard 2: The grand stage")
    assert "- **Performer:** Guard 2 (guard2)" in document
    assert "- **Beats:** 2 of 4" in document
    table = beat_table(tokens)
    assert table.header[6:10] == ["ballet", "combat or reaction", "with", "role"]
    # b02: guard2 is only the partner; b03: one of the performers.
    assert [(row[1], row[8], row[9]) for row in table.rows] == [
        ("b02", "eve", "receives"),
        ("b03", "guard1", ""),
    ]
    safety = document.split("## Safety")[1]
    assert "**b02**" in safety and "b01" not in safety and "b04" not in safety


def test_cue_sheet_keeps_safety_notes(tmp_path: Path) -> None:
    document = markdown([write_scene(tmp_path)], performer="eve")
    table = beat_table(PARSER.parse(document))
    assert [row[1] for row in table.rows] == ["b01", "b02", "b04"]
    assert [row[8] for row in table.rows] == ["guard1", "guard2", ""]
    assert [row[-1] for row in table.rows] == ["crash mat downstage left", "", ""]
    safety = document.split("## Safety")[1]
    assert "grand jeté / flying kick: risk 4\n" in safety
    assert "  - Safety: crash mat downstage left" in safety


def test_half_speed_doubles_the_seconds_and_says_so(tmp_path: Path) -> None:
    scene_file = write_scene(tmp_path)
    full = beat_table(PARSER.parse(markdown([scene_file])))
    document = markdown([scene_file], speed=0.5)
    half = beat_table(PARSER.parse(document))
    assert [float(r[5]) for r in half.rows] == [2 * float(r[5]) for r in full.rows]
    # 10 s into the score takes 20 s, on the rehearsal clock: no frame of the picture
    assert full.header[4] == "timecode" and full.rows[0][4] == "01:00:10:00"
    assert half.header[4] == "rehearsal time" and half.rows[0][4] == "0:20.0"
    assert "- **Rehearsal time:** 0:20.0 – " in document
    assert "- **Timecode:**" not in document
    assert "- **Speed:** half speed (0.5×): times are rehearsal time" in document
    assert "not picture timecode" in document
    assert "♩ = 96 in the score, ♩ = 48 at half speed (0.5×)" in document


def test_tempo_range_follows_the_score(tmp_path: Path) -> None:
    rows = [(str(n), 4.0, "4/4", 4, 1.0, 1.0) for n in range(1, 13)]
    tempos = [TempoMark(0.0, 96.0), TempoMark(24.0, 120.0), TempoMark(40.0, 60.0)]
    measures = MeasureMap(build_measures(rows, tempos), tuple(tempos))
    scene_file = write_scene(tmp_path)
    document = markdown([scene_file], measures=lambda _: measures)
    # The beats run from bar 5 (offset 16) to bar 8's end (offset 32): 96 then 120.
    assert "- **Tempo:** ♩ = 96–120" in document


def test_long_scenes_wrap_the_sparkline_and_drop_the_chart() -> None:
    beats = [
        Beat(id=f"b{n:03d}", at=f"{n}:1", performers=["eve"], intensity=n % 5 + 1)
        for n in range(1, 101)
    ]
    scene = Scene(id="long", title="Long", score=ScoreRef(tempo=120), beats=beats)
    document = markdown([in_memory(scene)])
    spark = document.split("```text\n")[1].split("```")[0].splitlines()
    assert [line[:4] for line in spark] == ["   1", "  41", "  81"]
    assert "".join(line[5:] for line in spark) == "▃▅▇█▁" * 20
    assert "mermaid" not in document


def test_a_stunt_double_who_is_in_the_cast_is_named_once(tmp_path: Path) -> None:
    # Eve's stunt double by name is Kim Lee, who is also in the cast doubling her: the
    # cast table said "Kim Lee, Kim Lee (kim)".
    from tests.run_cli import choreo

    scene = tmp_path / "duel.yaml"
    scene.write_text(
        "schema: 1\nid: duel\ntitle: Duel\nscore:\n  tempo: 120\ncast:\n"
        "  - {id: eve, name: Eve, double: Kim  lee, props: [knife]}\n"
        "  - {id: kim, name: Kim Lee, doubles: eve}\n"
        "  - {id: ann, name: Ann, double: Stunt double A}\n"
        "beats:\n  - {id: b1, at: '1:1', combat: dodge, performers: [eve, ann]}\n",
        encoding="utf-8",
    )
    result = choreo("export", scene, "-o", tmp_path / "duel.md")
    assert result.returncode == 0, result.stderr
    rows = [" ".join(line.split()) for line in (tmp_path / "duel.md").read_text().splitlines()]
    assert "| eve | Eve | Kim Lee (kim) | | knife |" in rows
    assert "| kim | Kim Lee | | Eve | |" in rows
    assert "| ann | Ann | Stunt double A | | |" in rows
