"""The command palette (Ctrl+P): the app's own commands, and "open plan …" for every plan.

Matching is accent-insensitive: "ke hoach 1772" finds "Mở kế hoạch: … 1772/KH-BCĐ".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from domain.i18n import t
from domain.text import fold, safe_display
from sync.record import Record
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
        out += output_commands(app, self.screen)
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


# ---------------------------------------------------------------------------
# Output commands: every document the app produces, reached from anywhere
# ---------------------------------------------------------------------------
def output_commands(app: SotayApp, screen: Screen[Any]) -> list[Command]:
    """The report (preview, export), the notice of the meeting on ``screen`` (the screen
    the palette was opened on) and the ranking; the roll-up is the app's own command."""
    lang = app.ui_lang
    meeting = meeting_at_hand(app, screen)
    if meeting is not None:
        title = safe_display(meeting.title)
        notice = (t("ui.cmd.notice", lang, title=title), partial(open_notice, app, meeting.id), "n")
    else:
        notice = (t("ui.cmd.notice_any", lang), partial(choose_meeting, app), "")
    return [
        (t("ui.cmd.report", lang), partial(in_reports, app, "action_preview"), "Ctrl+R"),
        (t("ui.cmd.report_export", lang), partial(in_reports, app, "action_export"), "Ctrl+O"),
        notice,
        (t("ui.cmd.ranking", lang), partial(open_ranking, app), ""),
    ]


def open_ranking(app: SotayApp) -> None:
    from tui.screens.notice import RankingScreen

    app.push_screen(RankingScreen())


def meeting_at_hand(app: SotayApp, screen: Screen[Any]) -> Record | None:
    """The meeting on ``screen``: the one shown, or the meetings list's selected row."""
    from tui.screens.meetings import MeetingsScreen, MeetingView

    if isinstance(screen, MeetingView):
        return app.store.get(screen.meeting_id)
    if isinstance(screen, MeetingsScreen) and screen.table.current is not None:
        return app.store.get(screen.table.current.id)
    return None


def open_notice(app: SotayApp, meeting_id: str) -> None:
    from tui.screens.meetings import open_notice as push

    push(app, meeting_id)


def choose_meeting(app: SotayApp) -> None:
    app.goto_section("meetings")
    app.notify(t("ui.notice.pick_meeting", app.ui_lang), markup=False)


def in_reports(app: SotayApp, action: str) -> None:
    """Go to the reports section and run one of its own actions there (the same as its
    keys and buttons do)."""
    from tui.screens.reports import ReportsScreen

    app.goto_section("reports")

    def run() -> None:
        screen = app.screen
        if isinstance(screen, ReportsScreen):
            getattr(screen, action)()

    app.call_after_refresh(run)
