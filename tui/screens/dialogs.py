"""Small modal dialogs: confirm (y/n), prompt for one value, choose one of a few."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from domain.errors import SotayError, ValidationError
from domain.i18n import Lang, t
from tui.app import SotayApp


class _Modal(ModalScreen[Any]):
    app = getters.app(SotayApp)

    @property
    def lang(self) -> Lang:
        return self.app.ui_lang


class ConfirmScreen(_Modal):
    """A yes / no question; ``y``/``c`` (có) or Enter say yes, ``n``/``k`` or Esc say no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,c,enter", "answer(True)", "ui.key.yes"),
        Binding("n,k,escape", "answer(False)", "ui.key.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.question), classes="dialog-question")
            yes, no = t("ui.key.yes", self.lang), t("ui.key.no", self.lang)
            yield Static(
                Text.assemble(
                    (" Enter / C / Y ", "reverse"),
                    f" {yes}    ",
                    (" Esc / K / N ", "reverse"),
                    f" {no}",
                ),
                classes="dialog-keys",
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PromptScreen(_Modal):
    """One value typed and checked by ``check`` (which raises SotayError to refuse it)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "ui.key.cancel")]

    def __init__(self, question: str, value: str, check: Callable[[str], Any]) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.question), classes="dialog-question")
            yield Input(self.value, compact=True, id="prompt-input")
            yield Static("", id="prompt-error", classes="field-error")

    @on(Input.Submitted, "#prompt-input")
    def _submit(self, event: Input.Submitted) -> None:
        try:
            result = self.check(event.value)
        except SotayError as exc:
            error = self.query_one("#prompt-error", Static)
            error.update(Text(field_message(exc, self.app.ui_lang)))
            error.display = True
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseScreen(_Modal):
    """Pick one of a few options with ↓↑ and Enter (or the option's first letter)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "ui.key.cancel")]

    def __init__(
        self, title: str, options: Sequence[tuple[str, str]], current: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="dialog-question")
            yield OptionList(
                *[Option(shown, id=code) for code, shown in self.options], id="choose-list"
            )

    def on_mount(self) -> None:
        options = self.query_one("#choose-list", OptionList)
        codes = [code for code, _ in self.options]
        if self.current in codes:
            options.highlighted = codes.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected, "#choose-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_key(self, event: Any) -> None:
        char = getattr(event, "character", None)
        if not char or not char.isalpha():
            return
        from domain.text import fold

        for index, (_code, shown) in enumerate(self.options):
            if fold(shown).startswith(fold(char)):
                self.query_one("#choose-list", OptionList).highlighted = index
                event.stop()
                return

    def action_cancel(self) -> None:
        self.dismiss(None)


def close_editor(editor: Screen[Any], dirty: bool, question: str) -> None:
    """Close an editor with nothing to return; with unsaved changes, ask ``question`` first
    (Esc never throws typing away without a yes)."""
    if not dirty:
        editor.dismiss(None)
        return

    def answered(yes: bool | None) -> None:
        if yes:
            editor.dismiss(None)

    editor.app.push_screen(ConfirmScreen(question), answered)


def field_message(exc: SotayError, lang: Lang) -> str:
    """What was wrong, as a form shows it under a field: the problems' own words, without
    the command line's "label (key):" in front ("Tiến độ (progress): …")."""
    if isinstance(exc, ValidationError):
        return " ".join(problem.message(lang) for problem in exc.problems)
    return exc.message(lang)
