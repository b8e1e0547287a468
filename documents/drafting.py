"""The drafting unit of a body's documents: the one "Lưu: VT, TTTT." names.

NĐ 30/2020 (Phụ lục I) ends "Nơi nhận" with "Lưu: VT, <đơn vị soạn thảo>.": the archive
(văn thư) and the unit that drafted the document.  For a committee that unit is its cơ quan
thường trực (``standing_unit_id``) when the data names one, else its
secretariat or standing member's unit (Tổ Thư ký, cơ quan thường trực); the data says so
through the people of the body's scope whose committee role is ``secretariat`` or
``standing_member`` and whose term covers the document's date.  With none, the line stays
"Lưu: VT." — nothing is guessed.
"""

from __future__ import annotations

from datetime import date

from documents.issuer import Body
from documents.reporting import archive_line, day
from domain.i18n import Lang
from domain.text import collation_key
from sync.record import Record
from sync.store import Store

#: Committee roles whose unit drafts the body's documents, the first found wins.
DRAFTING_ROLES = ("secretariat", "standing_member")


def _in_term(person: Record, when: date) -> bool:
    start, end = day(person.flat.get("term_from")), day(person.flat.get("term_to"))
    return (start is None or start <= when) and (end is None or when <= end)


def drafting_unit(store: Store, body: Body, when: date) -> str:
    """The abbreviation of the unit drafting ``body``'s documents at ``when``, or "": the
    body's cơ quan thường trực when the data names it, else its secretariat's unit."""
    if body.unit is None:
        return ""
    standing = store.get(str(body.unit.flat.get("standing_unit_id") or ""))
    units: list[Record | None] = [standing]
    units += [
        store.get(str(p.flat.get("unit_id") or "")) for p in _drafters(store, body.unit.scope, when)
    ]
    for unit in units:
        if unit is not None and unit.id != body.id:
            abbr = str(unit.flat.get("symbol") or unit.flat.get("abbr") or "").strip()
            if abbr:
                return abbr
    return ""


def _drafters(store: Store, scope: str, when: date) -> list[Record]:
    """The people of ``scope`` in a drafting role at ``when``, the first role first."""
    people = [
        p
        for p in store.list("person", where=lambda r: r.scope == scope)
        if p.flat.get("committee_role") in DRAFTING_ROLES and _in_term(p, when)
    ]
    people.sort(
        key=lambda p: (DRAFTING_ROLES.index(str(p.flat["committee_role"])), collation_key(p.title))
    )
    return people


def archive_for(store: Store, body: Body, when: date, lang: Lang) -> str:
    """ "Lưu: VT, TTTT." when the body has a drafting unit, else "Lưu: VT." """
    return archive_line(lang, drafting_unit(store, body, when))
