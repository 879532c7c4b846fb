"""The footer of keys, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's footer rebuilds itself whenever focus moves. Moving between the table and
    the form keeps the same keys, and a rebuild (a layout pass of the whole screen) costs
    a keystroke's budget, so this one compares the keys once focus has settled."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._rebuild_if_changed)

    def _rebuild_if_changed(self) -> None:
        if not self.is_attached or not self.is_mounted:
            return  # its screen closed meanwhile
        shown = tuple(
            (key, active.binding.description, active.enabled)
            for key, active in self.screen.active_bindings.items()
            if active.binding.show
        )
        if shown != self._shown or not self.children:
            self._shown = shown
            self.call_later(self.recompose)
