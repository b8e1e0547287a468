"""F1 / ``?``: the keys of the screen you were on, generated from its live bindings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual import getters
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from domain.i18n import Lang, t
from tui.app import Relabels, SotayApp


def key_groups(
    bindings: Mapping[str, ActiveBinding], app: App[Any], lang: Lang
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(keys on this screen, keys everywhere) as (keys, description) pairs."""
    here: dict[str, list[str]] = {}
    everywhere: dict[str, list[str]] = {}
    for active in bindings.values():
        binding = active.binding
        if not binding.description.startswith("ui.") or not active.enabled:
            continue
        target = everywhere if active.node is app else here
        shown = t(binding.description, lang)
        keys = target.setdefault(shown, [])
        display = app.get_key_display(binding)
        if display not in keys:
            keys.append(display)

    def pairs(groups: dict[str, list[str]]) -> list[tuple[str, str]]:
        out = []
        for description, keys in groups.items():
            if len(keys) > 3 and all(k.isdigit() for k in keys):
                order = sorted(keys, key=lambda k: int(k) or 10)  # 0 comes after 9 on a keyboard
                keys = [f"{order[0]}–{order[-1]}"]
            out.append((" / ".join(keys), description))
        return out

    return pairs(here), pairs(everywhere)


class HelpScreen(Relabels, ModalScreen[None]):
    app = getters.app(SotayApp)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark", "close", "ui.key.back"),
    ]

    def __init__(self, bindings: Mapping[str, ActiveBinding]) -> None:
        super().__init__()
        self.bindings = dict(bindings)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help-dialog"):
            yield Static(self._text(), id="help-text")

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _lang: self.relabel(), init=False)

    def relabel(self) -> None:
        self.query_one("#help-text", Static).update(self._text())

    def _text(self) -> Text:
        lang = self.app.ui_lang
        here, everywhere = key_groups(self.bindings, self.app, lang)
        text = Text()
        text.append(t("ui.help.title", lang) + "\n\n", "bold")
        for title, pairs in (("ui.help.here", here), ("ui.help.everywhere", everywhere)):
            if not pairs:
                continue
            text.append(t(title, lang) + "\n", "bold underline")
            for keys, description in pairs:
                text.append(f"  {keys:<22}", "bold")
                text.append(f"{description}\n")
            text.append("\n")
        text.append(t("ui.help.forms", lang) + "\n", "bold underline")
        for line in t("ui.help.forms_text", lang).splitlines():
            text.append(f"  {line}\n")
        text.append("\n" + t("ui.help.close", lang), "dim")
        return text

    def action_close(self) -> None:
        self.dismiss(None)
