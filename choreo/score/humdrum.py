"""Humdrum's own playing order: the expansion list (``*>[A,A,B]``) over section labels
(``*>A``).

music21's Humdrum reader skips both, so a piece whose da capo or repeats are written only
as an expansion list (Beethoven's op. 18 no. 1, iii: ``*>[A,A,B,B,C,C,D,A,B]``) would be
played by its repeat barlines alone, silently short. choreo reads them from the text: the
default (unnamed) list is the order a performance follows; named variants
(``*>norep[A,B]``) are other editions' and are not followed. Whatever cannot be placed on
whole bars is refused with its line and column.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from choreo.errors import RepeatsError

_LIST = re.compile(r"^\*>(?P<name>[^\[\]]*)\[(?P<items>[^\]]*)\]$")
_LABEL = re.compile(r"^\*>(?P<label>[^\[\]]+)$")
_HINT = "follow the written order instead"


@dataclass(frozen=True)
class Section:
    label: str
    line: int  # 1-based line of its ``*>label``
    bar: int  # index of the written bar it starts


@dataclass(frozen=True)
class Expansion:
    """A file's default expansion list and the bars its sections start at."""

    order: tuple[str, ...]
    line: int
    col: int
    sections: tuple[Section, ...]  # in written order
    bars: int  # written bars in the text


def read_expansion(path: Path) -> Expansion | None:
    """The default expansion list of a ``.krn`` file and where its sections start; None
    when it has none. A list naming a label that is not in the file is refused."""
    text = path.read_text(encoding="utf-8", errors="replace")
    order: tuple[str, ...] | None = None
    line_of_list = col_of_list = 0
    sections: list[Section] = []
    bars = 0  # bars closed so far
    data_in_bar = False
    for number, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("!"):
            continue
        tokens = line.split("\t")
        first = tokens[0]
        if first.startswith("="):
            if data_in_bar:
                bars += 1
                data_in_bar = False
            continue
        if not first.startswith("*"):
            data_in_bar = True
            continue
        for column, token in _columns(tokens):
            listed = _LIST.match(token)
            if listed and not listed.group("name") and order is None:
                order = tuple(item.strip() for item in listed.group("items").split(","))
                line_of_list, col_of_list = number, column
            label = _LABEL.match(token)
            if label is None:
                continue
            name = label.group("label")
            if sections and sections[-1].line == number and sections[-1].label == name:
                continue  # the same label in every spine
            if data_in_bar:
                raise RepeatsError(
                    f"cannot expand repeats: the Humdrum section '*>{name}' starts inside a "
                    "bar; choreo plays whole bars",
                    where=path,
                    line=number,
                    col=column,
                    hint=_HINT,
                )
            sections.append(Section(name, number, bars))
    if order is None:
        return None
    if data_in_bar:
        bars += 1
    expansion = Expansion(order, line_of_list, col_of_list, tuple(sections), bars)
    _check(expansion, path)
    return expansion


def expanded_order(expansion: Expansion, bar_count: int, path: Path) -> list[int]:
    """Written bar indices in the order the expansion list plays them."""
    if bar_count != expansion.bars:
        raise RepeatsError(
            f"cannot expand repeats: the Humdrum expansion list places its sections on "
            f"{expansion.bars} bars, but music21 read {bar_count}",
            where=path,
            line=expansion.line,
            col=expansion.col,
            hint=_HINT,
        )
    bars_of: dict[str, range] = {}
    starts = [*expansion.sections, Section("", 0, expansion.bars)]
    for section, following in itertools.pairwise(starts):
        bars_of.setdefault(section.label, range(section.bar, following.bar))
    return [index for label in expansion.order for index in bars_of[label]]


def _check(expansion: Expansion, path: Path) -> None:
    labels = {section.label for section in expansion.sections}
    for label in expansion.order:
        if label not in labels:
            raise RepeatsError(
                f"cannot expand repeats: the Humdrum expansion list names section "
                f"'{label}', which no '*>{label}' starts",
                where=path,
                line=expansion.line,
                col=expansion.col,
                hint=_HINT,
            )
    first = expansion.sections[0] if expansion.sections else None
    if first is not None and first.bar > 0:
        raise RepeatsError(
            f"cannot expand repeats: bars 1-{first.bar} come before the first Humdrum "
            f"section ('*>{first.label}'), so the expansion list never plays them",
            where=path,
            line=first.line,
            col=1,
            hint=_HINT,
        )
    repeated = [s.label for s in expansion.sections]
    twice = sorted({label for label in repeated if repeated.count(label) > 1})
    if twice:
        again = next(s for s in expansion.sections[1:] if s.label in twice)
        raise RepeatsError(
            f"cannot expand repeats: the Humdrum section '*>{again.label}' is labelled twice",
            where=path,
            line=again.line,
            col=1,
            hint=_HINT,
        )


def _columns(tokens: list[str]) -> list[tuple[int, str]]:
    """Each tab-separated token with its 1-based column."""
    found, column = [], 1
    for token in tokens:
        found.append((column, token))
        column += len(token) + 1
    return found
