"""The frame around every section: title bar, sidebar, status line and key bar."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import ProgressBar, Static

from domain.errors import SotayError
from domain.i18n import Lang, t
from domain.text import safe_display
from tui.app import SotayApp, SyncView
from tui.present import local_time

SKEW_WARNING_SECONDS = 300.0
#: Keys the key bar always shows when they are active, in this order (the rest: help).
KEYBAR_LIMIT = 9
#: The status line's few words for a sync that failed on an answer (by the error's key).
REASONS = {
    "sync.unavailable": "ui.status.reason_busy",
    "sync.auth": "ui.status.reason_token",
    "sync.forbidden": "ui.status.reason_token",
    "sync.upgrade": "ui.status.reason_upgrade",
    "sync.server_mismatch": "ui.status.reason_other_server",
    "sync.server_forgot": "ui.status.reason_other_server",
}


class LangAware(Widget):
    """A widget that redraws its words when the interface language changes."""

    app = getters.app(SotayApp)
    #: Textual calls ``on_mount`` of every class in the MRO and the subclasses call
    #: ``super().on_mount()`` too: the watch is set, and the words drawn, once
    _mounted = False

    def on_mount(self) -> None:
        if self._mounted:
            return
        self._mounted = True
        self.watch(self.app, "lang", self._lang_changed, init=False)
        self.relabel()

    def _lang_changed(self, _lang: str) -> None:
        self.relabel()

    def relabel(self) -> None:
        self.refresh()


class TitleBar(LangAware, Static):
    def __init__(self, section_key: str, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.section_key = section_key

    def relabel(self) -> None:
        app = self.app
        name, scope = app.store.meta("name"), app.store.office
        office = f"{safe_display(name)} · {scope}" if name and name != scope else scope
        text = Text.assemble(
            (" Sổ tay ", "bold"),
            f"· {office} · ",
            (t(self.section_key, app.ui_lang), "bold"),
        )
        self.update(text)


class Sidebar(LangAware, Static):
    """The sections and their number keys; the current one highlighted."""

    def relabel(self) -> None:
        app = self.app
        current = app.current_mode
        text = Text()
        for section in app.sections:
            name = t(section.label_key, app.ui_lang)
            style = "reverse bold" if section.name == current else ""
            text.append(f" {section.key} {name} ", style=style)
            text.append("\n")
        self.update(text)

    def on_click(self, event: Any) -> None:
        app = self.app
        index = int(getattr(event, "y", -1))
        if 0 <= index < len(app.sections):
            app.goto_section(app.sections[index].name)


class StatusLine(LangAware, Horizontal):
    """Online / offline, changes not yet synced, last sync, conflicts, clock warning."""

    def compose(self) -> ComposeResult:
        yield Static("", id="status-text")
        yield ProgressBar(total=None, show_eta=False, id="sync-progress")

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "sync_view", self._changed, init=False)
        self.watch(self.app, "revision", self._changed, init=False)

    def _changed(self, _value: object) -> None:
        self.relabel()

    def relabel(self) -> None:
        app = self.app
        view = app.sync_view
        self.query_one("#status-text", Static).update(status_text(app, view))
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.display = view.state == "syncing" and view.to_send + view.received > 50
        if bar.display:
            bar.update(total=max(1, view.to_send), progress=view.sent)


def offline_reason(error: SotayError, lang: Lang) -> str:
    """Why the last sync failed, in a few words: the link's reason (refused, no answer…),
    or the kind of failure for an answer the server gave."""
    detail = error.params.get("detail")
    if isinstance(detail, str) and detail.startswith("§sync.reason."):
        return t(detail[1:], lang)
    return t(REASONS.get(error.key, "ui.status.reason_error"), lang)


def status_text(app: SotayApp, view: SyncView) -> Text:
    lang = app.ui_lang
    if not view.configured:
        link, style = t("ui.status.local", lang), "dim"
    else:
        key = {
            "online": "ui.status.online",
            "offline": "ui.status.offline",
            "syncing": "ui.status.syncing",
            "cancelled": "ui.status.cancelled",
        }.get(view.state, "ui.status.unknown")
        link, style = t(key, lang), {"online": "green", "offline": "yellow"}.get(view.state, "")
        if view.state == "offline" and view.error is not None:
            link += ": " + offline_reason(view.error, lang)
    parts: list[tuple[str, str]] = [
        (link, style),
        (
            t("ui.status.pending", lang, count=app.store.pending_count()),
            "bold" if app.store.pending_count() else "",
        ),
    ]
    if view.configured:
        parts.append(
            (
                t(
                    "ui.status.last_sync",
                    lang,
                    when=local_time(app.store.meta("last_sync_at"), lang, app.display_tz),
                ),
                "",
            )
        )
    conflicts = len(app.derived.open_conflicts())
    parts.append((t("ui.status.conflicts", lang, count=conflicts), "bold red" if conflicts else ""))
    rejected = len(app.store.rejected())
    if rejected:
        parts.append((t("ui.status.rejected", lang, count=rejected), "red"))
    if view.skew is not None and abs(view.skew) > SKEW_WARNING_SECONDS:
        parts.append((t("ui.status.skew", lang, minutes=round(abs(view.skew) / 60)), "bold yellow"))
    if view.state in ("offline", "cancelled") and view.retry_at is not None:
        parts.append(
            (
                t(
                    "ui.status.retry",
                    lang,
                    when=view.retry_at.astimezone(app.display_tz).strftime("%H:%M"),
                ),
                "dim",
            )
        )
    text = Text(" ")
    for index, (chunk, chunk_style) in enumerate(parts):
        if index:
            text.append(" │ ", "dim")
        text.append(chunk, chunk_style)
    return text


class KeyBar(LangAware, Static):
    """The few keys that matter here, from the same bindings the help screen lists."""

    def on_mount(self) -> None:
        super().on_mount()
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, _screen: object) -> None:
        self.relabel()

    def relabel(self) -> None:
        if not self.is_attached:
            return
        lang = self.app.ui_lang
        text = Text(" ")
        shown = 0
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if (
                not binding.show
                or not binding.description.startswith("ui.")
                or binding.description in seen
            ):
                continue
            if shown >= KEYBAR_LIMIT:
                break
            seen.add(binding.description)
            text.append(f" {self.app.get_key_display(binding)} ", "reverse bold")
            text.append(f" {t(binding.description, lang)}  ")
            shown += 1
        self.update(text)
