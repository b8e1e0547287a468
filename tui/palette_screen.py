"""Textual's command palette in the person's language: its prompt and its "no matches" line
(Textual writes "No matches found" in English, inline)."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets.option_list import Option

from domain.i18n import Lang, t


class SotayPalette(CommandPalette):
    def __init__(self, lang: Lang) -> None:
        super().__init__(id="--command-palette")
        self.lang: Lang = lang

    def on_mount(self) -> None:
        self.query_one(CommandInput).placeholder = t("ui.palette.placeholder", self.lang)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """As Textual's, the line it adds after half a second in ``lang``."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                nothing = Text(t("ui.palette.nothing", self.lang), style="not bold")
                self.query_one(CommandList).add_option(
                    Option(Align.center(nothing), disabled=True, id=self._NO_MATCHES)
                )
            self._list_visible = bool(search_value)

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
