"""A read-only view of one stored record, as the CLI, the TUI and the reports see it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.records import from_flat
from domain.schema import SPECS


class Record:
    """Wraps a stored document.  ``flat`` is the store's form, ``data`` the logical one."""

    __slots__ = ("_data", "doc")

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self._data: dict[str, Any] | None = None

    @property
    def id(self) -> str:
        return str(self.doc["id"])

    @property
    def kind(self) -> str:
        return str(self.doc["kind"])

    @property
    def scope(self) -> str:
        return str(self.doc["scope"])

    @property
    def deleted(self) -> bool:
        return bool(self.doc.get("deleted"))

    @property
    def flat(self) -> Mapping[str, Any]:
        fields: Mapping[str, Any] = self.doc["fields"]
        return fields

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = from_flat(self.kind, self.doc["fields"])
        return self._data

    @property
    def pending(self) -> int:
        """Local changes not yet confirmed by the server."""
        return int(self.doc.get("pending", 0))

    @property
    def seq(self) -> int:
        return int(self.doc.get("seq", 0))

    @property
    def updated_at(self) -> str | None:
        return self.doc.get("updated_at")

    @property
    def title(self) -> str:
        spec = SPECS.get(self.kind)
        name = spec.title if spec else "name"
        value = self.doc["fields"].get(name)
        return str(value) if value is not None else ""

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def export(self) -> dict[str, Any]:
        """The stable export form: id, kind, scope, fields (logical), deleted."""
        return {
            "id": self.id,
            "kind": self.kind,
            "scope": self.scope,
            "fields": self.data,
            "deleted": self.deleted,
        }

    def __repr__(self) -> str:
        return f"<Record {self.kind} {self.id} {self.title!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and other.doc == self.doc

    def __hash__(self) -> int:
        return hash(self.id)
