"""Read a score in a child process bounded in time and memory.

music21 has no limits of its own: a ``1000/1`` time signature kept it busy for minutes and
a fuzzed file can loop or allocate without end. So every score is read by
``python -m choreo.score.bounded``: the parent sends the request as JSON on stdin; the
child caps its own memory and processor time before it imports music21, reads the file
exactly as :func:`choreo.score.load.read_file` does, and answers JSON on stdout. The time
bound counts the child's processor seconds, so a busy machine does not refuse a real
score; the parent kills a child that is still there long after (starved or blocked). The
answer is data, not trust: it is checked like a cache entry.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

from choreo.errors import RepeatsError, ScoreError, printable
from choreo.score import cache
from choreo.score.guard import limit_from_env, score_member
from choreo.score.notes import ScoreNotes
from choreo.timing import MeasureMap

# Start-up (Python and music21's import) takes about a second of the base; music21 reads
# a MB of MusicXML in a second or two (Beethoven's op. 132, 5 MB, in about 10 s). The base
# keeps a refusal of a small file, start-up and all, under ten seconds.
BASE_SECONDS = 8.0
SECONDS_PER_MB = 6.0
WALL_FACTOR = 4.0  # the parent's own bound, in wall-clock seconds: 4x the child's, +30 s
MEMORY_MB = 2048.0  # address space: op. 132 reads in under 1 GB
BACKGROUND_NICENESS = 10
_MB = 1024 * 1024


def read_bounded(
    path: Path,
    score_format: str,
    *,
    part: int | str,
    default_tempo: float,
    source: str,
    performed: bool,
) -> tuple[MeasureMap, MeasureMap | ScoreError | None]:
    """The written map and, when ``performed``, the performed map or why it cannot be had
    (the written map stays usable then). Every failure to read is a :class:`ScoreError`."""
    request = {
        "path": str(path),
        "format": score_format,
        "part": part,
        "default_tempo": default_tempo,
        "source": source,
        "performed": performed,
    }
    return _answered(*_asked(path, request))


def read_notes_bounded(path: Path, score_format: str, *, background: bool = False) -> ScoreNotes:
    """The notes of a vetted score, read in the bounded child like its measure map; in
    the ``background`` (ahead of being asked for) at a lower priority than the editor."""
    request = {"path": str(path), "format": score_format, "notes": True, "background": background}
    data = _data(*_asked(path, request))
    try:
        return ScoreNotes.from_dict(data["notes"])
    except (KeyError, TypeError, ValueError):
        raise ScoreError(
            "the score reads as notes choreo cannot use; refused", where=path
        ) from None


def _asked(path: Path, request: dict[str, Any]) -> tuple[bytes, int, Path, float, bytes, float]:
    """The child's answer to a request, run within the bounds for this file."""
    seconds = time_bound(path)
    memory = limit_from_env("CHOREO_PARSE_MB", MEMORY_MB, "megabytes")
    request = dict(request, memory_mb=memory, seconds=seconds)
    # One thread for numpy's maths libraries: each thread reserves address space.
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    child = subprocess.Popen(  # this interpreter, this module, no shell
        [sys.executable, "-m", "choreo.score.bounded"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,  # music21's warnings and prints never reach the user
        env=env,
    )
    try:
        wall = seconds * WALL_FACTOR + 30
        started = time.monotonic()
        answer, said = child.communicate(json.dumps(request).encode(), timeout=wall)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise _too_long(path, seconds) from None
    except BaseException:  # Ctrl+C in the parent: the child goes too
        child.kill()
        child.communicate()
        raise
    if child.returncode == -signal.SIGKILL and time.monotonic() - started >= seconds:
        raise _too_long(path, seconds)  # the hard processor limit, past the soft one
    return answer, child.returncode, path, memory, said, seconds


def time_bound(path: Path) -> float:
    """``CHOREO_PARSE_SECONDS`` when set, else a base plus so much per MB of the document
    (an .mxl's score uncompressed)."""
    if os.environ.get("CHOREO_PARSE_SECONDS", "").strip():
        return limit_from_env("CHOREO_PARSE_SECONDS", BASE_SECONDS, "seconds")
    return BASE_SECONDS + SECONDS_PER_MB * _document_bytes(path) / _MB


def _document_bytes(path: Path) -> int:
    try:
        if path.suffix.lower() == ".mxl" and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                member = score_member(archive)
                if member is not None:
                    return archive.getinfo(member).file_size
        return path.stat().st_size
    except (OSError, zipfile.BadZipFile, KeyError):
        return 0  # the guard has vetted the file; the base bound is enough for a stub


def _answered(
    answer: bytes, code: int, path: Path, memory: float, said: bytes = b"", seconds: float = 0
) -> tuple[MeasureMap, MeasureMap | ScoreError | None]:
    data = _data(answer, code, path, memory, said, seconds)
    written = _measure_map(data.get("written"), path)
    played = data.get("performed")
    if played is None:
        return written, None
    if isinstance(played, dict) and "error" in played:
        return written, _error(played["error"], path)
    return written, _measure_map(played, path)


def _data(
    answer: bytes, code: int, path: Path, memory: float, said: bytes = b"", seconds: float = 0
) -> dict[str, Any]:
    """The child's answer as data, or the :class:`ScoreError` it stands for."""
    try:
        data: Any = json.loads(answer.decode("utf-8")) if answer else None
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        last = said.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        if code == -signal.SIGKILL or "MemoryError" in last[0] or "allocate" in last[0]:
            raise _out_of_memory(path, memory)  # the kernel's killer, or C code at the bound
        raise ScoreError(
            f"the score reader stopped with no answer (exit {code}: {printable(last[0][-200:])})",
            where=path,
        )
    if data.get("memory"):
        raise _out_of_memory(path, memory)
    if data.get("time"):
        raise _too_long(path, seconds)
    if "error" in data:
        raise _error(data["error"], path)
    if "crash" in data:
        raise ScoreError(
            f"choreo failed reading this score ({data['crash']}); please report it", where=path
        )
    return data


def _measure_map(data: Any, path: Path) -> MeasureMap:
    found = cache.measure_map_from(data)
    if found is None:
        raise ScoreError("the score reads as bars choreo cannot use; refused", where=path)
    return found


def _error(data: Any, path: Path) -> ScoreError:
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        return ScoreError("the score reader gave no answer", where=path)
    kind = RepeatsError if data.get("repeats") else ScoreError
    line, col = data.get("line"), data.get("col")
    return kind(
        data["message"],
        where=data.get("where") if isinstance(data.get("where"), str) else None,
        line=line if type(line) is int else None,
        col=col if type(col) is int else None,
        hint=data.get("hint") if isinstance(data.get("hint"), str) else None,
    )


def _too_long(path: Path, seconds: float) -> ScoreError:
    return ScoreError(
        f"reading the score took more than {_figure(seconds)} s; refused",
        where=path,
        hint="set CHOREO_PARSE_SECONDS to allow longer reads",
    )


def _out_of_memory(path: Path, memory: float) -> ScoreError:
    return ScoreError(
        f"reading the score needed more than {_figure(memory)} MB of memory; refused",
        where=path,
        hint="set CHOREO_PARSE_MB to allow more",
    )


def _figure(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.3g}"


# The child --------------------------------------------------------------------------------


def _serve() -> None:
    request = json.loads(sys.stdin.buffer.read())
    if request.get("background"):
        os.nice(BACKGROUND_NICENESS)  # the editor's keys before music read ahead of time
    import resource

    memory = int(request["memory_mb"] * _MB)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The time bound: SIGXCPU at the soft limit (answered below), SIGKILL at the hard one.
    cpu = max(math.ceil(request["seconds"]), 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    signal.signal(signal.SIGXCPU, _out_of_time)
    answers, sys.stdout = sys.stdout, sys.stderr  # music21 prints some warnings
    try:
        answer = read_request(request)
    except MemoryError:
        answer = {"memory": True}
    if "crash" in answer and _peak_bytes() > 0.9 * memory:
        answer = {"memory": True}  # at the bound C code fails as SystemError or ImportError
    answers.write(json.dumps(answer, separators=(",", ":")))


def _out_of_time(signum: int, frame: object) -> None:
    os.write(_ANSWERS, b'{"time":true}')
    os._exit(0)


_ANSWERS = 1  # stdout's file descriptor, whatever sys.stdout is meanwhile


def _peak_bytes() -> int:
    """The most address space this process has held (Linux), else 0."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return 0
    found = re.search(r"^VmPeak:\s*(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) * 1024 if found else 0


def read_request(request: dict[str, Any]) -> dict[str, Any]:
    """What the child answers for one request: the maps, a ScoreError, or a crash."""
    import warnings

    warnings.simplefilter("ignore")
    from choreo.score.load import performed_order, read_file

    path = Path(request["path"])
    if request.get("notes"):
        return _notes_answer(path, request["format"])
    try:
        written, signs = read_file(
            path,
            request["format"],
            part=request["part"],
            default_tempo=request["default_tempo"],
            source=request["source"],
        )
    except ScoreError as error:
        return {"error": _said(error)}
    except MemoryError:
        raise
    except Exception as error:  # a defect in choreo or music21: one line, never a traceback
        return _crash(error)
    answer: dict[str, Any] = {"written": written.to_dict()}
    if request["performed"]:
        try:
            answer["performed"] = performed_order(written, signs, path).to_dict()
        except ScoreError as error:
            answer["performed"] = {"error": _said(error)}
    return answer


def _crash(error: Exception) -> dict[str, Any]:
    return {"crash": f"{type(error).__name__}: {error}".splitlines()[0][:300]}


def _notes_answer(path: Path, score_format: str) -> dict[str, Any]:
    from choreo.score.notes import read_notes

    try:
        return {"notes": read_notes(path, score_format).to_dict()}
    except ScoreError as error:
        return {"error": _said(error)}
    except MemoryError:
        raise
    except Exception as error:  # a defect in choreo or music21: one line, never a traceback
        return _crash(error)


def _said(error: ScoreError) -> dict[str, Any]:
    return {
        "message": error.message,
        "where": error.where,
        "line": error.line,
        "col": error.col,
        "hint": error.hint,
        "repeats": isinstance(error, RepeatsError),
    }


if __name__ == "__main__":
    _serve()
