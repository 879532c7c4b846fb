"""Scroll views that size what they scroll through themselves."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


class SelfSizedScrollView(ScrollView):
    """A scroll view that sets its own virtual size (its rows, its options) and updates
    its scrollbars when it does. Textual's layout pass offers every scroll view its view's
    size as the virtual size, which never matches, so each layout pass anywhere on the
    screen (a completion list opening, say) redrew the scrollbars, and every widget beside
    them was painted again. Here only a change of the view's own size counts."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        del virtual_size  # the layout's guess; this view's own stands
        return super()._size_updated(size, self.virtual_size, container_size, layout)
