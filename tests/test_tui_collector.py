"""The cycle collector kept out of the editor's keys: the scene frozen out of its sight
as it is read, what edits make frozen once the editor is idle, full passes held back
meanwhile, and everything thawed when the editor closes."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from choreo.model import Beat
from tests.test_tui_cast_settings import settle
from tests.test_tui_editor import SIZE, app_on, opened, write_scene


def in_sight(thing: object) -> bool:
    """Whether the collector's passes visit ``thing`` (frozen objects are in none of its
    generations)."""
    return any(seen is thing for seen in gc.get_objects())


async def test_the_scene_and_its_edits_are_frozen_while_edited_and_thawed_after(
    tmp_path: Path,
) -> None:
    threshold = gc.get_threshold()
    app = app_on(write_scene(tmp_path), check_delay=0.5)
    async with app.run_test(size=SIZE) as pilot:
        editor = await opened(pilot)
        read = editor.session.scene.beats[0]
        assert isinstance(read, Beat) and gc.is_tracked(read)
        assert not in_sight(read)
        assert gc.get_threshold()[2] > threshold[2]  # full passes wait for idle moments

        await pilot.press("a")  # a new beat, made after the freeze
        added = editor.session.scene.beats[1]
        assert added is not read and in_sight(added)
        await pilot.pause(0.6)
        await settle(pilot)  # the checks shown: the editor is idle
        assert not in_sight(added)
        assert gc.get_freeze_count() > 0

    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == threshold
    assert in_sight(added)  # the collector can free what the editor held


# Run in a fresh interpreter: the collector is the process's, and a test process holds
# (and frees, while frozen) more than this test can account for.
DOUBLING = """
import gc, sys, weakref
from choreo.tui import collector

class Knot:
    # An object and a list that hold each other: only the cycle collector frees them.
    def __init__(self):
        self.held_by = [self]

gc.freeze()  # as the scene is, when it is read
collector.editor_opened()
collector.editor_idle()  # the editor drawn
knot = Knot()
dead = weakref.ref(knot)
collector.editor_idle()  # frozen alive, as a notice on screen would be
del knot
gc.collect()
assert dead() is not None, "frozen garbage was collected"
heap = sys.getallocatedblocks()
edits = []
while sys.getallocatedblocks() < 1.5 * heap:  # more, not yet twice as much
    edits.append(Knot())
collector.editor_idle()
assert dead() is not None, "collected before the heap doubled"
while sys.getallocatedblocks() < 2.2 * heap:  # as much again, and more
    edits.append(Knot())
collector.editor_idle()
assert dead() is None, "still there after the heap doubled"
collector.editor_closed()
assert gc.get_freeze_count() == 0
print("freed")
"""


def test_what_dies_while_frozen_is_freed_once_the_heap_has_doubled() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", DOUBLING], capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0 and ran.stdout.strip() == "freed", ran.stderr
