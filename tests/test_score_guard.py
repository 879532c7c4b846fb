"""Hostile and broken score files end as one clear ScoreError, never a traceback."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from choreo.errors import ScoreError
from choreo.score import guard, load_measure_map

SCORES = Path(__file__).resolve().parent.parent / "scores"
DEMO = SCORES / "studio-waltz.musicxml"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + bytes(40)

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE score-partwise [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<score-partwise><work><work-title>&lol4;</work-title></work></score-partwise>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE score-partwise [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<score-partwise><work><work-title>&secret;</work-title></work></score-partwise>
"""


def _load(path: Path, **options: object) -> None:
    load_measure_map(str(path), use_cache=False, **options)  # type: ignore[arg-type]


def _refused(path: Path, *words: str) -> ScoreError:
    with pytest.raises(ScoreError) as caught:
        _load(path)
    error = caught.value
    assert error.where is not None and Path(error.where).name == path.name
    assert "\n" not in str(error)
    for word in words:
        assert word in error.message
    return error


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _mxl(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    _refused(_write(tmp_path / "lol.musicxml", BILLION_LAUGHS), "inline DTD", "refused")


def test_external_entity_is_refused(tmp_path: Path) -> None:
    _refused(_write(tmp_path / "xxe.xml", EXTERNAL_ENTITY), "inline DTD", "refused")


def test_entities_inside_an_mxl_are_refused(tmp_path: Path) -> None:
    path = _mxl(tmp_path / "lol.mxl", {"score.xml": BILLION_LAUGHS})
    _refused(path, "XML bombs")


def test_a_normal_doctype_is_accepted() -> None:
    assert DEMO.read_bytes().count(b"<!DOCTYPE score-partwise") == 1
    guard.check_content(DEMO, "musicxml")


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = _mxl(tmp_path / "bomb.mxl", {"score.xml": b"<" + bytes(20 * 1024 * 1024)})
    assert path.stat().st_size < 100_000
    _refused(path, "zip bomb")


def test_too_much_to_unzip_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "MAX_UNZIPPED_MB", 1.0)
    path = _mxl(tmp_path / "big.mxl", {"score.xml": os.urandom(2 * 1024 * 1024)})
    _refused(path, "unpacks to 2 MB, more than the 1 MB limit")


def test_mxl_without_a_score_is_refused(tmp_path: Path) -> None:
    container = b'<?xml version="1.0"?><container><rootfiles/></container>'
    path = _mxl(tmp_path / "empty.mxl", {"META-INF/container.xml": container, "a.txt": b"hi"})
    _refused(path, "no MusicXML score")


def test_png_renamed_mxl_is_refused(tmp_path: Path) -> None:
    _refused(_write(tmp_path / "picture.mxl", PNG), "not a zip archive")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    _refused(_write(tmp_path / "empty.musicxml", b""), "empty")


