"""Scene files: byte-for-byte round trips, minimal edits, and errors with file:line:col."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from choreo.errors import ConflictError, SceneError
from choreo.model import Beat, Position
from choreo.store import merged_text, parse_scene, read_scene, render_scene, save_scene
from tests.conftest import SCENES
from tests.scene_texts import PLAIN_SCENE, write_scene


def test_unchanged_save_is_byte_for_byte(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    loaded = read_scene(path)
    save_scene(loaded, loaded.scene.model_copy(deep=True))
    assert path.read_text(encoding="utf-8") == PLAIN_SCENE
    # The merge itself, not only the short-cut that keeps an unchanged file's text.
    assert merged_text(loaded, loaded.scene.model_copy(deep=True)) == PLAIN_SCENE


@pytest.mark.parametrize("scene_path", sorted(SCENES.glob("*.yaml")), ids=lambda p: p.name)
def test_merging_an_unchanged_demo_scene_writes_its_bytes(scene_path: Path) -> None:
    loaded = read_scene(scene_path)
    assert merged_text(loaded, loaded.scene) == scene_path.read_text(encoding="utf-8")


def test_rendering_leaves_the_tree_it_was_given(tmp_path: Path) -> None:
    loaded = read_scene(write_scene(tmp_path))
    edited = loaded.scene.model_copy(deep=True)
    edited.title = "Elsewhere"
    edited.beats[1].notes = None
    del edited.beats[0]
    assert "Elsewhere" in render_scene(loaded, edited)
    assert loaded.document["title"] == "Rooftop at dawn"
    assert [beat["id"] for beat in loaded.document["beats"]] == ["b01", "b02", "b03"]
    assert "notes" in loaded.document["beats"][1]
    assert merged_text(loaded, loaded.scene) == PLAIN_SCENE  # comments untouched too


@pytest.mark.parametrize("scene_path", sorted(SCENES.glob("*.yaml")), ids=lambda p: p.name)
def test_demo_scenes_round_trip_through_the_yaml_tree(scene_path: Path) -> None:
    """Even when the tree is dumped again, every byte (comments too) survives."""
    loaded = read_scene(scene_path)
    edited = loaded.scene.model_copy(deep=True)
    edited.beats[0].notes = "changed"
    text = render_scene(loaded, edited)
    original = scene_path.read_text(encoding="utf-8")
    diff = list(difflib.ndiff(original.splitlines(), text.splitlines()))
    added = [line for line in diff if line.startswith("+ ")]
    removed = [line for line in diff if line.startswith("- ")]
    assert added == ["+     notes: changed"]
    assert all("notes:" in line for line in removed) and len(removed) <= 1


def test_an_edit_touches_only_its_lines(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    loaded = read_scene(path)
    scene = loaded.scene.model_copy(deep=True)
    scene.beats[1].intensity = 5
    scene.beats[2].hit = True
    save_scene(loaded, scene)
    text = path.read_text(encoding="utf-8")
    assert text == PLAIN_SCENE.replace(
        "    intensity: 3\n    hit: true", "    intensity: 5\n    hit: true", 1
    ).replace(
        "    performers: [guard1]\n    intensity: 3\n",
        "    performers: [guard1]\n    intensity: 3\n    hit: true\n",
    )
    assert read_scene(path).scene == scene
    assert (tmp_path / "rooftop.yaml~").read_text(encoding="utf-8") == PLAIN_SCENE


def test_added_moved_and_deleted_beats_keep_the_comments(tmp_path: Path) -> None:
    loaded = read_scene(write_scene(tmp_path))
    scene = loaded.scene.model_copy(deep=True)
    new = Beat(id="b04", at=Position.parse("3:3"), ballet="arabesque", performers=["eve"])
    scene.beats.append(new)
    scene.beats[0], scene.beats[1] = scene.beats[1], scene.beats[0]
    text = render_scene(loaded, scene)
    for comment in ("# A rooftop fight", "# faded grey", "# the approach", "# the finish"):
        assert comment in text
    assert '  - id: b04\n    at: "3:3"\n    ballet: arabesque\n    performers: [eve]\n' in text
    again = parse_scene(text.encode(), tmp_path / "x.yaml").scene
    assert [b.id for b in again.beats] == ["b02", "b01", "b03", "b04"]
    assert again == scene


def test_cleared_field_removes_its_key(tmp_path: Path) -> None:
    loaded = read_scene(write_scene(tmp_path))
    scene = loaded.scene.model_copy(deep=True)
    scene.beats[1].notes = None
    text = render_scene(loaded, scene)
    assert "notes:" not in text and "# the finish" in text


def test_missing_ids_are_generated() -> None:
    text = PLAIN_SCENE.replace("  - id: b03\n    at:", "  - at:")
    scene = parse_scene(text.encode(), Path("x.yaml")).scene
    assert [b.id for b in scene.beats] == ["b01", "b02", "b03"]


def test_refuses_to_overwrite_a_file_changed_on_disk(tmp_path: Path) -> None:
    path = write_scene(tmp_path)
    loaded = read_scene(path)
    path.write_text(PLAIN_SCENE + "# edited elsewhere\n", encoding="utf-8")
    scene = loaded.scene.model_copy(deep=True)
    scene.title = "Mine"
    with pytest.raises(ConflictError):
        save_scene(loaded, scene)
    assert path.read_text(encoding="utf-8").endswith("# edited elsewhere\n")
    save_scene(loaded, scene, force=True)
    assert read_scene(path).scene.title == "Mine"


MALFORMED = [
    ("title: [\n", 6, "malformed YAML"),  # YAML notices at the end of the file
    ("  bad indent: x\n", 5, "malformed YAML"),
    ("colour: red\n", 5, "colour: unknown key"),
    ("palette: 42\n", 5, "palette: expected"),
]


@pytest.mark.parametrize(("extra", "line", "words"), MALFORMED)
def test_malformed_files_name_file_line_and_key(extra: str, line: int, words: str) -> None:
    text = "schema: 1\nid: x\ntitle: T\nscore: {tempo: 90}\n" + extra
    with pytest.raises(SceneError) as caught:
        parse_scene(text.encode(), Path("s.yaml"))
    message = str(caught.value)
    assert message.startswith(f"s.yaml:{line}:"), message
    assert words in message


@pytest.mark.parametrize(
    ("replace", "by", "line", "words"),
    [
        ('at: "2:1"', 'at: "2:0"', 24, "beats[b02].at: position '2:0': beats count from 1"),
        ('at: "2:1"', 'at: "two"', 24, "is not MEASURE:BEAT"),
        ("intensity: 2", "intensity: loud", 22, "beats[b01].intensity: input should be"),
        ("    intensity: 2\n", "    intesity: 2\n", 22, "did you mean 'intensity'?"),
        (
            "  - id: eve\n    name: Eve\n",
            "  - id: eve\n",
            9,
            "cast[eve].name: this key is required",
        ),
        ("tempo: 120", "tempo: -4", 7, "score.tempo: input should be greater than or equal to 1"),
        ("palette: doubt", "palette: blue", 5, "palette: expected 'grief'"),
        (  # frames count 0..23 at 24 fps: placing a beat could not say this start
            "tempo: 120",
            'tempo: 120\n  start: "01:00:00:24"',
            7,
            "score: timecode '01:00:00:24' is out of range at 24 fps",
        ),
    ],
)
def test_schema_violations_in_the_users_terms(replace: str, by: str, line: int, words: str) -> None:
    text = PLAIN_SCENE.replace(replace, by, 1)
    assert text != PLAIN_SCENE
    with pytest.raises(SceneError) as caught:
        parse_scene(text.encode(), Path("rooftop.yaml"))
    assert str(caught.value).startswith(f"rooftop.yaml:{line}:"), str(caught.value)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (b"", "a scene file is a YAML mapping"),
        (b"- a\n- b\n", "a scene file is a YAML mapping"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"id: !!python/object/apply:os.system ['echo hi']\n", "tags"),
        (b"a: &x [1]\nb: *x\n", "anchors and aliases"),
        (b"[" * 5000, "nested too deeply"),
    ],
    ids=["empty", "list", "not-utf8", "python-tag", "alias", "deep"],
)
def test_hostile_yaml_is_refused(text: bytes, words: str) -> None:
    with pytest.raises(SceneError) as caught:
        parse_scene(text, Path("h.yaml"))
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_symlinked_scene_stays_a_symlink(tmp_path: Path) -> None:
    real = write_scene(tmp_path, name="real.yaml")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    loaded = read_scene(link)
    scene = loaded.scene.model_copy(deep=True)
    scene.title = "Through the link"
    save_scene(loaded, scene)
    assert link.is_symlink()
    assert read_scene(real).scene.title == "Through the link"


def test_beats_sharing_an_id_keep_their_own_lines(tmp_path: Path) -> None:
    """Found by merging unchanged trees: the second `b01` once took the first one's place."""
    text = PLAIN_SCENE.replace("id: b02", "id: b01")
    loaded = parse_scene(text.encode(), tmp_path / "x.yaml")
    assert merged_text(loaded, loaded.scene) == text
    edited = loaded.scene.model_copy(deep=True)
    edited.beats[1].intensity = 5
    assert merged_text(loaded, edited) == text.replace(
        "intensity: 3\n    hit", "intensity: 5\n    hit"
    )
