"""The edits the cast screen makes: add a performer, change a field of one, remove one.

Like :mod:`choreo.tui.edits`, each returns a new :class:`Scene` and leaves the one given
untouched, sharing every beat it did not change. A changed id follows into every beat and
cast member that names it. A value that does not read is a :class:`FieldError`; a removal
the scene has no room for is an :class:`EditRefused` naming the beats in the way.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Literal

from pydantic import ValidationError

from choreo.model import FLOOR, Beat, CastMember, Scene, id_from
from choreo.tui.edits import EditRefused
from choreo.tui.fields import FieldError

MemberField = Literal["name", "id", "doubles", "double", "role", "props"]
MEMBER_FIELDS: tuple[MemberField, ...] = ("name", "id", "doubles", "double", "role", "props")
_PROP_SEPARATOR = re.compile(r"\s*,\s*")


def member_text(member: CastMember, field: MemberField) -> str:
    """One field of a cast member as the cast screen shows it."""
    if field == "props":
        return ", ".join(member.props)
    value = getattr(member, field)
    return "" if value is None else str(value)


def new_member_id(name: str, taken: set[str]) -> str:
    """An id made from a name, lower case, with a number added when it is taken."""
    base = id_from(name).lower() or "performer"
    if base == FLOOR:
        base = "floor-performer"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def add_member(scene: Scene, name: str) -> tuple[Scene, int]:
    """The scene with a new cast member named ``name`` at the end of the cast."""
    name = name.strip()
    if not name:
        raise FieldError("a new performer needs a name")
    member = _valid_member({"id": new_member_id(name, scene.cast_ids()), "name": name})
    cast = [*scene.cast, member]
    return scene.model_copy(update={"cast": cast}), len(cast) - 1


def with_member_field(scene: Scene, index: int, field: MemberField, text: str) -> Scene:
    """The scene with one field of cast member ``index`` read from text; the same scene
    when the value is what it was."""
    member = scene.cast[index]
    text = text.strip()
    if field == "id":
        return rename_member(scene, member.id, text)
    value: Any
    if field == "props":
        value = _props(text)
    elif field == "doubles":
        value = _character(scene, member, text)
    elif field == "name":
        if not text:
            raise FieldError("a performer needs a name")
        value = text
    else:
        value = text or None
    if getattr(member, field) == value:
        return scene
    changed = _valid_member({**member.model_dump(exclude_defaults=True), field: value})
    cast = list(scene.cast)
    cast[index] = changed
    return scene.model_copy(update={"cast": cast})


def rename_member(scene: Scene, old: str, new: str) -> Scene:
    """The scene with cast id ``old`` called ``new`` everywhere: the cast member, who the
    other members double, and every beat's performers, attacker, partner, actions,
    doubles and handoffs."""
    if new == old:
        return scene
    if not new:
        raise FieldError("a performer needs an id")
    if new in scene.cast_ids():
        raise FieldError(f"{new} is already in the cast")
    in_the_way = beats_naming(scene, new)
    if in_the_way:
        raise FieldError(f"{new} is already named in {_listed(in_the_way)}")
    cast = [
        _valid_member({**m.model_dump(exclude_defaults=True), "id": new})
        if m.id == old
        else m.model_copy(update={"doubles": new})
        if m.doubles == old
        else m
        for m in scene.cast
    ]
    beats = [_renamed(beat, old, new) if old in names_in(beat) else beat for beat in scene.beats]
    return scene.model_copy(update={"cast": cast, "beats": beats})


def remove_member(scene: Scene, index: int) -> Scene:
    """The scene without cast member ``index``; refused while a beat or a double names them."""
    member = scene.cast[index]
    using = beats_naming(scene, member.id)
    if using:
        raise EditRefused(
            f"{member.id} is not removed: {_listed(using)} name{'s' if len(using) == 1 else ''} "
            "them; take them out of those beats first"
        )
    doubling = [m.id for m in scene.cast if m.doubles == member.id]
    if doubling:
        raise EditRefused(
            f"{member.id} is not removed: {', '.join(doubling)} "
            f"double{'s' if len(doubling) == 1 else ''} them"
        )
    return scene.model_copy(update={"cast": [*scene.cast[:index], *scene.cast[index + 1 :]]})


def names_in(beat: Beat) -> set[str]:
    """Every cast id a beat names, in any of its keys."""
    names = set(beat.everyone())
    names.update(beat.doubles)
    names.update(beat.doubles.values())
    for handoff in beat.handoffs:
        names.update((handoff.from_, handoff.to))
    names.discard(FLOOR)
    return names


def beats_naming(scene: Scene, member_id: str) -> list[str]:
    """The ids of the beats that name a cast id, in sheet order."""
    return [beat.id for beat in scene.beats if member_id in names_in(beat)]


def beat_counts(scene: Scene) -> Counter[str]:
    """How many beats name each cast id, in one pass over the beats."""
    counts: Counter[str] = Counter()
    for beat in scene.beats:
        counts.update(names_in(beat))
    return counts


def known_props(scene: Scene) -> list[str]:
    """Every prop the scene names, the cast's first: what the props field completes from."""
    props = [prop for member in scene.cast for prop in member.props]
    for beat in scene.beats:
        props.extend(h.prop for h in beat.handoffs)
        if beat.weapon:
            props.append(beat.weapon)
    return list(dict.fromkeys(props))


def _renamed(beat: Beat, old: str, new: str) -> Beat:
    def swap(name: str) -> str:
        return new if name == old else name

    data = beat.model_dump(by_alias=True, exclude_defaults=True)
    for key in ("attacker", "partner"):
        if data.get(key) == old:
            data[key] = new
    if "performers" in data:
        data["performers"] = [swap(name) for name in data["performers"]]
    for action in data.get("actions", []):
        action["performer"] = swap(action["performer"])
    if "doubles" in data:
        data["doubles"] = {swap(k): swap(v) for k, v in data["doubles"].items()}
    for handoff in data.get("handoffs", []):
        handoff["from"], handoff["to"] = swap(handoff["from"]), swap(handoff["to"])
    return Beat.model_validate(data)


def _props(text: str) -> list[str]:
    props = [prop for prop in _PROP_SEPARATOR.split(text) if prop]
    for index, prop in enumerate(props):
        if prop in props[:index]:
            raise FieldError(f"{prop} is listed twice")
    return props


def _character(scene: Scene, member: CastMember, text: str) -> str | None:
    if not text:
        return None
    if text == member.id:
        raise FieldError(f"{member.id} cannot double themselves")
    found = next((m for m in scene.cast if text in (m.id, m.name)), None)
    if found is None:
        cast = ", ".join(m.id for m in scene.cast if m.id != member.id) or "nobody else yet"
        raise FieldError(f"{text} is not in the cast ({cast})")
    if found.id == member.id:
        raise FieldError(f"{member.id} cannot double themselves")
    return found.id


def _valid_member(data: dict[str, Any]) -> CastMember:
    try:
        return CastMember.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        message = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] == "string_pattern_mismatch":
            message = "an id is letters, digits, '-', '_' or '.', starting with a letter or digit"
        raise FieldError(f"{where}: {message}" if where else message) from None


def _listed(beat_ids: list[str]) -> str:
    shown = ", ".join(beat_ids[:8])
    more = f" and {len(beat_ids) - 8} more" if len(beat_ids) > 8 else ""
    return f"beat{'s' if len(beat_ids) != 1 else ''} {shown}{more}"
