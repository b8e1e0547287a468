"""The frame around every section: title bar, sidebar, status line and key bar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
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
#: The sync progress bar's cells beside the status line's words (app.tcss: #sync-progress).
PROGRESS_WIDTH = 30
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

    #: the width the words were last fitted to (0: not drawn yet)
    _fitted_to = 0

    def relabel(self) -> None:
        if not self.size.width:
            return  # not laid out yet: the first resize draws it, fitted to its width
        self._fitted_to = self.size.width
        app = self.app
        view = app.sync_view
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.display = view.state == "syncing" and view.to_send + view.received > 50
        if bar.display:
            bar.update(total=max(1, view.to_send), progress=view.sent)
        width = self.size.width - (PROGRESS_WIDTH if bar.display else 0)
        self.query_one("#status-text", Static).update(status_text(app, view, width))

    def on_resize(self, _event: Any) -> None:
        if self.size.width != self._fitted_to:
            self.relabel()


def offline_reason(error: SotayError, lang: Lang) -> str:
    """Why the last sync failed, in a few words: the link's reason (refused, no answer…),
    or the kind of failure for an answer the server gave."""
    detail = error.params.get("detail")
    if isinstance(detail, str) and detail.startswith("§sync.reason."):
        return t(detail[1:], lang)
    return t(REASONS.get(error.key, "ui.status.reason_error"), lang)


@dataclass(frozen=True)
class StatusItem:
    """One item of the status line: its full words, a shorter form (or none) and its rank
    (0 is never dropped; the highest rank gives way first)."""

    full: str
    short: str | None
    style: str
    rank: int


#: Ranks of the status line's items, most important first.
RANK_LINK, RANK_PROBLEM, RANK_SKEW, RANK_PENDING, RANK_RETRY, RANK_QUIET, RANK_LAST = range(7)
SEPARATOR = " │ "


def _link_item(view: SyncView, lang: Lang) -> StatusItem:
    if not view.configured:
        return StatusItem(
            t("ui.status.local", lang), t("ui.status.local_short", lang), "dim", RANK_LINK
        )
    key = {
        "online": "ui.status.online",
        "offline": "ui.status.offline",
        "syncing": "ui.status.syncing",
        "cancelled": "ui.status.cancelled",
    }.get(view.state, "ui.status.unknown")
    link = t(key, lang)
    short = t("ui.status.unknown_short", lang) if key == "ui.status.unknown" else None
    if view.state == "offline" and view.error is not None:
        link, short = link + ": " + offline_reason(view.error, lang), link
    style = {"online": "green", "offline": "yellow"}.get(view.state, "")
    return StatusItem(link, short, style, RANK_LINK)


def _sync_items(app: SotayApp, view: SyncView, lang: Lang) -> list[StatusItem]:
    pending = app.store.pending_count()
    items = [
        StatusItem(
            t("ui.status.pending", lang, count=pending),
            t("ui.status.pending_short", lang, count=pending),
            "bold" if pending else "",
            RANK_PENDING if pending else RANK_QUIET,
        )
    ]
    if view.configured:
        when = local_time(app.store.meta("last_sync_at"), lang, app.display_tz)
        items.append(
            StatusItem(
                t("ui.status.last_sync", lang, when=when),
                t("ui.status.last_sync_short", lang, when=when),
                "",
                RANK_LAST,
            )
        )
    if view.state in ("offline", "cancelled") and view.retry_at is not None:
        when = view.retry_at.astimezone(app.display_tz).strftime("%H:%M")
        items.append(
            StatusItem(
                t("ui.status.retry", lang, when=when),
                t("ui.status.retry_short", lang, when=when),
                "dim",
                RANK_RETRY,
            )
        )
    return items


def _problem_items(app: SotayApp, view: SyncView, lang: Lang) -> list[StatusItem]:
    conflicts = len(app.derived.open_conflicts())
    items = [
        StatusItem(
            t("ui.status.conflicts", lang, count=conflicts),
            None,
            "bold red" if conflicts else "",
            RANK_PROBLEM if conflicts else RANK_QUIET,
        )
    ]
    rejected = len(app.store.rejected())
    if rejected:
        items.append(
            StatusItem(t("ui.status.rejected", lang, count=rejected), None, "red", RANK_PROBLEM)
        )
    if view.skew is not None and abs(view.skew) > SKEW_WARNING_SECONDS:
        minutes = round(abs(view.skew) / 60)
        items.append(
            StatusItem(t("ui.status.skew", lang, minutes=minutes), None, "bold yellow", RANK_SKEW)
        )
    return items


def status_items(app: SotayApp, view: SyncView) -> list[StatusItem]:
    """The status line's items in the order they are shown."""
    lang = app.ui_lang
    sync = _sync_items(app, view, lang)
    return [_link_item(view, lang), *sync[:2], *_problem_items(app, view, lang), *sync[2:]]


def _line_width(words: dict[int, str]) -> int:
    return 1 + sum(cell_len(w) for w in words.values()) + cell_len(SEPARATOR) * (len(words) - 1)


def _steps(items: list[StatusItem]) -> list[tuple[int, bool]]:
    """The ways to make the line shorter, in the order they are tried: (item, drop?).
    First every item but the link takes its short form, least important first; then the
    quiet items (last sync, zero counts) go; then the link takes its short form; then the
    rest go, least important first.  The link is never dropped."""
    order = sorted(range(len(items)), key=lambda i: (-items[i].rank, -i))
    rest = [i for i in order if items[i].rank != RANK_LINK]
    links = [i for i in order if items[i].rank == RANK_LINK]
    quiet = [i for i in rest if items[i].rank >= RANK_QUIET]
    loud = [i for i in rest if items[i].rank < RANK_QUIET]
    return (
        [(i, False) for i in rest]
        + [(i, True) for i in quiet]
        + [(i, False) for i in links]
        + [(i, True) for i in loud]
    )


def fit_items(items: list[StatusItem], width: int | None) -> dict[int, str]:
    """The words of each item shown (by index) in ``width`` cells (all in full if ``None``)."""
    words = {index: item.full for index, item in enumerate(items)}
    if width is None:
        return words
    for index, drop in _steps(items):
        if _line_width(words) <= width:
            break
        if drop:
            del words[index]
        else:
            words[index] = items[index].short or words[index]
    return words


def status_text(app: SotayApp, view: SyncView, width: int | None = None) -> Text:
    """The status line for ``width`` cells (all of it in full when ``None``)."""
    items = status_items(app, view)
    text = Text(" ")
    for count, (index, words) in enumerate(sorted(fit_items(items, width).items())):
        if count:
            text.append(SEPARATOR, "dim")
        text.append(words, items[index].style)
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
            key = f" {self.app.get_key_display(binding)} "
            words = f" {t(binding.description, lang)}"
            if shown >= KEYBAR_LIMIT or not self._room(text, key + words):
                break
            seen.add(binding.description)
            text.append(key, "reverse bold")
            text.append(words + "  ")
            shown += 1
        self.update(text)

    def _room(self, text: Text, item: str) -> bool:
        """Whether ``item`` fits whole after ``text`` (a key is shown whole or not at all)."""
        return not self.size.width or text.cell_len + cell_len(item) <= self.size.width

    def on_resize(self, _event: Any) -> None:
        self.relabel()
