"""Completion that shows its choices: a dropdown under a beat-form field listing every
choice that matches what is typed (textual-autocomplete draws and drives it).

Matching ignores accents, case, spaces and hyphens, as the vocabulary does, so ``plie``
finds plié and ``pirou`` every pirouette; an alias finds its move and is shown beside
it. Tab or enter writes the choice as the vocabulary spells it; up and down choose;
escape hides the list. A name typed out in full shows no list, so tab moves on. In a
list field (performers) only the name being typed completes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from textual.content import Content
from textual.geometry import Offset, Region, Spacing
from textual.widgets import Input
from textual_autocomplete import AutoComplete, DropdownItem, TargetState

from choreo.vocabulary import normalize

ROWS = 8  # the most choices the list shows at once; the rest scroll
_WORD = re.compile(r"[^\s\-']+")
_LAST_NAME = re.compile(r"^(.*[,\s])?([^,\s]*)$")

# What the help screen says about the dropdown: (key, does, more).
COMPLETION_KEYS = (
    "Completing a field",
    [
        ("tab / enter", "Accept", "Write the highlighted choice, spelled as the vocabulary has it"),
        ("up / down", "Choose", "Move through the choices; down shows them again"),
        ("escape", "Hide", "Hide the choices and keep what is typed"),
    ],
)


@dataclass(frozen=True, slots=True)
class Choice:
    """What accepting writes, and the other names it is found by (a move's aliases)."""

    name: str
    also: tuple[str, ...] = ()
    # Each name's matching key and the keys from each later word on: worked out once,
    # not on every keystroke.
    keys: tuple[tuple[str, str, tuple[str, ...]], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        keys = tuple(
            (
                text,
                normalize(text),
                tuple(normalize(text[w.start() :]) for w in _WORD.finditer(text)),
            )
            for text in (self.name, *self.also)
        )
        object.__setattr__(self, "keys", keys)


def matching(typed: str, choices: Sequence[Choice]) -> list[tuple[Choice, str]]:
    """The choices ``typed`` matches, best first, each with the name it matched by.

    Whole match first, then a choice that starts with it, then one with a word that
    starts with it, then any that contains it; ties keep the choices' own order.
    """
    key = normalize(typed)
    if not key:
        return []
    ranked: list[tuple[int, int, Choice, str]] = []
    for order, choice in enumerate(choices):
        found = [(rank, text) for text, whole, words in choice.keys
                 if (rank := _rank(key, whole, words)) is not None]  # fmt: skip
        if found:
            rank, text = min(found, key=lambda pair: pair[0])
            ranked.append((rank, order, choice, text))
    ranked.sort(key=lambda entry: (entry[0], entry[1]))
    return [(choice, text) for _, _, choice, text in ranked]


def _rank(key: str, whole: str, words: tuple[str, ...]) -> int | None:
    if whole == key:
        return 0
    if whole.startswith(key):
        return 1
    if any(word.startswith(key) for word in words):
        return 2
    return 3 if key in whole else None


def matched_letters(typed: str, text: str) -> list[int]:
    """Where in ``text`` the letters ``typed`` matched are (accents and spaces skipped),
    at a word's start when they match there."""
    key = normalize(typed)
    owners = [index for index, char in enumerate(text) for _ in normalize(char)]
    whole = "".join(normalize(char) for char in text)
    starts = {len("".join(normalize(c) for c in text[: w.start()])) for w in _WORD.finditer(text)}
    found = [at for at in range(len(whole)) if whole.startswith(key, at)]
    if not key or not found:
        return []
    start = next((at for at in found if at in starts), found[0])
    return sorted(set(owners[start : start + len(key)]))


class FieldCompletion(AutoComplete):
    """The dropdown of one form field; its choices are set when a scene is shown."""

    last_name = _LAST_NAME  # in a list field: what comes before the name typed, and it

    def __init__(self, target: Input, *, one_of_a_list: bool = False) -> None:
        super().__init__(target)
        self.choices: list[Choice] = []
        self.one_of_a_list = one_of_a_list  # complete the last name of a comma list
        self._written: dict[str, str] = {}  # an option's text -> what accepting writes
        self._shown_for: tuple[str, list[Choice]] | None = None  # the list's search, choices

    def get_search_string(self, target_state: TargetState) -> str:
        typed = target_state.text[: target_state.cursor_position]
        if not self.one_of_a_list:
            return typed
        match = self.last_name.match(typed)
        return match.group(2) if match else ""

    def should_show_dropdown(self, search_string: str) -> bool:
        # A name typed out in full needs no list: tab goes on to the next field (down
        # still shows the longer names that start with it).
        if any(choice.name == search_string for choice in self.choices):
            return False
        return super().should_show_dropdown(search_string)

    def _rebuild_options(self, target_state: TargetState, search_string: str) -> None:
        # textual-autocomplete 4 empties and refills its list on every change of the field
        # (a typed letter is two or three: the text, the cursor, the selection), and each
        # refill of a list sized by its contents lays out the whole screen. Here the list
        # is refilled once for what is typed, into a box whose height changes only with
        # the number of choices shown; typing on into one name keeps the same choices:
        # then only their highlights are redrawn. (Hooks of the pinned version: were they
        # renamed, the list would only be slower.)
        options = self.option_list
        if not self.target.has_focus:
            self._shown_for = None
            super()._rebuild_options(target_state, search_string)
        elif (search_string, self.choices) != self._shown_for:
            self._shown_for = (search_string, self.choices)
            matches = self._compute_matches(target_state, search_string)
            shown = [_plain(options.get_option_at_index(i).prompt)
                     for i in range(options.option_count)]  # fmt: skip
            if matches and shown == [_plain(item.prompt) for item in matches]:
                for index, item in enumerate(matches):
                    options.replace_option_prompt_at_index(index, item.prompt)
                options.refresh()
            else:
                options.clear_options()
                if matches:
                    options.add_options(matches)
                    options.highlighted = 0
        rows = self._rows()
        if self.styles.height is None or self.styles.height.value != rows:
            self.styles.height = rows

    def _rows(self) -> int:
        return max(1, min(self.option_list.option_count, ROWS))

    def _align_to_target(self) -> None:
        # textual-autocomplete places the list by its size as last laid out: none before
        # it first shows, so it opened too far right and moved once laid out, a second
        # layout pass. Its size is known before (another hook of the pinned version).
        width = int(self.styles.width.value) if self.styles.width is not None else 0
        x, y = self.target.cursor_screen_offset
        area = self.screen.scrollable_content_region
        place = Region(x - 1, y + 1, width, self._rows())
        x, y, _, _ = place.constrain("inside", "none", Spacing(), area)
        self.absolute_offset = Offset(x, y)

    def get_candidates(self, target_state: TargetState) -> list[DropdownItem]:
        return []  # get_matches reads self.choices itself

    def get_matches(
        self, target_state: TargetState, candidates: list[DropdownItem], search_string: str
    ) -> list[DropdownItem]:
        self._written = {}
        items = []
        for choice, text in matching(search_string, self.choices):
            if text == choice.name:
                shown = self.apply_highlights(
                    Content(choice.name), tuple(matched_letters(search_string, choice.name))
                )
            else:
                shown = Content.assemble(choice.name, (f"  {text}", "dim"))
            self._written[shown.plain] = choice.name
            items.append(DropdownItem(shown))
        return items

    def apply_completion(self, value: str, state: TargetState) -> None:
        name = self._written.get(value, value)
        typed, rest = state.text[: state.cursor_position], state.text[state.cursor_position :]
        if self.one_of_a_list:
            match = self.last_name.match(typed)
            before = (match.group(1) or "") if match else ""
            text, tail = before + name, rest
        else:
            text, tail = name, ""
        target = self.target
        target.value = text + tail
        target.cursor_position = len(text)


def _plain(prompt: object) -> str:
    return prompt.plain if isinstance(prompt, Content) else str(prompt)
