"""The app's documents on screen: preview as Markdown, export as .docx and .md.

Thông báo kết luận / Conclusion notice, from the meeting screens (``n`` on the meetings list
or on a meeting, or the command palette): the secretary chooses who signs it (one of the
issuing body's signers; the choice is kept with the notice, as its ``signer_id``) and exports
it into a folder; the toast names the files in full.  A meeting with no conclusion gets the
documents' own refusal, never an empty notice.

Bảng xếp hạng / Ranking (the palette): the office's ranking of a year, as ``sotay ranking``
makes it with the default criteria.

Building and writing run in a worker thread, so a slow disk never freezes the screen.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Markdown, Select, Static

from documents import ranking as rk
from documents.export import write_document
from documents.issuer import Body
from documents.notice import default_signer, issuing_body, notice_document
from documents.ranking import slug
from documents.render_md import to_markdown
from documents.reporting import Document
from domain.errors import SotayError
from domain.i18n import t
from domain.records import check_field
from domain.text import safe_display
from sync.record import Record
from tui.editing import notice_of
from tui.present import said
from tui.screens.base import SotayScreen

FORMATS = ("docx", "md")


@dataclass(frozen=True)
class Built:
    markdown: str
    written: list[Path]


class OutputScreen(SotayScreen):
    """A document of the app: its own choices, a Markdown preview, and export to .docx and
    .md in a folder (Ctrl+O).  Subclasses give the choices, the document and its file name;
    the document is built in a worker thread."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "export", "ui.key.export"),
        Binding("escape", "back", "ui.key.back"),
    ]
    heading_key = ""

    class Done(Message):
        def __init__(self, built: Built) -> None:
            super().__init__()
            self.built = built

    def compose_main(self) -> ComposeResult:
        with Vertical(id="output-form"):
            yield Static("", id="output-heading")
            yield from self.compose_choices()
            with Horizontal(classes="row"):
                yield Label("", id="label-folder")
                yield Input(str(Path.cwd()), id="output-folder")
                yield Button("", id="output-export", variant="primary")
            yield Static("", id="output-status")
        with VerticalScroll(id="output-pane"):
            yield Markdown("", id="output-preview")

    def compose_choices(self) -> ComposeResult:
        yield from ()

    @abstractmethod
    def heading(self) -> str:
        """The screen's heading (what the document is about)."""

    @abstractmethod
    def make_document(self) -> Document:
        """The document, as chosen (runs in the worker thread; raises to refuse)."""

    @abstractmethod
    def stem(self) -> str:
        """The exported files' name, without the extension."""

    def on_mount(self) -> None:
        super().on_mount()
        self.rebuild()

    def relabel(self) -> None:
        self.query_one("#output-heading", Static).update(f"[b]{escape(self.heading())}[/b]")
        self.query_one("#label-folder", Label).update(escape(t("ui.notice.folder", self.lang)))
        self.query_one("#output-export", Button).label = t("ui.notice.export", self.lang)

    def set_status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#output-status", Static)
        status.update(escape(safe_display(text)))
        status.set_class(error, "error")

    def rebuild(self, folder: Path | None = None) -> None:
        self.set_status(t("ui.notice.working", self.lang))
        self.build(folder)

    @on(Button.Pressed, "#output-export")
    def action_export(self) -> None:
        text = self.query_one("#output-folder", Input).value.strip()
        self.rebuild(Path(text or ".").expanduser().resolve())

    @work(thread=True, exit_on_error=False, exclusive=True, group="output")
    def build(self, folder: Path | None) -> None:
        document = self.make_document()
        written = []
        if folder is not None:
            stem = self.stem()
            written = [write_document(document, folder / f"{stem}.{f}", f) for f in FORMATS]
        self.post_message(self.Done(Built(safe_display(to_markdown(document)), written)))

    @on(Done)
    async def _done(self, event: Done) -> None:
        await self.query_one("#output-preview", Markdown).update(event.built.markdown)
        if event.built.written:
            paths = ", ".join(str(p) for p in event.built.written)
            self.set_status(t("ui.notice.exported", self.lang, paths=paths))
            self.notify(t("ui.notice.exported", self.lang, paths=paths), markup=False, timeout=10)
        else:
            self.set_status(t("ui.notice.ready", self.lang))

    def worker_failed(self, error: SotayError) -> None:
        message = said(error, self.lang)
        self.set_status(message, error=True)
        self.notify(message, severity="error", markup=False, timeout=8)
        self.call_later(self.query_one("#output-preview", Markdown).update, "")


