"""Write the committed example sheets from the demo scenes, so they can be regenerated.

    .venv/bin/python scripts/write_examples.py

``examples/demo-beat-sheet.md`` is exactly ``choreo export scenes/ --format md``; the cue
sheet is ``choreo export scenes/ --performer eve --speed 0.5``; the PDF is ``choreo export
scenes/ --format pdf``, and ``eve-cue-card.png`` its first cue card as a picture
(poppler's ``pdftoppm``). ``tests/test_export_example.py`` fails when a committed text
file (or the PDF's text) differs from what the code writes now.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
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
    "demo-beat-sheet.pdf": {"format": "pdf"},
}
CARD_PICTURE = "eve-cue-card.png"  # the PDF's first cue card: Eve's, in the first scene
CARD = "Cue card · "


def demo_scenes(root: Path = ROOT) -> list[Path]:
    """The demo's scene files in the order ``choreo export scenes/`` takes them."""
    return scene_files_in(root / "scenes")


def example(name: str, root: Path = ROOT) -> bytes:
    scene_files = [read_scene(path) for path in demo_scenes(root)]
    return export_scenes(scene_files, **EXAMPLES[name], measures=measures_of)


def card_picture(pdf: Path, png: Path) -> None:
    """The PDF's first cue card page as a PNG, as a person sees it printed."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    pages = text.stdout.decode("utf-8").split("\f")  # pdftotext ends each page so
    page = next(number for number, words in enumerate(pages, start=1) if CARD in words)
    with tempfile.TemporaryDirectory() as scratch:
        stem = Path(scratch) / "card"
        pages_wanted = ["-f", str(page), "-l", str(page)]
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-singlefile", *pages_wanted, str(pdf), str(stem)],
            check=True,
        )
        png.write_bytes(stem.with_suffix(".png").read_bytes())


def main(root: Path = ROOT, folder: Path | None = None) -> None:
    """Every example into ``folder`` (``examples/`` of the repository by default)."""
    folder = folder or root / "examples"
    folder.mkdir(exist_ok=True)
    for name in EXAMPLES:
        (folder / name).write_bytes(example(name, root))
        print(f"wrote {folder / name}", file=sys.stderr)
    card_picture(folder / "demo-beat-sheet.pdf", folder / CARD_PICTURE)
    print(f"wrote {folder / CARD_PICTURE}", file=sys.stderr)


if __name__ == "__main__":
    main()
