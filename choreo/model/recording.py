"""Where bars fall in the scene's recording: the sync points ``choreo align`` writes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from choreo.model.position import Position, PositionField

# A film's longest cue lasts minutes and a whole opera act about an hour and a half: past
# two hours a file is not a scene's music (and two hours of mono audio is 1.4 GB to hold).
MAX_RECORDING_SECONDS = 2 * 60 * 60


class SyncPoint(BaseModel):
    """A position of the score and the second of the recording where it sounds."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    at: PositionField
    pass_number: Annotated[int, Field(ge=1, le=99)] | None = Field(
        default=None, alias="pass", description="which time through, in performed order"
    )
    seconds: Annotated[float, Field(ge=0, le=MAX_RECORDING_SECONDS, allow_inf_nan=False)] = Field(
        description="seconds from the recording's first sample"
    )

    def where(self) -> str:
        """The point as a person reads it: ``17:1`` (``17:1 pass 2``) at ``41.27 s``."""
        passed = f" pass {self.pass_number}" if self.pass_number else ""
        return f"{self.at}{passed} at {self.seconds:g} s"


def check_sync_points(points: Sequence[SyncPoint]) -> None:
    """One point per position, listed in the recording's order, and time running
    forwards: a later point of the same pass is at a later position. ``ValueError``
    says which points disagree. (Across passes only the score's performed order can
    tell; the timing checks that.)"""
    seen: dict[tuple[Position, int], SyncPoint] = {}
    for number, point in enumerate(points, start=1):
        key = (point.at, point.pass_number or 1)
        if key in seen:
            raise ValueError(f"sync point {number} ({point.where()}) repeats {seen[key].where()}")
        seen[key] = point
        if number == 1:
            continue
        before = points[number - 2]
        if point.seconds <= before.seconds:
            raise ValueError(
                f"sync point {number} ({point.where()}) is not later than the point before it "
                f"({before.where()}); list the points in the recording's order"
            )
        if (before.pass_number or 1) == (point.pass_number or 1) and _order(point.at) <= _order(
            before.at
        ):
            raise ValueError(
                f"sync point {number} ({point.where()}) is at or before the position of the "
                f"point before it ({before.where()}), yet later in the recording"
            )


def _order(position: Position) -> tuple[int, str, float]:
    """Written order of a position: ``12`` before ``12a`` before ``13``."""
    return (position.measure_value, position.measure, position.beat)
