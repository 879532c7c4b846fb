"""A WAV file with cue markers: 16-bit PCM, then a ``cue `` chunk and ``LIST/adtl``
``labl`` labels, the markers Audacity, Reaper and other DAWs show.

Only the RIFF layout lives here (no audio library): the samples come as 16-bit
little-endian PCM bytes. Labels are UTF-8, so "fouetté" keeps its accent.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

SAMPLE_BYTES = 2  # 16-bit PCM
# A RIFF size is 32 bits: past 4 GiB the file cannot say how long it is.
LARGEST_BYTES = 0xFFFFFFFF - 1024


@dataclass(frozen=True, slots=True)
class CueMarker:
    """A marker at a sample of the file, with its label."""

    sample: int
    label: str


def wav_with_cues(pcm: bytes, rate: int, cues: Sequence[CueMarker], *, channels: int = 1) -> bytes:
    """A RIFF WAVE file of ``pcm`` with one numbered, labelled cue point per marker."""
    if len(pcm) % (SAMPLE_BYTES * channels):
        raise ValueError("PCM bytes do not fill whole sample frames")
    block = SAMPLE_BYTES * channels
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, 8 * SAMPLE_BYTES)
    points = b"".join(
        struct.pack("<II4sIII", number, cue.sample, b"data", 0, 0, cue.sample)
        for number, cue in enumerate(cues, start=1)
    )
    cue_chunk = struct.pack("<I", len(cues)) + points
    labels = b"".join(
        _chunk(b"labl", struct.pack("<I", number) + cue.label.encode("utf-8") + b"\0")
        for number, cue in enumerate(cues, start=1)
    )
    body = b"WAVE" + _chunk(b"fmt ", fmt) + _chunk(b"data", pcm)
    if cues:
        body += _chunk(b"cue ", cue_chunk) + _chunk(b"LIST", b"adtl" + labels)
    if len(body) > LARGEST_BYTES:
        raise ValueError("a WAV file holds at most 4 GiB")
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _chunk(kind: bytes, data: bytes) -> bytes:
    """A RIFF chunk: its id, its size, its data padded to an even length."""
    return kind + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")
