"""Every key the editor answers to, what it does, and the command palette's commands."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

KeySection = tuple[str, list[Binding]]
CommandSection = tuple[str, list[tuple[str, str]]]
KeyNotes = tuple[str, list[tuple[str, str, str]]]  # keys a widget handles without bindings


def keys_table(
    sections: list[KeySection], commands: CommandSection, notes: list[KeyNotes]
) -> Table:
    table = Table(box=None, expand=True, show_header=False, padding=(0, 1))
    table.add_column("key", style="bold", no_wrap=True, width=16)
    table.add_column("does", no_wrap=True, width=14)
    table.add_column("more", style="dim", ratio=1)
    for title, bindings in sections:
        table.add_row(f"[b u]{title}[/]", "", "")
        for binding in bindings:
            key = binding.key_display or binding.key.replace(",", " / ")
            table.add_row(Text(key), binding.description, binding.tooltip)
        table.add_row("", "", "")
    for title, rows in notes:
        table.add_row(f"[b u]{title}[/]", "", "")
        for key, does, more in rows:
            table.add_row(Text(key), does, more)
        table.add_row("", "", "")
    title, entries = commands
    table.add_row(f"[b u]{title}[/]", "", "")
    for name, what in entries:
        table.add_row("", name, what)
    return table


class HelpScreen(ModalScreen[None]):
    """The keys, from the bindings themselves, so the list cannot drift from the code."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Close", id="help-close",
                tooltip="Close the help and go back to the editor"),
    ]  # fmt: skip

    def __init__(
        self, sections: list[KeySection], commands: CommandSection, notes: list[KeyNotes]
    ) -> None:
        super().__init__()
        self.sections = sections
        self.commands = commands
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Label("choreo · keys", id="help-title")
            with VerticalScroll(id="help-keys"):
                yield Static(keys_table(self.sections, self.commands, self.notes))
            yield Label("escape closes this help", id="help-hint")

    def action_close(self) -> None:
        self.dismiss(None)
