"""The footer of keys, which keeps its keys in place as focus moves."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not exported; the key Footer itself yields

COMPACT_BELOW = 110  # columns


@dataclass(frozen=True, slots=True)
class ShownKey:
    """One key as the footer shows it."""

    key: str
    key_display: str
    description: str
    action: str
    tooltip: str


class KeyInPlace(FooterKey):
    """A footer key that can be dimmed and lit again without being built anew."""

    def __init__(self, shown: ShownKey, *, available: bool, classes: str = "") -> None:
        super().__init__(
            shown.key,
            shown.key_display,
            shown.description,
            shown.action,
            disabled=not available,
            tooltip=shown.tooltip,
            classes=classes,
        )
        self.shown = shown
        self.available = available

    def show_available(self, available: bool) -> None:
        if available != self.available:
            self.available = available
            self.set_class(not available, "-disabled")

    @on(events.MouseDown)
    def _pressed(self, event: events.MouseDown) -> None:
        event.prevent_default()  # FooterKey's own handler knows only how it was built
        if self.available:
            self.app.simulate_key(self.key)
        else:
            self.app.bell()


class KeyFooter(Footer):
    """Textual's footer composes its keys anew whenever focus moves, which lays out the
    whole screen: most of a keystroke's time on a long scene. This one keeps the keys it
    has shown where they are and dims those that do not apply where focus is now (the
    table's enter, and a and d while typing in the form), so the keys do not jump about
    either; it composes again only for a key it has not shown yet."""

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[ShownKey] = []
        self._palette_key: ShownKey | None = None
        self._available: dict[ShownKey, bool] = {}

    def on_resize(self) -> None:
        self.compact = self.size.width < COMPACT_BELOW  # every key still shows at 80 columns

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        for shown in self._keys:
            available = self._available.get(shown, False)
            yield KeyInPlace(shown, available=available).data_bind(compact=Footer.compact)
        if self._palette_key is not None:
            available = self._available.get(self._palette_key, False)
            yield KeyInPlace(self._palette_key, available=available, classes="-command-palette")

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._show_keys)

    def _show_keys(self) -> None:
        if not self.is_attached or not self.is_mounted:
            return  # its screen closed meanwhile
        keys, palette_key, available = self._active_keys()
        self._available = available
        new = [shown for shown in keys if shown not in self._keys]
        new_palette_key = palette_key is not None and palette_key != self._palette_key
        if new or new_palette_key or not self.children:
            self._keys = [*self._keys, *new]
            self._palette_key = palette_key or self._palette_key
            self.call_later(self.recompose)
            return
        for footer_key in self.query_children(KeyInPlace):
            footer_key.show_available(available.get(footer_key.shown, False))

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
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE and palette:
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
