"""The scene settings screen's fields: how each shows the scene's value as text and reads
it back into a new scene.

A value that does not read is a :class:`~choreo.tui.fields.FieldError` in one line; the
scene does not change. The score file and the recording are stored relative to the scene
file, and choosing another score follows its first part.
"""

from __future__ import annotations

import math
from typing import Any, Literal, get_args

from pydantic import ValidationError

from choreo.model import Scene, ScoreRef, format_beat
from choreo.model.scene import FPS_CHOICES, Palette
from choreo.tui.fields import FieldError

SettingName = Literal[
    "title", "location", "palette", "score", "part", "recording", "tempo", "fps", "start",
    "order", "phrase",
]  # fmt: skip
PALETTES: tuple[str, ...] = get_args(Palette)
ORDERS = ("written", "performed")
FPS_TEXTS: tuple[str, ...] = tuple(format_beat(fps) for fps in FPS_CHOICES)
_SCORE_SETTINGS = ("score", "part", "recording", "tempo", "fps", "start", "order", "phrase")


def setting_text(scene: Scene, name: SettingName) -> str:
    """One setting of the scene as the settings screen shows it."""
    score = scene.score
    if name == "score":
        return score.file or ""
    if name == "recording":
        return score.recording or ""
    if name in ("tempo", "fps"):
        return format_beat(getattr(score, name))
    if name in _SCORE_SETTINGS:
        return str(getattr(score, name))
    value = getattr(scene, name)
    return "" if value is None else str(value)


def with_setting(scene: Scene, name: SettingName, text: str) -> Scene:
    """The scene with one setting read from text; the same scene when nothing changed."""
    text = text.strip()
    if setting_text(scene, name) == text:
        return scene
    if name not in _SCORE_SETTINGS:
        return _with_scene_value(scene, name, _scene_value(name, text))
    data = scene.score.model_dump(by_alias=True, exclude_defaults=True)
    data.pop(name if name != "score" else "file", None)
    if name == "score":
        data.pop("part", None)  # another score: follow its first part
        if text:
            data["file"] = text
    elif name == "recording":
        if text:  # none chosen: the scene names no recording
            data["recording"] = text
    else:
        data[name] = _score_value(name, text)
    try:
        score = ScoreRef.model_validate(data)
    except ValidationError as error:
        raise FieldError(_problem(error, name)) from None
    return scene.model_copy(update={"score": score})


def _scene_value(name: SettingName, text: str) -> str | None:
    if name == "title":
        if not text:
            raise FieldError("a scene needs a title")
        return text
    if name == "palette" and text and text not in PALETTES:
        raise FieldError("palette is one of " + ", ".join(PALETTES))
    return text or None


def _score_value(name: SettingName, text: str) -> Any:
    if name == "tempo":
        number = _number(text, "tempo is quarter notes per minute, e.g. 96")
        if not 1 <= number <= 1000:
            raise FieldError("tempo is 1 to 1000 quarter notes per minute")
        return number
    if name == "fps":
        if text not in FPS_TEXTS:
            raise FieldError("fps is one of " + ", ".join(FPS_TEXTS))
        return float(text)
    if name == "phrase":
        if not text.isdigit() or not 2 <= int(text) <= 32:
            raise FieldError("a phrase is a whole number of counts from 2 to 32")
        return int(text)
    if name == "part":
        return int(text) if text.isdigit() else text
    if name == "order" and text not in ORDERS:
        raise FieldError("order is written or performed")
    return text


def _number(text: str, problem: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise FieldError(problem) from None
    if not math.isfinite(number):
        raise FieldError(problem)
    return number


def _with_scene_value(scene: Scene, name: SettingName, value: str | None) -> Scene:
    facts = {"id": scene.id, "title": scene.title, "location": scene.location,
             "palette": scene.palette, name: value}  # fmt: skip
    try:
        checked = Scene.model_validate(facts)  # the model's own limits on the value
    except ValidationError as error:
        raise FieldError(_problem(error, name)) from None
    return scene.model_copy(update={name: getattr(checked, name)})


def _problem(error: ValidationError, name: str) -> str:
    problem = error.errors()[0]
    message = str(problem["msg"]).removeprefix("Value error, ")
    if problem["type"] == "string_pattern_mismatch":
        message = "start is a timecode HH:MM:SS:FF, e.g. 01:00:00:00"
    where = ".".join(str(part) for part in problem["loc"])
    if not where or message.startswith(where):
        return message
    return f"{where or name}: {message}"
