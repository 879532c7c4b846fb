"""What MuseScore's render of a synced score looks like: where its texts and bars land.

MuseScore's SVG draws every text as a ``<path class="StaffText">`` of glyph outlines (a
hit's box is a path of its own, drawn with a stroke), so a text is known by its box and
its shape: the score's own staff texts are those whose outline, moved, is one of the
original render's. ``.mpos`` gives every bar's page and system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree

from tests.musescore import musescore

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
_SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Box:
    page: int
    left: float
    top: float
    right: float
    bottom: float
    framed: bool = False  # a hit's box

    def beside(self, other: Box) -> bool:
        """Overlapping left to right: MuseScore must stack one above the other."""
        return self.left < other.right and other.left < self.right


@dataclass(frozen=True)
class _Shape:
    box: Box
    outline: tuple[float, ...]  # the path's points, relative to its first


def svg_pages(score: Path, folder: Path) -> list[Path]:
    """MuseScore's SVG of every page of ``score``."""
    folder.mkdir(parents=True, exist_ok=True)
    musescore(score, folder / f"{score.stem}.svg")
    return sorted(folder.glob(f"{score.stem}-*.svg"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def _shapes(pages: list[Path], kind: str) -> list[_Shape]:
    found = []
    for page, svg in enumerate(pages):
        for path in ElementTree.parse(svg).getroot().iter(f"{_SVG}path"):
            if path.get("class") != kind:
                continue
            numbers = [float(n) for n in _NUMBER.findall(path.get("d", ""))]
            xs, ys = numbers[0::2], numbers[1::2]
            framed = path.get("fill") == "none"
            box = Box(page, min(xs), min(ys), max(xs), max(ys), framed)
            outline = tuple(n - numbers[i % 2] for i, n in enumerate(numbers))
            found.append(_Shape(box, outline))
    return found


def _same(one: tuple[float, ...], other: tuple[float, ...]) -> bool:
    return len(one) == len(other) and all(
        abs(a - b) < 0.05 for a, b in zip(one, other, strict=True)
    )


def added_texts(synced: list[Path], original: list[Path]) -> list[Box]:
    """The staff texts of the synced render that the original's does not have: choreo's
    labels and cues (a hit's text counted in its box)."""
    own = [shape.outline for shape in _shapes(original, "StaffText")]
    added = [
        s.box for s in _shapes(synced, "StaffText") if not any(_same(s.outline, o) for o in own)
    ]
    frames = [box for box in added if box.framed]
    return [
        box
        for box in added
        if box.framed
        or not any(
            f.page == box.page
            and f.left <= box.left
            and box.right <= f.right
            and f.top <= box.top
            and box.bottom <= f.bottom
            for f in frames
        )
    ]


def staff_tops(pages: list[Path]) -> list[tuple[int, float]]:
    """(page, y of the top line) of every staff MuseScore drew."""
    tops = []
    for page, svg in enumerate(pages):
        lines = sorted(
            float(line.get("points", "0,0").split()[0].split(",")[1])
            for line in ElementTree.parse(svg).getroot().iter(f"{_SVG}polyline")
            if line.get("class") == "StaffLines"
        )
        tops += [(page, y) for y in lines[0::5]]
    return tops


def page_width(pages: list[Path]) -> float:
    return float(ElementTree.parse(pages[0]).getroot().get("width", "0").removesuffix("px"))


def staff_right(pages: list[Path]) -> float:
    """Where MuseScore's staff lines end on the right: the right margin."""
    return max(
        float(line.get("points", "0,0").split()[-1].split(",")[0])
        for svg in pages
        for line in ElementTree.parse(svg).getroot().iter(f"{_SVG}polyline")
        if line.get("class") == "StaffLines"
    )


def deepest_stack(texts: list[Box], tops: list[tuple[int, float]]) -> int:
    """How many of ``texts`` MuseScore stacked one above another at most, above any staff:
    a text is one deeper than the deepest of those beside it and nearer the staff."""
    deepest = 0
    by_staff: dict[tuple[int, float], list[Box]] = {}
    for box in texts:
        below = [top for page, top in tops if page == box.page and top > box.bottom]
        if below:
            by_staff.setdefault((box.page, min(below)), []).append(box)
    for boxes in by_staff.values():
        depth: list[tuple[Box, int]] = []
        for box in sorted(boxes, key=lambda b: -b.bottom):  # nearest the staff first
            under = [d for other, d in depth if other.beside(box) and other.bottom > box.bottom]
            depth.append((box, 1 + max(under, default=0)))
            deepest = max(deepest, depth[-1][1])
    return deepest


def bar_layout(score: Path, folder: Path) -> list[tuple[int, int]]:
    """(page, system on the page) of every bar, from MuseScore's ``.mpos``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = musescore(score, folder / f"{score.stem}.mpos")
    bars = []
    systems: dict[tuple[str, str], int] = {}
    for element in ElementTree.parse(target).getroot().iter("element"):
        page = element.get("page", "0")
        key = (page, element.get("y", ""))
        systems.setdefault(key, sum(1 for p, _ in systems if p == page))
        bars.append((int(page), systems[key]))
    return bars
