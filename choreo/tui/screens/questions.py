"""Questions the editor asks before it does something that could lose work.

Each is a modal with one button per answer and a key for each answer; it dismisses with
the answer's name. Escape gives the safe answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Button, Label


@dataclass(frozen=True, slots=True)
class Answer:
    name: str
    label: str
    key: str
    variant: str = "default"  # Textual's button variants: default, primary, error, ...
    enabled: bool = True


class Question(ModalScreen[str]):
    """A title, a few lines saying what is at stake, and the answers."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer_safely", "Cancel", id="question-cancel",
                tooltip="Close the question without doing anything"),
        Binding("left", "app.focus_previous", "Previous", id="question-previous", show=False,
                tooltip="The answer to the left"),
        Binding("right", "app.focus_next", "Next", id="question-next", show=False,
                tooltip="The answer to the right"),
    ]  # fmt: skip

    safe_answer = "cancel"

    def __init__(self, title: str, text: str, answers: list[Answer]) -> None:
        super().__init__(classes="question")
        self.question_title = title
        self.text = text
        self.answers = answers

    def compose(self) -> ComposeResult:
        with Vertical(classes="question-box"):
            yield Label(self.question_title, classes="question-title", markup=False)
            yield Label(self.text, classes="question-text", markup=False)
            with Horizontal(classes="question-answers"):
                for answer in self.answers:
                    yield Button(
                        f"{answer.label} ({answer.key})",
                        id=f"answer-{answer.name}",
                        variant=answer.variant,  # type: ignore[arg-type]
                        disabled=not answer.enabled,
                    )

    def on_mount(self) -> None:
        enabled = [a for a in self.answers if a.enabled]
        if enabled:
            self.query_one(f"#answer-{enabled[0].name}", Button).focus()

    def on_key(self, event: Key) -> None:
        for answer in self.answers:
            if answer.enabled and event.key == answer.key:
                event.stop()
                self.dismiss(answer.name)
                return

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("answer-"))

    def action_answer_safely(self) -> None:
        self.dismiss(self.safe_answer)


class QuitQuestion(Question):
    """Quitting with unsaved edits: save, discard or stay."""

    before = "quitting"
    save_label = "Save and quit"
    discard_label = "Quit without saving"

    def __init__(self, file_name: str, *, can_save: bool = True) -> None:
        super().__init__(
            "Unsaved changes",
            f"{file_name} has edits that are not saved.\n"
            + (f"Save them before {self.before}?" if can_save else "It is open read-only here."),
            [
                Answer("save", self.save_label, "s", "primary", enabled=can_save),
                Answer("discard", self.discard_label, "d", "error"),
                Answer("cancel", "Cancel", "c"),
            ],
        )


class ScenesQuestion(QuitQuestion):
    """Going back to the scene list with unsaved edits: save, discard or stay."""

    before = "going back to the scene list"
    save_label = "Save and go back"
    discard_label = "Go back without saving"


class ConflictQuestion(Question):
    """The file changed on disk since it was opened."""

    def __init__(self, file_name: str) -> None:
        super().__init__(
            "The file changed on disk",
            f"{file_name} was changed by someone or something else since you opened it.\n"
            "Nothing was written. Reload it (your edits are dropped), or overwrite it "
            "with your version?",
            [
                Answer("reload", "Reload from disk", "r"),
                Answer("overwrite", "Overwrite", "o", "error"),
                Answer("cancel", "Cancel", "c", "primary"),
            ],
        )


class RestoreQuestion(Question):
    """Unsaved edits were kept from an editor that did not close cleanly."""

    safe_answer = "later"

    def __init__(self, file_name: str, saved_at: str, beats: int) -> None:
        super().__init__(
            "Unsaved edits found",
            f"Edits to {file_name} from {saved_at} were never saved "
            f"({beats} beats in that version).\nRestore them?",
            [
                Answer("restore", "Restore", "r", "primary"),
                Answer("discard", "Discard them", "d", "error"),
                Answer("later", "Not now", "n"),
            ],
        )


class LockedQuestion(Question):
    """Another choreo is editing the same scene."""

    safe_answer = "read-only"

    def __init__(self, file_name: str, who: str) -> None:
        super().__init__(
            f"{file_name} is open elsewhere",
            f"{who[:1].upper()}{who[1:]}.\nOpen it read-only here (saving is off), or quit?",
            [
                Answer("read-only", "Open read-only", "r", "primary"),
                Answer("quit", "Quit", "q", "error"),
            ],
        )
