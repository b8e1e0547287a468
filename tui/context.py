"""What widgets and screens may ask of the running app, as a protocol (no import cycle)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any, Protocol, cast

from domain.i18n import Lang

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from sync.store import Store
    from tui.derived import Derived
    from tui.editing import Editor


class Services(Protocol):
    store: Store
    derived: Derived
    editor: Editor

    @property
    def ui_lang(self) -> Lang: ...

    @property
    def display_tz(self) -> tzinfo | None: ...

    def today(self) -> date: ...

    def now(self) -> datetime: ...

    def open_record(self, record_id: str) -> None: ...

    def edit_record(
        self,
        kind: str,
        record_id: str | None,
        *,
        defaults: dict[str, Any] | None = None,
        on_saved: Callable[[str], None] | None = None,
    ) -> None: ...


def services(node: DOMNode) -> Services:
    """The app behind ``node``, seen through :class:`Services`."""
    return cast("Services", node.app)
