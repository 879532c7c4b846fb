"""Write docs/tui.svg, the README's picture of the editor, from the app itself.

The editor opens the demo's opera-house scene at 120×36, waits for its score to be read
and its checks to run, selects a beat and saves the screen as SVG. Run it after changing
how the editor looks: ``.venv/bin/python scripts/screenshot.py``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCENE = REPO / "scenes" / "opera-house.yaml"
OUTPUT = REPO / "docs" / "tui.svg"
SIZE = (120, 36)


async def screenshot(scene: Path) -> str:
    from choreo.tui.app import make_app
    from choreo.tui.screens.editor import EditorSettings

    app = make_app(scene, settings=EditorSettings(cursor_blink=False, journal_seconds=3600))
    async with app.run_test(size=SIZE) as pilot:
        while app.editor is None or app.editor.session is None:
            await pilot.pause(0.05)
        editor = app.editor
        while editor.session is None or not editor.session.score_known:
            await pilot.pause(0.05)
        await pilot.press(*["down"] * 4)
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        app.clear_notifications()
        await pilot.pause()
        return app.export_screenshot(title=f"choreo edit scenes/{scene.name}")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="choreo-screenshot-") as folder:
        # The user's own locks, journals and cache stay out of it.
        os.environ["CHOREO_STATE_DIR"] = str(Path(folder) / "state")
        os.environ["CHOREO_CACHE_DIR"] = str(Path(folder) / "cache")
        svg = asyncio.run(screenshot(SCENE))
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(svg, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
