"""Who issues a document: the body of its scope, with its letterhead, its ký hiệu, its place
and the person who signs for it.

A body is a unit record that carries the fields of an issuing body (``parent_name``,
``symbol``, ``place``, ``signers``; see :mod:`domain.schema`).  A document is issued by a
body of *its own* scope — never by another office's: HQ's (``vn``) documents by HQ's body.
When a scope has several bodies (a ministry's Ban Chỉ đạo ứng dụng CNTT, then its Ban Chỉ
đạo Chuyển đổi số), the one in office at the document's date wins: valid by its
``valid_from`` / ``valid_to``, and the one whose plans, meetings or notices are the latest
by that date (else the oldest body).  Data with no signers yet falls back to the scope's
committee units and their head, as the documents did before bodies were data.

The signature block is Vietnamese, built from the signing form and the chức vụ (NĐ
30/2020, Điều 13): "TM. BAN CHỈ ĐẠO" / "TRƯỞNG BAN", "KT. TRƯỞNG BAN" / "PHÓ TRƯỞNG BAN",
"TL. TRƯỞNG BAN" / "CHÁNH VĂN PHÒNG", "Q. TRƯỞNG BAN", or the chức vụ alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from documents.reporting import day
from domain.errors import ValidationError
from domain.i18n import Lang, t
from domain.text import collation_key, fold
from sync.record import Record
from sync.store import Store

#: The word each signing form writes before the name of the one signed for.
FORM_WORDS = {"tm": "TM.", "kt": "KT.", "tl": "TL.", "q": "Q."}
#: Roles whose holders sign for a committee whose signers are not data yet, in this order.
SIGNING_ROLES = ("head", "deputy_head")


@dataclass(frozen=True)
class Signing:
    """One person signing for a body: name, chức vụ, form, for whom."""

    person_id: str
    name: str
    position: str
    form: str = "plain"
    behalf: str = ""

    def title_lines(self) -> list[str]:
        """The lines above the name, upper-case Vietnamese."""
        position = self.position.upper()
        word = FORM_WORDS.get(self.form)
        if word is None:
            return [position] if position else []
        if self.form == "q":
            return [f"{word} {(self.behalf or self.position).upper()}"]
        behalf = self.behalf.upper()
        return [f"{word} {behalf}", position] if behalf else [position]


@dataclass
class Body:
    """The issuing body of a document (``unit`` None: the scope has none)."""

    unit: Record | None
    org_lines: list[str] = field(default_factory=list)
    symbol: str = ""
    place: str = ""
    signers: list[Signing] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.unit.id if self.unit is not None else ""

    @property
    def name(self) -> str:
        return self.unit.title if self.unit is not None else ""

    def number(self, prefix: str) -> str:
        """ "      /TB-BĐH": the number is written in by hand, the symbol is the body's."""
        return f"      /{prefix}-{self.symbol}" if self.symbol else f"      /{prefix}"


# ---------------------------------------------------------------------------
# Which body
# ---------------------------------------------------------------------------


def candidates(store: Store, scope: str) -> list[Record]:
    """The bodies of exactly ``scope``: units with signers, else (data from before bodies
    carried signers) its committee units."""
    units = store.list("unit", where=lambda u: u.scope == scope)
    declared = [u for u in units if u.data.get("signers")]
    return declared or [u for u in units if u.flat.get("unit_kind") == "committee"]


def _valid_on(unit: Record, when: date) -> bool:
    start, end = day(unit.flat.get("valid_from")), day(unit.flat.get("valid_to"))
    return (start is None or start <= when) and (end is None or when <= end)


ACTIVITY = (("meeting", "unit_id", "date"), ("conclusion", "issuer_id", "date"))
PLAN_ACTIVITY = ("plan", "issuer_id", "issued_on")


def activity(store: Store, ids: Iterable[str]) -> dict[str, list[date]]:
    """The dates each body held a meeting, issued a notice or issued a plan."""
    wanted = set(ids)
    out: dict[str, list[date]] = {i: [] for i in wanted}
    for kind, unit_field, date_field in (*ACTIVITY, PLAN_ACTIVITY):
        for record in store.list(kind):
            unit = str(record.flat.get(unit_field) or "")
            when = day(record.flat.get(date_field))
            if unit in wanted and when is not None:
                out[unit].append(when)
    return out


def choose(store: Store, found: list[Record], when: date) -> Record | None:
    """The body in office at ``when``: valid then, the latest active by then, else the oldest."""
    valid = [u for u in found if _valid_on(u, when)] or found
    if len(valid) <= 1:
        return valid[0] if valid else None
    dates = activity(store, (u.id for u in valid))

    def latest(u: Record) -> tuple[date, ...]:
        before = [d for d in dates[u.id] if d <= when]
        return (max(before),) if before else ()

    active = [u for u in valid if latest(u)]
    if active:
        return max(active, key=lambda u: (latest(u), collation_key(u.title)))

    def first(u: Record) -> tuple[bool, date, Any]:
        return (not dates[u.id], min(dates[u.id], default=when), collation_key(u.title))

    return min(valid, key=first)


