"""Xung đột / Conflicts: the record, the field, both values side by side (a line diff for long
text), who wrote each and when.  ``m`` keeps mine, ``t`` keeps theirs, ``e`` edits a merged
value, ``c`` keeps a copy (a conflict about a record's scope).  Resolving is one ordinary edit
that names the conflict and syncs; the server closes the conflict.  ``r`` reviews the removals
the server asked for that the mass-removal guard holds back."""

from __future__ import annotations

import difflib
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from domain.errors import SotayError
from domain.i18n import Lang, t
from domain.text import safe_display
from sync import conflicts as rules
from sync.apply import accept_removals
from sync.record import Record
from tui.present import conflict_field, conflict_value, local_time
from tui.screens.base import ListRow, SotayScreen, cell
from tui.screens.dialogs import ConfirmScreen
from tui.widgets.table import Column, VirtualTable

COLUMNS = [
    Column("record", "field.record_id", 30, flex=True, sortable=False),
    Column("field", "field.field", 18, sortable=False),
    Column("when", "ui.col.when", 16, sortable=False),
]


def diff_text(mine: str, theirs: str, lang: Lang) -> Text:
    """A line diff of two long texts: ``-`` lines only in mine, ``+`` only in theirs."""
    text = Text(t("ui.conflict.diff", lang) + "\n", "bold")
    for line in difflib.unified_diff(mine.splitlines(), theirs.splitlines(), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        style = "red" if line.startswith("-") else "green" if line.startswith("+") else "dim"
        text.append(safe_display(line) + "\n", style)
    return text


class MergeScreen(ModalScreen[str | None]):
    """Type the merged value (long text in a text area); Ctrl+S keeps it, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "keep", "ui.key.save"),
        Binding("escape", "cancel", "ui.key.cancel"),
    ]

    def __init__(self, title: str, value: str) -> None:
        super().__init__()
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text, "bold"), classes="dialog-question")
            yield TextArea(self.value, soft_wrap=True, id="merge-text")

    def on_mount(self) -> None:
        self.query_one("#merge-text", TextArea).focus()

    def action_keep(self) -> None:
        self.dismiss(self.query_one("#merge-text", TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConflictsScreen(SotayScreen):
    section_key = "ui.nav.conflicts"
    AUTO_FOCUS = "#conflicts"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "keep('mine')", "ui.key.keep_mine"),
        Binding("t", "keep('theirs')", "ui.key.keep_theirs"),
        Binding("c", "keep('copy')", "ui.key.keep_copy"),
        Binding("e", "merge", "ui.key.merge"),
        Binding("h", "history", "ui.key.history"),
        Binding("r", "removals", "ui.key.removals"),
    ]

    def compose_main(self) -> ComposeResult:
        yield Static("", id="held-removals")
        yield VirtualTable(
            COLUMNS,
            cell=cell,
            row_id=lambda r: r.id,
            label=lambda key: t(key, self.lang),
            empty=lambda: t("ui.conflict.none", self.lang),
            id="conflicts",
        )
        with VerticalScroll(id="conflict-detail"):
            yield Static("", id="conflict-header")
            with Horizontal(id="conflict-sides"):
                with Vertical(classes="side", id="side-mine"):
                    yield Static("", classes="side-title")
                    yield Static("", classes="side-who")
                    yield Static("", classes="side-value")
                with Vertical(classes="side", id="side-theirs"):
                    yield Static("", classes="side-title")
                    yield Static("", classes="side-who")
                    yield Static("", classes="side-value")
            yield Static("", id="conflict-diff")

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#conflicts", VirtualTable)

    def on_mount(self) -> None:
        super().on_mount()
        self.table.focus()

    def refresh_data(self) -> None:
        store = self.app.store
        rows = []
        for conflict in self.app.derived.open_conflicts():
            data = conflict.data
            kind = str(data.get("record_kind") or "")
            record = store.get(str(data.get("record_id")))
            title = safe_display(record.title if record else data.get("record_title") or "")
            rows.append(
                ListRow(
                    conflict.id,
                    {
                        "record": f"{t('kind.' + kind, self.lang)}: {title}",
                        "field": conflict_field(kind, str(data.get("field")), store, self.lang),
                        "when": local_time(data.get("current_at"), self.lang, self.app.display_tz),
                    },
                    record=conflict,
                )
            )
        self.table.set_rows(rows)
        self.show_detail(self.table.current)
        held = len(store.held_removals())
        notice = self.query_one("#held-removals", Static)
        notice.display = bool(held)
        notice.update(Text(t("ui.conflict.held", self.lang, count=held), "bold yellow"))

    def relabel(self) -> None:
        self.table.refresh()
        self.show_detail(self.table.current)

    @on(VirtualTable.Highlighted, "#conflicts")
    def _highlighted(self, event: VirtualTable.Highlighted) -> None:
        self.show_detail(event.row)

    def _sides(self, conflict: Record) -> tuple[str, str]:
        """(left side, right side) as "current" / "other": mine on the left when known."""
        mapping = rules.sides(self.app.store, conflict)
        if mapping:
            return mapping["mine"], mapping["theirs"]
        return "current", "other"

    def show_detail(self, row: ListRow | None) -> None:
        detail = self.query_one("#conflict-detail")
        if row is None or row.record is None:
            detail.display = False
            return
        detail.display = True
        conflict = row.record
        store, lang = self.app.store, self.lang
        data = conflict.data
        kind, key = str(data.get("record_kind") or ""), str(data.get("field"))
        record = store.get(str(data.get("record_id")))
        title = safe_display(record.title if record else data.get("record_title") or "")
        self.query_one("#conflict-header", Static).update(
            Text(
                t(
                    "ui.conflict.header",
                    self.lang,
                    kind=t(f"kind.{kind}", lang),
                    title=title,
                    field=conflict_field(kind, key, store, lang),
                ),
                "bold",
            )
        )
        left, right = self._sides(conflict)
        known = bool(rules.sides(store, conflict))
        for pane, side, title_key in (
            ("#side-mine", left, "ui.conflict.mine" if known else "ui.conflict.current"),
            ("#side-theirs", right, "ui.conflict.theirs" if known else "ui.conflict.other"),
        ):
            box = self.query_one(pane)
            box.query_one(".side-title", Static).update(Text(t(title_key, self.lang), "bold"))
            who = t(
                "ui.conflict.by",
                self.lang,
                author=safe_display(data.get(f"{side}_author") or "?"),
                office=safe_display(data.get(f"{side}_office") or "?"),
                when=local_time(data.get(f"{side}_at"), lang, self.app.display_tz),
            )
            box.query_one(".side-who", Static).update(Text(who, "dim"))
            value = conflict_value(store, kind, key, data.get(f"{side}_value"), lang)
            box.query_one(".side-value", Static).update(Text(value))
        mine, theirs = data.get(f"{left}_value"), data.get(f"{right}_value")
        diff = self.query_one("#conflict-diff", Static)
        long = (
            isinstance(mine, str)
            and isinstance(theirs, str)
            and ("\n" in mine or "\n" in theirs or len(mine) + len(theirs) > 160)
        )
        diff.display = long
        if long:
            diff.update(diff_text(str(mine), str(theirs), lang))

    def _current(self) -> Record | None:
        row = self.table.current
        return row.record if isinstance(row, ListRow) else None

    def action_keep(self, which: str) -> None:
        conflict = self._current()
        if conflict is None:
            return
        if which == "copy":
            self._resolve(conflict, "copy")
            return
        left, right = self._sides(conflict)
        side = left if which == "mine" else right
        self._resolve(conflict, side)

    def action_removals(self) -> None:
        store = self.app.store
        held = [r for r in (store.get(rid) for rid in store.held_removals()) if r is not None]
        if not held:
            return
        titles = "\n".join(
            f"· {t('kind.' + r.kind, self.lang)}: {safe_display(r.title)}" for r in held[:12]
        ) + ("\n…" if len(held) > 12 else "")

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            with store.transaction() as tx:
                dropped = accept_removals(tx)
            self.notify(t("ui.conflict.held_done", self.lang, count=dropped), markup=False)
            self.app.derived.invalidate()
            self.refresh_data()

        question = t("ui.conflict.held_question", self.lang, count=len(held), titles=titles)
        self.app.push_screen(ConfirmScreen(question), answered)

    def _resolve(self, conflict: Record, keep: str, value: Any = None) -> None:
        what = t("ui.nav.conflicts", self.lang)
        try:
            self.app.editor.resolve(conflict.id, keep, value, what=what)
        except SotayError as exc:
            self.show_error(exc)
            return
        self.notify(t("ui.conflict.resolved", self.lang), markup=False)

    def action_merge(self) -> None:
        conflict = self._current()
        if conflict is None:
            return
        data = conflict.data
        kind, key = str(data.get("record_kind") or ""), str(data.get("field"))
        if key == "deleted":
            return
        current = data.get("current_value")
        start = (
            current
            if isinstance(current, str)
            else conflict_value(self.app.store, kind, key, current, self.lang)
        )
        title = t(
            "ui.conflict.merged_title",
            self.lang,
            field=conflict_field(kind, key, self.app.store, self.lang),
        )

        def merged(value: str | None) -> None:
            if value is not None:
                self._resolve(conflict, "value", value)

        self.app.push_screen(MergeScreen(title, start), merged)

    def action_history(self) -> None:
        conflict = self._current()
        if conflict is not None:
            self.app.show_history(str(conflict.data.get("record_id")))
