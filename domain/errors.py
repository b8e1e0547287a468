"""The one error hierarchy of Sổ tay.

Every error a person may see is a :class:`SotayError`.  It carries a message key and its
parameters, and renders itself in Vietnamese or English with :meth:`SotayError.message`.
Code that catches errors to show them (the CLI, the TUI, the server's error handler) catches
``SotayError`` and nothing wider, except at the very top where anything else becomes
``error.internal`` — never a traceback.

::

    SotayError
    ├── ValidationError          bad input; .problems lists (field, key, params)
    ├── NotFound                 no such record / profile
    ├── Conflict                 the operation is not possible in the current state
    ├── StoreError               the replica on disk
    │   ├── StoreLocked          a second copy of the app on the same data
    │   ├── StoreCorrupt         a damaged snapshot or journal (kept, not overwritten)
    │   ├── DiskFull             ENOSPC while saving
    │   ├── StoreReadOnly        the data folder cannot be written (or was opened to read)
    │   ├── StoreUnreadable      a data file cannot be read (permission, I/O): not damage
    │   ├── StoreNewerFormat     a file written by a newer Sổ tay: upgrade, never recover
    │   └── StoreWriteFailed     any other OS error while saving
    └── SyncError                talking to the central service (defined in sync.errors)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from domain.i18n import Lang, known, resolve_lang, t
from domain.schema import SPECS


class SotayError(Exception):
    """Base of every error meant for a person.

    ``str(err)`` is the message in the default language.
    """

    key: str = "error.generic"
    exit_code: int = 1

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        if key is not None:
            self.key = key
        self.params: dict[str, Any] = params
        super().__init__(self.key)

    def message(self, lang: Lang | None = None) -> str:
        return t(self.key, lang or resolve_lang(), **self.params)

    def __str__(self) -> str:
        return self.message()

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": self.key,
            "message": self.message("vi"),
            "message_en": self.message("en"),
        }


def _field_name(name: str, lang: Lang) -> str:
    """A field's label, with its key when a person types it (``due=``): "Hạn (due)"; the
    key alone when it has no label."""
    key = f"field.{name}"
    if not known(key):
        return name
    typed = any(name in spec.fields for spec in SPECS.values())
    return f"{t(key, lang)} ({name})" if typed else t(key, lang)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of some input."""

    field: str
    key: str
    params: dict[str, Any] = dc_field(default_factory=dict)

    def message(self, lang: Lang = "vi") -> str:
        return t(self.key, lang, **self.params)


class ValidationError(SotayError):
    """Input a person typed or imported is not valid.  Nothing was saved."""

    key = "validation.summary"
    exit_code = 2

    def __init__(self, problems: Sequence[Problem], kind: str | None = None) -> None:
        super().__init__()
        self.problems = list(problems)
        self.kind = kind

    @classmethod
    def single(cls, field_name: str, key: str, **params: Any) -> ValidationError:
        return cls([Problem(field_name, key, params)])

    def message(self, lang: Lang | None = None) -> str:
        lang = lang or resolve_lang()
        lines = []
        for p in self.problems:
            text = p.message(lang)
            if p.field and p.field != "__root__":
                lines.append(f"{_field_name(p.field, lang)}: {text}")
            else:
                lines.append(text)
        if len(lines) == 1:
            return lines[0]
        return t(self.key, lang) + "\n" + "\n".join(f"  - {line}" for line in lines)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["problems"] = [
            {"field": p.field, "message": p.message("vi"), "message_en": p.message("en")}
            for p in self.problems
        ]
        return out


class NotFound(SotayError):
    key = "store.not_found"
    exit_code = 3


class Conflict(SotayError):
    key = "error.generic"
    exit_code = 4


class StoreError(SotayError):
    key = "store.write_failed"
    exit_code = 5


class StoreLocked(StoreError):
    key = "store.locked"
    exit_code = 6


class StoreCorrupt(StoreError):
    key = "store.corrupt"
    exit_code = 7


class DiskFull(StoreError):
    key = "store.disk_full"
    exit_code = 8


class StoreWriteFailed(StoreError):
    key = "store.write_failed"


class StoreReadOnly(StoreError):
    """The data folder cannot be written (read-only medium, no permission), or the store was
    opened for reading only.  Nothing was changed; reading still works."""

    key = "store.read_only"
    exit_code = 9


class StoreUnreadable(StoreError):
    """A data file exists but cannot be read (permission denied, I/O error).  It is not
    damaged, and nothing may "recover" it: the person fixes the permission."""

    key = "store.unreadable"

    def __init__(self, key: str | None = None, /, *, missing: bool = False, **params: Any) -> None:
        super().__init__(key, **params)
        #: The file vanished between listing and reading (a checkpoint replaced it).
        self.missing = missing


class StoreNewerFormat(StoreError):
    """A file written by a newer version of Sổ tay: this version must not read or repair it."""

    key = "store.newer_format"
