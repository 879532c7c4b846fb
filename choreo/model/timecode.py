"""SMPTE timecode, as the first AD and the editor read it: ``HH:MM:SS:FF`` at a film rate."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Timecode:
    """SMPTE timecode at one of the film rates; 29.97 is drop-frame."""

    frames: int  # frame count in the label system (nominal rate)
    fps: float

    @property
    def nominal(self) -> int:
        return round(self.fps)

    @property
    def drop_frame(self) -> bool:
        return math.isclose(self.fps, 29.97)

    @classmethod
    def parse(cls, text: str, fps: float) -> Timecode:
        pieces = text.replace(";", ":").split(":")
        if len(pieces) != 4 or not all(p.isdigit() for p in pieces):
            raise ValueError(f"timecode {text!r} is not HH:MM:SS:FF")
        hours, minutes, secs, frames = (int(p) for p in pieces)
        nominal = round(fps)
        if minutes > 59 or secs > 59 or frames >= nominal:
            raise ValueError(f"timecode {text!r} is out of range at {fps:g} fps")
        total = ((hours * 60 + minutes) * 60 + secs) * nominal + frames
        if math.isclose(fps, 29.97):
            total_minutes = hours * 60 + minutes
            total -= 2 * (total_minutes - total_minutes // 10)
        return cls(total, fps)

    def plus_seconds(self, seconds: float) -> Timecode:
        """Real seconds later: frames run at the true rate (24000/1001 for 23.976)."""
        true_rate = self.nominal * 1000 / 1001 if self.nominal != self.fps else self.fps
        return Timecode(self.frames + math.floor(seconds * true_rate + 1e-6), self.fps)

    def fields(self) -> tuple[int, int, int, int]:
        """Hours (not wrapped at 24), minutes, seconds and frames as the label shows them."""
        nominal = self.nominal
        frames = self.frames
        if self.drop_frame:
            per_ten = 17982  # frames in ten minutes of 29.97 drop-frame
            tens, rest = divmod(frames, per_ten)
            if rest > 1:
                frames += 18 * tens + 2 * ((rest - 2) // 1798)
            else:
                frames += 18 * tens
        ff = frames % nominal
        ss = frames // nominal % 60
        mm = frames // (nominal * 60) % 60
        return frames // (nominal * 3600), mm, ss, ff

    def __str__(self) -> str:
        hh, mm, ss, ff = self.fields()
        separator = ";" if self.drop_frame else ":"
        return f"{hh % 24:02d}:{mm:02d}:{ss:02d}{separator}{ff:02d}"
