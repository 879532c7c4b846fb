"""The cycle collector kept out of the editor's keystrokes.

A long scene is hundreds of thousands of objects (beats, rows, cells, measures, and every
earlier version of the scene that undo keeps), and a full pass of the collector walks all
of them: on 2,000 beats that is 100-180 ms, in whichever key allocates when it falls due.
So what the editor holds is frozen out of the collector's sight: the scene as it is read,
then, whenever the editor is idle after an edit (its checks shown), whatever was made
since. Full passes wait for those idle moments: young objects are still collected as they
die, and once the interpreter's heap has doubled since the last full pass, an idle moment
thaws everything for one (what died while frozen, a closed notice say, is freed then).
Closing the editor thaws it all and frees what it held.

Each idle moment costs little: a pass over the young objects and a freeze. (A full pass
over what the opening made, and counting what is frozen, took 100 ms just after the table
was drawn, in the way of the first keys.)
"""

from __future__ import annotations

import gc
import sys

_threshold: tuple[int, int, int] | None = None  # the collector's own, while an editor is open
_heap_at_full_pass: int | None = None  # the interpreter's memory blocks after the last one


def freeze_what_was_read() -> None:
    """The scene just read lives as long as its editor: out of the collector's passes."""
    gc.freeze()


def editor_opened() -> None:
    """Full passes only when the editor is idle: young passes go on as before."""
    global _threshold, _heap_at_full_pass
    if _threshold is None:
        _threshold = gc.get_threshold()
        young, middle, _full = _threshold
        gc.set_threshold(young, middle, 1_000_000)
    _heap_at_full_pass = None


def editor_idle() -> None:
    """Collect the young objects and freeze the rest; a full pass over everything once
    the heap has doubled (counted in blocks, which costs nothing to ask)."""
    global _heap_at_full_pass
    gc.collect(1)
    gc.freeze()
    heap = sys.getallocatedblocks()
    if _heap_at_full_pass is None:  # the first idle moment, the editor drawn
        _heap_at_full_pass = heap
    elif heap > 2 * _heap_at_full_pass:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _heap_at_full_pass = sys.getallocatedblocks()


def editor_closed() -> None:
    """Everything thawed, and what the editor held freed now, as it closes: left to a
    later full pass, that pass would fall in the next scene's opening or its keys."""
    global _threshold
    gc.unfreeze()
    if _threshold is not None:
        gc.set_threshold(*_threshold)
        _threshold = None
    gc.collect()
