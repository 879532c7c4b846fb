"""Write the committed example sheets from the demo scenes, so they can be regenerated.

    .venv/bin/python scripts/write_examples.py

``examples/demo-beat-sheet.md`` is exactly ``choreo export scenes/ --format md``; the cue
sheet is ``choreo export scenes/ --performer eve --speed 0.5``. ``tests/test_export_example.py``
fails when a committed file differs from what the code writes now.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from choreo.export import export_scenes
from choreo.scene_score import measures_of
from choreo.store import read_scene, scene_files_in

ROOT = Path(__file__).resolve().parent.parent
# file in examples/ → the export options that write it (the CLI's flags)
EXAMPLES: dict[str, dict[str, Any]] = {
    "demo-beat-sheet.md": {"format": "md"},
    "eve-cue-sheet-half-speed.md": {"format": "md", "performer": "eve", "speed": 0.5},
}


def demo_scenes(root: Path = ROOT) -> list[Path]:
    """The demo's scene files in the order ``choreo export scenes/`` takes them."""
    return scene_files_in(root / "scenes")


def example(name: str, root: Path = ROOT) -> bytes:
    scene_files = [read_scene(path) for path in demo_scenes(root)]
    return export_scenes(scene_files, **EXAMPLES[name], measures=measures_of)


def main(root: Path = ROOT) -> None:
    folder = root / "examples"
    folder.mkdir(exist_ok=True)
    for name in EXAMPLES:
        (folder / name).write_bytes(example(name, root))
        print(f"wrote {folder / name}", file=sys.stderr)


if __name__ == "__main__":
    main()
