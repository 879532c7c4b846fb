"""The printed sheet and cue cards: made by the real CLI, read back with poppler's
``pdftotext`` and ``pdfinfo`` page by page, as a person would find them on paper."""

from __future__ import annotations

import os
import pty
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from choreo.export.pdf_markup import escape
from choreo.export.sheet import every_cue_sheet
from choreo.scene_score import measures_of
from choreo.store import read_scene, scene_files_in
from tests.conftest import REPO, SCENES
from tests.run_cli import assert_one_line_error, choreo

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo", "pdffonts")),
    reason="poppler-utils (pdftotext, pdfinfo, pdffonts) not installed",
)

CARD = "Cue card · "
EMOJI = r"[\U0001F300-\U0001FAFF]"

HOSTILE_NOTES = [
    "#set text(red) and #pagebreak()",
    "$x^2$ costs *nothing* _here_",
    "@ref <label> ] [ unbalanced",
    "back\\slash at the end \\",
    "// not a comment /* nor this */",
    "`raw` ~ --- ... 'single' \"double\"",
    "Zoë Ångström crème brûlée, Dvořák",
    "blade 🗡 and fire 🔥",
]

HOSTILE_SCENE = """\
schema: 1
id: hostile
title: "#strong[Title] $pi$ @eve <x> ] Zoë"
score:
  tempo: 120
cast:
  - id: eve
    name: "Zoë *the* #1 _star_"
    props: [knife]
  - id: guard
    name: "Guard [B] \\\\ $5"
beats:
"""


