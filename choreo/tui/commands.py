"""The command palette (ctrl+p) for the scene being edited: export, sync, check, the score,
playing at ¾ or ½ speed, and "jump 17" to go to a measure."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits
from textual.system_commands import SystemCommandsProvider

from choreo.tui.screens.editor import EditorScreen

_JUMP = re.compile(
    r"^\s*(?:jump|go|measure|bar|m)\s*(?:to\s*)?(?:measure\s*|bar\s*)?(\d+[a-zA-Z]?)\s*$"
)


class SceneCommands(SystemCommandsProvider):
    """Commands that act on the scene open in the editor, then Textual's own (keys, theme,
    quit): one provider, as the palette lists providers' hits as they come, in no set order."""

    def _editor(self) -> EditorScreen | None:
        screen = self.screen
        return screen if isinstance(screen, EditorScreen) else None

    def _commands(self, editor: EditorScreen) -> list[tuple[str, str, Callable[[], object]]]:
        return [
            ("Export Markdown", "save, then write the beat sheet next to the scene (ctrl+e)",
             editor.action_export_markdown),
            ("Check the scene", "run the checks now and show what they find", editor.action_check),
            ("Score info", "the measures, meters and tempi the beats follow",
             editor.action_score_info),
            ("Sync to score", "save, then write the beats into a copy of the score as directions",
             editor.action_sync),
            ("Play at ¾ speed", "from the beat, pitch kept; space plays at it from now on",
             partial(editor.play_at, 0.75)),
            ("Play at ½ speed", "from the beat, pitch kept; space plays at it from now on",
             partial(editor.play_at, 0.5)),
            ("Play at full speed", "from the beat; space plays at it from now on",
             partial(editor.play_at, 1.0)),
        ]  # fmt: skip

    async def discover(self) -> Hits:
        editor = self._editor()
        if editor is not None:
            for name, help_text, command in self._commands(editor):
                yield DiscoveryHit(name, command, help=help_text)
            yield DiscoveryHit(
                "Jump to measure…", partial(editor.notify, 'type "jump 17" to go to measure 17'),
                help='type "jump" and a measure number, e.g. "jump 17"',
            )  # fmt: skip
        async for hit in super().discover():
            yield hit

    async def search(self, query: str) -> Hits:
        async for hit in self._search_scene(query):  # first among hits of the same score
            yield hit
        async for hit in super().search(query):
            yield hit

    async def _search_scene(self, query: str) -> Hits:
        editor = self._editor()
        if editor is None:
            return
        jump = _JUMP.match(query)
        if jump:
            number = jump.group(1)
            yield Hit(
                1.0, f"Jump to measure {number}", partial(editor.jump_to_measure, number),
                text=f"Jump to measure {number}", help="the first beat on or after it",
            )  # fmt: skip
        matcher = self.matcher(query)
        for name, help_text, command in self._commands(editor):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, text=name, help=help_text)
        if not jump and matcher.match("Jump to measure") > 0:
            yield Hit(
                matcher.match("Jump to measure"), matcher.highlight("Jump to measure"),
                partial(editor.notify, 'type "jump 17" to go to measure 17'),
                text="Jump to measure", help='add a measure number, e.g. "jump 17"',
            )  # fmt: skip
