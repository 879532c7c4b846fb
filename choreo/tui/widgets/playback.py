"""The editor's playback: ``space`` plays the scene's music from the selected beat and
again stops it, the table's cursor and the timeline's playhead follow the music, and
``t`` taps a sync point on the bar now starting.

A widget with nothing to show, so that the editor screen owns it and its worker, its
timer and its messages go with the screen: the music is made ready (read, synthesized,
stretched) in its thread worker, the sound plays on the sink's own thread, and a timer
on the UI thread asks the player what is sounding a few dozen times a second. The audio
libraries load on the first ``space``, never when the editor starts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from choreo.errors import ChoreoError
from choreo.project import scene_folder
from choreo.tui.playback import (
    SPEEDS,
    BeatTimes,
    PlayRefused,
    PlayRequest,
    SceneMusic,
    heard_measures,
    play_request,
    tapped_status,
    unsynced_key,
    unsynced_measures,
    with_tapped_point,
)

if TYPE_CHECKING:
    from choreo.audio.player import Player, Sink
    from choreo.audio.recording import Recording
    from choreo.model import Scene
    from choreo.timing import MeasureMap
    from choreo.tui.screens.editor import EditorScreen

# The score's own measure map (not timed by the recording), and what it was read from.
Unsynced = tuple[tuple[object, ...], "MeasureMap"]

FOLLOW_SECONDS = 1 / 25  # how often the cursor looks at the music: smooth, and cheap


class Playback(Widget):
    """Plays the editor's scene; ``output`` makes the sink (default: the machine's sound
    output, or the null sink where ``CHOREO_AUDIO_OUTPUT=null``)."""

    DEFAULT_CSS = "Playback { display: none; }"

    class MusicReady(Message):
        """The worker made the music of ``request`` ready."""

        def __init__(
            self, request: PlayRequest, music: Recording, unsynced: Unsynced | None, generation: int
        ) -> None:
            super().__init__()
            self.request = request
            self.music = music
            self.unsynced = unsynced
            self.generation = generation

    def __init__(self, editor: EditorScreen, output: Callable[[], Sink] | None = None) -> None:
        super().__init__(id="playback")
        self.editor = editor
        self.output = output
        self.speed = 1.0  # the speed space plays at: the last one chosen
        self.playing: PlayRequest | None = None  # what is sounding (or counting in)
        self.preparing = False
        self._music = SceneMusic()
        self._player: Player | None = None
        self._making_player = threading.Lock()
        self._generation = 0  # which space the music being made is for
        self._times: BeatTimes | None = None
        # Kept while its score is the scene's, so that a tap, or its undo, times the
        # score again at once: no score read, no times blanking under the user.
        self._unsynced: Unsynced | None = None
        self._timer: Timer | None = None

    def on_mount(self) -> None:
        self._timer = self.set_interval(FOLLOW_SECONDS, self._follow, pause=True)

    def on_unmount(self) -> None:
        self.stop()
        self._music.close()

    # -- space, the speeds, t ----------------------------------------------------------
    def toggle(self) -> None:
        """Play from the selected beat, or stop what plays or is being made ready."""
        if self.playing is not None or self.preparing:
            self.stop()
        else:
            self.play()

    def play_at(self, speed: float) -> None:
        """Play from the selected beat at ``speed``, which space keeps from now on."""
        self.speed = speed
        self.stop()
        self.play()

    def play(self) -> None:
        editor = self.editor
        session = editor.session
        if not session.score_known:
            self._refuse("the score is still being read: play when it is")
            return
        scene = session.scene
        try:
            request = play_request(
                session.file,
                scene,
                session.measures,
                editor.cursor if scene.beats else None,
                self.speed,
            )
        except PlayRefused as refused:
            self._refuse(refused.message)
            return
        self._generation += 1
        self.preparing = True
        self._show_status(f"preparing the music at {SPEEDS[self.speed]}…")
        self._prepare(request, self._generation)

    def stop(self) -> None:
        """Silence, the playhead away; music being made ready is not played."""
        self._generation += 1
        self.preparing = False
        self.workers.cancel_group(self, "play")
        if self._player is not None:
            self._player.stop()
        self.playing = None
        if self._timer is not None:
            self._timer.pause()
        if self.is_mounted:
            self.editor.timeline.show_playhead(None)
            self._show_status("")

    def tap(self) -> None:
        """A sync point on the bar now starting, where it is heard: an edit (ctrl+z)."""
        editor = self.editor
        scene = editor.session.scene
        player, request = self._player, self.playing
        if scene.score.recording and (request is None or player is None or not player.playing):
            self._refuse("t taps a sync point as the music plays: space plays it")
            return
        try:
            heard = player.position() if player is not None and request is not None else 0.0
            tapped, point = with_tapped_point(scene, self._unsynced_map(scene, request), heard)
        except PlayRefused as refused:
            self._refuse(refused.message)
            return
        editor.change_scene(f"sync point {point.where()}", tapped)
        if request is not None:
            self._show_status(f"{request.status} · {tapped_status(point)}")

    # -- making the music ready, off the UI thread -------------------------------------
    def score_known(self) -> None:
        """The editor's score is read: its notes are read too (in a child process, as
        the score is), so that the first ``space`` waits for one piece of music only."""
        session = self.editor.session
        score = session.scene.score
        if session.score is None or not score.file or score.recording:
            return  # nothing read, or a recording plays
        folder, content = scene_folder(session.path), session.score.content_hash
        if not self._music.has_notes(folder, score.file, content):
            self._read_notes(folder, score.file, content)

    @work(thread=True, exclusive=True, exit_on_error=False, group="notes",
          description="reading the score's notes")  # fmt: skip
    def _read_notes(self, folder: Path, source: str, content: str) -> None:
        self._music.notes(folder, source, content, ahead=True)  # unreadable: space says why

    @work(thread=True, exclusive=True, exit_on_error=False, group="play",
          description="preparing the music")  # fmt: skip
    def _prepare(self, request: PlayRequest, generation: int) -> None:
        self._player_ready()  # no sound output: said before any music is made
        music = self._music.music(request)
        scene, unsynced = request.scene_file.scene, self._unsynced
        if scene.score.recording and scene.score.file:
            key = unsynced_key(scene)
            if unsynced is None or unsynced[0] != key:
                unsynced = (key, unsynced_measures(request.scene_file))
        self.post_message(self.MusicReady(request, music, unsynced, generation))

    def _player_ready(self) -> Player:
        from choreo.audio.player import Player, output_sink

        with self._making_player:
            if self._player is None:
                self._player = Player(self.output() if self.output else output_sink())
            return self._player

    @on(MusicReady)
    def _music_ready(self, message: MusicReady) -> None:
        message.stop()
        if message.generation != self._generation or self._player is None:
            return  # stopped, or another space since
        request = message.request
        self._unsynced = message.unsynced
        self.preparing = False
        try:
            self._player.play(
                message.music,
                request.start,
                count_in=request.count_in,
                count_in_seconds=request.count_in_seconds,
                speed=request.speed,
            )
        except ChoreoError as error:
            self._failed(error)
            return
        self.playing = request
        self._show_status(request.status)
        if self._timer is not None:
            self._timer.resume()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR and worker.group == "play" and not worker.is_cancelled:
            self._failed(worker.error or RuntimeError("unknown failure"))

    def _failed(self, error: BaseException) -> None:
        self.stop()
        self.notify(str(error), title="Not playing", severity="warning", timeout=8)

    # -- following the music -----------------------------------------------------------
    def _follow(self) -> None:
        """The cursor on the beat now sounding and the playhead where the music is."""
        player, request = self._player, self.playing
        if player is None or request is None:
            return
        if not player.playing:  # the music ended
            self.stop()
            return
        seconds = player.position()
        editor = self.editor
        scene = editor.session.scene
        if self._times is None or self._times.scene is not scene:
            try:
                heard = heard_measures(scene, self._unsynced_map(scene, request))
            except PlayRefused:
                heard = request.measures  # the points were checked as they were made
            self._times = BeatTimes(scene, heard)
        editor.timeline.show_playhead(self._times.offset_at(max(seconds, request.start)))
        if seconds < request.start:
            return  # counting in: the cursor stays on the beat played from
        index = self._times.sounding(seconds, editor.cursor)
        if index is not None and index != editor.cursor:
            editor.table.move_cursor(row=index)

    # -- the score timed by the sync points as they are tapped --------------------------
    def _unsynced_map(self, scene: Scene, request: PlayRequest | None) -> MeasureMap:
        """The score's own map, which the scene's sync points time: kept from the play,
        else (a steady grid, with no score file) the map the play started with."""
        kept = self._unsynced
        if kept is not None and kept[0] == unsynced_key(scene):
            return kept[1]
        return request.measures if request is not None else self.editor.session.measures

    def retime(self, scene: Scene) -> bool:
        """The editor's score timed by ``scene``'s sync points from the map kept, after an
        edit that changed only them (a tap, its undo); ``False`` where none is kept for
        this score, and the score must be read again."""
        kept, session = self._unsynced, self.editor.session
        if kept is None or kept[0] != unsynced_key(scene) or session.score is None:
            return False
        try:
            session.score = heard_measures(scene, kept[1])
        except PlayRefused:
            return False  # read again: the reading says what is wrong
        return True

    # -- what the user is told ---------------------------------------------------------
    def _show_status(self, status: str) -> None:
        self.editor.timeline.border_title = f"timeline · {status}" if status else "timeline"

    def _refuse(self, message: str) -> None:
        self.app.bell()
        self.notify(message, severity="warning", timeout=4)