def _beat(number: int, note: str) -> str:
    return (
        f"  - id: b{number:02d}\n"
        f'    at: "{number}:1"\n'
        "    ballet: pirouette\n"
        "    combat: knife slash\n"
        "    attacker: eve\n"
        "    partner: guard\n"
        "    weapon: knife\n"
        f"    safety: {_yaml_string(note)}\n"
        f"    notes: {_yaml_string(note)}\n"
    )


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pages(pdf: Path) -> list[str]:
    """Each page's text, with runs of white space made one space (lines wrap on paper)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]
    texts = []
    for number in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        texts.append(" ".join(text.split()))
    return texts


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "demo.pdf"
    result = choreo("export", "scenes/", "--format", "pdf", "-o", out, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    return out


def test_the_printed_sheet_has_every_beat_performer_and_safety_note(demo_pdf: Path) -> None:
    text = " ".join(pages(demo_pdf))
    for path in scene_files_in(SCENES):
        scene = read_scene(path).scene
        assert flat(scene.title) in text
        for member in scene.cast:
            assert flat(member.name) in text, member.name
        for beat in scene.beats:
            assert re.search(rf"\b{re.escape(beat.id)}\b", text), beat.id
            if beat.safety:
                assert flat(beat.safety) in text, beat.safety


def test_every_performer_gets_a_card_per_scene_each_on_a_page_of_its_own(demo_pdf: Path) -> None:
    scene_files = [read_scene(path) for path in scene_files_in(SCENES)]
    cards = every_cue_sheet(scene_files, measures=measures_of)
    card_pages = [page for page in pages(demo_pdf) if CARD in page]
    assert all(page.count(CARD) == 1 for page in card_pages)  # never two cards on a page
    assert len(card_pages) == len(cards)  # each demo card fits one page
    for page, card in zip(card_pages, cards, strict=True):
        header = f"{CARD}{flat(card.scene.title)} {flat(card.name_of(card.performer or ''))}"
        assert page.startswith(header), (page[:120], header)
        for item in card.beats:  # the performer's beats with their safety notes
            assert f"{item.beat.at} " in page
            if item.beat.safety:
                assert flat(item.beat.safety) in page
        others = {m.id for m in card.scene.cast} - {card.performer, *card.doubled()}
        for item in card.scene.beats:  # and nobody else's
            if not any(item.id == mine.beat.id for mine in card.beats) and item.safety:
                in_mine = any(item.safety == mine.beat.safety for mine in card.beats)
                assert in_mine or flat(item.safety) not in page
        assert others  # the demo scenes have partners, so the check above means something


def test_one_performer_s_pdf_is_their_cue_sheet_then_their_cards_at_half_speed(
    tmp_path: Path,
) -> None:
    out = tmp_path / "eve.pdf"
    result = choreo(
        "export", "scenes/", "--format", "pdf", "--performer", "eve", "--speed", "0.5",
        "-o", out, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    texts = pages(out)
    assert texts[0].startswith("Cue sheet for Eve")
    cards = [page for page in texts if CARD in page]
    with_eve = [p for p in scene_files_in(SCENES) if read_scene(p).scene.member("eve")]
    assert len(cards) == len(with_eve)
    for page in cards:  # rehearsal time, said so, never a picture timecode
        assert "rehearsal time, not picture timecode" in page
        assert not re.search(r"\b\d\d:\d\d:\d\d:\d\d\b", page), page[:200]
    assert "Rehearsal time: 0:00.0 – " in texts[1] or "Rehearsal time: 0:00.0 – " in texts[2]
    assert not re.search(r"\b\d\d:\d\d:\d\d:\d\d\b", " ".join(texts))


def test_hostile_text_is_printed_literally(tmp_path: Path) -> None:
    scene = tmp_path / "hostile.yaml"
    beats = "".join(_beat(n, note) for n, note in enumerate(HOSTILE_NOTES, start=1))
    scene.write_text(HOSTILE_SCENE + beats, encoding="utf-8")
    out = tmp_path / "hostile.pdf"
    result = choreo("export", scene, "--format", "pdf", "-o", out)
    assert result.returncode == 0, result.stderr
    texts = pages(out)
    text = " ".join(texts)
    assert "#strong[Title] $pi$ @eve <x> ] Zoë" in text
    assert "Zoë *the* #1 _star_" in text and "Guard [B] \\ $5" in text
    for note in HOSTILE_NOTES:
        # An emoji prints where a font on the machine has it (typst's own fonts have
        # none): the text around it must be there whole either way.
        for piece in re.split(EMOJI, note):
            assert flat(piece) in text, note
    cards = [page for page in texts if CARD in page]
    assert len(cards) == 2
    assert all(flat(note) in cards[0] for note in HOSTILE_NOTES if not re.search(EMOJI, note))
    assert "DRAFT" not in text


def test_escaping_leaves_no_markup_alive() -> None:
    # Every ASCII punctuation mark is escaped; whitespace never is (a backslash before a
    # space is a line break in typst); line breaks become spaces.
    assert escape("a#b") == "a\\#b"
    assert escape(" x \n y\\ ") == "x   y\\\\"
    assert escape("é 🗡") == "é 🗡"


def test_a_scene_check_finds_errors_in_prints_as_a_draft(tmp_path: Path) -> None:
    scene = tmp_path / "draft.yaml"
    scene.write_text(
        HOSTILE_SCENE + _beat(1, "crash mat") + _beat(2, "crash mat").replace('"2:1"', '"2:7"'),
        encoding="utf-8",
    )
    check = choreo("check", scene)
    assert check.returncode == 1 and "past-barline" in check.stdout
    markdown = choreo("export", scene)
    assert markdown.returncode == 0, markdown.stderr
    assert "> [!CAUTION]\n> **DRAFT**: choreo check finds 1 error in this scene" in markdown.stdout
    assert "> - **b02**: " in markdown.stdout and "(past-barline)" in markdown.stdout
    out = tmp_path / "draft.pdf"
    assert choreo("export", scene, "--format", "pdf", "-o", out).returncode == 0
    texts = pages(out)
    assert "DRAFT: choreo check finds 1 error in this scene" in texts[0]
    cards = [page for page in texts if CARD in page]
    assert len(cards) == 2 and all("DRAFT: check finds errors in this scene" in c for c in cards)
    clean = choreo("export", "scenes/corridor.yaml", cwd=REPO)
    assert "DRAFT" not in clean.stdout and "[!CAUTION]" not in clean.stdout


def test_pdf_to_a_terminal_is_refused_but_a_pipe_gets_it(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "choreo", "export", "scenes/corridor.yaml", "--format", "pdf"],
            stdout=terminal,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            cwd=REPO,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert result.returncode == 2
    assert result.stderr == "error: PDF is binary: give a file with -o, or pipe the output\n"
    piped = subprocess.run(
        [sys.executable, "-m", "choreo", "export", "scenes/corridor.yaml", "--format", "pdf"],
        capture_output=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    assert piped.returncode == 0 and piped.stdout.startswith(b"%PDF-")


def test_an_unknown_performer_is_one_line_and_no_file(tmp_path: Path) -> None:
    out = tmp_path / "nobody.pdf"
    result = choreo(
        "export", "scenes/", "--format", "pdf", "--performer", "nobody", "-o", out, cwd=REPO
    )
    assert_one_line_error(result, "nobody")
    assert not out.exists()


def test_the_sheet_says_what_the_markdown_sheet_says(demo_pdf: Path) -> None:
    # The sections are written once, in two inks: every list line of the Markdown sheet
    # (facts, notes, the crew's pages) is on paper too.
    markdown = choreo("export", "scenes/", cwd=REPO).stdout
    text = " ".join(pages(demo_pdf))
    said = [
        line.strip()[2:].replace("**", "").replace("\\", "")
        for line in markdown.splitlines()
        if line.strip().startswith("- ")
    ]
    assert len(said) > 200
    missing = [line for line in said if flat(line) not in text]
    assert not missing, missing[:5]


@settings(max_examples=25, deadline=None)
@given(
    st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0x17F, exclude_categories=("Cc", "Cf")),
        max_size=40,
    )
)
def test_any_text_typesets_as_itself(text: str) -> None:
    # Printable ASCII and Latin accents: every mark typst gives a meaning to comes out as
    # the character it is, and nothing fails to compile.
    import typst

    pdf = typst.compile(f"#set page(width: 12cm, height: auto)\n{escape(text)}\n".encode())
    printed = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout
    assert flat(printed.decode("utf-8")) == flat(text)


def _word_heights(pdf: Path, page: int) -> list[float]:
    """Each word's height on the page, in points (about 1.14 times its type size)."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', boxes)
    return [float(bottom) - float(top) for top, bottom in found]


def test_cards_are_in_large_type_and_the_only_fonts_are_typst_s_own(demo_pdf: Path) -> None:
    texts = pages(demo_pdf)
    sheet_table = next(n for n, page in enumerate(texts, start=1) if "bar:beat" in page)
    table_size = statistics.median(_word_heights(demo_pdf, sheet_table))
    cards = [n for n, page in enumerate(texts, start=1) if CARD in page]
    card_sizes = [statistics.median(_word_heights(demo_pdf, n)) for n in cards]
    assert min(card_sizes) > 1.4 * table_size  # the busiest card still reads from afar
    assert max(card_sizes) > 2.5 * table_size  # a short card gets the largest type
    fonts = subprocess.run(["pdffonts", str(demo_pdf)], capture_output=True, text=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and all("LibertinusSerif" in name for name in names), names  # accents too
