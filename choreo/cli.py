"""The ``choreo`` command line.

Start-up stays light: music21 and Textual are imported inside the commands that need
them. Every :class:`ChoreoError` and usage error ends as one ``error: ...`` line on
stderr with exit 2, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, cast

import typer

from choreo.errors import ChoreoError, ScoreError, printable

if TYPE_CHECKING:
    from choreo.export import Format

app = typer.Typer(
    name="choreo",
    help="Fight-choreography beat sheets: ballet moves paired with combat actions, "
    "on the bars of the score.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


class MoveKind(StrEnum):
    ballet = "ballet"
    combat = "combat"
    reaction = "reaction"


class ExportFormat(StrEnum):
    md = "md"
    csv = "csv"
    json = "json"
    midi = "midi"
    pdf = "pdf"
    wav = "wav"


# -- shared helpers -------------------------------------------------------------------


def _emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _scene_paths(targets: list[Path]) -> list[Path]:
    """Scene files named directly, or every ``*.yaml`` in a named folder, sorted."""
    from choreo.store import scene_files_in

    paths: list[Path] = []
    for target in targets:
        if target.is_dir():
            found = scene_files_in(target)
            if not found:
                raise ChoreoError("no scene files (*.yaml) in this folder", where=target)
            paths.extend(found)
        else:
            paths.append(target)
    return paths


# -- commands -------------------------------------------------------------------------


@app.callback(invoke_without_command=True)
def _default(ctx: typer.Context) -> None:
    """With no command, open the editor on ./scenes/ or the bundled demo."""
    if ctx.invoked_subcommand is None:
        _open_editor(None)


@app.command()
def edit(
    scene: Annotated[Path | None, typer.Argument(help="scene file; default: pick one")] = None,
) -> None:
    """Open the terminal editor on one scene (or a picker over ./scenes/)."""
    _open_editor(scene)


def _open_editor(scene: Path | None) -> None:
    if scene is not None:
        from choreo.store import read_scene

        read_scene(scene)  # a bad file is one line and exit 2, before the screen opens
    from choreo.tui.app import run_editor

    run_editor(scene)


@app.command()
def new(
    scene: Annotated[Path, typer.Argument(help="the scene file to write, e.g. scenes/roof.yaml")],
    title: Annotated[str, typer.Option("--title", help="the scene's title")],
    score: Annotated[Path | None, typer.Option("--score", help="score file to follow")] = None,
) -> None:
    """Write a valid, empty scene file."""
    from choreo.scenes import write_new_scene

    with _progress("reading the score"):
        written = write_new_scene(scene, title=title, score=score)
    if written.note:
        typer.echo(f"note: {written.note}", err=True)
    if written.order == "performed":
        typer.echo("the score has repeats: the scene follows them (order: performed)", err=True)
    typer.echo(f"wrote {written.path}", err=True)


@app.command()
def check(
    scenes: Annotated[list[Path], typer.Argument(help="scene files or folders")],
    output: Annotated[TextOrJson, typer.Option("--format", help="text or json")] = TextOrJson.text,
) -> None:
    """Validate scenes and lint them; exit 1 when there are errors."""
    from choreo.checks import has_errors
    from choreo.scenes import check_files, diagnostics_json, diagnostics_text

    results = check_files(_scene_paths(scenes), progress=_progress)
    if output is TextOrJson.json:
        _emit(json.dumps(diagnostics_json(results), indent=2, ensure_ascii=False))
    else:
        _emit(diagnostics_text(results))
    if any(has_errors(found) for _, found in results):
        raise typer.Exit(1)


@app.command()
def export(
    scenes: Annotated[list[Path], typer.Argument(help="scene files or folders")],
    output_format: Annotated[
        ExportFormat, typer.Option("--format", help="md, csv, json, midi, pdf or wav")
    ] = ExportFormat.md,
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="file to write; - for stdout")
    ] = None,
    performer: Annotated[
        str | None,
        typer.Option("--performer", help="a cast id or name: that performer's cue sheet"),
    ] = None,
    speed: Annotated[
        float, typer.Option("--speed", help="rehearsal speed, e.g. 0.5 for half speed")
    ] = 1.0,
    count_in: Annotated[
        int | None,
        typer.Option(
            "--count-in", metavar="BARS", help="MIDI: bars of clicks before the score (default 1)"
        ),
    ] = None,
) -> None:
    """Write the beat sheet (stdout by default); several scenes make one document."""
    from choreo.export import export_scenes
    from choreo.export.midi import COUNT_IN_BARS
    from choreo.project import safe_target
    from choreo.scene_score import measures_of
    from choreo.store import atomic_write, read_scene

    if out == Path("-"):
        out = None  # the usual spelling of stdout, not a file named "-"
    binary = {ExportFormat.midi: "MIDI", ExportFormat.pdf: "PDF"}.get(output_format)
    if out is None and binary and sys.stdout.isatty():
        raise ChoreoError(f"{binary} is binary: give a file with -o, or pipe the output")
    if count_in is not None and output_format is not ExportFormat.midi:
        raise ChoreoError("--count-in is for --format midi")
    if output_format is ExportFormat.wav:
        _export_rehearsal_track(scenes, out, performer=performer, speed=speed)
        return
    scene_files = [read_scene(path) for path in _scene_paths(scenes)]
    with _progress("reading scores"):
        data = export_scenes(
            scene_files,
            format=cast("Format", output_format.value),  # wav returned above
            performer=performer,
            speed=speed,
            count_in=COUNT_IN_BARS if count_in is None else count_in,
            measures=measures_of,
        )
    if out is not None:
        atomic_write(safe_target(out, project=None, what="the sheet"), data, backup=False)
        typer.echo(f"wrote {out}", err=True)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)


def _export_rehearsal_track(
    scenes: list[Path], out: Path | None, *, performer: str | None, speed: float
) -> None:
    """The rehearsal track of one scene, written to ``out`` only when all of it is made."""
    from choreo.project import safe_target
    from choreo.store import atomic_write, read_scene

    if out is None:
        raise ChoreoError("a rehearsal track is a WAV file: give the file to write with -o")
    paths = _scene_paths(scenes)
    if len(paths) != 1:
        raise ChoreoError("a rehearsal track is of one scene", hint="export each scene on its own")
    target = safe_target(out, project=None, what="the rehearsal track")
    scene_file = read_scene(paths[0])
    from choreo.audio.rehearsal import render_rehearsal

    with _progress("making the rehearsal track"):
        data = render_rehearsal(scene_file, performer=performer, speed=speed)
    atomic_write(target, data, backup=False)
    typer.echo(f"wrote {out}", err=True)


@app.command()
def sync(
    scene: Annotated[Path, typer.Argument(help="the scene file")],
    out: Annotated[Path | None, typer.Option("-o", "--output", help="score copy to write")] = None,
    pull: Annotated[
        bool, typer.Option("--pull", help="add a beat for each rehearsal mark in the score")
    ] = False,
    rebase: Annotated[
        bool,
        typer.Option("--rebase", help="move beats with their bars' music and marks after a recut"),
    ] = False,
) -> None:
    """Write the beats into a copy of the score as MusicXML directions."""
    from choreo import sync as score_sync
    from choreo.store import read_scene

    if pull and rebase:
        raise ChoreoError("--pull and --rebase are separate steps: run one, then the other")
    scene_file = read_scene(scene)
    result: score_sync.SyncResult | score_sync.PullResult | score_sync.RebaseResult
    with _progress("syncing with the score"):
        if pull:
            result = score_sync.pull(scene_file)
        elif rebase:
            result = score_sync.rebase(scene_file)
        else:
            result = score_sync.push(scene_file, out)
    _emit(result.summary())
    if isinstance(result, score_sync.RebaseResult) and result.left:
        raise typer.Exit(1)  # some beats need a person's eye: they were left where they were


@app.command()
def align(
    scene: Annotated[Path, typer.Argument(help="the scene file")],
    recording: Annotated[
        Path | None, typer.Option("--recording", help="the recording; the scene then names it")
    ] = None,
) -> None:
    """Find where each bar sounds in the scene's recording; write them as sync points."""
    from choreo.audio.scene_align import align_scene
    from choreo.store import read_scene

    scene_file = read_scene(scene)
    with _progress("aligning the recording") as progress:
        result = align_scene(scene_file, recording, progress=progress.say)
    _emit(result.summary())


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="port to listen on")] = 8000,
    scene: Annotated[Path | None, typer.Argument(help="scene file; default: pick one")] = None,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="address to listen on; 0.0.0.0 (or this machine's address) serves the "
            "room's network, still only to whoever has the printed address and token",
        ),
    ] = "127.0.0.1",
) -> None:
    """Serve the editor in a web browser, to you only: open the address it prints."""
    from choreo.serve import serve as serve_editor

    serve_editor(port=port, scene=scene, host=host)