def test_truncated_musicxml_is_refused_with_its_line(tmp_path: Path) -> None:
    text = DEMO.read_bytes()
    error = _refused(_write(tmp_path / "cut.musicxml", text[: len(text) // 2]), "cut short")
    assert error.line is not None and error.line > 10


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("picture.musicxml", PNG),
        ("notes.musicxml", b"Remember: the fight starts on the downbeat.\n"),
        ("page.xml", b"<html><body>not a score</body></html>"),
    ],
)
def test_not_music_renamed_musicxml_is_refused(tmp_path: Path, name: str, data: bytes) -> None:
    _refused(_write(tmp_path / name, data), "not MusicXML")


def test_timewise_musicxml_says_what_to_do(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.musicxml", b"<score-timewise><measure/></score-timewise>")
    _refused(path, "partwise")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "scores.musicxml"
    folder.mkdir()
    _refused(folder, "folder")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path / "nowhere.musicxml", "no such score file")


def test_relative_paths_resolve_against_the_scene_folder(tmp_path: Path) -> None:
    with pytest.raises(ScoreError) as caught:
        load_measure_map("../scores/gone.musicxml", base=tmp_path / "scenes", use_cache=False)
    assert caught.value.where == str(tmp_path / "scenes" / "../scores/gone.musicxml")
    measures = load_measure_map("studio-waltz.musicxml", base=SCORES, use_cache=False)
    assert measures.source == "studio-waltz.musicxml" and len(measures.measures) == 32


def test_oversized_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHOREO_MAX_SCORE_MB", "0.01")
    error = _refused(DEMO, "score is 0.069 MB, more than the 0.01 MB limit")
    assert error.hint is not None and "CHOREO_MAX_SCORE_MB" in error.hint


def test_the_default_limit_is_50_mb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHOREO_MAX_SCORE_MB", raising=False)
    assert guard.max_score_bytes() == 50 * 1024 * 1024
    monkeypatch.setenv("CHOREO_MAX_SCORE_MB", "lots")
    with pytest.raises(ScoreError, match="not a number"):
        guard.max_score_bytes()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("score.pdf", b"%PDF-1.4", "cannot read '.pdf'"),
        ("score", b"<score-partwise/>", "without an extension"),
        ("song.mid", b"RIFF\x00\x00WAVE", "not a MIDI file"),
        ("tune.abc", PNG, "binary data"),
        ("tune.abc", b"just some words\n", "no X: or K:"),
        ("chorale.krn", b"hello\n", "no **kern"),
    ],
)
def test_wrong_kind_of_file(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    _refused(_write(tmp_path / name, data), words)


def test_music21_failures_become_one_line(tmp_path: Path) -> None:
    # Well-formed, safe MusicXML that music21 itself cannot make sense of.
    data = b"<score-partwise><part-list><score-part id='P1'><part-name>Oboe</part-name>"
    data += b"</score-part></part-list><part id='P1'><measure number='1'><note><pitch>"
    data += b"<step>H</step><octave>4</octave></pitch><duration>1</duration></note></measure>"
    data += b"</part></score-partwise>"
    error = _refused(_write(tmp_path / "odd.musicxml", data), "music21 cannot read this score")
    assert "step" in error.message


def test_a_score_without_parts_or_measures(tmp_path: Path) -> None:
    _refused(_write(tmp_path / "none.musicxml", b"<score-partwise/>"), "no parts")
    data = b"<score-partwise><part-list><score-part id='P1'><part-name>Oboe</part-name>"
    data += b"</score-part></part-list><part id='P1'/></score-partwise>"
    _refused(_write(tmp_path / "bare.musicxml", data), "part 0 (Oboe) has no measures")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.binary(max_size=400),
    suffix=st.sampled_from([".musicxml", ".mxl", ".mid", ".abc", ".krn"]),
)
def test_random_bytes_never_escape_as_another_error(
    tmp_path: Path, data: bytes, suffix: str
) -> None:
    path = _write(tmp_path / f"random{suffix}", data)
    try:
        _load(path)
    except ScoreError as error:
        assert "\n" not in error.message


def _container(rootfile: str) -> bytes:
    return (
        b'<?xml version="1.0"?><container><rootfiles>'
        + f'<rootfile full-path="{rootfile}"/>'.encode()
        + b"</rootfiles></container>"
    )


def test_an_mxl_follows_its_container_and_skips_macos_forks(tmp_path: Path) -> None:
    # The first XML member is a macOS resource fork, then a leftover score; the container
    # names the real one. music21 alone would read the first XML member it meets.
    waltz = DEMO.read_bytes()
    path = _mxl(
        tmp_path / "waltz.mxl",
        {
            "__MACOSX/._waltz.xml": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X",
            "old.xml": b"<score-partwise/>",
            "META-INF/container.xml": _container("music/waltz.xml"),
            "music/waltz.xml": waltz,
        },
    )
    measures = load_measure_map(str(path), use_cache=False)
    assert len(measures.measures) == 32


def test_schoenbergs_op19_no2_with_a_macos_fork_is_read() -> None:
    measures = load_measure_map("corpus:schoenberg/opus19/movement2", use_cache=False)
    assert [m.number for m in measures.measures] == [str(n) for n in range(1, 10)]


