"""The command palette (Ctrl+P): the app's own commands, and "open plan …" for every plan.

Matching is accent-insensitive: "ke hoach 1772" finds "Mở kế hoạch: … 1772/KH-BCĐ".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from domain.i18n import t
from domain.text import fold, safe_display
from tui.app import SotayApp

Command = tuple[str, Callable[[], object], str]


class SotayCommands(Provider):
    @property
    def sotay(self) -> SotayApp:
        """The app (a provider is not a DOM node, so ``getters.app`` does not apply)."""
        app = self.app
        assert isinstance(app, SotayApp)
        return app

    def commands(self) -> list[Command]:
        app = self.sotay
        lang = app.ui_lang
        out: list[Command] = [
            (t("ui.cmd.new_task", lang), partial(app.edit_record, "task", None), ""),
            (t("ui.cmd.new_meeting", lang), partial(app.edit_record, "meeting", None), ""),
            (t("ui.cmd.new_plan", lang), partial(app.edit_record, "plan", None), ""),
            (t("ui.cmd.sync", lang), app.action_sync, "F5"),
            (t("ui.cmd.lang", lang), app.action_toggle_lang, "F2"),
            (t("ui.cmd.search", lang), app.action_search, "/"),
            (t("ui.cmd.undo", lang), app.action_undo, "u"),
            (t("ui.cmd.redo", lang), app.action_redo, "Ctrl+Y"),
            (t("ui.cmd.help", lang), app.action_help, "F1"),
            (t("ui.cmd.rollup", lang), app.show_rollup, ""),
        ]
        for section in app.sections:
            out.append(
                (
                    t("ui.cmd.goto", lang, name=t(section.label_key, lang)),
                    partial(app.goto_section, section.name),
                    section.key,
                )
            )
        for plan in app.store.list("plan"):
            number = safe_display(plan.flat.get("number"))
            title = safe_display(plan.title)
            shown = f"{number} {title}".strip()
            out.append(
                (t("ui.cmd.goto_plan", lang, title=shown), partial(app.open_record, plan.id), "")
            )
        out.append((t("ui.cmd.quit", lang), app.ask_quit, "Ctrl+Q"))
        return out

    async def discover(self) -> Hits:
        for text, command, keys in self.commands()[:12]:
            yield DiscoveryHit(text, command, help=keys or None)

    async def search(self, query: str) -> Hits:
        words = fold(query).split()
        if not words:
            return
        matcher = self.matcher(fold(query))
        for text, command, keys in self.commands():
            folded = fold(text)
            if all(w in folded for w in words):
                score = max(matcher.match(folded), 0.5)
            else:
                score = matcher.match(folded)
            if score > 0:
                yield Hit(score, text, command, text=text, help=keys or None)
