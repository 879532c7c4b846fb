"""``v``: which columns the beat table shows, remembered in the user's state folder so
every scene opens with them, this session and the next."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList
from textual.widgets.selection_list import Selection

from choreo.errors import SaveError
from choreo.lock import state_dir
from choreo.store import atomic_write
from choreo.tui.widgets.beat_table import COLUMN_KEYS, COLUMNS, SHOWN_AT_FIRST


def columns_path() -> Path:
    return state_dir() / "table-columns.json"


def remembered_columns() -> tuple[str, ...]:
    """The columns chosen last, or the first choice when none were (or the file is not
    one this choreo wrote)."""
    try:
        keys = json.loads(columns_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SHOWN_AT_FIRST
    if not isinstance(keys, list) or not all(key in COLUMN_KEYS for key in keys):
        return SHOWN_AT_FIRST
    return tuple(keys)


def remember_columns(keys: tuple[str, ...]) -> None:
    """Keep the choice for the next scene and the next session; not keeping it costs
    only the choice."""
    path = columns_path()
    with contextlib.suppress(OSError, SaveError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(path, json.dumps(list(keys)).encode("utf-8"), backup=False, private=True)


class ColumnChooser(ModalScreen[None]):
    """A list of the table's columns to tick; each tick shows or hides a column at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,v", "close", "Close", id="columns-close",
                tooltip="Close the list; the columns ticked stay shown"),
    ]  # fmt: skip

    def __init__(self, shown: tuple[str, ...], show: Callable[[tuple[str, ...]], None]) -> None:
        super().__init__()
        self.shown = shown
        self.show = show

    def compose(self) -> ComposeResult:
        with Vertical(id="columns-box"):
            yield Label("columns of the beat table", id="columns-title")
            yield SelectionList[str](
                *[
                    Selection(column.label, column.key, column.key in self.shown)
                    for column in COLUMNS
                    if column.chosen
                ],
                id="columns-list",
            )
            yield Label("space ticks · escape closes", id="columns-hint")

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        ticked = set(event.selection_list.selected)
        self.shown = tuple(c.key for c in COLUMNS if c.key in ticked or not c.chosen)
        self.show(self.shown)
        remember_columns(self.shown)

    def action_close(self) -> None:
        self.dismiss(None)
