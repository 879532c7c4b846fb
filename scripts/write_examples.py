"""Write the committed example sheets from the demo scenes, so they can be regenerated.

    .venv/bin/python scripts/write_examples.py

``examples/demo-beat-sheet.md`` is exactly ``choreo export scenes/ --format md``; the cue
sheet is ``choreo export scenes/ --performer eve --speed 0.5``; the PDF is ``choreo export
scenes/ --format pdf``, and ``eve-cue-card.png`` its first cue card as a picture
(poppler's ``pdftoppm``). ``tests/test_export_example.py`` fails when a committed text
file (or the PDF's text) differs from what the code writes now. The first page of the
opera house score after ``choreo sync`` is rendered by MuseScore (``mscore3``, skipped
when it is absent); pictures are not compared byte for byte.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from choreo.export import export_scenes
from choreo.scene_score import measures_of
from choreo.store import read_scene, scene_files_in
from choreo.sync import push

ROOT = Path(__file__).resolve().parent.parent
SYNCED_SCORE_PAGE = "opera-house-synced-score.png"
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


def synced_score_page(root: Path, target: Path) -> bool:
    """Page 1 of the opera house score as ``choreo sync`` writes it, rendered by MuseScore
    from a copy of the demo project; ``False`` where MuseScore is not installed."""
    musescore = shutil.which("mscore3")
    if musescore is None:
        return False
    with tempfile.TemporaryDirectory() as temporary:
        project = Path(temporary)
        shutil.copytree(root / "scenes", project / "scenes")
        shutil.copytree(root / "scores", project / "scores")
        synced = push(read_scene(project / "scenes" / "opera-house.yaml")).output
        environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=temporary)
        pages = project / "page.png"
        subprocess.run(
            [musescore, "-o", str(pages), str(synced)],
            check=True,
            capture_output=True,
            timeout=300,
            env=environment,
        )
        shutil.copyfile(project / "page-1.png", target)
    return True


def main(root: Path = ROOT, folder: Path | None = None) -> None:
    """Every example into ``folder`` (``examples/`` of the repository by default)."""
    folder = folder or root / "examples"
    folder.mkdir(exist_ok=True)
    for name in EXAMPLES:
        (folder / name).write_bytes(example(name, root))
        print(f"wrote {folder / name}", file=sys.stderr)
    card_picture(folder / "demo-beat-sheet.pdf", folder / CARD_PICTURE)
    print(f"wrote {folder / CARD_PICTURE}", file=sys.stderr)
    page = folder / SYNCED_SCORE_PAGE
    if synced_score_page(root, page):
        print(f"wrote {page}", file=sys.stderr)
    else:
        print(f"left {page} as it was: MuseScore (mscore3) is not installed", file=sys.stderr)


if __name__ == "__main__":
    main()
