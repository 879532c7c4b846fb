"""The footer of keys: one line, drawn by one widget, whose keys stay in place as focus
moves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

COMPACT_BELOW = 110  # columns
PALETTE_RULE = "▏"  # between the keys and the command palette's key, on the right
DIM = Style(dim=True)  # a key that does not apply where focus is


@dataclass(frozen=True, slots=True)
class ShownKey:
    """One key as the footer shows it."""

    key: str
    key_display: str
    description: str
    action: str
    tooltip: str


class KeyFooter(Widget, can_focus=False):
    """Textual's footer is a widget for every key, composed anew whenever focus moves: on
    the editor's screen that was a layout pass and a restyling of every key on each move
    into or out of the form. This one draws all its keys on its one line. Keys keep their
    places; those that do not apply where focus is now are dimmed (the table's enter, and
    a and d while typing in the form); the command palette's key sits on the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--hover",
        "key-footer--rule",
    }

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[ShownKey] = []
        self._palette_key: ShownKey | None = None
        self._available: dict[ShownKey, bool] = {}
        self._places: list[tuple[int, int, ShownKey]] = []  # each key's cells on the line
        self._hover: ShownKey | None = None

    # -- what is shown -----------------------------------------------------------------
    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Losing the app's focus changes nothing shown; the first keys are shown anyway
        # (a browser's page may not have focus when it opens).
        if (screen.app.app_focus or not self._keys) and self.is_attached:
            self.call_after_refresh(self._show_keys)

    def _show_keys(self) -> None:
        if not self.is_attached or not self.is_mounted:
            return  # its screen closed meanwhile
        keys, palette_key, available = self._active_keys()
        known = set(self._keys)
        shown = [*self._keys, *(key for key in keys if key not in known)]
        palette_key = palette_key or self._palette_key
        if (shown, palette_key, available) != (self._keys, self._palette_key, self._available):
            self._keys, self._palette_key, self._available = shown, palette_key, available
            self.refresh()

    def shown(self) -> list[tuple[ShownKey, bool]]:
        """The keys in the order shown, each with whether it applies where focus is."""
        keys = [*self._keys, *([self._palette_key] if self._palette_key else [])]
        return [(key, self._available.get(key, False)) for key in keys]

    def _active_keys(self) -> tuple[list[ShownKey], ShownKey | None, dict[ShownKey, bool]]:
        """The keys that apply where focus is now, one for each action, and whether each
        is enabled; and the command palette's key."""
        keys: list[ShownKey] = []
        available: dict[ShownKey, bool] = {}
        actions: set[str] = set()
        active = self.screen.active_bindings
        # The app's own keys (help, quit) first: on a narrow screen the last keys are cut.
        in_order = sorted(active.values(), key=lambda bound: bound[0] is not self.app)
        for _node, binding, enabled, tooltip in in_order:
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            shown = ShownKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                tooltip,
            )
            keys.append(shown)
            available[shown] = enabled
        palette_key = None
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        if self.app.ENABLE_COMMAND_PALETTE and palette:
            _node, binding, enabled, _tooltip = palette
            palette_key = ShownKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                binding.tooltip or binding.description,
            )
            available[palette_key] = enabled
        return keys, palette_key, available

    # -- drawing -----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y != 0 or not width:
            return Strip.blank(width, base)
        compact = width < COMPACT_BELOW  # every key still shows at 80 columns
        palette = self._palette_key
        right: list[Segment] = []
        if palette is not None:
            rule = Segment(PALETTE_RULE, base + self.get_component_rich_style("key-footer--rule"))
            right = [rule, *self._key_segments(palette, True, base)]
            if not compact:
                right.append(Segment(" ", base))
        room = width - sum(cell_len(segment.text) for segment in right)
        left: list[Segment] = []
        places: list[tuple[int, int, ShownKey]] = []
        x = 0
        for shown in self._keys:
            if x >= room:
                break
            segments = self._key_segments(shown, compact, base)
            length = sum(cell_len(segment.text) for segment in segments)
            left += segments
            places.append((x, min(x + length, room), shown))
            x += length
            if compact:
                left.append(Segment(" ", base))
                x += 1
        line = Strip(left).crop_extend(0, room, base)  # cut short on a narrow screen
        if palette is not None:
            places.append((room, width, palette))
        self._places = places
        return Strip([*line, *right], width)

    def _key_segments(self, shown: ShownKey, compact: bool, base: Style) -> list[Segment]:
        key_style = base + self.get_component_rich_style("key-footer--key")
        description_style = base + self.get_component_rich_style("key-footer--description")
        if shown == self._hover:
            hover = self.get_component_rich_style("key-footer--hover")
            key_style, description_style = key_style + hover, description_style + hover
        if not self._available.get(shown, False):
            key_style, description_style = key_style + DIM, description_style + DIM
        key = shown.key_display if compact else f" {shown.key_display} "
        description = f" {shown.description}" if compact else f"{shown.description} "
        if not shown.description:
            return [Segment(key, key_style)]
        return [Segment(key, key_style), Segment(description, description_style)]

    # -- the mouse ---------------------------------------------------------------------
    def _key_at(self, x: int) -> ShownKey | None:
        return next((shown for start, end, shown in self._places if start <= x < end), None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        shown = self._key_at(event.x)
        if shown is None:
            return
        if self._available.get(shown, False):
            self.app.simulate_key(shown.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover_over(self._key_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._hover_over(None)

    def _hover_over(self, shown: ShownKey | None) -> None:
        if shown != self._hover:
            self._hover = shown
            self.tooltip = shown.tooltip if shown is not None else None
            self.refresh()