def body_of(store: Store, scope: str, when: date, prefer: str | None = None) -> Body:
    """The body issuing a document of ``scope`` dated ``when``; ``prefer`` (a notice's issuer,
    a meeting's organiser, a unit the person chose) wins when it is a body of that scope."""
    found = candidates(store, scope)
    preferred = next((u for u in found if u.id == prefer), None) if prefer else None
    unit = preferred or choose(store, found, when)
    return describe(store, unit) if unit is not None else Body(None)


# ---------------------------------------------------------------------------
# What the body prints
# ---------------------------------------------------------------------------


def org_lines(store: Store, unit: Record | None) -> list[str]:
    """The letterhead: the parent body's name (the field, else the parent unit's), then the
    body's own, upper-case."""
    if unit is None:
        return []
    top = str(unit.flat.get("parent_name") or "")
    if not top:
        parent = store.get(str(unit.flat.get("parent_id") or ""))
        top = parent.title if parent is not None else ""
    return [line.upper() for line in (top, unit.title) if line]


def symbol_of(unit: Record | None) -> str:
    """The body's ký hiệu: its ``symbol``, else "BCĐ" for a committee, else its abbreviation."""
    if unit is None:
        return ""
    if unit.flat.get("symbol"):
        return str(unit.flat["symbol"]).replace(" ", "")
    if unit.flat.get("unit_kind") == "committee":
        return "BCĐ"
    return str(unit.flat.get("abbr") or "").replace(" ", "")


def signings(store: Store, unit: Record) -> list[Signing]:
    """Who signs for the body, the default first: its ``signers`` in their order (one who
    signs for someone not named signs TM. for the body, KT. / TL. / Q. for the first signer's
    chức vụ), else (no signers yet) the heads and deputies of the committee, else a head of
    its scope."""
    declared = unit.data.get("signers") or {}
    if declared:
        ordered = sorted(
            enumerate(declared.items()),
            key=lambda item: (item[1][1].get("order") is None, item[1][1].get("order"), item[0]),
        )
        out = []
        for _n, (pid, item) in ordered:
            person = store.get(pid)
            out.append(
                Signing(
                    pid,
                    person.title if person is not None else "",
                    str(item.get("position") or ""),
                    str(item.get("form") or "plain"),
                    str(item.get("behalf") or ""),
                )
            )
        head = out[0].position
        return [
            s
            if s.behalf or s.form == "plain"
            else replace(s, behalf=unit.title if s.form == "tm" else head)
            for s in out
        ]
    return _role_signings(store, unit)


def _role_signings(store: Store, unit: Record) -> list[Signing]:
    people = store.list("person", where=lambda p: p.scope == unit.scope)

    def by_role(pool: list[Record]) -> list[Record]:
        return [p for role in SIGNING_ROLES for p in pool if p.flat.get("committee_role") == role]

    members = by_role([p for p in people if p.flat.get("unit_id") == unit.id])
    return [_by_role(p) for p in members or by_role(people)[:1]]


def _by_role(person: Record) -> Signing:
    role = str(person.flat.get("committee_role"))
    return Signing(person.id, person.title, t(f"committee_role.{role}", "vi"))


def describe(store: Store, unit: Record) -> Body:
    return Body(
        unit,
        org_lines(store, unit),
        symbol_of(unit),
        str(unit.flat.get("place") or ""),
        signings(store, unit),
    )


# ---------------------------------------------------------------------------
# Who signs this document
# ---------------------------------------------------------------------------


def signer(body: Body, chosen: str | None = None, lang: Lang = "vi") -> Signing | None:
    """The person signing: ``chosen`` (a person's ID or name: one of the body's signers),
    else the body's first signer.  A name that is not one of them is refused, with the
    names that are."""
    if not chosen:
        return body.signers[0] if body.signers else None
    wanted = fold(chosen.strip())
    for signing in body.signers:
        if signing.person_id == chosen.strip() or fold(signing.name) == wanted:
            return signing
    raise ValidationError.single(
        "signer",
        "doc.not_a_signer",
        name=chosen,
        body=body.name or t("doc.the_committee", lang),
        signers=", ".join(s.name for s in body.signers) or "—",
    )


def signature(body: Body, chosen: str | None = None, lang: Lang = "vi") -> tuple[list[str], str]:
    """(title lines, name) of the signature block."""
    found = signer(body, chosen, lang)
    return (found.title_lines(), found.name) if found is not None else ([], "")