@pytest.mark.parametrize("name", ["track.wav", "mix.MP3", "stem.flac", "temp.ogg"])
def test_a_recording_is_not_a_score(tmp_path: Path, name: str) -> None:
    _refused(_write(tmp_path / name, b"RIFF\x00\x00\x00\x00WAVEfmt "), "audio recording")


# -- every member of an .mxl that could be opened is vetted --------------------------------

CONTAINER = b"""<?xml version="1.0"?><container><rootfiles>
<rootfile full-path="NAME"/></rootfiles></container>"""


@pytest.mark.parametrize(
    "members",
    [
        {"score.xml": DEMO.read_bytes(), "evil.xml/": BILLION_LAUGHS},
        {"score.xml": DEMO.read_bytes(), "SCORE.XML": BILLION_LAUGHS},
        {"score.xml": DEMO.read_bytes(), "Other.MusicXML": EXTERNAL_ENTITY},
        {"score.xml": DEMO.read_bytes(), "META-INF/container.xml": BILLION_LAUGHS},
        {
            "META-INF/container.xml": CONTAINER.replace(b"NAME", b"deep/lol.xml"),
            "score.xml": DEMO.read_bytes(),
            "deep/lol.xml": BILLION_LAUGHS,
        },
        {"score.xml": DEMO.read_bytes(), "notes.txt": BILLION_LAUGHS},
    ],
    ids=["trailing-slash", "case-variant", "other-xml", "container", "rootfile", "xml-named-txt"],
)
def test_every_member_that_could_be_opened_is_vetted(
    tmp_path: Path, members: dict[str, bytes]
) -> None:
    path = _mxl(tmp_path / "hostile.mxl", members)
    error = _refused(path, "refused")
    assert "entit" in error.message or "DTD" in error.message


def test_a_nested_archive_is_refused(tmp_path: Path) -> None:
    inner = _mxl(tmp_path / "inner.mxl", {"score.xml": BILLION_LAUGHS})
    path = _mxl(
        tmp_path / "outer.mxl", {"score.xml": DEMO.read_bytes(), "x.mxl": inner.read_bytes()}
    )
    _refused(path, "another archive")


def test_an_archive_of_a_real_score_and_harmless_extras_is_read(tmp_path: Path) -> None:
    members = {
        "META-INF/container.xml": CONTAINER.replace(b"NAME", b"waltz.xml"),
        "waltz.xml": DEMO.read_bytes(),
        "images/": b"",
        "images/cover.png": PNG,
    }
    assert len(load_measure_map(str(_mxl(tmp_path / "ok.mxl", members))).measures) == 32


def test_a_damaged_archive_is_one_error_line(tmp_path: Path) -> None:
    from tests.run_cli import assert_one_line_error, choreo

    whole = _mxl(tmp_path / "whole.mxl", {"score.xml": DEMO.read_bytes()}).read_bytes()
    cut = _write(tmp_path / "cut.mxl", whole[: len(whole) // 2])
    assert_one_line_error(choreo("score", cut), "cut.mxl")
    stored = _mxl(tmp_path / "crc.mxl", {"score.xml": DEMO.read_bytes()}, zipfile.ZIP_STORED)
    data = bytearray(stored.read_bytes())
    data[data.index(b"<score-partwise") + 1] ^= 1  # the stored bytes no longer match the CRC
    stored.write_bytes(bytes(data))
    assert_one_line_error(choreo("score", stored), "crc.mxl", "damaged")
    # Found by the fuzzer: deflated bytes that no longer inflate raised zlib.error.
    deflated = _mxl(tmp_path / "zlib.mxl", {"score.xml": DEMO.read_bytes()})
    data = bytearray(deflated.read_bytes())
    data[200:210] = bytes(10)
    deflated.write_bytes(bytes(data))
    assert_one_line_error(choreo("score", deflated), "zlib.mxl", "damaged")
