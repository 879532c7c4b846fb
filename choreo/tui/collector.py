"""The cycle collector kept out of the editor's keystrokes.

A long scene is hundreds of thousands of objects (beats, rows, cells, measures, and every
earlier version of the scene that undo keeps), and a full pass of the collector walks all
of them: on 2,000 beats that is 100-180 ms, in whichever key allocates when it falls due.
So what the editor holds is frozen out of the collector's sight: the scene as it is read,
then, whenever the editor is idle after an edit (its checks shown), whatever the edits
made since. Full passes wait for those idle moments: young objects are still collected as
they die, and once what is frozen has doubled, an idle moment thaws it for one full pass
(what died while frozen, a closed notice say, is freed then). Closing the editor thaws
it all and frees what it held.
"""

from __future__ import annotations

import gc

_threshold: tuple[int, int, int] | None = None  # the collector's own, while an editor is open
# How many objects were frozen after the last full pass, and how many since. Counted as
# they are frozen: gc.get_freeze_count() walks every frozen object (20 ms on 2,000 beats).
_frozen_at_full_pass: int | None = None
_frozen_since = 0


def freeze_what_was_read() -> None:
    """The scene just read lives as long as its editor: out of the collector's passes."""
    gc.freeze()


def editor_opened() -> None:
    """Full passes only when the editor is idle: young passes go on as before."""
    global _threshold, _frozen_at_full_pass, _frozen_since
    if _threshold is None:
        _threshold = gc.get_threshold()
        young, middle, _full = _threshold
        gc.set_threshold(young, middle, 1_000_000)
    _frozen_at_full_pass, _frozen_since = None, 0


def editor_idle() -> None:
    """Collect what the edits since the last idle moment left (only they are in sight),
    and freeze the rest; a full pass over everything once the frozen objects doubled."""
    global _frozen_at_full_pass, _frozen_since
    gc.collect()
    _frozen_since += len(gc.get_objects())  # what is in sight: the edits' survivors
    gc.freeze()
    if _frozen_at_full_pass is None:  # the first idle moment, the editor drawn
        _frozen_at_full_pass, _frozen_since = gc.get_freeze_count(), 0
    elif _frozen_since > _frozen_at_full_pass:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _frozen_at_full_pass, _frozen_since = gc.get_freeze_count(), 0


def editor_closed() -> None:
    """Everything thawed, and what the editor held freed now, as it closes: left to a
    later full pass, that pass would fall in the next scene's opening or its keys."""
    global _threshold
    gc.unfreeze()
    if _threshold is not None:
        gc.set_threshold(*_threshold)
        _threshold = None
    gc.collect()
