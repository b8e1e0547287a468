"""Every word a person reads, in Vietnamese and English, through one function: :func:`t`.

Vietnamese is the default.  Each package keeps its own words in ``strings.json`` beside its
modules (``{"key": {"vi": "…", "en": "…"}}``): record kinds and fields in ``domain``, errors
of the replica and of syncing in ``sync``, the documents' words in ``documents``, the
interface in ``tui``, the service's in ``server_stub``; the codes of the schema's label sets
carry their own labels (:data:`domain.schema.LABEL_SETS`, keys ``<set>.<code>``).

Importing a module registers nothing: the entry points (the CLI, the app, the server, the
tests' conftest) call :func:`load_catalogues` for the packages they show (all five load in
about 1 ms).  A test checks that every key the code names exists in both languages, and the
tests load strictly: an unknown key or a missing parameter raises there.  Templates use
``str.format`` fields; nothing here reads the terminal; the caller says which language it
wants (see :func:`resolve_lang`).  An English count says its noun in the singular for one
with the spec ``#one|many`` (``{count:#record|records}`` gives "1 record", "2 records");
Vietnamese nouns have one form.
"""

from __future__ import annotations

import importlib
import json
import os
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from domain.schema import LABEL_SETS

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")


def resolve_lang(value: str | None = None, env: Mapping[str, str] | None = None) -> Lang:
    """Pick the interface language from an explicit setting, else ``SOTAY_LANG``, else ``LANG``.

    Anything English-looking (``en``, ``en_US.UTF-8``) gives English; everything else,
    including ``C.UTF-8`` and unset, gives Vietnamese, the product's first language.
    """
    if value:
        return "en" if value.lower().startswith("en") else "vi"
    env = os.environ if env is None else env
    for name in ("SOTAY_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        raw = env.get(name, "")
        if raw and not raw.upper().startswith(("C.", "POSIX")) and raw.upper() != "C":
            return "en" if raw.lower().startswith("en") else "vi"
    return "vi"


#: key → (Vietnamese, English), filled by :func:`load_catalogues` (a test may add a key).
CATALOGUE: dict[str, tuple[str, str]] = {}
_LOADED: set[str] = set()
_STRICT = False


def load_catalogues(*packages: str, strict: bool = False) -> None:
    """Load the catalogue of ``domain`` (with the labels of the schema's label sets) and of
    each named package; loading again is a no-op.

    ``strict`` (the tests) makes :func:`t` raise on an unknown key or a missing parameter
    instead of showing the key's last part or the bare template.
    """
    global _STRICT
    _STRICT = _STRICT or strict
    if "domain" not in _LOADED:
        labels = {
            f"{p}.{code}": pair for p, codes in LABEL_SETS.items() for code, pair in codes.items()
        }
        _add("domain.schema", labels)
    for package in ("domain", *packages):
        if package in _LOADED:
            continue
        module_file = importlib.import_module(package).__file__
        if module_file is None:
            raise ValueError(f"{package} is not a package with a strings.json")
        raw = json.loads(Path(module_file).with_name("strings.json").read_text("utf-8"))
        _add(package, {key: (pair["vi"], pair["en"]) for key, pair in raw.items()})
        _LOADED.add(package)


def _add(source: str, entries: Mapping[str, tuple[str, str]]) -> None:
    for key, pair in entries.items():
        if key in CATALOGUE:
            raise ValueError(f"the string {key!r} of {source} is already in a catalogue")
        CATALOGUE[key] = pair


def known(key: str) -> bool:
    """Whether ``key`` is in a loaded catalogue (for keys built from data: ``grade.{code}``)."""
    return key in CATALOGUE


def t(key: str, lang: Lang, **params: object) -> str:
    """The string ``key`` in ``lang``, its ``{fields}`` filled from ``params``.

    A parameter written ``"§kind.task"`` is itself a key, shown lower-case in the same
    language; a value that merely starts with ``§`` but names no key (an id or text someone
    typed) is shown as it is.  An unknown key shows its last part (``status.weird`` →
    ``weird``: a code from newer data stays readable); in strict mode it raises ``KeyError``.
    """
    pair = CATALOGUE.get(key)
    if pair is None:
        if _STRICT:
            raise KeyError(f"no string {key!r} in the loaded catalogues")
        return key.split(".", 1)[-1]
    template = pair[0] if lang == "vi" else pair[1]
    if not params:
        return template
    values = {k: _param(v, lang) for k, v in params.items()}
    try:
        if ":#" in template:
            return _COUNTS.format(template, **values)
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        if _STRICT:
            raise
        return template


class _Counts(string.Formatter):
    """``str.format`` and the spec ``#one|many``: the count, a space and its noun."""

    def format_field(self, value: object, format_spec: str) -> str:
        if not format_spec.startswith("#"):
            return str(super().format_field(value, format_spec))
        one, bar, many = format_spec[1:].partition("|")
        if not bar:
            raise ValueError(f"a count's spec is #one|many, not {format_spec!r}")
        return f"{value} {one if value in (1, '1') else many}"


_COUNTS = _Counts()


def _param(value: object, lang: Lang) -> object:
    """A ``§key`` parameter in words; any other value (a typed id, a path) untouched."""
    if isinstance(value, str) and value.startswith("§") and value[1:] in CATALOGUE:
        return _lower_first(t(value[1:], lang))
    return value


def _lower_first(text: str) -> str:
    """ "Dự án CNTT" → "dự án CNTT": a label in the middle of a sentence."""
    return text[:1].lower() + text[1:]
