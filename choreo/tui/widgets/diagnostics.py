"""The checks' findings for the scene as it is now; choosing one shows its beat."""

from __future__ import annotations

from textual import on
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from choreo.checks import Diagnostic
from choreo.tui.messages import DiagnosticChosen
from choreo.tui.widgets.scrolling import SelfSizedScrollView

SHOWN_AT_MOST = 500
MARKS = {"error": ("✖", "bold #e0303a"), "warning": ("▲", "#d7af00"), "info": ("●", "#5f87af")}


def summary(diagnostics: list[Diagnostic]) -> str:
    counts = {severity: 0 for severity in MARKS}
    for diagnostic in diagnostics:
        counts[diagnostic.severity] += 1
    if not diagnostics:
        return "no problems"
    parts = []
    for severity, count in counts.items():
        if count:
            name = {"error": "error", "warning": "warning", "info": "note"}[severity]
            parts.append(f"{count} {name}{'s' if count != 1 else ''}")
    return ", ".join(parts)


class DiagnosticsPanel(OptionList, SelfSizedScrollView):  # first base: what styles it
    """One line per diagnostic: severity, beat, rule code and what is wrong.

    Each diagnostic's line is made once and kept while the diagnostic stays: the list
    measures every line it is given, and a long scene's checks come back after every
    edit with hundreds of lines that are mostly the ones shown before.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.diagnostics: list[Diagnostic] = []
        self.border_title = "checks"
        self._prompts: dict[Diagnostic, Content] = {}

    def show(self, diagnostics: list[Diagnostic]) -> None:
        if diagnostics == self.diagnostics and self.option_count:
            return
        self.diagnostics = diagnostics
        self.border_title = f"checks · {summary(diagnostics)}"
        self.set_class(any(d.severity == "error" for d in diagnostics), "-errors")
        highlighted = self.highlighted
        self.clear_options()
        shown = diagnostics[:SHOWN_AT_MOST]
        prompts = {d: self._prompts.get(d) or _prompt(d) for d in shown}
        self._prompts = prompts
        options = [
            Option(prompts[diagnostic], id=f"diagnostic-{index}")
            for index, diagnostic in enumerate(shown)
        ]
        if len(diagnostics) > SHOWN_AT_MOST:
            more = len(diagnostics) - SHOWN_AT_MOST
            options.append(
                Option(f"… and {more} more (choreo check lists them all)", disabled=True)
            )
        if not diagnostics:
            options.append(Option(Content.styled("✔ no problems found", "#5faf87"), disabled=True))
        self.add_options(options)
        if highlighted is not None and diagnostics:
            self.highlighted = min(highlighted, len(options) - 1)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id.startswith("diagnostic-"):
            diagnostic = self.diagnostics[int(option_id.removeprefix("diagnostic-"))]
            self.post_message(DiagnosticChosen(diagnostic.beat))


def _prompt(diagnostic: Diagnostic) -> Content:
    mark, style = MARKS[diagnostic.severity]
    return Content.assemble(
        (f"{mark} ", style),
        (f"{diagnostic.beat or 'scene':<5} ", "bold"),
        (f"{diagnostic.code:<18} ", "dim"),
        diagnostic.message,
    )
