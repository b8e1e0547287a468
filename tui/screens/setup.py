"""First run: a short setup (office scope, name, server URL, token) before the profile exists.

Esc skips it: the profile is made with what was typed (or defaults) and works offline until
``sotay login`` gives it a server.  Ctrl+Q leaves without making anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from domain.errors import SotayError
from domain.i18n import Lang, t
from domain.scopes import check_scope
from sync.credentials import check_token
from tui.present import said

FIELDS = (
    ("office", "ui.setup.office"),
    ("name", "ui.setup.name"),
    ("server", "ui.setup.server"),
    ("token", "ui.setup.token"),
)


@dataclass(frozen=True)
class SetupAnswers:
    office: str
    name: str
    server_url: str | None
    token: str | None


def check_answers(
    values: dict[str, str], lang: Lang, *, offline: bool
) -> tuple[SetupAnswers | None, dict[str, str]]:
    """The answers, or the message to show under each field that is wrong.

    Working offline (Esc) skips the server and the token, never the office: a profile
    made on a guessed scope (headquarters' ``vn``) would push its records there later.
    """
    errors: dict[str, str] = {}
    office = values.get("office", "").strip()
    try:
        office = check_scope(office, "office") if office else ""
    except SotayError as exc:
        errors["office"] = said(exc, lang)
    if not office and "office" not in errors:
        errors["office"] = t("ui.setup.need_office", lang)
    name = values.get("name", "").strip() or (office if offline else "")
    if not name:
        errors["name"] = t("validation.required", lang)
    server = values.get("server", "").strip()
    token = values.get("token", "").strip()
    if offline:
        server = token = ""
    elif bool(server) != bool(token):
        errors["server" if not server else "token"] = t("ui.setup.need_both", lang)
    elif server and not server.startswith(("http://", "https://")):
        errors["server"] = t("ui.setup.bad_url", lang)
    elif token:
        try:
            token = check_token(token)
        except SotayError as exc:
            errors["token"] = exc.message(lang)
    if errors:
        return None, errors
    return SetupAnswers(office, name, server or None, token or None), {}


class SetupApp(App[SetupAnswers | None]):
    CSS_PATH = "setup.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "ui.key.save"),
        Binding("escape", "offline", "ui.setup.offline"),
        Binding("ctrl+q", "leave", "ui.key.quit"),
    ]

    def __init__(
        self, lang: Lang, values: dict[str, str] | None = None, errors: dict[str, str] | None = None
    ) -> None:
        """``values`` and ``errors``: what was typed and what the server said of it, when
        the setup comes back after the server refused the token."""
        super().__init__()
        self.ui_lang: Lang = lang
        self.given = values or {}
        self.errors = errors or {}

    def compose(self) -> ComposeResult:
        lang = self.ui_lang
        with Vertical(id="setup"):
            yield Static(Text(t("ui.setup.title", lang), "bold"), id="setup-title")
            yield Static(t("ui.setup.intro", lang), id="setup-intro")
            for key, label_key in FIELDS:
                yield Label(t(label_key, lang))
                yield Input(self.given.get(key, ""), password=key == "token", id=f"setup-{key}")
                error = Static(self.errors.get(key, ""), id=f"setup-{key}-error")
                error.add_class("setup-error")
                error.display = key in self.errors
                yield error
            yield Static(
                Text.assemble(
                    (" Ctrl+S ", "reverse"),
                    " " + t("ui.setup.start", lang) + "   ",
                    (" Esc ", "reverse"),
                    " " + t("ui.setup.offline", lang),
                ),
                id="setup-keys",
            )

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#setup-{key}", Input).value for key, _ in FIELDS}

    def _finish(self, offline: bool) -> None:
        answers, errors = check_answers(self.values(), self.ui_lang, offline=offline)
        for key, _ in FIELDS:
            error = self.query_one(f"#setup-{key}-error", Static)
            error.update(errors.get(key, ""))
            error.display = key in errors
        if answers is not None:
            self.exit(answers)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "setup-token":
            self._finish(offline=False)
        else:
            self.screen.focus_next()

    def action_start(self) -> None:
        self._finish(offline=False)

    def action_offline(self) -> None:
        self._finish(offline=True)

    def action_leave(self) -> None:
        self.exit(None)
