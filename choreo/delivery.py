"""A file choreo wrote, sent to the browser too when the editor runs under ``choreo serve``.

In a browser the person exporting may sit at another device in the room, and expects the
sheet in their own downloads; the file is still written next to the scene as ctrl+e
promises, so the project keeps the copy a terminal user would get.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App


def deliver_to_browser(app: App[object], path: Path) -> bool:
    """Start the browser's download of ``path`` when the app runs in one; whether it did.

    In a terminal nothing happens: Textual would copy the file into ~/Downloads, and the
    user already has it where they work."""
    if not app.is_web:
        return False
    app.deliver_binary(path, save_filename=path.name, open_method="download")
    return True
