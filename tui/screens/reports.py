"""Báo cáo / Reports: pick the period kind, the period and the scope, preview the report as
Markdown, type section V (Kiến nghị), set số, ngày, người ký and Nơi nhận, edit any of the five
sections (its generated draft first), save it as a ``report`` record, export .docx / .md /
.csv.  An edited section is kept with the record: regenerating prints it, until "refresh"
gives the section back to the draft.  Building runs in a worker thread (with a progress
bar); the screen never freezes.

``o`` (or the command palette) opens the headquarters roll-up: progress per office."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Markdown, ProgressBar, Select, Static, TextArea

from documents.assemble import ReportOptions, collect_report, issuing_body
from documents.export import formats_for, save_report, write_document
from documents.render_md import to_markdown
from documents.reporting import Document, build_report
from domain.dates import format_date, parse_date
from domain.errors import SotayError
from domain.i18n import t
from domain.periods import KINDS, Period, parse_period
from domain.text import safe_display
from tui.present import said
from tui.screens.base import FormSectionScreen

EXAMPLES = {
    "month": "2022-05",
    "quarter": "2022-Q2",
    "half": "2011-H1",
    "year": "2022",
    "custom": "01/03/2022..30/06/2022",
}
#: Words of the form: widget id → label key, redrawn when the language changes.
WORDS = {
    "#reports-title": "reports.title",
    "#label-kind": "reports.kind",
    "#label-period": "reports.period",
    "#label-scope": "reports.scope",
    "#label-recommendations": "reports.recommendations",
    "#label-path": "reports.path",
    "#label-number": "field.number",
    "#label-date": "reports.date",
    "#label-signer": "field.signer",
    "#label-recipients": "field.recipients",
    "#label-section": "reports.section",
}
BUTTONS = {
    "#preview": "reports.preview",
    "#save": "reports.save",
    "#export": "reports.export",
    "#refresh-section": "reports.refresh_section",
}
SECTIONS = range(1, 6)


@dataclass
class Built:
    document: Document
    markdown: str
    period: Period
    scope: str
    signers: list[str]
    save: bool = False


class ReportsScreen(FormSectionScreen):
    """The Báo cáo section of the app."""

    section_key = "ui.nav.reports"
    AUTO_FOCUS = "#preview"  # not a text field: the number keys still switch sections
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "preview", "ui.key.preview"),
        Binding("ctrl+s", "save", "ui.key.save"),
        Binding("ctrl+o", "export", "ui.key.export"),
        Binding("ctrl+g", "rollup", "ui.key.rollup"),
    ]

    class Done(Message):
        def __init__(self, built: Built) -> None:
            super().__init__()
            self.built = built

    class Progress(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self) -> None:
        super().__init__()
        self.built: Built | None = None
        self.edits: dict[int, str | None] = {}  # typed since the last save; None = refresh
        self.shown = 1  # the section in the editor

    def compose_main(self) -> ComposeResult:
        kinds = [(t(f"period_kind.{k}", self.lang), k) for k in KINDS]
        with VerticalScroll(id="reports-form"):
            yield Static("", id="reports-title")
            with Horizontal(classes="row"):
                yield Label("", id="label-kind")
                yield Select(kinds, value="quarter", allow_blank=False, id="kind")
                yield Label("", id="label-period")
                yield Input(EXAMPLES["quarter"], id="period")
                yield Label("", id="label-scope")
                yield Input(self.app.store.office, id="scope")
            yield Label("", id="label-recommendations")
            yield TextArea(id="recommendations")
            with Horizontal(classes="row"):
                yield Label("", id="label-number")
                yield Input(id="number")
                yield Label("", id="label-date")
                yield Input(id="date")
                yield Label("", id="label-signer")
                yield Select[str]([], prompt=t("ui.select.prompt", self.lang), id="signer")
            yield Label("", id="label-recipients")
            yield TextArea(id="recipients")
            with Horizontal(classes="row"):
                yield Label("", id="label-section")
                sections = [(t(f"field.section_{n}", self.lang), n) for n in SECTIONS]
                yield Select(sections, value=1, allow_blank=False, id="section")
                yield Button("", id="refresh-section")
            yield TextArea(id="section-text", soft_wrap=True)
            with Horizontal(classes="row"):
                yield Label("", id="label-path")
                yield Input("bao-cao.docx", id="path")
        with Horizontal(id="report-actions"):
            yield Button("", id="preview", variant="primary")
            yield Button("", id="save")
            yield Button("", id="export")
            yield ProgressBar(total=3, id="progress", show_eta=False)
        yield Static("", id="status")
        with VerticalScroll(id="preview-pane"):
            yield Markdown("", id="report-preview")

    def relabel(self) -> None:
        for selector, key in WORDS.items():
            shown = escape(t(key, self.lang))
            self.query_one(selector, Static).update(
                f"[b]{shown}[/b]" if key == "reports.title" else shown
            )
        for selector, key in BUTTONS.items():
            self.query_one(selector, Button).label = t(key, self.lang)
        self._relabel_choices("#kind", [(t(f"period_kind.{k}", self.lang), k) for k in KINDS])
        sections = [(t(f"field.section_{n}", self.lang), n) for n in SECTIONS]
        self._relabel_choices("#section", sections)
        self.query_one("#signer", Select).prompt = t("ui.select.prompt", self.lang)

    def _relabel_choices(self, selector: str, options: Sequence[tuple[str, object]]) -> None:
        """A choice box's labels in the current language, its choice kept ("Quý" → "Quarter")."""
        box: Select[object] = self.query_one(selector, Select)
        value = box.value
        with box.prevent(Select.Changed):
            box.set_options(options)
            box.value = value
            box._watch_value(value)  # the same value again: Textual would keep the old label

    # ------------------------------------------------------------------ actions
    def set_status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(escape(safe_display(text)))
        status.set_class(error, "error")

    def _options(self) -> ReportOptions:
        kind = str(self.query_one("#kind", Select).value)
        period = parse_period(self.query_one("#period", Input).value, kind)
        scope = self.query_one("#scope", Input).value.strip() or self.app.store.office
        text = self.query_one("#recommendations", TextArea).text
        typed = self.query_one("#date", Input).value.strip()
        signer = self.query_one("#signer", Select).value
        recipients = self.query_one("#recipients", TextArea).text.split("\n")
        self.stash()
        return ReportOptions(
            scope,
            period,
            self.lang,
            number=self.query_one("#number", Input).value.strip() or None,
            date=parse_date(typed) if typed else None,
            signer=str(signer) if signer != Select.NULL else None,
            recipients=[x.strip() for x in recipients if x.strip()],
            recommendations=text,
            sections=dict(self.edits),
        )

    @on(Button.Pressed, "#preview")
    def action_preview(self) -> None:
        self.start_build(save=False)

    def start_build(self, save: bool) -> None:
        try:
            opts = self._options()
        except SotayError as exc:
            self.set_status(said(exc, self.lang), error=True)
            return
        self.query_one("#progress", ProgressBar).update(progress=0)
        self.set_status(t("reports.working", self.lang))
        self.build(opts, save)

    @work(thread=True, exit_on_error=False, exclusive=True, group="report")
    def build(self, opts: ReportOptions, save: bool = False) -> None:
        data = collect_report(self.app.store, opts)
        signers = [s.name for s in issuing_body(self.app.store, opts).signers]
        self.post_message(self.Progress(1))
        document = build_report(data)
        self.post_message(self.Progress(2))
        markdown = safe_display(to_markdown(document))
        self.post_message(self.Progress(3))
        built = Built(document, markdown, opts.period, opts.scope, signers, save)
        self.post_message(self.Done(built))

    # ------------------------------------------------------------ section editor
    def section_shown(self, n: int) -> str:
        """The text of section ``n`` to edit: typed, else saved, else the generated draft."""
        if self.built is None:
            return self.edits.get(n) or ""
        document = self.built.document
        if n in self.edits:
            return self.edits[n] or document.drafts.get(n, "")
        return document.edited.get(n) or document.drafts.get(n, "")

    def stash(self) -> None:
        """Keep the editor's text as an edit of its section, unless it is the draft as is."""
        text = self.query_one("#section-text", TextArea).text
        if self.built is None and not text.strip():
            return
        draft = self.built.document.drafts.get(self.shown, "") if self.built else ""
        if text.strip() != self.section_shown(self.shown).strip():
            self.edits[self.shown] = None if text.strip() == draft.strip() else text

    @on(Select.Changed, "#section")
    def _section_changed(self, event: Select.Changed) -> None:
        if event.value == Select.NULL or int(str(event.value)) == self.shown:
            return
        self.stash()
        self.shown = int(str(event.value))
        self.query_one("#section-text", TextArea).text = self.section_shown(self.shown)

    @on(Button.Pressed, "#refresh-section")
    def action_refresh_section(self) -> None:
        """Give the section back to the generated draft (saved with the next Ctrl+S)."""
        self.edits[self.shown] = None
        self.query_one("#section-text", TextArea).text = self.section_shown(self.shown)
        self.set_status(t("reports.section_refreshed", self.lang))

    def show_header(self, built: Built) -> None:
        """The defaults as placeholders, the body's signers to choose from."""
        header = built.document.header
        self.query_one("#number", Input).placeholder = header.number
        self.query_one("#date", Input).placeholder = format_date(header.date)
        select = self.query_one("#signer", Select)
        chosen = select.value
        select.set_options([(name, name) for name in built.signers])
        if chosen in built.signers:
            select.value = chosen

    def worker_failed(self, error: SotayError) -> None:
        self.set_status(said(error, self.lang), error=True)

    @on(Progress)
    def _progress(self, event: Progress) -> None:
        self.query_one("#progress", ProgressBar).update(progress=event.step)

    @on(Done)
    async def _done(self, event: Done) -> None:
        self.built = event.built
        self.show_header(event.built)
        self.query_one("#section-text", TextArea).text = self.section_shown(self.shown)
        await self.query_one("#report-preview", Markdown).update(event.built.markdown)
        self.set_status(t("reports.ready", self.lang, period=event.built.period.title(self.lang)))
        if event.built.save:
            self.save_built()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Rebuild with what is typed (in the worker), then save the report record."""
        self.start_build(save=True)

    def save_built(self) -> None:
        if self.built is None:
            return
        text = self.query_one("#recommendations", TextArea).text
        try:
            save_report(
                self.app.store,
                self.built.document,
                self.built.period,
                self.built.scope,
                None,
                text,
            )
        except SotayError as exc:
            self.set_status(said(exc, self.lang), error=True)
            return
        self.edits.clear()  # now with the record
        self.set_status(t("reports.saved", self.lang))

    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        if self.built is None:
            self.set_status(t("reports.need_preview", self.lang), error=True)
            return
        typed = self.query_one("#path", Input).value.strip() or "bao-cao.docx"
        path = Path(typed).expanduser().resolve()  # the message names the folder too
        try:
            written = [
                write_document(self.built.document, path, fmt) for fmt in formats_for(path, None)
            ]
        except SotayError as exc:
            self.set_status(said(exc, self.lang), error=True)
            return
        message = t("reports.exported", self.lang, path=", ".join(map(str, written)))
        self.set_status(message)
        self.notify(message, markup=False)

    def action_rollup(self) -> None:
        self.app.show_rollup()

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        example = EXAMPLES.get(str(event.value))
        field = self.query_one("#period", Input)
        if example and field.value in EXAMPLES.values():
            field.value = example
