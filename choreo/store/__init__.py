"""Scene files: read, refuse what is hostile, word errors, merge, write atomically.

Scene files are edited by hand and kept in git, so the YAML tree read by ruamel is the
source of truth for layout: a save changes only what the scene changed, and comments,
key order, quoting and indentation survive. Saves are atomic and refuse to overwrite a
file that changed on disk since it was read.
"""

from choreo.store.atomic import BACKUP_SUFFIX, PendingWrite, atomic_write
from choreo.store.hostile import MAX_SCENE_BYTES
from choreo.store.read import (
    SCENE_SUFFIXES,
    SceneFile,
    digest_of,
    parse_scene,
    read_scene,
    scene_files_in,
)
from choreo.store.write import (
    PendingSave,
    merged_text,
    new_scene_text,
    render_scene,
    save_scene,
)

__all__ = [
    "BACKUP_SUFFIX",
    "MAX_SCENE_BYTES",
    "SCENE_SUFFIXES",
    "PendingSave",
    "PendingWrite",
    "SceneFile",
    "atomic_write",
    "digest_of",
    "merged_text",
    "new_scene_text",
    "parse_scene",
    "read_scene",
    "render_scene",
    "save_scene",
    "scene_files_in",
]