class NoticeScreen(OutputScreen):
    """The conclusion notice of one meeting: preview, signer, export."""

    section_key = "ui.nav.meetings"
    AUTO_FOCUS = "#notice-signer"

    def __init__(self, meeting_id: str) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self._signer: str | None = None

    @property
    def meeting(self) -> Record:
        return self.app.store.require(self.meeting_id)

    def compose_choices(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("", id="label-signer")
            yield Select(self.signer_options(), value=self.current_signer(), id="notice-signer")

    def signer_options(self) -> list[tuple[str, str]]:
        """Who may sign for the body issuing the notice (its signers, in their order), with
        the title line each would sign under."""
        out = []
        for signing in self._body().signers:
            lines = " / ".join(signing.title_lines())
            name = safe_display(signing.name)
            out.append((f"{name} — {safe_display(lines)}" if lines else name, signing.person_id))
        return out

    def _body(self) -> Body:
        store = self.app.store
        return issuing_body(store, self.meeting, notice_of(store, self.meeting_id))

    def current_signer(self) -> Any:
        """The notice's signer, else the meeting's chair, when either signs for the body."""
        notice = notice_of(self.app.store, self.meeting_id)
        chosen = default_signer(self._body(), self.meeting, notice)
        known = {value for _, value in self.signer_options()}
        return chosen if chosen in known else Select.NULL

    def heading(self) -> str:
        return t("ui.notice.title", self.lang, title=safe_display(self.meeting.title))

    def relabel(self) -> None:
        super().relabel()
        self.query_one("#label-signer", Label).update(escape(t("ui.notice.signer", self.lang)))
        self.query_one("#notice-signer", Select).prompt = t("ui.notice.signer_default", self.lang)

    def rebuild(self, folder: Path | None = None) -> None:
        value = self.query_one("#notice-signer", Select).value
        self._signer = value if isinstance(value, str) else None
        super().rebuild(folder)

    @on(Select.Changed, "#notice-signer")
    def _signer_changed(self, event: Select.Changed) -> None:
        if self.is_mounted:
            self.rebuild()

    def make_document(self) -> Document:
        self._keep_signer(self._signer)
        document, _timing = notice_document(
            self.app.store, self.meeting_id, self.lang, signer=self._signer
        )
        return document

    def stem(self) -> str:
        return notice_stem(self.meeting)

    def _keep_signer(self, signer: str | None) -> None:
        """The chosen signer becomes the notice's own (an ordinary edit: undo, sync)."""
        store = self.app.store
        notice = notice_of(store, self.meeting_id)
        if signer is None or (notice is not None and notice.data.get("signer_id") == signer):
            return
        if notice is None and signer == self.meeting.flat.get("chair_id"):
            return  # the chair signs anyway: no notice record only for that
        what = t("ui.notice.signer_changed", self.lang, title=safe_display(self.meeting.title))
        if notice is not None:
            self.app.editor.save("conclusion", notice.id, {"signer_id": signer}, what=what)
            return
        title = t("ui.meeting.notice_title", self.lang, title=self.meeting.title)
        fields = {"doc_type": "notice", "meeting_id": self.meeting_id, "title": title}
        self.app.editor.save("conclusion", None, {**fields, "signer_id": signer}, what=what)


class RankingScreen(OutputScreen):
    """The office's emulation ranking of a year (as ``sotay ranking YEAR`` makes it, with
    the default criteria): type the year, Enter previews, Ctrl+O exports."""

    section_key = "ui.nav.reports"
    AUTO_FOCUS = "#ranking-year"

    def compose_choices(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("", id="label-year")
            yield Input(str(self.app.today().year), id="ranking-year")

    def heading(self) -> str:
        return t("ui.cmd.ranking", self.lang)

    def relabel(self) -> None:
        super().relabel()
        self.query_one("#label-year", Label).update(escape(t("ui.ranking.year", self.lang)))

    def year(self) -> int:
        text = self.query_one("#ranking-year", Input).value.strip()
        return int(check_field("ranking", "year", text or None))

    @on(Input.Submitted, "#ranking-year")
    def _year_given(self, event: Input.Submitted) -> None:
        event.stop()
        self.rebuild()

    def make_document(self) -> Document:
        store, lang = self.app.store, self.lang
        year = self.year()
        spec = rk.RankingSpec(year, store.office, criteria=rk.default_criteria(lang), lang=lang)
        title = f"{t('kind.ranking', lang)} {year}"
        return rk.ranking_document(store, rk.compute(store, spec), title)

    def stem(self) -> str:
        return f"bang-xep-hang-{self.year()}"


def notice_stem(meeting: Record) -> str:
    """ "thong-bao-ket-luan-2024-06-03-hop-quy-ii": the date first, so files sort by it."""
    when = str(meeting.flat.get("date") or "")
    return "-".join(x for x in ("thong-bao-ket-luan", when, slug(meeting.title)) if x)