@app.command()
def score(
    file: Annotated[str, typer.Argument(help="score file, or corpus:PATH")],
    part: Annotated[str, typer.Option("--part", help="part index or name")] = "0",
    performed: Annotated[
        bool, typer.Option("--performed", help="repeats, endings, D.C./D.S. expanded")
    ] = False,
    output: Annotated[TextOrJson, typer.Option("--format", help="text or json")] = TextOrJson.text,
) -> None:
    """Print the score's measure map: measures, meters, tempi and seconds."""
    from choreo.score import load_measure_map, measure_map_json, measure_map_text

    if part.isdecimal() and len(part) > 9:  # nor an int Python will parse past 4,300 digits
        raise ScoreError(f"the score has no part {part[:12]}...: no score has that many parts")
    chosen: int | str = int(part) if part.isdecimal() else part  # "²" is a digit, not a number
    with _progress(f"reading {file}"):
        measures = load_measure_map(file, base=Path.cwd(), part=chosen, performed=performed)
    if output is TextOrJson.json:
        _emit(json.dumps(measure_map_json(measures), indent=2, ensure_ascii=False))
    else:
        _emit(measure_map_text(measures))


@app.command()
def moves(
    name: Annotated[
        str | None, typer.Argument(help="one move, by name or alias: what it is")
    ] = None,
    kind: Annotated[
        MoveKind | None, typer.Option("--kind", help="ballet, combat or reaction")
    ] = None,
) -> None:
    """List the move vocabulary with a definition of each move, or describe one move."""
    from choreo.vocabulary import KINDS, Vocabulary, describe_move, moves_table

    vocabulary = Vocabulary.bundled()
    if name is None:
        _emit(moves_table(vocabulary, kind.value if kind else None))
        return
    kinds = [k for k in KINDS if kind is None or k == kind.value]
    found = [move for k in kinds if (move := vocabulary.lookup(name, k)) is not None]
    if not found:
        close = [suggestion for k in kinds for suggestion in vocabulary.suggest(name, k)]
        hint = f"; did you mean {' or '.join(repr(s) for s in close)}?" if close else ""
        what = f"{kind.value} move" if kind else "move"
        raise ChoreoError(f"no {what} called {name!r}{hint}")
    _emit("\n".join(describe_move(move) for move in found))


