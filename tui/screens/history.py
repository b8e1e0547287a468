"""Lịch sử / History of a record: its local edits and, when online, the server's log
(who, when, from which office); a change the server holds is listed once, as the server's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static

from domain.errors import SotayError
from domain.i18n import Lang, t
from domain.schema import logical_name, split_key
from domain.text import safe_display
from sync.store import Store
from tui.present import display_value, local_time
from tui.screens.base import ListRow, SotayScreen, cell
from tui.widgets.table import Column, VirtualTable

COLUMNS = [
    Column("when", "ui.col.when", 16, sortable=False),
    Column("source", "ui.col.source", 12, sortable=False),
    Column("who", "ui.col.who", 18, sortable=False),
    Column("office", "ui.col.office", 14, sortable=False),
    Column("changes", "ui.col.changes", 30, flex=True, sortable=False),
]


def _moment(iso: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(iso)).replace(microsecond=0)
    except ValueError:
        return None


def _synced(entry: dict[str, Any], on_server: set[datetime | None]) -> bool:
    """Whether the server's log already holds this local entry (a change pulled from the
    server, or one of ours it took, at its edit time): each change is listed once."""
    return entry.get("source") == "server" or _moment(entry.get("at")) in on_server


def change_text(store: Store, kind: str, key: str, old: Any, new: Any, lang: Lang) -> str:
    """``Thời hạn: 30/09/2022 → 31/12/2022`` for one flat key of a change."""
    logical, element = logical_name(kind, key), split_key(key)[1]
    if element is not None and logical != key:
        shown = t(f"field.{logical}", lang)
        target = display_value(store, kind, logical, [element], lang) or element[-8:]
        verb = "−" if new is None else "+"
        return f"{shown}: {verb}{target}"
    if key == "deleted":
        return t("field.deleted", lang) + ": " + t("word.yes" if new else "word.no", lang)

    def show(value: Any) -> str:
        text = display_value(store, kind, key, value, lang) if value is not None else "∅"
        return text if len(text) <= 40 else text[:39] + "…"

    return f"{t('field.' + key, lang)}: {show(old)} → {show(new)}"


class HistoryLoaded(Message):
    def __init__(self, entries: list[dict[str, Any]]) -> None:
        super().__init__()
        self.entries = entries


class HistoryScreen(SotayScreen):
    section_key = "ui.key.history"
    AUTO_FOCUS = "#history"

    def __init__(self, record_id: str) -> None:
        super().__init__()
        self.record_id = record_id
        self.server_entries: list[dict[str, Any]] | None = None
        self.server_note = ""

    def compose_main(self) -> ComposeResult:
        yield Static("", id="history-title")
        yield VirtualTable(
            COLUMNS,
            cell=cell,
            row_id=lambda r: r.id,
            label=lambda key: t(key, self.lang),
            empty=self.empty_text,
            id="history",
        )
        yield Static("", id="history-note")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#history", VirtualTable).focus()
        if self.app.sync_client is not None and self.app.sync_view.state != "offline":
            self.server_note = t("ui.history.loading", self.lang)
            self._fetch()
        else:  # known offline: the local history at once, not a wait for the timeout
            self.server_note = t("ui.history.offline", self.lang)
        self._note()

    @work(exclusive=True, group="history", exit_on_error=False)
    async def _fetch(self) -> None:
        client = self.app.sync_client
        if client is None:
            return
        entries = await self.app.client_loop.run(client.history(self.record_id))
        self.post_message(HistoryLoaded(list(entries)))

    def on_history_loaded(self, message: HistoryLoaded) -> None:
        self.server_entries = message.entries
        self.server_note = ""
        self._note()
        self.refresh_data()

    def worker_failed(self, error: SotayError) -> None:
        self.server_note = t("ui.history.offline", self.lang) + " " + error.message(self.lang)
        self._note()

    def _note(self) -> None:
        self.query_one("#history-note", Static).update(Text(self.server_note, "dim"))

    def refresh_data(self) -> None:
        store = self.app.store
        record = store.get(self.record_id)
        kind = record.kind if record is not None else ""
        title = safe_display(record.title) if record is not None else self.record_id
        self.query_one("#history-title", Static).update(
            Text(t("ui.history.title", self.lang, title=title), "bold")
        )
        server = self.server_entries or []
        on_server = {_moment(e.get("edited_at") or e.get("at")) for e in server}
        rows = [
            self._local_row(store, kind, entry)
            for entry in reversed(store.history(self.record_id))
            if not server or not _synced(entry, on_server)
        ]
        rows += [self._server_row(store, kind, entry) for entry in reversed(server)]
        self.query_one("#history", VirtualTable).set_rows(rows)

    def _local_row(self, store: Store, kind: str, entry: dict[str, Any]) -> ListRow:
        changes = entry.get("changes") or {}
        parts = [change_text(store, kind, k, v[0], v[1], self.lang) for k, v in changes.items()]
        if entry.get("created"):
            parts.insert(0, t("ui.history.created", self.lang))
        source = (
            "ui.history.src.server" if entry.get("source") == "server" else "ui.history.src.local"
        )
        return ListRow(
            str(entry.get("id")),
            {
                "when": local_time(entry.get("at"), self.lang, self.app.display_tz),
                "source": t(source, self.lang),
                "who": safe_display(entry.get("author")),
                "office": safe_display(entry.get("office")),
                "changes": "; ".join(parts),
            },
        )

    def _server_row(self, store: Store, kind: str, entry: dict[str, Any]) -> ListRow:
        changes = entry.get("changes") or {}
        parts = [
            change_text(store, kind, k, (v or {}).get("old"), (v or {}).get("new"), self.lang)
            for k, v in changes.items()
        ]
        who = entry.get("author") or entry.get("user")
        return ListRow(
            f"server-{entry.get('seq')}",
            {
                "when": local_time(
                    entry.get("edited_at") or entry.get("at"), self.lang, self.app.display_tz
                ),
                "source": t("ui.history.server", self.lang),
                "who": safe_display(who),
                "office": safe_display(entry.get("office")),
                "changes": "; ".join(parts),
            },
        )
