"""The form of one record (plan, task, target, project, unit, member, notice).

Every field is typed from the keyboard; Tab / Shift+Tab (or Enter) move between fields;
Ctrl+S saves and goes back; Esc goes back, asking first if something was changed.  Invalid
input shows a message under its field and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from domain.errors import SotayError, ValidationError
from domain.i18n import t
from domain.scopes import within
from domain.text import safe_display
from tui.present import said
from tui.screens.base import SotayScreen
from tui.screens.dialogs import close_editor
from tui.widgets.forms import FormInvalid, RecordForm


class RecordFormScreen(SotayScreen):
    #: The first field has the focus as soon as the form shows (keys typed at once land there).
    AUTO_FOCUS = ".field Input, .field TextArea"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "ui.key.save"),
        Binding("escape", "back", "ui.key.back"),
    ]

    def __init__(
        self, kind: str, record_id: str | None, *, defaults: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__()
        self.kind = kind
        self.record_id = record_id
        self.defaults = dict(defaults or {})
        self.section_key = f"kind.{kind}"

    def compose_main(self) -> ComposeResult:
        record = self.app.store.get(self.record_id) if self.record_id else None
        yield Static("", id="form-title")
        yield RecordForm(self.kind, record, defaults=self.defaults, id="form")

    @property
    def dirty(self) -> bool:
        return self.form.dirty

    @property
    def form(self) -> RecordForm:
        return self.query_one("#form", RecordForm)

    def relabel(self) -> None:
        record = self.form.record
        kind = t(f"kind.{self.kind}", self.lang)
        if record is None:
            title = f"{t('ui.new', self.lang)}: {kind}"
        else:
            title = f"{t('ui.editing', self.lang)} {kind}: {safe_display(record.title)}"
            store = self.app.store
            if store.role != "hq" and not within(record.scope, store.office):
                title += "  — " + t("ui.read_only", self.lang)
        self.query_one("#form-title", Static).update(Text(title, "bold"))
        self.form.relabel()

    def action_save(self) -> None:
        form = self.form
        try:
            changes = form.collect()
        except FormInvalid as exc:
            self.notify(
                t("ui.fix_fields", self.lang, count=len(exc.problems)),
                severity="error",
                markup=False,
            )
            return
        kind = t(f"kind.{self.kind}", self.lang)
        try:
            record = self.app.editor.save(self.kind, self.record_id, changes, what=f"{kind}")
        except ValidationError as exc:
            left = form.show_problems(exc.problems, self.lang)
            if left:
                self.show_error(ValidationError(left))
            else:
                self.notify(
                    t("ui.fix_fields", self.lang, count=len(exc.problems)),
                    severity="error",
                    markup=False,
                )
            return
        except SotayError as exc:
            self.notify(
                t("ui.save_failed", self.lang, detail=said(exc, self.lang)),
                severity="error",
                markup=False,
                timeout=8,
            )
            return
        form.mark_saved()
        self.notify(
            t("ui.saved_record", self.lang, kind=kind, title=safe_display(record.title)),
            markup=False,
        )
        self.dismiss(record.id)

    def action_back(self) -> None:
        close_editor(self, self.dirty, t("ui.confirm.discard", self.lang))