@app.command()
def schema() -> None:
    """Print the scene file JSON Schema (for editors' YAML completion)."""
    from choreo.schema import schema_text

    _emit(schema_text())


# -- progress on a terminal -----------------------------------------------------------


class _progress:
    """A spinner with the elapsed time on stderr while slow work runs (terminals only)."""

    def __init__(self, message: str) -> None:
        self.message = message
        self._spinner: tuple[threading.Event, threading.Thread] | None = None

    def say(self, message: str) -> None:
        """What the spinner shows from now on: the step under way."""
        self.message = message

    def __enter__(self) -> _progress:
        if not sys.stderr.isatty():
            return self
        stop = threading.Event()
        thread = threading.Thread(target=self._spin, args=(stop,), daemon=True)
        thread.start()
        self._spinner = (stop, thread)
        return self

    def _spin(self, stop: threading.Event) -> None:
        frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
        started = time.monotonic()
        tick = 0
        while not stop.wait(0.1):
            elapsed = time.monotonic() - started
            if elapsed > 0.5:
                sys.stderr.write(f"\r{frames[tick % len(frames)]} {self.message} {elapsed:4.1f}s")
                sys.stderr.flush()
                tick += 1
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()

    def __exit__(self, *_: object) -> None:
        if self._spinner is not None:
            stop, thread = self._spinner
            stop.set()
            thread.join()


# -- entry point ----------------------------------------------------------------------


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"error: {printable(message)}\n")
    raise SystemExit(2)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; bad input ends as one line and exit 2."""
    try:
        code = app(args=argv, standalone_mode=False, prog_name="choreo")
    except ChoreoError as error:
        _fail(str(error))
    except typer.Exit as done:
        raise SystemExit(done.exit_code) from None
    except typer.Abort:
        raise SystemExit(130) from None
    except typer.TyperException as error:  # usage errors: unknown command, missing argument
        context = getattr(error, "ctx", None)
        text = error.format_message() if hasattr(error, "format_message") else str(error)
        command = context.command_path if context is not None else "choreo"
        _fail(f"{text} (see `{command} --help`)")
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except BrokenPipeError:
        # Output piped into `head`: not an error of the user's.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0) from None
    if isinstance(code, int) and code:
        raise SystemExit(code)
