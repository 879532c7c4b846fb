"""Forks writers that save a scene over and over, for a test to SIGKILL at random moments.

Usage: ``save_server.py MODE TARGET VERSION_A VERSION_B``

``MODE`` is ``save`` (``choreo.store.save_scene`` onto ``TARGET``, with its conflict check),
``sync`` (a save, then ``choreo sync``'s push of the scene as saved: the score copy and the
scene's sync record) or ``journal`` (``choreo.journal.write_journal`` for the scene
``TARGET``). The writers alternate between the texts in the files ``VERSION_A`` and
``VERSION_B``.

Commands on stdin, one a line; answers on stdout:

- ``go``: fork a writer, answer ``pid N``; the test kills N whenever it likes.
- ``reap``: wait for that writer, answer ``killed SAVES`` or ``exited CODE SAVES``
  (``SAVES``: writes it completed).
- ``tidy``: one more write (version A) in the server itself, as the next save after a
  kill; answer ``tidied``.

Starting Python, importing choreo and parsing a 2,000-beat scene takes seconds; a fork
takes a millisecond, so hundreds of kills fit in a few seconds. The killed process is a
real process running choreo's real saving code on a real file system.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from choreo.journal import write_journal
from choreo.store import SceneFile, digest_of, parse_scene, read_scene, save_scene
from choreo.sync import push

BASE_DIGEST = "0" * 64  # journal mode: the digest the edits "started from"


def scene_saver(target: Path, texts: list[bytes]) -> Callable[[int], None]:
    """Saves version ``i`` with ``save_scene``, as an editor that read the file as it is."""
    versions = [parse_scene(text, target) for text in texts]

    def save(index: int) -> None:
        wanted: SceneFile = versions[index]
        on_disk = digest_of(target.read_bytes())
        # An editor that opened the file as it is now and edited it into `wanted`: the
        # conflict check passes and render_scene returns `wanted.text` unchanged.
        opened = dataclasses.replace(wanted, digest=on_disk)
        save_scene(opened, wanted.scene)

    return save


def scene_syncer(target: Path, texts: list[bytes]) -> Callable[[int], None]:
    """Saves version ``i``, then syncs the scene as saved (score copy, then the record)."""
    save = scene_saver(target, texts)

    def sync(index: int) -> None:
        save(index)
        push(read_scene(target))

    return sync


def journal_writer(target: Path, texts: list[bytes]) -> Callable[[int], None]:
    decoded = [text.decode("utf-8") for text in texts]

    def save(index: int) -> None:
        write_journal(target, decoded[index], BASE_DIGEST)

    return save


def write_forever(save: Callable[[int], None], progress: int) -> None:
    index = 0
    while True:
        save(index)
        os.write(progress, b".")
        index = 1 - index


def main() -> None:
    mode, target, first, second = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    texts = [Path(first).read_bytes(), Path(second).read_bytes()]
    writers = {"save": scene_saver, "sync": scene_syncer, "journal": journal_writer}
    save = writers[mode](target, texts)
    started = time.perf_counter()
    for index in (1, 0, 1, 0):  # leaves version A in place; times one save
        save(index)
    print(f"ready {(time.perf_counter() - started) / 4:.6f}", flush=True)

    pid = None
    progress = -1
    for line in sys.stdin:
        command = line.strip()
        if command == "go":
            progress, progress_out = os.pipe()
            pid = os.fork()
            if pid == 0:  # the writer
                os.close(progress)
                code = 0
                try:
                    write_forever(save, progress_out)
                except BaseException:
                    traceback.print_exc()
                    code = 1
                finally:
                    os._exit(code)
            os.close(progress_out)
            print(f"pid {pid}", flush=True)
        elif command == "tidy":
            save(0)
            print("tidied", flush=True)
        elif command == "reap" and pid is not None:
            _, status = os.waitpid(pid, 0)
            saves = 0
            while chunk := os.read(progress, 65536):
                saves += len(chunk)
            os.close(progress)
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
                print(f"killed {saves}", flush=True)
            else:
                print(f"exited {os.waitstatus_to_exitcode(status)} {saves}", flush=True)
            pid = None


if __name__ == "__main__":
    main()
