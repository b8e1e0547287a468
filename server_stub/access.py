"""Who may read and write which records.  Pure functions of scopes; no I/O.

* Headquarters (role ``hq``) reads and writes everything.
* An office reads records in its subtree, plus records of its *ancestors* that are published
  to a scope containing the office (``pub:<scope>``): headquarters and the province publish
  plans, conclusions and directives downwards.
* An office writes a record only when both its current scope and its new scope lie in the
  office's subtree; a published ancestor record is read-only to it.
* A record an office may once have read but no longer can (moved out, unpublished) reaches it
  as a ``remove``; the record's *audience* (every scope it was ever readable through) says
  which offices might hold it.  A spurious remove is harmless: the replica had nothing.

This module is THE rule.  The pull applies it twice more for speed — the change feed indexed
by audience that :meth:`server_stub.db.Reader.scan` reads (:func:`feed_keys` and
:func:`reading_keys`: a coarse filter, it may let through more rows, never fewer) and the
byte test of :meth:`server_stub.service.Service._fill` (exact) — and
``tests/server/test_access_rule.py`` and ``tests/server/test_feed_index.py`` check, as
properties, that they agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from domain.schema import element_of, flat_key
from domain.scopes import within


def can_read(office: str, is_hq: bool, scope: str, published: Iterable[str]) -> bool:
    if is_hq or within(scope, office):
        return True
    if not within(office, scope):  # not an ancestor either: a sibling's or a cousin's record
        return False
    return any(within(office, target) for target in published)


def can_write(office: str, is_hq: bool, scope: str) -> bool:
    return is_hq or within(scope, office)


def may_hold(office: str, audience: Iterable[str]) -> bool:
    """Could an office's replica hold a record with this audience (so needs a ``remove``)?"""
    for entry in audience:
        published = element_of("published_to", entry)
        if published is not None:
            if within(office, published):
                return True
        elif within(entry, office):
            return True
    return False


def _ancestors(scope: str) -> Iterator[str]:
    """``vn/a/x`` → ``vn``, ``vn/a``, ``vn/a/x``: every office ``scope`` lies within."""
    at = scope.find("/")
    while at != -1:
        yield scope[:at]
        at = scope.find("/", at + 1)
    yield scope


def feed_keys(scope: str, published: Iterable[str], audience: Iterable[str]) -> set[str]:
    """The keys under which the change feed files a record: every office that may read it
    (:func:`can_read`) or may hold it (:func:`may_hold`) reads one of them
    (:func:`reading_keys`), or reads every record.  Each scope it lives or lived in files it
    under that scope and every ancestor but the root (their subtrees hold it); each
    publication, under ``pub:<scope>``."""
    keys = {flat_key("published_to", p) for p in published}
    for entry in (scope, *audience):
        if element_of("published_to", entry) is None:
            keys.update(a for a in _ancestors(entry) if "/" in a)
        else:
            keys.add(entry)
    return keys


def reading_keys(office: str) -> list[str] | None:
    """The feed keys an office's pull reads: its own scope (its subtree's records) and the
    publication to each of its ancestors and itself (what is published to it).  ``None`` for
    a root office (``vn``): its subtree is its whole tree, it reads every record, as
    headquarters does (filing every record under the root too would cost each write a row
    that only such an office reads)."""
    if "/" not in office:
        return None
    return [office, *(flat_key("published_to", a) for a in _ancestors(office))]
